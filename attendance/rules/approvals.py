"""Leave approval chains (A5) as pure decisions: who signs next, approved, rejected.

城东 (请休假制度 第三条, 第六条, 第八条): ≤ 2 days chief representative then hall centre;
3 days the same two; > 3 days also the department's leader; emergency leave reported by
09:30 on the day and completed within 3 workdays after, else absence.
衢江 (002 四(二)2): ≤ 1 day window lead then centre deputy; longer: window lead then centre
head; 1 day or more needs a named substitute (顶岗) before anyone approves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from attendance.rules.model import PUNCH_ADDING_KINDS, WorkdayLookup, WriteOff, WriteOffStatus
from attendance.rules.writeoffs import covered_slots, to_hall_time
from config.attendance import ROLE_LABELS, ApprovalRules, AttendanceProfile, WriteOffKind


@dataclass(frozen=True, slots=True)
class LeaveRequest:
    """A request for a write-off: leave, trip, official business, correction, registration."""

    staff_id: str
    kind: WriteOffKind
    start: datetime
    end: datetime
    days: float
    """Length as written on the request form (请假条), in workdays; halves allowed."""
    substitute: str | None = None
    """Staff id of the substitute (顶岗) named on the request."""
    emergency: bool = False
    """Reported on the day instead of beforehand (第八条)."""
    reported_at: datetime | None = None
    """When an emergency leave was reported to the hall centre."""


@dataclass(frozen=True, slots=True)
class Approval:
    """One signature on a request: approve or reject."""

    role: str
    approver: str
    approve: bool
    at: datetime
    note: str = ""


ChainOutcome = Literal["needs_substitute", "awaiting", "approved", "rejected"]


@dataclass(frozen=True, slots=True)
class ChainState:
    """Where a request stands in its chain."""

    outcome: ChainOutcome
    chain: tuple[str, ...]
    next_role: str | None
    """Who signs next; None once approved or rejected."""
    message: str = ""


class ApprovalError(ValueError):
    """A signature that the chain does not accept (wrong approver, closed, no substitute)."""


def required_chain(rules: ApprovalRules, request: LeaveRequest) -> tuple[str, ...]:
    """The approvers a request needs, in signing order."""
    if request.kind in PUNCH_ADDING_KINDS:
        return tuple(rules.correction_approvers)
    if request.kind in rules.full_chain_kinds:
        return tuple(rules.steps[-1].approvers)
    for step in rules.steps:
        if step.up_to_days is None or request.days <= step.up_to_days:
            return tuple(step.approvers)
    return tuple(rules.steps[-1].approvers)  # unreachable: the last step is unbounded


def leave_length(
    profile: AttendanceProfile,
    calendar: WorkdayLookup,
    start: datetime,
    end: datetime,
    tz: tzinfo,
) -> float:
    """Workdays a leave from ``start`` to ``end`` takes, counted in halves: a workday whose
    every punch deadline it contains is 1, one where it contains some is 0.5. Rest days are
    free. This is the ``days`` a request form would state."""
    first = to_hall_time(start, tz).date()
    last = to_hall_time(end, tz).date()
    probe = WriteOff("", WriteOffKind.PERSONAL, start, end)
    total = 0.0
    for day, slots in covered_slots(profile, [probe], tz, first, last).items():
        if calendar.day_kind(day).workday:
            total += 1.0 if len(slots) == len(profile.slots) else 0.5
    return total


def needs_substitute(rules: ApprovalRules, request: LeaveRequest) -> bool:
    """True while the request lacks the substitute its length requires (衢江 顶岗)."""
    limit = rules.substitute_required_from_days
    return (
        limit is not None
        and request.kind not in PUNCH_ADDING_KINDS
        and request.days >= limit
        and not (request.substitute or "").strip()
    )


def chain_state(
    rules: ApprovalRules, request: LeaveRequest, approvals: Sequence[Approval]
) -> ChainState:
    """The state after ``approvals`` (in signing order): any rejection ends the chain."""
    chain = required_chain(rules, request)
    for index, approval in enumerate(approvals):
        if not approval.approve:
            return ChainState("rejected", chain, None, f"{_label(approval.role)} 不同意 / rejected")
        if index >= len(chain):
            break
    signed = sum(1 for a in approvals if a.approve)
    if signed >= len(chain):
        return ChainState("approved", chain, None, "已批准 / approved")
    next_role = chain[signed]
    if needs_substitute(rules, request):
        return ChainState(
            "needs_substitute",
            chain,
            next_role,
            "请假 1 天及以上须先确定顶岗人员 / name a substitute before approval",
        )
    return ChainState("awaiting", chain, next_role, f"待 {_label(next_role)} 审批 / awaiting")


def record_approval(
    rules: ApprovalRules,
    request: LeaveRequest,
    approvals: Sequence[Approval],
    approval: Approval,
) -> tuple[tuple[Approval, ...], ChainState]:
    """Add one signature; raises ApprovalError when the chain does not expect it (第七条:
    signatures go level by level)."""
    state = chain_state(rules, request, approvals)
    if state.next_role is None:
        raise ApprovalError(f"申请已结束 / request already {state.outcome}")
    if approval.role != state.next_role:
        raise ApprovalError(
            f"应由 {_label(state.next_role)} 审批，而非 {_label(approval.role)} / "
            f"next approver is {state.next_role}, not {approval.role}"
        )
    if approval.approve and state.outcome == "needs_substitute":
        raise ApprovalError(state.message)
    signed = (*approvals, approval)
    return signed, chain_state(rules, request, signed)


def completed_at(
    rules: ApprovalRules, request: LeaveRequest, approvals: Sequence[Approval]
) -> datetime | None:
    """When the last required signature was given; None unless approved."""
    if chain_state(rules, request, approvals).outcome != "approved":
        return None
    return [a for a in approvals if a.approve][len(required_chain(rules, request)) - 1].at


EmergencyOutcome = Literal["valid", "pending", "absence"]


def emergency_outcome(
    rules: ApprovalRules,
    calendar: WorkdayLookup,
    request: LeaveRequest,
    approvals: Sequence[Approval],
    now: datetime,
    tz: tzinfo,
) -> EmergencyOutcome:
    """第八条: reported by 09:30 on the first day and approved within N workdays after the
    leave ends, or the days are absence. ``pending`` while the deadline is still ahead."""
    start = to_hall_time(request.start, tz)
    if request.reported_at is None:
        return "absence"
    reported = to_hall_time(request.reported_at, tz)
    if reported > datetime.combine(start.date(), rules.emergency_report_by):
        return "absence"
    state = chain_state(rules, request, approvals)
    if state.outcome == "rejected":
        return "absence"
    deadline = calendar.add_workdays(
        to_hall_time(request.end, tz).date(), rules.emergency_complete_within_workdays
    )
    done = completed_at(rules, request, approvals)
    if done is not None:
        return "valid" if to_hall_time(done, tz).date() <= deadline else "absence"
    return "pending" if to_hall_time(now, tz).date() <= deadline else "absence"


def writeoff_status(
    rules: ApprovalRules,
    calendar: WorkdayLookup,
    request: LeaveRequest,
    approvals: Sequence[Approval],
    now: datetime,
    tz: tzinfo,
) -> WriteOffStatus:
    """The status the request's write-off has for ``evaluate_month``: only ``approved`` counts;
    an emergency leave that missed its deadlines is ``rejected`` (its days stay absence)."""
    if request.emergency:
        outcome = emergency_outcome(rules, calendar, request, approvals, now, tz)
        if outcome == "absence":
            return "rejected"
        return "approved" if outcome == "valid" else "pending"
    state = chain_state(rules, request, approvals)
    if state.outcome == "approved":
        return "approved"
    return "rejected" if state.outcome == "rejected" else "pending"


def _label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
