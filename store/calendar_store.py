"""The hall's workday calendar: chinesecalendar, the hall config's dates, the manager's overrides.

Queue (work-order due dates, open days) and attendance (workdays) share one instance, so
an override takes effect for both at once. Manager overrides live in the store and win
over the hall config's ``attendance.holidays`` / ``attendance.workdays``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from config.attendance import AttendanceSettings
from store import tables
from store.upsert import upsert
from workdays.calendar import DayKind, WorkdayCalendar


class HallCalendar:
    """A ``WorkdayCalendar`` rebuilt from the hall config and the stored overrides."""

    def __init__(self, settings: AttendanceSettings | None = None) -> None:
        self.settings = settings or AttendanceSettings()
        self.stored: dict[dt.date, str] = {}
        self.current = WorkdayCalendar.from_settings(self.settings)
        self._pending: dict[dt.date, str] | None = None

    def _build(self, stored: dict[dt.date, str]) -> WorkdayCalendar:
        return WorkdayCalendar.from_settings(
            self.settings,
            holidays=[d for d, k in stored.items() if k == "holiday"],
            workdays=[d for d, k in stored.items() if k == "workday"],
        )

    def load(self, conn: Connection) -> None:
        """Read the stored overrides and put the calendar they make in force."""
        table = tables.calendar_overrides
        self.stored = {
            day: kind for day, kind in conn.execute(sa.select(table.c.day, table.c.kind))
        }
        self.current = self._build(self.stored)

    def set_override(
        self, conn: Connection, day: dt.date, kind: str, now: dt.datetime
    ) -> WorkdayCalendar:
        """Store an override (``holiday``, ``workday`` or ``clear``); returns the calendar to
        swap in after the commit (``adopt``)."""
        table = tables.calendar_overrides
        stored = dict(self.stored)
        if kind == "clear":
            conn.execute(table.delete().where(table.c.day == day))
            stored.pop(day, None)
        else:
            # In UTC: SQLite keeps a datetime's wall time and drops its offset.
            set_at = now.astimezone(dt.UTC)
            upsert(conn, table, {"day": day}, {"kind": kind, "set_at": set_at})
            stored[day] = kind
        self._pending = stored
        return self._build(stored)

    def adopt(self, calendar: WorkdayCalendar) -> None:
        """After commit: the calendar returned by ``set_override`` is now in force."""
        self.current = calendar
        if self._pending is not None:
            self.stored, self._pending = self._pending, None

    # The protocol the queue engine and the attendance rules use.
    def is_workday(self, day: dt.date) -> bool:
        """Whether the hall works on ``day``, by the calendar in force (overrides included)."""
        return self.current.is_workday(day)

    def day_kind(self, day: dt.date) -> DayKind:
        """Workday or not and the source of that answer, by the calendar in force."""
        return self.current.day_kind(day)

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` workdays after ``start``, by the calendar in force (due dates)."""
        return self.current.add_workdays(start, n)
