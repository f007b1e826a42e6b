"""The hall's workday calendar with the manager's overrides from the store.

Queue (work-order due dates) and attendance (workdays) share one instance, so an override
takes effect for both at once.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from attendance.calendar import DayKind, WorkdayCalendar
from controller import tables
from controller.upsert import upsert


class HallCalendar:
    """A ``WorkdayCalendar`` whose overrides live in ``calendar_overrides``."""

    def __init__(self) -> None:
        self.current = WorkdayCalendar()

    def load(self, conn: Connection) -> None:
        rows = conn.execute(
            sa.select(tables.calendar_overrides.c.day, tables.calendar_overrides.c.kind)
        )
        holidays = [d for d, k in rows if k == "holiday"]
        rows = conn.execute(
            sa.select(tables.calendar_overrides.c.day, tables.calendar_overrides.c.kind)
        )
        workdays = [d for d, k in rows if k == "workday"]
        self.current = WorkdayCalendar(holidays=holidays, workdays=workdays)

    def set_override(
        self, conn: Connection, day: dt.date, kind: str, now: dt.datetime
    ) -> WorkdayCalendar:
        """Store an override; returns the calendar to swap in after commit."""
        table = tables.calendar_overrides
        if kind == "clear":
            conn.execute(table.delete().where(table.c.day == day))
            holidays = self.current.holidays - {day}
            workdays = self.current.workdays - {day}
            return WorkdayCalendar(holidays=holidays, workdays=workdays)
        upsert(conn, table, {"day": day}, {"kind": kind, "set_at": now})
        if kind == "holiday":
            return self.current.with_overrides(holidays=[day])
        return self.current.with_overrides(workdays=[day])

    # The protocol the queue engine and the attendance rules use.
    def is_workday(self, day: dt.date) -> bool:
        return self.current.is_workday(day)

    def day_kind(self, day: dt.date) -> DayKind:
        return self.current.day_kind(day)

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        return self.current.add_workdays(start, n)
