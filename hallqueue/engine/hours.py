"""Hall time: the hall day, opening hours, workdays (injected calendar), last-ticket time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from config.schema import Category, HallConfig


class WorkdayCalendarProtocol(Protocol):
    """What the engine needs from the workday calendar (workdays.calendar provides it).

    Injected so the engine stays pure and tests can pin holidays.
    """

    def is_workday(self, day: dt.date) -> bool: ...


_SEARCH_DAYS = 366  # a calendar with no workday for a year is broken; stop instead of looping


def add_workdays(calendar: WorkdayCalendarProtocol, start: dt.date, n: int) -> dt.date:
    """The ``n``-th workday after ``start`` (``start`` itself never counts): Q7's due date."""
    day = start
    left = n
    for _ in range(n + _SEARCH_DAYS):
        if left <= 0:
            return day
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            left -= 1
    raise ValueError(f"no {n} workdays within a year after {start}")


@dataclass(frozen=True, slots=True)
class Ctx:
    """Everything an operation needs besides the state: config, calendar and hall time."""

    hall: HallConfig
    calendar: WorkdayCalendarProtocol
    now: dt.datetime
    """Aware, in the hall's time zone."""
    anonymous_staff_until_logout: bool = False
    """The replay's reading (RULES §5): a window nobody ever signed in at counts as signed in
    by an unnamed staff member until it is logged out. False in the controller: a window
    calls only while a staff member is signed in at it (Q5)."""

    @property
    def day(self) -> dt.date:
        return self.now.date()

    def local(self, value: dt.datetime) -> dt.datetime:
        return to_hall_time(self.hall, value)

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.hall.tz)

    def hall_open_on(self, day: dt.date) -> bool:
        return self.hall.hours.open_on_rest_days or self.calendar.is_workday(day)

    def last_ticket(self, category: Category) -> dt.time:
        return category.last_ticket or self.hall.hours.last_ticket

    def next_opening(self, after: dt.date) -> dt.datetime:
        """The first hall opening on a day after ``after`` (Q8: unserved tickets expire then)."""
        day = after
        for _ in range(_SEARCH_DAYS):
            day += dt.timedelta(days=1)
            if self.hall_open_on(day):
                return self.at(day, self.hall.hours.open)
        return self.at(after + dt.timedelta(days=1), self.hall.hours.open)


def to_hall_time(hall: HallConfig, value: dt.datetime) -> dt.datetime:
    """Aware hall-local time; a naive time is read as hall time (scripts usually omit the zone)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=hall.tz)
    return value.astimezone(hall.tz)


def make_ctx(
    hall: HallConfig,
    calendar: WorkdayCalendarProtocol,
    now: dt.datetime,
    *,
    anonymous_staff_until_logout: bool = False,
) -> Ctx:
    return Ctx(hall, calendar, to_hall_time(hall, now), anonymous_staff_until_logout)
