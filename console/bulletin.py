"""The monthly bulletin (月通报, 001 督查通报制度 第五条(三); 003 "日检查、周考勤、月通报、季考核"):
what it is made of, gathered from the controller's own answers.

The bulletin adds no figure of its own: the queue numbers are ``queue/stats`` for the month
(``hallqueue.stats``, what ``hall stats`` prints), the attendance is ``att/report`` (the
monthly report of ``hall attendance report``), the work orders are ``queue/workorders`` with
their steps and the Q7 grades. The console asks the bus as the signed-in user; ``hall report
bulletin`` calls the same functions on the store. Here they are only picked for the month and
summed per department; ``console.bulletin_pdf`` lays them out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bus.models.replies import (
    MonthReportResult,
    StatsResult,
    WorkorderEntry,
    WorkordersResult,
    WriteoffResult,
)
from config.schema import HallConfig

BULLETIN_ROLES = frozenset({"manager", "auditor"})
"""Who may download the bulletin: the hall centre writes it (第六条: 大厅管理室 compiles it,
the centre's leaders approve it), the auditor reads it."""
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PatrolCountLike(Protocol):
    """One patrol result count (``bus.models.patrol.PatrolCount``, the patrol's
    ``patrol/findings``): findings of a category in a department (None: no department's)."""

    @property
    def department(self) -> str | None: ...
    @property
    def category(self) -> str: ...
    @property
    def count(self) -> int: ...


def month_days(month: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of ``YYYY-MM``, or None when it is not a month."""
    found = MONTH.match(month.strip())
    if found is None:
        return None
    year, number = int(found.group(1)), int(found.group(2))
    first = dt.date(year, number, 1)
    following = dt.date(year + (number == 12), number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous_month(today: dt.date) -> str:
    """The month a bulletin is written about by default: the one before ``today``'s (第五条(三):
    by the 15th, on the month before)."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def month_orders(
    orders: Iterable[WorkorderEntry], first: dt.date, last: dt.date, tz: dt.tzinfo
) -> list[WorkorderEntry]:
    """The work orders the month's bulletin reports: made in the month, closed in it, or still
    open at its end (an order made earlier and not yet handled is the month's business too);
    oldest first."""

    def closed_on(o: WorkorderEntry) -> dt.date | None:
        return o.closed_at.astimezone(tz).date() if o.closed_at is not None else None

    picked = []
    for o in orders:
        closed = closed_on(o)
        made_in = first <= o.day <= last
        closed_in = closed is not None and first <= closed <= last
        open_at_end = o.day <= last and (closed is None or closed > last)
        if made_in or closed_in or open_at_end:
            picked.append(o)
    return sorted(picked, key=lambda o: (o.created_at, o.workorder))


@dataclass(frozen=True, slots=True)
class DepartmentAttendance:
    """One department's month: the report's counts and points summed over its staff."""

    department: str
    staff: int = 0
    late: int = 0
    early: int = 0
    absent_days: int = 0
    converted: int = 0
    written_off: int = 0
    """Approved write-off requests (核销) touching the month."""
    leave_days: int = 0
    deduction: float = 0
    returned: int = 0


def written_off(
    requests: Iterable[WriteoffResult], first: dt.date, last: dt.date, tz: dt.tzinfo
) -> dict[str, int]:
    """Approved write-offs (核销: leave, trips, punch corrections, device failures) touching the
    month, per staff member they write off."""
    counts: dict[str, int] = {}
    for r in requests:
        if r.status != "approved":
            continue
        if r.end.astimezone(tz).date() < first or r.start.astimezone(tz).date() > last:
            continue
        for staff in r.staff_ids or (r.staff_id,):
            counts[staff] = counts.get(staff, 0) + 1
    return counts


def by_department(
    hall: HallConfig, report: MonthReportResult, writeoffs: dict[str, int]
) -> list[DepartmentAttendance]:
    """The monthly report per department, in the hall's order (staff without one last), with
    each department's approved write-offs (``written_off``)."""
    rows: dict[str, DepartmentAttendance] = {}
    for staff_id, person in report.staff.items():
        t, d = person.totals, person.deductions
        r = rows.get(person.department) or DepartmentAttendance(person.department)
        rows[person.department] = DepartmentAttendance(
            department=r.department,
            staff=r.staff + 1,
            late=r.late + t.late,
            early=r.early + t.early,
            absent_days=r.absent_days + t.absent_days,
            converted=r.converted + t.converted_absences,
            written_off=r.written_off + writeoffs.get(staff_id, 0),
            leave_days=r.leave_days + t.leave_days,
            deduction=r.deduction + d.total,
            returned=r.returned + d.returned_to_unit,
        )
    order = {d.code: i for i, d in enumerate(hall.departments)}
    return [rows[c] for c in sorted(rows, key=lambda c: (c == "", order.get(c, len(order)), c))]


@dataclass(frozen=True)
class Bulletin:
    """Everything one month's bulletin shows, as the controller answered it."""

    hall: HallConfig
    month: str
    generated_at: dt.datetime
    """Hall time."""
    stats: StatsResult
    attendance: MonthReportResult | None
    workorders: WorkordersResult | None
    writeoffs: Sequence[WriteoffResult] = ()
    """The approved write-off requests (``att/list``)."""
    patrol: Sequence[PatrolCountLike] = field(default_factory=tuple)
    """The month's patrol findings per department × category; empty: 本月无巡查记录."""

    @property
    def days(self) -> tuple[dt.date, dt.date]:
        found = month_days(self.month)
        if found is None:
            raise ValueError(f"not a month: {self.month!r}")
        return found

    def departments(self) -> list[DepartmentAttendance]:
        if self.attendance is None:
            return []
        first, last = self.days
        counts = written_off(self.writeoffs, first, last, self.hall.tz)
        return by_department(self.hall, self.attendance, counts)

    def orders(self) -> list[WorkorderEntry]:
        if self.workorders is None:
            return []
        first, last = self.days
        return month_orders(self.workorders.workorders, first, last, self.hall.tz)
