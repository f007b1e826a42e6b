"""The month view of the console (``att/month``) and the calendar's override list
(``att/calendar``), from the controller's store.

The month view is ``att/report``'s evaluation (:func:`attendance.report.evaluate_stored`,
counted by :func:`attendance.report.summarize`), not a second reading of the rules: the
numbers on the page are the report's. It adds what a reviewer looks at beside a day's
judgement: the clock flags of its punches (A7) and the approved write-offs touching it, and
it marks the days not over yet ``pending`` instead of judging them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from attendance.punchlog import utc
from attendance.report import evaluate_stored, month_bounds, summarize
from attendance.requests import RequestRefused
from attendance.rules import DayResult, DayStatus, WriteOff, parse_month
from attendance.rules.writeoffs import to_hall_time
from bus.models.replies import (
    CalendarDay,
    CalendarEntry,
    CalendarList,
    MonthViewResult,
    StaffMonthView,
    ViewDay,
)
from config.schema import HallConfig
from store import tables
from workdays.calendar import WorkdayCalendar, statutory_workday

PUNCH_FLAGS = ("clock_not_synced", "clock_skew")
"""The punch log's flags a day shows (the order they are listed in)."""


def chosen_staff(
    hall: HallConfig, everyone: Iterable[str], staff_id: str | None, department: str | None
) -> list[str]:
    """The staff ids the query names: one person, a department's, or all; refused when the
    person or department is not the hall's."""
    if staff_id is not None:
        if hall.staff_member(staff_id) is None:
            raise RequestRefused(
                "unknown_staff", f"未登记的工作人员 {staff_id} / unknown staff {staff_id!r}"
            )
        return [staff_id]
    if department is not None:
        if hall.department(department) is None:
            raise RequestRefused("invalid", f"没有部门 {department} / no department {department!r}")
        members = {s.id for s in hall.staff if s.department == department}
        return sorted(s for s in everyone if s in members)
    return sorted(everyone)


def clock_flags_by_day(
    conn: Connection, hall: HallConfig, month: str, staff: set[str]
) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """The clock flags of each person's punches, by (staff id, hall day)."""
    start, end = month_bounds(month, hall.tz)
    p = tables.punches.c
    found: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    rows = conn.execute(
        sa.select(p.staff_id, p.time, p.flags).where(p.time >= utc(start), p.time <= utc(end))
    )
    for staff_id, at, flags in rows:
        if staff_id in staff and flags:
            found[(staff_id, utc(at).astimezone(hall.tz).date())].update(flags)
    return {key: tuple(f for f in PUNCH_FLAGS if f in got) for key, got in found.items()}


def writeoffs_by_day(
    writeoffs: Iterable[WriteOff], tz: dt.tzinfo, first: dt.date, last: dt.date
) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """The kinds of the approved write-offs touching each person's days of the month."""
    found: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    for w in writeoffs:
        if w.status != "approved":
            continue
        day = max(to_hall_time(w.start, tz).date(), first)
        end = min(to_hall_time(w.end, tz).date(), last)
        while day <= end:
            if w.kind.value not in found[(w.staff_id, day)]:
                found[(w.staff_id, day)].append(w.kind.value)
            day += dt.timedelta(days=1)
    return {key: tuple(kinds) for key, kinds in found.items()}


def view_day(
    day: DayResult, pending: bool, punch_flags: tuple[str, ...], writeoffs: tuple[str, ...]
) -> ViewDay:
    """A judged day as the view shows it; a workday not over yet keeps its punches only (a
    rest day ahead is already known to be one)."""
    judged = day.to_json()
    if pending and day.status is not DayStatus.REST:
        judged.update(status="pending", late_minutes=None, early_minutes=None, flags=[])
    return ViewDay.model_validate({**judged, "punch_flags": punch_flags, "writeoffs": writeoffs})


def month_view(
    conn: Connection,
    hall: HallConfig,
    calendar: WorkdayCalendar,
    month: str,
    now: dt.datetime,
    staff_id: str | None = None,
    department: str | None = None,
) -> MonthViewResult:
    """``att/month``: the month of one person, one department or the hall."""
    first, last = parse_month(month)
    full, writeoffs = evaluate_stored(conn, hall, calendar, month, now)
    summary = summarize(full, hall, now)
    chosen = chosen_staff(hall, full.staff, staff_id, department)
    flags = clock_flags_by_day(conn, hall, month, set(chosen))
    covered = writeoffs_by_day(writeoffs, hall.tz, first, last)
    through = summary.through
    staff: dict[str, StaffMonthView] = {}
    for sid in chosen:
        days = {
            day.day: view_day(
                day,
                through is not None and day.day > through,
                flags.get((sid, day.day), ()),
                covered.get((sid, day.day), ()),
            )
            for day in full.staff[sid].days
        }
        staff[sid] = StaffMonthView(**summary.numbers(hall, sid), days=days)
    return MonthViewResult(
        month=full.month,
        profile=full.profile,
        through=through,
        calendar={
            day: CalendarDay(workday=kind.workday, source=kind.source)
            for day, kind in ((day, calendar.day_kind(day)) for day in _dates(first, last))
        },
        staff=staff,
    )


def _dates(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    return (dt.date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))


def calendar_list(conn: Connection, hall: HallConfig) -> CalendarList:
    """``att/calendar``: the manager's overrides and the hall config's dates, by date."""
    table = tables.calendar_overrides
    stored = {
        day: (kind, set_at)
        for day, kind, set_at in conn.execute(sa.select(table.c.day, table.c.kind, table.c.set_at))
    }
    settings = hall.attendance
    entries: list[CalendarEntry] = []
    configured: list[tuple[dt.date, Literal["holiday", "workday"]]] = [
        (d, "holiday") for d in settings.holidays
    ]
    configured.extend((d, "workday") for d in settings.workdays)
    for day, kind in configured:
        entries.append(
            CalendarEntry(
                date=day,
                kind=kind,
                source="config",
                set_at=None,
                statutory_workday=statutory_workday(day),
                in_force=day not in stored,
            )
        )
    for day, (kind, set_at) in stored.items():
        entries.append(
            CalendarEntry(
                date=day,
                kind=kind,
                source="manager",
                set_at=utc(set_at),
                statutory_workday=statutory_workday(day),
                in_force=True,
            )
        )
    entries.sort(key=lambda e: (e.date, e.source != "manager"))
    return CalendarList(overrides=tuple(entries))
