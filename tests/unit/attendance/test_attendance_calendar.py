"""A6: the workday calendar (statutory days, 调休, overrides, fallback) and workday arithmetic."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from workdays.calendar import WorkdayCalendar, add_workdays


def test_a6_statutory_holidays_and_adjusted_workdays() -> None:
    """A6: National Day 2025 is off; Sunday 09-28 and Saturday 10-11 are workdays."""
    cal = WorkdayCalendar()
    assert not cal.is_workday(date(2025, 10, 1))
    assert not cal.is_workday(date(2025, 10, 8))
    assert cal.is_workday(date(2025, 9, 28))
    assert cal.is_workday(date(2025, 10, 11))
    assert cal.day_kind(date(2025, 10, 11)).source == "statutory"


@pytest.mark.expect_log("WARNING", r"no statutory calendar for 2031", logger="workdays.calendar")
@pytest.mark.expect_log("WARNING", r"no statutory calendar for 2032", logger="workdays.calendar")
def test_a6_uncovered_year_falls_back_and_warns_once_per_year(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A6: 2031 has no data: Mon–Fri, `fallback` set, one warning per year, never raises."""
    cal = WorkdayCalendar()
    with caplog.at_level(logging.WARNING, logger="workdays.calendar"):
        kinds = [cal.day_kind(date(2031, 1, d)) for d in range(1, 32)]
        cal.day_kind(date(2032, 5, 3))
        cal.day_kind(date(2031, 6, 2))
    assert all(k.fallback for k in kinds)
    assert kinds[0].workday  # Wednesday 2031-01-01: no data, so not known as New Year
    assert not kinds[3].workday  # Saturday
    years = [r.getMessage() for r in caplog.records]
    assert len(years) == 2
    assert "2031" in years[0] and "2032" in years[1]


def test_a6_overrides_win_over_statutory_and_fallback() -> None:
    """A6: the manager's holiday/workday dates win over chinesecalendar and over Mon–Fri."""
    cal = WorkdayCalendar(
        holidays=[date(2026, 11, 2), date(2031, 1, 1)],
        workdays=[date(2025, 10, 1), date(2031, 1, 4)],
    )
    assert not cal.is_workday(date(2026, 11, 2))
    assert cal.is_workday(date(2025, 10, 1))
    assert not cal.is_workday(date(2031, 1, 1))
    assert cal.day_kind(date(2031, 1, 4)).source == "override"
    assert cal.is_workday(date(2031, 1, 4))


def test_a6_a_date_cannot_be_both_holiday_and_workday() -> None:
    """A6: a contradictory override is refused, naming the date."""
    with pytest.raises(ValueError, match="2026-11-02"):
        WorkdayCalendar(holidays=[date(2026, 11, 2)], workdays=[date(2026, 11, 2)])


def test_a6_with_overrides_replaces_an_earlier_override_of_the_same_date() -> None:
    """A6: the manager can turn a declared holiday back into a workday."""
    cal = WorkdayCalendar(holidays=[date(2026, 11, 2)]).with_overrides(workdays=[date(2026, 11, 2)])
    assert cal.is_workday(date(2026, 11, 2))


def test_q7_add_workdays_skips_weekends_and_holidays() -> None:
    """Q7/A5: counting workdays from Monday 2025-09-29 jumps the National Day week and counts
    the adjusted Saturday 10-11: the 10th is Monday 2025-10-20."""
    assert add_workdays(date(2025, 9, 29), 0) == date(2025, 9, 29)
    assert add_workdays(date(2025, 9, 29), 1) == date(2025, 9, 30)
    assert add_workdays(date(2025, 9, 29), 2) == date(2025, 10, 9)
    assert add_workdays(date(2025, 9, 29), 4) == date(2025, 10, 11)
    assert add_workdays(date(2025, 9, 29), 10) == date(2025, 10, 20)
    assert add_workdays(date(2026, 11, 6), 1) == date(2026, 11, 9)


@pytest.mark.expect_log("WARNING", r"no statutory calendar for 2031", logger="workdays.calendar")
def test_a6_add_workdays_works_in_a_fallback_year() -> None:
    """A6: workday arithmetic in an uncovered year uses Mon–Fri instead of failing."""
    assert add_workdays(date(2031, 1, 3), 10) == date(2031, 1, 17)
