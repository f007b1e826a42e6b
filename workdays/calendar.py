"""Workdays of the hall (A6): the Chinese statutory calendar, manager overrides, a fallback.

``chinesecalendar`` knows the State Council's holidays and adjusted workdays (调休) up to the
year of its release. A later year must not stop the hall: those days fall back to
Monday–Friday and carry ``fallback=True`` so reports can flag them (``calendar_fallback``);
one warning is logged per year. Manager overrides win over both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

from config.attendance import AttendanceSettings

log = logging.getLogger(__name__)

DaySource = Literal["statutory", "override", "fallback"]


@dataclass(frozen=True, slots=True)
class DayKind:
    """Whether a date is a workday, and where that answer came from."""

    workday: bool
    source: DaySource

    @property
    def fallback(self) -> bool:
        """True when the statutory calendar had no data and Monday–Friday was assumed."""
        return self.source == "fallback"


class WorkdayCalendar:
    """The hall's workdays. Holds only its overrides and which years it has warned about."""

    def __init__(
        self,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        logger: logging.Logger | None = None,
    ) -> None:
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        both = self._holidays & self._workdays
        if both:
            days = ", ".join(str(d) for d in sorted(both))
            raise ValueError(f"日期既是休息日又是工作日 / dates both holiday and workday: {days}")
        self._log = logger or log
        self._warned_years: set[int] = set()

    @classmethod
    def from_settings(
        cls,
        settings: AttendanceSettings,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
    ) -> WorkdayCalendar:
        """The hall's calendar: overrides from the hall config, then the manager's overrides
        stored by the controller (which win when they name the same date). Keep one instance
        per process so the fallback warning is logged once per year, not once per report."""
        return cls(settings.holidays, settings.workdays).with_overrides(holidays, workdays)

    @property
    def holidays(self) -> frozenset[date]:
        """Dates the manager declared closed."""
        return self._holidays

    @property
    def workdays(self) -> frozenset[date]:
        """Dates the manager declared working."""
        return self._workdays

    def with_overrides(
        self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()
    ) -> WorkdayCalendar:
        """A calendar with more overrides; a new override of a date replaces the old one."""
        new_holidays = set(holidays)
        new_workdays = set(workdays)
        return WorkdayCalendar(
            holidays=(self._holidays - new_workdays) | new_holidays,
            workdays=(self._workdays - new_holidays) | new_workdays,
            logger=self._log,
        )

    def day_kind(self, day: date) -> DayKind:
        """Workday or not, from the overrides, else the statutory calendar, else Mon–Fri."""
        if day in self._holidays:
            return DayKind(workday=False, source="override")
        if day in self._workdays:
            return DayKind(workday=True, source="override")
        try:
            return DayKind(workday=bool(chinese_calendar.is_workday(day)), source="statutory")
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                self._log.warning(
                    "法定节假日数据不含 %d 年，按周一至周五计算工作日；请更新 chinesecalendar 或"
                    "添加调整日期 / no statutory calendar for %d: assuming Monday–Friday; "
                    "upgrade chinesecalendar or add overrides (hall calendar override)",
                    day.year,
                    day.year,
                )
            return DayKind(workday=day.weekday() < 5, source="fallback")

    def is_workday(self, day: date) -> bool:
        """True on a workday of the hall."""
        return self.day_kind(day).workday

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th workday after ``start`` (``start`` itself not counted); n=0 gives ``start``.

        Used for due dates such as a bad-review work order due 10 workdays after the rating
        (Q7) and the 3 workdays to complete an emergency leave (A5).
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, first: date, last: date) -> list[date]:
        """The workdays from ``first`` to ``last``, both included."""
        days: list[date] = []
        day = first
        while day <= last:
            if self.is_workday(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def add_workdays(start: date, n: int, calendar: WorkdayCalendar | None = None) -> date:
    """The n-th workday after ``start`` on ``calendar`` (default: statutory, no overrides)."""
    return (calendar or WorkdayCalendar()).add_workdays(start, n)


def statutory_workday(day: date) -> bool | None:
    """What the statutory calendar alone says of ``day``; None for a year it has no data for
    (shown beside an override, so the manager sees what it changes)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None
