"""A1 and A3: how one workday's punches are judged, for every preset profile."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from attendance.rules import DayResult, DayStatus, Punch, WriteOff, evaluate_month
from config.attendance import get_profile
from workdays.calendar import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 2)  # a statutory workday


def judge(
    profile: str, *clocks: str, on: date = MONDAY, writeoffs: tuple[WriteOff, ...] = ()
) -> DayResult:
    """The day of staff S1 who punched at ``clocks`` (hall time) on ``on``."""
    punches = [Punch("S1", datetime.combine(on, time.fromisoformat(c), TZ)) for c in clocks]
    report = evaluate_month(
        get_profile(profile),
        WorkdayCalendar(),
        punches,
        writeoffs,
        on.strftime("%Y-%m"),
        TZ,
        ["S1"],
    )
    return next(d for d in report.staff["S1"].days if d.day == on)


@pytest.mark.parametrize(
    ("sign_in", "status", "late"),
    [
        ("08:59:59", DayStatus.NORMAL, 0),
        ("09:00:00", DayStatus.NORMAL, 0),
        ("09:00:59", DayStatus.NORMAL, 0),
        ("09:01:00", DayStatus.LATE, 1),
        ("09:05:10", DayStatus.LATE, 5),
        ("12:59:00", DayStatus.LATE, 239),
    ],
)
def test_a1_sign_in_is_late_from_the_minute_after_the_deadline(
    sign_in: str, status: DayStatus, late: int
) -> None:
    """A1: 09:00:59 is on time, 09:01:00 is late by 1 minute (compared to the minute)."""
    result = judge("chengdong", sign_in, "17:30:00")
    assert result.status is status
    assert result.late_minutes == late


@pytest.mark.parametrize(
    ("sign_out", "status", "early"),
    [
        ("16:59:59", DayStatus.EARLY, 1),
        ("17:00:00", DayStatus.NORMAL, 0),
        ("17:00:30", DayStatus.NORMAL, 0),
        ("13:00:00", DayStatus.EARLY, 240),
    ],
)
def test_a1_sign_out_is_early_before_the_deadline_minute(
    sign_out: str, status: DayStatus, early: int
) -> None:
    """A1: 16:59:59 is early by 1 minute, 17:00:00 is on time."""
    result = judge("chengdong", "08:50:00", sign_out)
    assert result.status is status
    assert result.early_minutes == early


def test_a1_split_time_12_59_is_a_sign_in_and_13_00_a_sign_out() -> None:
    """A1: a punch before 13:00 belongs to the sign-in window, from 13:00 to the sign-out."""
    at_1259 = judge("chengdong", "12:59:00")
    assert (at_1259.sign_in, at_1259.sign_out) == (time(12, 59), None)
    assert at_1259.status is DayStatus.LATE_EARLY  # late 239 min, sign-out missing

    at_1300 = judge("chengdong", "13:00:00")
    assert (at_1300.sign_in, at_1300.sign_out) == (None, time(13, 0))
    assert at_1300.status is DayStatus.LATE_EARLY  # sign-in missing, early 240 min


def test_a1_earliest_sign_in_and_latest_sign_out_count() -> None:
    """A1: sign-in = earliest punch of its window, sign-out = latest of its window."""
    result = judge(
        "chengdong", "09:20:00", "08:40:00", "11:00:00", "16:00:00", "17:40:00", "13:30:00"
    )
    assert result.sign_in == time(8, 40)
    assert result.sign_out == time(17, 40)
    assert result.status is DayStatus.NORMAL


def test_a1_punches_within_60_seconds_are_one_punch() -> None:
    """A1 duplicate punch period: a repeat within 60 s is the same punch, so a second read at
    17:00:20 does not turn a 16:59:30 sign-out into an on-time one."""
    result = judge("chengdong", "08:55:00", "16:59:30", "17:00:20")
    assert result.sign_out == time(16, 59, 30)
    assert result.status is DayStatus.EARLY
    # 61 s later is a new punch: the latest sign-out counts.
    later = judge("chengdong", "08:55:00", "16:59:30", "17:00:31")
    assert later.sign_out == time(17, 0, 31)
    assert later.status is DayStatus.NORMAL


def test_a1_missing_sign_out_only_is_early_with_unknown_minutes() -> None:
    """A1 / 第四条(一): signed in, never signed out → early, minutes null."""
    result = judge("chengdong", "08:45:00")
    assert result.status is DayStatus.EARLY
    assert (result.late_minutes, result.early_minutes) == (0, None)
    assert [f.value for f in result.flags] == ["missing_sign_out"]


def test_a1_missing_sign_in_only_is_late_with_unknown_minutes() -> None:
    """A1 / 第四条(二): no sign-in, signed out → late, minutes null."""
    result = judge("chengdong", "17:10:00")
    assert result.status is DayStatus.LATE
    assert (result.late_minutes, result.early_minutes) == (None, 0)
    assert [f.value for f in result.flags] == ["missing_sign_in"]


def test_a1_no_punch_on_a_workday_is_absent() -> None:
    """A1 / 第四条(三): no punch at all → absent (not late plus early)."""
    result = judge("chengdong")
    assert result.status is DayStatus.ABSENT
    assert (result.late_count, result.early_count) == (0, 0)


def test_a1_late_and_early_on_one_day_are_two_occurrences() -> None:
    """A1: late and early on the same day count twice."""
    result = judge("chengdong", "09:10:00", "16:30:00")
    assert result.status is DayStatus.LATE_EARLY
    assert (result.late_count, result.early_count) == (1, 1)
    assert (result.late_minutes, result.early_minutes) == (10, 30)


def test_a1_weekend_is_rest_whatever_the_punches() -> None:
    """A1/A6: only workdays are judged; a Saturday is `rest`."""
    assert judge("chengdong", on=date(2026, 11, 7)).status is DayStatus.REST
    assert judge("chengdong", "10:00:00", on=date(2026, 11, 7)).status is DayStatus.REST


def test_a1_punch_times_with_other_offsets_are_hall_time() -> None:
    """§4: 00:59 UTC is 08:59 in Shanghai — on time."""
    punches = [
        Punch("S1", datetime.fromisoformat("2026-11-02T00:59:59Z")),
        Punch("S1", datetime.fromisoformat("2026-11-02T10:00:00+01:00")),  # 17:00 Shanghai
    ]
    report = evaluate_month(get_profile("chengdong"), WorkdayCalendar(), punches, [], "2026-11", TZ)
    day = report.staff["S1"].days[1]
    assert (day.sign_in, day.sign_out, day.status) == (time(8, 59, 59), time(17), DayStatus.NORMAL)


@pytest.mark.parametrize(
    ("clocks", "status", "sign_in", "sign_out"),
    [
        (("06:59:59", "17:40:00"), DayStatus.LATE, None, time(17, 40)),  # before 07:00 ignored
        (("07:00:00", "17:40:00"), DayStatus.NORMAL, time(7), time(17, 40)),
        (("08:30:59", "17:30:00"), DayStatus.NORMAL, time(8, 30, 59), time(17, 30)),
        (("08:31:00", "17:30:00"), DayStatus.LATE, time(8, 31), time(17, 30)),
        (("08:00:00", "17:29:59"), DayStatus.EARLY, time(8), time(17, 29, 59)),
        (("08:00:00", "19:30:59"), DayStatus.NORMAL, time(8), time(19, 30, 59)),
        (("08:00:00", "19:31:00"), DayStatus.EARLY, time(8), None),  # after 19:30 ignored
        (("06:30:00", "20:00:00"), DayStatus.ABSENT, None, None),
    ],
)
def test_a3_wushen_counts_sign_in_from_0700_and_sign_out_until_1930(
    clocks: tuple[str, ...], status: DayStatus, sign_in: time | None, sign_out: time | None
) -> None:
    """A3 wushen: 08:30/17:30; punches outside 07:00–19:30 are ignored, as if missing."""
    result = judge("wushen", *clocks)
    assert (result.status, result.sign_in, result.sign_out) == (status, sign_in, sign_out)


def test_a3_wushen_ignored_punch_does_not_swallow_a_valid_one_as_duplicate() -> None:
    """A3 + A1: a 06:59:40 punch is ignored, so the 07:00:10 punch 30 s later still counts."""
    result = judge("wushen", "06:59:40", "07:00:10", "17:35:00")
    assert result.sign_in == time(7, 0, 10)
    assert result.status is DayStatus.NORMAL


@pytest.mark.parametrize(
    ("sign_in", "status"),
    [("08:20:59", DayStatus.NORMAL), ("08:21:00", DayStatus.LATE)],
)
def test_a3_qujiang_signs_in_by_0820(sign_in: str, status: DayStatus) -> None:
    """A3 qujiang: sign in by 08:20, sign out from 17:00."""
    assert judge("qujiang", sign_in, "17:00:00").status is status
    assert judge("qujiang", "08:00:00", "16:59:59").status is DayStatus.EARLY


def test_a3_yanjin_four_punches_on_time_is_normal() -> None:
    """A3 yanjin: 9:00–12:00 and 13:00–17:00 with four punches."""
    result = judge("yanjin", "08:55:00", "12:00:05", "12:58:00", "17:01:00")
    assert result.status is DayStatus.NORMAL
    assert [s.punch for s in result.slots] == [
        time(8, 55),
        time(12, 0, 5),
        time(12, 58),
        time(17, 1),
    ]
    assert (result.sign_in, result.sign_out) == (time(8, 55), time(17, 1))


def test_a3_yanjin_each_of_the_four_punches_is_judged_like_a1() -> None:
    """A3 yanjin: morning out at 11:50 (early 10) and afternoon in at 13:01 (late 1) are two
    occurrences; the day summarises them as late_early."""
    result = judge("yanjin", "08:59:59", "11:50:00", "13:01:00", "17:00:00")
    assert result.status is DayStatus.LATE_EARLY
    assert (result.late_count, result.early_count) == (1, 1)
    assert (result.late_minutes, result.early_minutes) == (1, 10)


def test_a3_yanjin_missing_lunch_punches_count_per_slot() -> None:
    """A3 yanjin: without the two lunch punches the morning is early and the afternoon late."""
    result = judge("yanjin", "08:50:00", "17:05:00")
    assert result.status is DayStatus.LATE_EARLY
    assert (result.late_count, result.early_count) == (1, 1)
    assert [f.value for f in result.flags] == ["missing_sign_in", "missing_sign_out"]
    assert judge("yanjin").status is DayStatus.ABSENT
