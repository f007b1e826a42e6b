"""Punch intake's pure parts: clock flags (issue 4 item 5) and the judgement shown at the
terminal (A1, A3)."""

from __future__ import annotations

import datetime as dt

import pytest

from attendance.intake import clock_flags, judge_punch
from config.attendance import get_profile
from workdays.calendar import DayKind

NOW = dt.datetime(2026, 11, 24, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
WORKDAY = DayKind(workday=True, source="statutory")
REST = DayKind(workday=False, source="statutory")


@pytest.mark.parametrize(
    ("offset_s", "synced", "flags"),
    [
        (0, True, []),
        (-120, True, []),
        (120, True, []),
        (-121, True, ["clock_skew"]),
        (121, True, ["clock_skew"]),
        (0, False, ["clock_not_synced"]),
        (-3600, False, ["clock_not_synced", "clock_skew"]),
    ],
)
def test_flags_unsynced_clocks_and_more_than_two_minutes_off(
    offset_s: int, synced: bool, flags: list[str]
) -> None:
    got, skew = clock_flags(NOW + dt.timedelta(seconds=offset_s), NOW, synced)
    assert got == flags and skew == offset_s


@pytest.mark.parametrize(
    ("clock", "status", "minutes"),
    [
        ("08:59:59", "on_time", 0),
        ("09:00:59", "on_time", 0),
        ("09:01:00", "late", 1),
        ("12:59:00", "late", 239),
        ("13:00:00", "early", 240),
        ("16:59:59", "early", 1),
        ("17:00:00", "on_time", 0),
    ],
)
def test_a_chengdong_punch_reads_to_the_minute(clock: str, status: str, minutes: int) -> None:
    local = dt.datetime.combine(NOW.date(), dt.time.fromisoformat(clock))
    judged = judge_punch(get_profile("chengdong"), WORKDAY, local)
    assert (judged["status"], judged["minutes"]) == (status, minutes)
    assert judged["kind"] == ("sign_in" if clock < "13:00" else "sign_out")


def test_the_text_says_it_in_chinese_first() -> None:
    local = dt.datetime(2026, 11, 24, 9, 5, 10)
    assert judge_punch(get_profile("chengdong"), WORKDAY, local)["text"] == (
        "迟到 5 分钟 / late by 5 min"
    )


def test_rest_days_and_wushen_invalid_windows_are_not_counted() -> None:
    assert judge_punch(get_profile("chengdong"), REST, NOW.replace(tzinfo=None))["status"] == (
        "rest"
    )
    wushen = get_profile("wushen")
    early_bird = judge_punch(wushen, WORKDAY, dt.datetime(2026, 11, 24, 6, 59, 59))
    assert early_bird["status"] == "ignored" and early_bird["minutes"] is None
    assert judge_punch(wushen, WORKDAY, dt.datetime(2026, 11, 24, 7, 0))["status"] == "on_time"
