"""A5 approval chains, emergency leave, and A8 assessment deductions."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendance.rules import (
    Approval,
    ApprovalError,
    LeaveRequest,
    Totals,
    assessment_deductions,
    chain_state,
    emergency_outcome,
    leave_length,
    record_approval,
    required_chain,
    writeoff_status,
)
from config.attendance import WriteOffKind, get_profile
from workdays.calendar import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")
CHENGDONG = get_profile("chengdong").approvals
QUJIANG = get_profile("qujiang").approvals
CAL = WorkdayCalendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def request(days: float, kind: WriteOffKind = WriteOffKind.PERSONAL, **kw: object) -> LeaveRequest:
    start = at("2026-11-02 09:00")
    fields: dict[str, object] = {
        "staff_id": "S1",
        "kind": kind,
        "start": start,
        "end": start + timedelta(days=max(days, 1) - 1, hours=8),
        "days": days,
    }
    fields.update(kw)
    return LeaveRequest(**fields)  # type: ignore[arg-type]


def sign(role: str, approve: bool = True, when: str = "2026-11-01 10:00") -> Approval:
    return Approval(role=role, approver=f"{role}-1", approve=approve, at=at(when))


@pytest.mark.parametrize(
    ("days", "chain"),
    [
        (0.5, ("chief_representative", "hall_centre")),
        (2, ("chief_representative", "hall_centre")),
        (3, ("chief_representative", "hall_centre")),
        (3.5, ("chief_representative", "hall_centre", "department_leader")),
        (5, ("chief_representative", "hall_centre", "department_leader")),
    ],
)
def test_a5_chengdong_chain_by_length(days: float, chain: tuple[str, ...]) -> None:
    """A5 (请休假 第三条): ≤2 and 3 days chief + centre; > 3 days also the department leader."""
    assert required_chain(CHENGDONG, request(days)) == chain


def test_a5_chengdong_statutory_leave_always_goes_to_the_department_leader() -> None:
    """A5 (请休假 第六条): annual leave of 1 day still needs the department's leader."""
    assert required_chain(CHENGDONG, request(1, WriteOffKind.ANNUAL))[-1] == "department_leader"


def test_a5_punch_correction_is_approved_by_the_centre() -> None:
    """A4/A5 (考勤 第八条): a correction is approved by the hall centre alone."""
    assert required_chain(CHENGDONG, request(0, WriteOffKind.PUNCH_CORRECTION)) == ("hall_centre",)


def test_a5_chain_is_signed_level_by_level_until_approved() -> None:
    """A5 (第七条): signatures in order; the request is approved after the last one."""
    req = request(4)
    signed: tuple[Approval, ...] = ()
    assert chain_state(CHENGDONG, req, signed).next_role == "chief_representative"
    with pytest.raises(ApprovalError, match="chief_representative"):
        record_approval(CHENGDONG, req, signed, sign("hall_centre"))
    for role in ("chief_representative", "hall_centre"):
        signed, state = record_approval(CHENGDONG, req, signed, sign(role))
        assert state.outcome == "awaiting"
    assert state.next_role == "department_leader"
    signed, state = record_approval(CHENGDONG, req, signed, sign("department_leader"))
    assert state.outcome == "approved" and state.next_role is None
    with pytest.raises(ApprovalError):
        record_approval(CHENGDONG, req, signed, sign("department_leader"))


def test_a5_a_rejection_ends_the_chain() -> None:
    """A5: any approver who says no rejects the request; the write-off is `rejected`."""
    req = request(1)
    signed, state = record_approval(CHENGDONG, req, (), sign("chief_representative", False))
    assert state.outcome == "rejected"
    assert writeoff_status(CHENGDONG, CAL, req, signed, at("2026-11-05 10:00"), TZ) == "rejected"
    assert writeoff_status(CHENGDONG, CAL, req, (), at("2026-11-05 10:00"), TZ) == "pending"


@pytest.mark.parametrize(
    ("days", "chain"),
    [
        (0.5, ("window_lead", "centre_deputy")),
        (1, ("window_lead", "centre_deputy")),
        (2, ("window_lead", "centre_head")),
        (6, ("window_lead", "centre_head")),
    ],
)
def test_a5_qujiang_chain(days: float, chain: tuple[str, ...]) -> None:
    """A5 qujiang (002 四(二)2): ≤ 1 day window lead then deputy; ≥ 2 days centre head."""
    assert required_chain(QUJIANG, request(days, substitute="S9")) == chain


def test_a5_qujiang_one_day_or_more_needs_a_substitute_before_approval() -> None:
    """A5 qujiang: 1 day or more cannot be approved until a 顶岗 substitute is named."""
    assert chain_state(QUJIANG, request(0.5), ()).outcome == "awaiting"
    without = request(1)
    assert chain_state(QUJIANG, without, ()).outcome == "needs_substitute"
    with pytest.raises(ApprovalError, match="顶岗"):
        record_approval(QUJIANG, without, (), sign("window_lead"))
    _, state = record_approval(QUJIANG, request(1, substitute="S9"), (), sign("window_lead"))
    assert state.outcome == "awaiting" and state.next_role == "centre_deputy"


def emergency(reported: str) -> LeaveRequest:
    start = at("2026-11-05 00:00")  # Thursday
    return LeaveRequest(
        "S1",
        WriteOffKind.SICK,
        start,
        at("2026-11-05 23:59"),
        1,
        emergency=True,
        reported_at=at(reported),
    )


def test_a5_emergency_leave_reported_after_0930_is_absence() -> None:
    """A5 (第八条): reported at 09:31 on the day → absence whatever is signed later."""
    req = emergency("2026-11-05 09:31")
    signed = (
        sign("chief_representative", when="2026-11-06 10:00"),
        sign("hall_centre", when="2026-11-06 11:00"),
    )
    assert emergency_outcome(CHENGDONG, CAL, req, signed, at("2026-11-06 12:00"), TZ) == "absence"
    assert writeoff_status(CHENGDONG, CAL, req, signed, at("2026-11-06 12:00"), TZ) == "rejected"


def test_a5_emergency_leave_completed_within_3_workdays_is_valid() -> None:
    """A5 (第八条): reported 09:30, leave ends Thu 11-05; completing by Tue 11-10 (3 workdays:
    Fri, Mon, Tue) is valid; after that it is absence."""
    req = emergency("2026-11-05 09:30")
    in_time = (
        sign("chief_representative", when="2026-11-09 10:00"),
        sign("hall_centre", when="2026-11-10 16:00"),
    )
    late = (
        sign("chief_representative", when="2026-11-09 10:00"),
        sign("hall_centre", when="2026-11-11 09:00"),
    )
    now = at("2026-11-20 10:00")
    assert emergency_outcome(CHENGDONG, CAL, req, in_time, now, TZ) == "valid"
    assert writeoff_status(CHENGDONG, CAL, req, in_time, now, TZ) == "approved"
    assert emergency_outcome(CHENGDONG, CAL, req, late, now, TZ) == "absence"


def test_a5_emergency_leave_is_pending_until_its_deadline_passes() -> None:
    """A5: unsigned, it is pending through Tue 11-10 and absence from Wed 11-11."""
    req = emergency("2026-11-05 08:10")
    assert emergency_outcome(CHENGDONG, CAL, req, (), at("2026-11-10 23:00"), TZ) == "pending"
    assert emergency_outcome(CHENGDONG, CAL, req, (), at("2026-11-11 08:00"), TZ) == "absence"


def test_a8_deductions_from_monthly_totals() -> None:
    """A8 (考核办法 第二十一条(三)): late/early −2 each, absence −3 a day, proxy −2."""
    totals = Totals(workdays=21, late=2, early=1, absent_days=1, converted_absences=1)
    result = assessment_deductions(totals, get_profile("chengdong").deductions, proxy_punches=1)
    assert (result.late_early, result.absence, result.proxy_punch) == (6, 6, 2)
    assert result.total == 14
    assert not result.returned_to_unit


def test_a8_three_absences_return_the_staff_member_to_the_original_unit() -> None:
    """A8: 3 or more absences → 退回原单位."""
    rules = get_profile("chengdong").deductions
    assert assessment_deductions(Totals(absent_days=3), rules).returned_to_unit
    assert not assessment_deductions(Totals(absent_days=2), rules).returned_to_unit


def test_a5_leave_length_counts_workdays_in_halves() -> None:
    """A5: the length that picks the chain — Fri 09:00 to Mon 12:00 is 1.5 workdays (the
    weekend is free); a whole National Day week is 0 workdays."""
    profile = get_profile("chengdong")
    assert leave_length(profile, CAL, at("2026-11-06 08:00"), at("2026-11-09 12:00"), TZ) == 1.5
    assert leave_length(profile, CAL, at("2025-10-01 00:00"), at("2025-10-08 23:59"), TZ) == 0
    assert leave_length(profile, CAL, at("2026-11-02 00:00"), at("2026-11-06 23:59"), TZ) == 5


def test_a6_calendar_from_settings_then_manager_overrides() -> None:
    """A6: the hall config's override, then the controller's, which wins on the same date."""
    from datetime import date

    from config.attendance import AttendanceSettings

    settings = AttendanceSettings(holidays=(date(2026, 11, 2), date(2026, 11, 3)))
    cal = WorkdayCalendar.from_settings(settings, workdays=[date(2026, 11, 3)])
    assert not cal.is_workday(date(2026, 11, 2))
    assert cal.is_workday(date(2026, 11, 3))
