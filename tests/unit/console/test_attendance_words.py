"""The month view's mapping from a judged day to its colour and its words (console.attendance):
Chinese first, never a raw code; 旷工 does not repeat 未签到/未签退; a day ahead is 未判定."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bus.models.replies import CalendarDay, ViewDay
from console.attendance import (
    STATUSES,
    Scope,
    day_class,
    day_words,
    shift_month,
    weeks,
)
from console.i18n import tr

MONDAY = dt.date(2026, 11, 23)
SATURDAY = dt.date(2026, 11, 28)
WORKDAY = CalendarDay(workday=True, source="statutory")
REST = CalendarDay(workday=False, source="statutory")


def day(status: str, **more: Any) -> ViewDay:
    fields: dict[str, Any] = {"status": status, "sign_in": None, "sign_out": None,
                              "late_minutes": None, "early_minutes": None, "flags": ()}  # fmt: skip
    fields.update(more)
    return ViewDay.model_validate(fields)


@pytest.mark.parametrize(
    ("judged", "date", "cal", "zh", "en"),
    [
        (
            day("normal", sign_in="08:50:00", sign_out="17:05:00", late_minutes=0, early_minutes=0),
            MONDAY,
            WORKDAY,
            ["正常"],
            ["Normal"],
        ),
        (
            day("late", late_minutes=12, early_minutes=0),
            MONDAY,
            WORKDAY,
            ["迟到 12 分钟"],
            ["Late 12 min"],
        ),
        (
            day("late", early_minutes=0, flags=("missing_sign_in",)),
            MONDAY,
            WORKDAY,
            ["迟到", "未签到"],
            ["Late", "No sign-in"],
        ),
        (
            day("early", late_minutes=0, flags=("missing_sign_out",)),
            MONDAY,
            WORKDAY,
            ["早退", "未签退"],
            ["Left early", "No sign-out"],
        ),
        (
            day("late_early", late_minutes=3, early_minutes=20),
            MONDAY,
            WORKDAY,
            ["迟到 3 分钟、早退 20 分钟"],
            ["Late 3 min, Left 20 min early"],
        ),
        (
            day("absent", flags=("missing_sign_in", "missing_sign_out")),
            MONDAY,
            WORKDAY,
            ["旷工"],
            ["Absent"],
        ),
        (day("leave", writeoffs=("business_trip",)), MONDAY, WORKDAY, ["出差"], ["Business trip"]),
        (
            day("leave", writeoffs=("sick", "personal")),
            MONDAY,
            WORKDAY,
            ["病假、事假"],
            ["Sick leave, Personal leave"],
        ),
        (day("rest"), SATURDAY, REST, ["休息日"], ["Rest day"]),
        (day("rest"), MONDAY, REST, ["节假日"], ["Holiday"]),
        (
            day("rest"),
            MONDAY,
            CalendarDay(workday=False, source="override"),
            ["休息（调整）"],
            ["Closed (override)"],
        ),
        (
            day("normal", late_minutes=0, early_minutes=0),
            SATURDAY,
            WORKDAY,
            ["正常", "调休上班"],
            ["Normal", "Adjusted workday"],
        ),
        (
            day("normal", late_minutes=0, early_minutes=0, punch_flags=("clock_not_synced",)),
            MONDAY,
            WORKDAY,
            ["正常", "时钟未同步"],
            ["Normal", "Clock not synced"],
        ),
        (
            day(
                "early",
                late_minutes=None,
                early_minutes=20,
                flags=("excused_sign_in",),
                writeoffs=("sick",),
            ),
            MONDAY,
            WORKDAY,
            ["早退 20 分钟", "签到已核销", "病假"],
            ["Left 20 min early", "Sign-in written off", "Sick leave"],
        ),
        (day("pending", sign_in="08:52:00"), MONDAY, WORKDAY, ["未判定"], ["Not judged yet"]),
        (
            day("absent", flags=("missing_sign_in", "missing_sign_out", "calendar_fallback")),
            dt.date(2027, 3, 1),
            CalendarDay(workday=True, source="fallback"),
            ["旷工", "无法定日历数据，按周一至周五"],
            ["Absent", "No statutory calendar: Monday–Friday assumed"],
        ),
    ],
)
def test_a_judged_day_in_words_chinese_first(
    judged: ViewDay, date: dt.date, cal: CalendarDay, zh: list[str], en: list[str]
) -> None:
    assert day_words(judged, date, cal, "zh") == zh
    assert day_words(judged, date, cal, "en") == en


def test_each_status_has_its_own_colour_and_legend_word() -> None:
    classes = [day_class(s) for s in STATUSES]
    assert len(set(classes)) == len(STATUSES)
    assert day_class("late_early") == "d-late-early"
    assert day_class("something new") == "d-pending"  # a newer controller's status: no colour
    words = [tr(f"am_status_{s}", "zh") for s in STATUSES]
    assert words == ["正常", "迟到", "早退", "迟到、早退", "旷工", "请假 / 出差 / 已核销",
                     "休息日 / 节假日", "未判定"]  # fmt: skip


def test_no_flag_or_kind_is_shown_as_its_code() -> None:
    flags = ("missing_sign_in", "missing_sign_out", "excused_sign_in", "excused_sign_out",
             "calendar_fallback")  # fmt: skip
    judged = day("late", flags=flags, punch_flags=("clock_not_synced", "clock_skew"),
                 writeoffs=("punch_correction",))  # fmt: skip
    for lang in ("zh", "en"):
        words = " ".join(day_words(judged, MONDAY, WORKDAY, lang))
        assert "_" not in words, words
    assert day_words(judged, MONDAY, WORKDAY, "zh")[:3] == ["迟到", "未签到", "未签退"]
    assert "时钟未同步" in day_words(judged, MONDAY, WORKDAY, "zh")


def test_the_grid_starts_on_monday_and_the_months_turn_over_the_year() -> None:
    grid = weeks("2026-11", [])
    assert grid[0][:6] == [None] * 6 and len(grid) == 6  # 11-01 is a Sunday
    assert shift_month("2026-12", 1) == "2027-01" and shift_month("2026-01", -1) == "2025-12"
    assert Scope("2026-11", staff="S003").query("2026-10") == "month=2026-10&staff=S003"
    assert Scope("2026-11", department="all").fields() == {"month": "2026-11"}
