"""A2, A4, A6 and RULES §4: a month of punches and write-offs, its JSON and its totals."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendance.rules import DayStatus, Flag, MonthReport, Punch, WriteOff, evaluate_month
from config.attendance import (
    AttendanceProfile,
    MonthlyConversion,
    WriteOffKind,
    get_profile,
)
from workdays.calendar import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """A hall-time instant from ``YYYY-MM-DD HH:MM:SS``."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def full_days(
    staff: str, days: list[date], sign_in: str = "08:50:00", sign_out: str = "17:10:00"
) -> list[Punch]:
    """Two punches on each of ``days``."""
    return [
        Punch(staff, datetime.combine(d, time.fromisoformat(t), TZ))
        for d in days
        for t in (sign_in, sign_out)
    ]


def workdays_of(calendar: WorkdayCalendar, year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return calendar.workdays_between(first, last)


def run(
    month: str,
    punches: list[Punch],
    writeoffs: list[WriteOff] | None = None,
    profile: str | AttendanceProfile = "chengdong",
    calendar: WorkdayCalendar | None = None,
) -> MonthReport:
    return evaluate_month(
        get_profile(profile), calendar or WorkdayCalendar(), punches, writeoffs or [], month, TZ
    )


def test_section4_json_has_exactly_the_documented_shape() -> None:
    """RULES §4: keys, time format, null minutes for a missing punch, totals keys."""
    cal = WorkdayCalendar()
    days = workdays_of(cal, 2026, 11)
    punches = full_days("S001", days[1:])
    punches += [Punch("S001", at("2026-11-02 09:05:10")), Punch("S001", at("2026-11-02 17:02:00"))]
    out = run("2026-11", punches).to_json()
    assert out["month"] == "2026-11" and out["profile"] == "chengdong"
    staff = out["staff"]
    assert isinstance(staff, dict)
    s001 = staff["S001"]
    assert s001["days"]["2026-11-02"] == {
        "status": "late",
        "sign_in": "09:05:10",
        "sign_out": "17:02:00",
        "late_minutes": 5,
        "early_minutes": 0,
        "flags": [],
    }
    assert s001["days"]["2026-11-01"]["status"] == "rest"
    assert len(s001["days"]) == 30
    assert s001["totals"] == {
        "workdays": 21,
        "late": 1,
        "early": 0,
        "absent_days": 0,
        "converted_absences": 0,
        "leave_days": 0,
    }


@pytest.mark.parametrize(
    ("mode", "occurrences", "converted"),
    [
        ("once", 2, 0),
        ("once", 3, 1),
        ("once", 7, 1),
        ("per_threshold", 3, 1),
        ("per_threshold", 5, 1),
        ("per_threshold", 6, 2),
    ],
)
def test_a2_late_or_early_occurrences_convert_to_absences(
    mode: str, occurrences: int, converted: int
) -> None:
    """A2: 3 late/early occurrences in a month are one absence (`once`), or one per full 3
    (`per_threshold`)."""
    profile = get_profile("chengdong").model_copy(
        update={"monthly_conversion": MonthlyConversion.model_validate({"mode": mode})}
    )
    cal = WorkdayCalendar()
    days = workdays_of(cal, 2026, 11)
    punches = full_days("S1", days[occurrences:])
    punches += full_days("S1", days[:occurrences], sign_in="09:02:00")
    totals = run("2026-11", punches, profile=profile).staff["S1"].totals
    assert totals.late == occurrences
    assert totals.converted_absences == converted
    assert totals.absent_days == 0


def test_a2_a_late_early_day_counts_twice_towards_the_threshold() -> None:
    """A1 + A2: one late-and-early day and one late day are 3 occurrences → 1 absence."""
    days = workdays_of(WorkdayCalendar(), 2026, 11)
    punches = full_days("S1", days[2:])
    punches += full_days("S1", days[:1], sign_in="09:10:00", sign_out="16:50:00")
    punches += full_days("S1", days[1:2], sign_in="09:10:00")
    totals = run("2026-11", punches).staff["S1"].totals
    assert (totals.late, totals.early, totals.converted_absences) == (2, 1, 1)


def test_a4_approved_leave_covering_both_deadlines_makes_the_day_leave() -> None:
    """A4: a sick leave containing 09:00 and 17:00 → `leave`; pending/rejected change nothing."""
    days = workdays_of(WorkdayCalendar(), 2026, 11)
    punches = full_days("S1", [d for d in days if d.day not in (3, 4, 5)])
    writeoffs = [
        WriteOff("S1", WriteOffKind.SICK, at("2026-11-03 09:00:00"), at("2026-11-03 17:00:00")),
        WriteOff(
            "S1",
            WriteOffKind.ANNUAL,
            at("2026-11-04 00:00:00"),
            at("2026-11-04 23:59:59"),
            "pending",
        ),
        WriteOff(
            "S1",
            WriteOffKind.PERSONAL,
            at("2026-11-05 00:00:00"),
            at("2026-11-05 23:59:59"),
            "rejected",
        ),
    ]
    result = run("2026-11", punches, writeoffs).staff["S1"]
    by_day = {d.day.day: d for d in result.days}
    assert by_day[3].status is DayStatus.LEAVE
    assert by_day[4].status is DayStatus.ABSENT
    assert by_day[5].status is DayStatus.ABSENT
    assert (result.totals.leave_days, result.totals.absent_days) == (1, 2)


def test_a4_leave_ending_before_the_sign_out_deadline_excuses_only_the_sign_in() -> None:
    """A4: a morning leave 08:00–12:00 contains 09:00 only: sign-in excused, sign-out judged."""
    punches = [Punch("S1", at("2026-11-02 16:40:00"))]
    writeoffs = [
        WriteOff("S1", WriteOffKind.OFFICIAL, at("2026-11-02 08:00:00"), at("2026-11-02 12:00:00"))
    ]
    day = run("2026-11", punches, writeoffs).staff["S1"].days[1]
    assert day.status is DayStatus.EARLY
    assert [f.value for f in day.flags] == ["excused_sign_in"]
    assert (day.late_count, day.early_count, day.early_minutes) == (0, 1, 20)


def test_a4_business_trip_over_several_days_and_a_weekend() -> None:
    """A4: a trip Thu–Mon makes the workdays `leave`, the weekend stays `rest`."""
    writeoffs = [
        WriteOff(
            "S1", WriteOffKind.BUSINESS_TRIP, at("2026-11-05 08:00:00"), at("2026-11-09 18:00:00")
        )
    ]
    days = {d.day.day: d.status for d in run("2026-11", [], writeoffs).staff["S1"].days}
    assert [days[n] for n in (5, 6, 7, 8, 9, 10)] == [
        DayStatus.LEAVE,
        DayStatus.LEAVE,
        DayStatus.REST,
        DayStatus.REST,
        DayStatus.LEAVE,
        DayStatus.ABSENT,
    ]


def test_a4_punch_correction_adds_the_stated_punch_only_when_approved() -> None:
    """A4 / 第八条: a forgotten sign-out, corrected and approved, is no longer early."""
    punches = [Punch("S1", at("2026-11-02 08:50:00")), Punch("S1", at("2026-11-03 08:50:00"))]
    writeoffs = [
        WriteOff(
            "S1",
            WriteOffKind.PUNCH_CORRECTION,
            at("2026-11-02 17:05:00"),
            at("2026-11-02 17:05:00"),
        ),
        WriteOff(
            "S1",
            WriteOffKind.PUNCH_CORRECTION,
            at("2026-11-03 17:05:00"),
            at("2026-11-03 17:05:00"),
            "pending",
        ),
    ]
    days = run("2026-11", punches, writeoffs).staff["S1"].days
    assert (days[1].status, days[1].sign_out) == (DayStatus.NORMAL, time(17, 5))
    assert days[2].status is DayStatus.EARLY


def test_a4_device_failure_registration_adds_both_punches() -> None:
    """A4 / 第三条: the patrol registered S1 at 08:45 and 17:15 while the terminal was down."""
    writeoffs = [
        WriteOff(
            "S1", WriteOffKind.DEVICE_FAILURE, at("2026-11-02 08:45:00"), at("2026-11-02 17:15:00")
        )
    ]
    day = run("2026-11", [], writeoffs).staff["S1"].days[1]
    assert (day.status, day.sign_in, day.sign_out) == (DayStatus.NORMAL, time(8, 45), time(17, 15))


def test_a6_national_day_month_uses_holidays_and_adjusted_saturday() -> None:
    """A6: 2025-10 — 1st to 8th off, Saturday 11th is a workday (调休); 18 workdays."""
    cal = WorkdayCalendar()
    workdays = workdays_of(cal, 2025, 10)
    assert len(workdays) == 18 and date(2025, 10, 11) in workdays
    punches = full_days("S1", [d for d in workdays if d != date(2025, 10, 11)])
    report = run("2025-10", punches, calendar=cal).staff["S1"]
    by_day = {d.day.day: d for d in report.days}
    assert by_day[1].status is DayStatus.REST and by_day[8].status is DayStatus.REST
    assert by_day[11].status is DayStatus.ABSENT  # the adjusted Saturday was a workday
    assert by_day[9].status is DayStatus.NORMAL
    assert report.totals.workdays == 18 and report.totals.absent_days == 1
    assert all("calendar_fallback" not in d.flags for d in report.days)


def test_a6_adjusted_sunday_before_national_day_is_a_workday() -> None:
    """A6: Sunday 2025-09-28 is a workday (调休), judged like any other."""
    punches = [Punch("S1", at("2025-09-28 09:03:00")), Punch("S1", at("2025-09-28 17:00:00"))]
    day = next(d for d in run("2025-09", punches).staff["S1"].days if d.day.day == 28)
    assert day.status is DayStatus.LATE


@pytest.mark.expect_log("WARNING", r"no statutory calendar for 2031", logger="workdays.calendar")
def test_a6_year_without_calendar_data_falls_back_to_monday_to_friday(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A6: 2031 is not in chinesecalendar: Mon–Fri workdays, every day flagged
    `calendar_fallback`, one warning for the year, no crash."""
    cal = WorkdayCalendar()
    punches = [Punch("S1", at("2031-03-03 08:59:00")), Punch("S1", at("2031-03-03 17:00:00"))]
    with caplog.at_level(logging.WARNING, logger="workdays.calendar"):
        report = run("2031-03", punches, calendar=cal)
        run("2031-04", [], calendar=cal)
    s1 = report.staff["S1"]
    assert s1.totals.workdays == 21  # March 2031: 21 weekdays
    monday = s1.days[2]
    assert monday.status is DayStatus.NORMAL
    assert [f.value for f in monday.flags] == ["calendar_fallback"]
    assert all("calendar_fallback" in [f.value for f in d.flags] for d in s1.days)
    assert s1.days[0].status is DayStatus.REST  # Saturday 2031-03-01
    assert len([r for r in caplog.records if "2031" in r.getMessage()]) == 1


@pytest.mark.expect_log("WARNING", r"no statutory calendar for 2031", logger="workdays.calendar")
def test_a6_manager_override_wins_over_statutory_calendar_and_fallback() -> None:
    """A6: overrides are data: a holiday on a workday, a workday on a fallback Saturday."""
    cal = WorkdayCalendar(holidays=[date(2026, 11, 2)], workdays=[date(2031, 3, 1)])
    report = evaluate_month(get_profile("chengdong"), cal, [], [], "2031-03", TZ, ["S1"])
    saturday = report.staff["S1"].days[0]
    assert saturday.status is DayStatus.ABSENT
    assert "calendar_fallback" not in [f.value for f in saturday.flags]
    assert "calendar_fallback" in [f.value for f in report.staff["S1"].days[2].flags]
    nov = evaluate_month(get_profile("chengdong"), cal, [], [], "2026-11", TZ, ["S1"])
    assert nov.staff["S1"].days[1].status is DayStatus.REST


def test_a3_wushen_month_totals() -> None:
    """A3 wushen over a month: an ignored 06:50 sign-in makes that day late (missing)."""
    days = workdays_of(WorkdayCalendar(), 2026, 11)
    punches = full_days("W1", days[1:], sign_in="08:25:00", sign_out="17:35:00")
    punches += full_days("W1", days[:1], sign_in="06:50:00", sign_out="17:35:00")
    report = run("2026-11", punches, profile="wushen")
    assert report.profile == "wushen"
    assert report.staff["W1"].days[1].status is DayStatus.LATE
    assert report.staff["W1"].totals.late == 1


def test_section4_split_day_profile_lists_its_four_slots() -> None:
    """§4: for yanjin the day's JSON summarises four punches and lists them."""
    punches = [
        Punch("Y1", at(f"2026-11-02 {c}")) for c in ("08:50:00", "12:01:00", "12:55:00", "17:00:00")
    ]
    out = run("2026-11", punches, profile="yanjin").to_json()
    staff = out["staff"]
    assert isinstance(staff, dict)
    day = staff["Y1"]["days"]["2026-11-02"]
    assert day["status"] == "normal"
    assert set(day["slots"]) == {"morning_in", "morning_out", "afternoon_in", "afternoon_out"}


@pytest.mark.parametrize("profile", ["chengdong", "yanjin"])
def test_a6_punches_on_a_rest_day_are_shown_but_not_judged(profile: str) -> None:
    """A6/§4: overtime on Saturday is `rest`, with the punch shown and no minutes counted."""
    punches = [Punch("S1", at("2026-11-07 10:15:00"))]
    report = run("2026-11", punches, profile=profile)
    out = report.to_json()["staff"]
    assert isinstance(out, dict)
    day = out["S1"]["days"]["2026-11-07"]
    assert (day["status"], day["sign_in"], day["late_minutes"]) == ("rest", "10:15:00", None)
    for slot in day.get("slots", {}).values():
        assert slot["minutes"] is None
    assert report.staff["S1"].totals.late == 0


def test_a4_half_day_leave_and_no_punch_is_judged_on_the_rest() -> None:
    """A4: an approved afternoon off excuses the sign-out; the day is judged on the rest. The
    sign-in is missing, which A1 (第四条(二)) counts as late, with null minutes."""
    writeoffs = [
        WriteOff("S1", WriteOffKind.PERSONAL, at("2026-11-02 13:00:00"), at("2026-11-02 18:00:00"))
    ]
    result = run("2026-11", [], writeoffs).staff["S1"]
    day = result.days[1]
    assert (day.status, day.late_minutes, day.early_minutes) == (DayStatus.LATE, None, None)
    assert [f.value for f in day.flags] == ["missing_sign_in", "excused_sign_out"]
    assert result.totals.late == 1  # the other workdays of the month have no punch: absent


def test_a4_excused_punches_are_not_judged() -> None:
    """A4: on a leave day a late punch shows, but no late minutes are reported or counted."""
    punches = [Punch("S1", at("2026-11-02 10:30:00"))]
    writeoffs = [
        WriteOff("S1", WriteOffKind.SICK, at("2026-11-02 08:00:00"), at("2026-11-02 18:00:00"))
    ]
    result = run("2026-11", punches, writeoffs).staff["S1"]
    day = result.days[1]
    assert (day.status, day.sign_in, day.late_minutes) == (DayStatus.LEAVE, time(10, 30), None)
    assert (result.totals.late, result.totals.leave_days) == (0, 1)


def test_a4_corrected_punch_is_not_swallowed_by_a_terminal_punch_just_before() -> None:
    """A4 / 第八条 + A1 duplicates: a correction at 17:00:00 stands next to a terminal punch
    at 16:59:30; the 60 s duplicate rule merges terminal reads, not the centre's punch."""
    punches = [Punch("S1", at("2026-11-02 08:50:00")), Punch("S1", at("2026-11-02 16:59:30"))]
    writeoffs = [
        WriteOff(
            "S1",
            WriteOffKind.PUNCH_CORRECTION,
            at("2026-11-02 17:00:00"),
            at("2026-11-02 17:00:00"),
        )
    ]
    day = run("2026-11", punches, writeoffs).staff["S1"].days[1]
    assert (day.status, day.sign_out, day.early_minutes) == (DayStatus.NORMAL, time(17, 0), 0)


def test_a4_device_failure_over_several_days_registers_each_day() -> None:
    """A4 / 第三条: a terminal down from Thursday 08:40 to Monday 12:00 — the patrol's
    registration makes Thursday and Friday normal; on Monday the terminal works again from
    noon, so a missing sign-out is still early; the weekend stays `rest`."""
    writeoffs = [
        WriteOff(
            "S1",
            WriteOffKind.DEVICE_FAILURE,
            at("2026-11-05 08:40:00"),
            at("2026-11-09 12:00:00"),
        )
    ]
    by_day = {d.day.day: d for d in run("2026-11", [], writeoffs).staff["S1"].days}
    assert (by_day[5].status, by_day[5].sign_in) == (DayStatus.NORMAL, time(8, 40))
    assert by_day[6].status is DayStatus.NORMAL
    assert by_day[7].status is DayStatus.REST
    assert (by_day[9].status, by_day[9].flags) == (DayStatus.EARLY, (Flag.MISSING_SIGN_OUT,))
    assert by_day[10].status is DayStatus.ABSENT


def test_a4_write_off_interval_is_compared_to_the_minute() -> None:
    """A1 + A4: like punches, a write-off's ends are whole minutes: 09:00:30–16:59:59 contains
    the 09:00 sign-in deadline, not the 17:00 sign-out deadline."""
    punches = [Punch("S1", at("2026-11-02 17:05:00"))]
    writeoffs = [
        WriteOff("S1", WriteOffKind.OFFICIAL, at("2026-11-02 09:00:30"), at("2026-11-02 16:59:59"))
    ]
    day = run("2026-11", punches, writeoffs).staff["S1"].days[1]
    assert (day.status, [f.value for f in day.flags]) == (DayStatus.NORMAL, ["excused_sign_in"])
