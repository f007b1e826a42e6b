"""Calendars without a store: a fixed one for tests and the hall's own for replays and benches.

The queue engine only needs ``is_workday``; the hall's real calendar (statutory days,
overrides, Monday–Friday fallback) lives in ``workdays.calendar``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from workdays.calendar import WorkdayCalendar

if TYPE_CHECKING:
    from config.schema import HallConfig


class FixedCalendar:
    """Monday–Friday plus explicit holidays and adjusted workdays: for tests that pin a year."""

    def __init__(self, holidays: Iterable[dt.date] = (), workdays: Iterable[dt.date] = ()) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5


def default_calendar() -> WorkdayCalendar:
    """The statutory Chinese calendar (chinesecalendar via workdays.calendar)."""
    return WorkdayCalendar()


def hall_calendar(hall: HallConfig) -> WorkdayCalendar:
    """The hall's own calendar without a controller: statutory days under the hall config's
    ``attendance.holidays`` / ``attendance.workdays`` (what the controller starts from)."""
    return WorkdayCalendar.from_settings(hall.attendance)
