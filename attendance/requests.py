"""Write-off requests (核销申请, A4/A5) as the controller stores them, and their checks.

A request is one row of ``writeoffs`` whose ``data`` holds the form and its signatures.
Its status for the evaluation is always recomputed with the pure rules
(:func:`attendance.rules.writeoff_status`), because an emergency leave turns into absence
when its deadline passes without anyone touching the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attendance.rules import (
    Approval,
    LeaveRequest,
    WorkdayLookup,
    WriteOff,
    chain_state,
    emergency_outcome,
    leave_length,
    writeoff_status,
)
from attendance.rules.model import COVERING_KINDS, WriteOffStatus
from bus.models.replies import WriteoffResult, WriteoffSignature
from config.attendance import ROLE_LABELS, AttendanceProfile, WriteOffKind
from config.schema import HallConfig


class RequestRefused(ValueError):
    """A request the hall cannot take; ``code`` goes into the bus reply."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """A request with its signatures, as kept in ``writeoffs.data``."""

    request_id: str
    request: LeaveRequest
    staff_ids: tuple[str, ...]
    """Who it writes off: the requester, or everyone a device-failure registration lists."""
    reason: str
    created_at: dt.datetime
    approvals: tuple[Approval, ...] = ()

    def writeoffs(self, status: WriteOffStatus) -> list[WriteOff]:
        """The write-offs it gives the evaluation, one per person it lists."""
        r = self.request
        return [WriteOff(s, r.kind, r.start, r.end, status) for s in self.staff_ids]

    def to_data(self) -> dict[str, Any]:
        """The JSON kept in the store."""
        r = self.request
        return {
            "request_id": self.request_id,
            "staff_id": r.staff_id,
            "staff_ids": list(self.staff_ids),
            "kind": r.kind.value,
            "start": r.start.isoformat(),
            "end": r.end.isoformat(),
            "days": r.days,
            "substitute": r.substitute,
            "emergency": r.emergency,
            "reported_at": r.reported_at.isoformat() if r.reported_at else None,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "approvals": [
                {
                    "role": a.role,
                    "approver": a.approver,
                    "approve": a.approve,
                    "at": a.at.isoformat(),
                    "note": a.note,
                }
                for a in self.approvals
            ],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> StoredRequest:
        """Back from the store."""
        reported = data.get("reported_at")
        request = LeaveRequest(
            staff_id=data["staff_id"],
            kind=WriteOffKind(data["kind"]),
            start=dt.datetime.fromisoformat(data["start"]),
            end=dt.datetime.fromisoformat(data["end"]),
            days=float(data["days"]),
            substitute=data.get("substitute"),
            emergency=bool(data.get("emergency")),
            reported_at=dt.datetime.fromisoformat(reported) if reported else None,
        )
        approvals = tuple(
            Approval(
                role=a["role"],
                approver=a.get("approver", ""),
                approve=bool(a["approve"]),
                at=dt.datetime.fromisoformat(a["at"]),
                note=a.get("note", ""),
            )
            for a in data.get("approvals", ())
        )
        return cls(
            request_id=data["request_id"],
            request=request,
            staff_ids=tuple(data.get("staff_ids") or (data["staff_id"],)),
            reason=data.get("reason", ""),
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            approvals=approvals,
        )


def aware(value: dt.datetime, hall: HallConfig) -> dt.datetime:
    """Times typed without an offset are the hall's local time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=hall.tz)


def _known_staff(hall: HallConfig, staff_id: str) -> None:
    if hall.staff_member(staff_id) is None:
        raise RequestRefused("unknown_staff", f"未知人员 {staff_id} / unknown staff {staff_id!r}")


def check_substitute(hall: HallConfig, staff_id: str, substitute: str | None) -> str | None:
    """A named substitute (顶岗) must be known staff other than the requester."""
    name = (substitute or "").strip() or None
    if name is not None:
        _known_staff(hall, name)
        if name == staff_id:
            raise RequestRefused("invalid", "顶岗人员不能是本人 / the substitute is the requester")
    return name


def new_request(
    hall: HallConfig,
    profile: AttendanceProfile,
    calendar: WorkdayLookup,
    fields: Mapping[str, Any],
    request_id: str,
    now: dt.datetime,
) -> StoredRequest:
    """Check a new request (A4, A5) and give it its length in workdays; raises
    :class:`RequestRefused` with a bilingual reason."""
    tz = hall.tz
    staff_id: str = fields["staff_id"]
    kind = WriteOffKind(fields["kind"])
    start, end = aware(fields["start"], hall), aware(fields["end"], hall)
    _known_staff(hall, staff_id)
    listed: list[str] = [staff_id]
    if kind is WriteOffKind.DEVICE_FAILURE:
        listed += [s for s in fields.get("staff_ids") or () if s not in listed]
    for other in listed:
        _known_staff(hall, other)
    if kind is WriteOffKind.PUNCH_CORRECTION:
        if end != start:
            raise RequestRefused(
                "invalid", "补卡申请的开始与结束须为同一打卡时间 / punch_correction: start = end"
            )
    elif kind is WriteOffKind.DEVICE_FAILURE:
        if end < start:
            raise RequestRefused("invalid", "结束时间早于开始时间 / end is before start")
    elif end <= start:
        raise RequestRefused("invalid", "结束时间须晚于开始时间 / end must be after start")
    substitute = check_substitute(hall, staff_id, fields.get("substitute"))
    emergency = bool(fields.get("emergency"))
    # Reported when the controller received it (the hall clock), never at a typed time:
    # a requester could otherwise date a 10:15 report 09:25 (请休假制度 第八条).
    reported_at = now if emergency else None
    days = 0.0
    if kind in COVERING_KINDS:
        days = leave_length(profile, calendar, start, end, tz)
        if days == 0:
            raise RequestRefused(
                "no_workday", "申请时段不含任何工作日打卡 / the request covers no workday punch"
            )
    request = LeaveRequest(
        staff_id=staff_id,
        kind=kind,
        start=start,
        end=end,
        days=days,
        substitute=substitute,
        emergency=emergency,
        reported_at=reported_at,
    )
    if emergency and emergency_outcome(profile.approvals, calendar, request, (), now, tz) == (
        "absence"
    ):
        by = profile.approvals.emergency_report_by
        raise RequestRefused(
            "emergency_too_late",
            f"紧急请假须在当天 {by:%H:%M} 前报告并在结束后 "
            f"{profile.approvals.emergency_complete_within_workdays} 个工作日内办完，"
            f"逾期按旷工处理 / emergency leave must be reported by {by:%H:%M} on its first "
            "day and completed within the workdays after it; too late, the days are absence",
        )
    return StoredRequest(request_id, request, tuple(listed), fields.get("reason") or "", now)


def check_role(role: str) -> None:
    """A role the chains know (the chain itself decides whether it is this role's turn)."""
    if role not in ROLE_LABELS:
        known = ", ".join(ROLE_LABELS)
        raise RequestRefused(
            "unknown_role", f"未知审批角色 {role} / unknown approver role {role!r} ({known})"
        )


def status_now(
    profile: AttendanceProfile,
    calendar: WorkdayLookup,
    stored: StoredRequest,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> WriteOffStatus:
    """The status the evaluation uses today (only ``approved`` writes anything off)."""
    return writeoff_status(profile.approvals, calendar, stored.request, stored.approvals, now, tz)


def describe(
    profile: AttendanceProfile,
    calendar: WorkdayLookup,
    stored: StoredRequest,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> WriteoffResult:
    """A request for lists and replies: the form, its signatures and where it stands."""
    state = chain_state(profile.approvals, stored.request, stored.approvals)
    r = stored.request
    return WriteoffResult(
        request_id=stored.request_id,
        staff_id=r.staff_id,
        staff_ids=stored.staff_ids,
        kind=r.kind.value,
        start=r.start,
        end=r.end,
        days=r.days,
        substitute=r.substitute,
        emergency=r.emergency,
        reported_at=r.reported_at,
        reason=stored.reason,
        created_at=stored.created_at,
        approvals=tuple(
            WriteoffSignature(
                role=a.role, approver=a.approver, approve=a.approve, at=a.at, note=a.note
            )
            for a in stored.approvals
        ),
        status=status_now(profile, calendar, stored, now, tz),
        chain=tuple(state.chain),
        next_role=state.next_role,
        message=state.message,
    )


def approved_writeoffs(
    profile: AttendanceProfile,
    calendar: WorkdayLookup,
    requests: Iterable[StoredRequest],
    now: dt.datetime,
    tz: dt.tzinfo,
) -> list[WriteOff]:
    """Every request's write-offs with today's status (the rules skip all but approved)."""
    out: list[WriteOff] = []
    for stored in requests:
        out.extend(stored.writeoffs(status_now(profile, calendar, stored, now, tz)))
    return out


def overlapping(
    requests: Sequence[StoredRequest], first: dt.datetime, last: dt.datetime
) -> list[StoredRequest]:
    """Requests whose interval touches ``first``..``last``."""
    return [s for s in requests if s.request.start <= last and s.request.end >= first]
