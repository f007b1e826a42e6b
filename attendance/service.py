"""Attendance behind the bus and the store (area ``att``): punches, write-offs, calendar,
the monthly report.

Punches go into the append-only, hash-chained punch log (:mod:`attendance.punchlog`);
requests and their signatures into ``writeoffs``; calendar overrides into the calendar
shared with the queue. Nothing is kept in memory that the store does not hold, so a
restarted controller answers exactly as before (STYLE 11).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from attendance import punchlog
from attendance.approvers import Signer, signing_step
from attendance.intake import clock_flags, judge_punch
from attendance.month_view import calendar_list, month_view
from attendance.report import month_report
from attendance.requests import (
    RequestRefused,
    StoredRequest,
    aware,
    check_substitute,
    describe,
    new_request,
)
from attendance.rules import Approval, ApprovalError, chain_state, parse_month, record_approval
from bus.models.attendance import (
    Approve,
    CalendarOverride,
    CalendarQuery,
    ListRequests,
    MonthReportQuery,
    MonthViewQuery,
    Punch,
    Reject,
    WriteoffRequest,
)
from bus.models.base import Command
from bus.models.events import CalendarData, PunchData, WriteoffData
from bus.models.replies import (
    CalendarResult,
    PunchResult,
    WriteoffList,
    WriteoffResult,
    result_of,
)
from config.schema import HallConfig
from store import tables
from store.calendar_store import HallCalendar
from store.events import EventFactory
from store.service import Outcome, Publication
from workdays.calendar import WorkdayCalendar

log = logging.getLogger(__name__)

MANUAL_DEVICE = "manual"
"""The ``device`` of a punch typed in at the manager's console (not a terminal node)."""
HALL_MANAGER = "manager"
"""Who signs a command with no acting user: the hall manager (``bus.remote.MANAGER_USER``)."""


class AttendanceService:
    area = "att"

    def __init__(self, hall: HallConfig, calendar: HallCalendar, events: EventFactory) -> None:
        self.hall = hall
        self.calendar = calendar
        self.events = events
        self.profile = hall.attendance.resolved_profile()

    # Lifecycle ----------------------------------------------------------------------------

    def load(self, conn: Connection, now: dt.datetime) -> None:
        # Evidence first: say at start if the punch log was edited behind our back.
        broken = punchlog.first_break(conn)
        if broken is not None:
            log.error(
                "打卡记录哈希链在 seq %d 处断开 / punch log broken at seq %d: %s "
                "(hall attendance verify-log)",
                broken.seq,
                broken.seq,
                broken.reason,
            )

    def startup(self, now: dt.datetime) -> list[Publication]:
        return []

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        # Emergency-leave deadlines need no tick: a request's status is computed when read.
        return None

    def workdays(self) -> WorkdayCalendar:
        """The shared hall calendar: the hall config's dates under the manager's overrides."""
        return self.calendar.current

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        try:
            if isinstance(cmd, Punch):
                return self._punch(conn, cmd, now)
            if isinstance(cmd, WriteoffRequest):
                return self._request(conn, cmd, now)
            if isinstance(cmd, Approve | Reject):
                return self._sign(conn, cmd, now)
            if isinstance(cmd, ListRequests):
                return self._list(conn, cmd, now)
            if isinstance(cmd, CalendarOverride):
                return self._override(conn, cmd, now)
            if isinstance(cmd, MonthReportQuery):
                return self._report(conn, cmd, now)
            if isinstance(cmd, MonthViewQuery):
                return self._month(conn, cmd, now)
            if isinstance(cmd, CalendarQuery):
                return Outcome(result=calendar_list(conn, self.hall))
        except RequestRefused as refused:
            return Outcome.refused(refused.code, refused.message)
        return Outcome.refused("unknown_command", f"未知命令 / unknown att/{cmd.verb}")

    # Punches ------------------------------------------------------------------------------

    def _check_punch(self, cmd: Punch) -> None:
        if self.hall.staff_member(cmd.staff_id) is None:
            raise RequestRefused(
                "unknown_staff",
                f"未登记的工作人员 {cmd.staff_id}，打卡未记录 / unknown staff "
                f"{cmd.staff_id!r}: punch not recorded",
            )
        node = self.hall.node(cmd.device)
        if cmd.device != MANUAL_DEVICE and (node is None or node.role != "terminal"):
            raise RequestRefused(
                "unknown_device",
                f"{cmd.device} 不是本大厅的考勤终端，打卡未记录 / {cmd.device!r} is not a punch "
                f"terminal of this hall (or '{MANUAL_DEVICE}' for console entry)",
            )

    def _judged(self, staff_id: str, at: dt.datetime) -> dict[str, Any]:
        local = at.astimezone(self.hall.tz).replace(tzinfo=None)
        kind = self.workdays().day_kind(local.date())
        member = self.hall.staff_member(staff_id)
        return {
            "staff_id": staff_id,
            "name": member.name if member else "",
            "local_time": local.strftime("%Y-%m-%d %H:%M:%S"),
            **judge_punch(self.profile, kind, local),
        }

    def _punch(self, conn: Connection, cmd: Punch, now: dt.datetime) -> Outcome:
        punch_id = cmd.punch_id or cmd.id
        p = tables.punches.c
        existing = conn.execute(
            sa.select(p.seq, p.staff_id, p.time, p.flags, p.skew_seconds).where(
                p.punch_id == punch_id
            )
        ).first()
        if existing is not None:
            seq, staff_id, at, flags, skew_seconds = existing
            if staff_id != cmd.staff_id:
                return Outcome.refused(
                    "id_conflict",
                    f"打卡编号 {punch_id} 已用于他人 / punch id already used for another person",
                )
            # A resend under a new command id: still one punch; answer as the first time.
            return Outcome(
                result=PunchResult.model_validate(
                    {
                        "punch_id": punch_id,
                        "seq": seq,
                        "duplicate": True,
                        "flags": list(flags),
                        "skew_seconds": skew_seconds,
                        **self._judged(staff_id, punchlog.utc(at)),
                    }
                )
            )
        self._check_punch(cmd)
        at = aware(cmd.time, self.hall)
        flags, skew = clock_flags(at, now, cmd.clock_synced)
        appended = punchlog.append(
            conn,
            {
                "punch_id": punch_id,
                "staff_id": cmd.staff_id,
                "time": at,
                "source": cmd.source,
                "device": cmd.device,
                "clock_synced": cmd.clock_synced,
                "flags": flags,
                "received_at": now,
                "monotonic": cmd.monotonic,
                "boot_id": cmd.boot_id,
                "skew_seconds": skew,
            },
        )
        judged = self._judged(cmd.staff_id, at)
        result = {
            "punch_id": punch_id,
            "seq": appended.seq,
            "duplicate": False,
            "flags": flags,
            "skew_seconds": skew,
            **judged,
        }
        event = PunchData(
            staff_id=cmd.staff_id,
            seq=appended.seq,
            device=cmd.device,
            slot=judged["slot"],
            status=judged["status"],
            minutes=judged["minutes"],
            flags=tuple(flags),
        )
        audited = {
            "event": "punch.accepted",
            **event.model_dump(mode="json"),
            "hash": appended.hash,
        }
        return Outcome(
            result=result_of(cmd.area, cmd.verb, result),
            events=[audited],
            publications=[self.events.publication("punch.accepted", event, now)],
        )

    # Write-off requests -------------------------------------------------------------------

    def _load_request(self, conn: Connection, request_id: str) -> StoredRequest:
        row = conn.execute(
            sa.select(tables.writeoffs.c.data).where(tables.writeoffs.c.request_id == request_id)
        ).first()
        if row is None:
            raise RequestRefused(
                "unknown_request", f"没有申请 {request_id} / no such request {request_id!r}"
            )
        return StoredRequest.from_data(row[0])

    def _event(
        self, kind: str, stored: StoredRequest, info: WriteoffResult, now: dt.datetime
    ) -> tuple[list[dict[str, Any]], list[Publication]]:
        # Leave kinds and reasons are personal: events carry only ids and where it stands.
        data = WriteoffData(
            request_id=stored.request_id,
            staff_id=stored.request.staff_id,
            status=info.status,
            next_role=info.next_role,
        )
        audited = {"event": kind, **data.model_dump(mode="json")}
        return [audited], [self.events.publication(kind, data, now)]

    def _request(self, conn: Connection, cmd: WriteoffRequest, now: dt.datetime) -> Outcome:
        count = conn.execute(sa.select(sa.func.count()).select_from(tables.writeoffs)).scalar()
        request_id = f"R{(count or 0) + 1:05d}"
        fields = cmd.model_dump()
        stored = new_request(self.hall, self.profile, self.workdays(), fields, request_id, now)
        info = describe(self.profile, self.workdays(), stored, now, self.hall.tz)
        conn.execute(
            tables.writeoffs.insert().values(
                request_id=request_id,
                staff_id=stored.request.staff_id,
                status=info.status,
                data=stored.to_data(),
                created_at=now,
                updated_at=now,
            )
        )
        events, pubs = self._event("writeoff.requested", stored, info, now)
        return Outcome(result=info, events=events, publications=pubs)

    def _signer(self, conn: Connection, acting_user: str | None) -> Signer:
        """Who signs: the console's signed-in user as the store has them. No acting user is
        the hall manager's own credentials (the ``hall attendance`` command line) or the
        controller's process: the manager."""
        u = tables.users.c
        name = acting_user or HALL_MANAGER
        row = conn.execute(
            sa.select(u.role, u.display_name, u.department).where(u.user_name == name)
        ).first()
        if acting_user is None:
            # The manager's credentials sign as the manager, whatever a user of that name is.
            own = row.display_name if row is not None and row.role == "manager" else None
            return Signer(HALL_MANAGER, "manager", own or "中心管理员")
        if row is None:
            raise RequestRefused(
                "unknown_user", f"没有用户 {acting_user} / no user {acting_user!r}"
            )
        return Signer(name, row.role, row.display_name or name, row.department)

    def _sign(self, conn: Connection, cmd: Approve | Reject, now: dt.datetime) -> Outcome:
        stored = self._load_request(conn, cmd.request_id)
        signer = self._signer(conn, cmd.acting_user)
        member = self.hall.staff_member(stored.request.staff_id)
        waiting = chain_state(self.profile.approvals, stored.request, stored.approvals).next_role
        role = signing_step(
            signer,
            cmd.approver_role,
            waiting,
            stored.request_id,
            member.department if member else None,
        )
        if isinstance(cmd, Approve) and cmd.substitute:
            # The substitute is part of the form: named now, it holds for every later step.
            name = check_substitute(self.hall, stored.request.staff_id, cmd.substitute)
            request = dataclasses.replace(stored.request, substitute=name)
            stored = dataclasses.replace(stored, request=request)
        approval = Approval(
            role=role,
            approver=signer.name,
            approve=isinstance(cmd, Approve),
            at=now,
            note=cmd.note,
        )
        try:
            signed, _state = record_approval(
                self.profile.approvals, stored.request, stored.approvals, approval
            )
        except ApprovalError as exc:
            return Outcome.refused("approval_refused", str(exc))
        stored = dataclasses.replace(stored, approvals=signed)
        info = describe(self.profile, self.workdays(), stored, now, self.hall.tz)
        conn.execute(
            tables.writeoffs.update()
            .where(tables.writeoffs.c.request_id == stored.request_id)
            .values(status=info.status, data=stored.to_data(), updated_at=now)
        )
        kind = {"approved": "writeoff.approved", "rejected": "writeoff.rejected"}.get(
            info.status, "writeoff.signed"
        )
        events, pubs = self._event(kind, stored, info, now)
        return Outcome(result=info, events=events, publications=pubs)

    def _list(self, conn: Connection, cmd: ListRequests, now: dt.datetime) -> Outcome:
        w = tables.writeoffs.c
        query = sa.select(w.data).order_by(w.created_at, w.request_id)
        if cmd.staff_id:
            query = query.where(w.staff_id == cmd.staff_id)
        listed: list[WriteoffResult] = []
        for (data,) in conn.execute(query):
            info = describe(
                self.profile, self.workdays(), StoredRequest.from_data(data), now, self.hall.tz
            )
            if cmd.status is None or info.status == cmd.status:
                listed.append(info)
        return Outcome(result=WriteoffList(requests=tuple(listed)))

    # Calendar and report ------------------------------------------------------------------

    def _override(self, conn: Connection, cmd: CalendarOverride, now: dt.datetime) -> Outcome:
        updated = self.calendar.set_override(conn, cmd.date, cmd.kind, now)
        kind = updated.day_kind(cmd.date)

        def commit() -> None:
            self.calendar.adopt(updated)

        data = CalendarData(date=cmd.date, kind=cmd.kind, workday=kind.workday)
        return Outcome(
            result=CalendarResult(
                date=cmd.date, kind=cmd.kind, workday=kind.workday, source=kind.source
            ),
            events=[{"event": "calendar.override", **data.model_dump(mode="json")}],
            publications=[self.events.publication("calendar.override", data, now)],
            on_commit=commit,
        )

    def _report(self, conn: Connection, cmd: MonthReportQuery, now: dt.datetime) -> Outcome:
        try:
            parse_month(cmd.month)
        except ValueError as exc:
            return Outcome.refused("invalid", str(exc))
        summary = month_report(conn, self.hall, self.workdays(), cmd.month, now)
        return Outcome(result=summary.result(self.hall, days=cmd.days))

    def _month(self, conn: Connection, cmd: MonthViewQuery, now: dt.datetime) -> Outcome:
        try:
            parse_month(cmd.month)
        except ValueError as exc:
            return Outcome.refused("invalid", str(exc))
        view = month_view(
            conn, self.hall, self.workdays(), cmd.month, now, cmd.staff_id, cmd.department
        )
        return Outcome(result=view)
