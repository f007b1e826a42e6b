"""The monthly attendance report (A8, 请休假制度 第十条) from the controller's store.

One code path for the bus query (``att/report``) and ``hall attendance report``: punches
from the punch log, write-off requests with today's status, calendar overrides, all handed
to the same :func:`attendance.rules.evaluate_month` that ``hall attendance evaluate`` uses.
A month still running is counted up to yesterday (``through``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from attendance.punchlog import utc
from attendance.requests import StoredRequest, approved_writeoffs, overlapping
from attendance.rules import (
    Deductions,
    MonthReport,
    Punch,
    WorkdayLookup,
    WriteOff,
    assessment_deductions,
    evaluate_month,
    parse_month,
)
from attendance.rules.model import StaffMonth, punch_source
from attendance.rules.month import month_totals
from bus.models.replies import (
    MonthDay,
    MonthDeductions,
    MonthReportResult,
    MonthTotals,
    StaffMonthResult,
)
from config.attendance import AttendanceProfile
from config.schema import HallConfig
from store import tables


def month_bounds(month: str, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The month in hall time as aware datetimes (first instant, last instant)."""
    first, last = parse_month(month)
    start = dt.datetime.combine(first, dt.time(0, 0), tz)
    end = dt.datetime.combine(last, dt.time(23, 59, 59, 999999), tz)
    return start, end


def load_punches(conn: Connection, start: dt.datetime, end: dt.datetime) -> list[Punch]:
    """Punches of the log taken between ``start`` and ``end`` (aware), as the rules take them."""
    p = tables.punches.c
    result = conn.execute(
        sa.select(p.staff_id, p.time, p.source, p.device)
        .where(p.time >= utc(start), p.time <= utc(end))
        .order_by(p.seq)
    )
    return [
        Punch(staff, utc(at), punch_source(source), device)
        for staff, at, source, device in result
    ]


def load_requests(conn: Connection) -> list[StoredRequest]:
    """Every write-off request in the store, oldest first."""
    result = conn.execute(
        sa.select(tables.writeoffs.c.data).order_by(tables.writeoffs.c.created_at)
    )
    return [StoredRequest.from_data(data) for (data,) in result]


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """A month's evaluation with each person's assessment deductions."""

    report: MonthReport
    deductions: dict[str, Deductions]
    through: dt.date | None = None
    """Last day counted when the month is not over yet (days from today on are left out)."""

    def numbers(self, hall: HallConfig, staff_id: str) -> dict[str, Any]:
        """One person's name, department, totals and deductions, as the replies carry them."""
        member = hall.staff_member(staff_id)
        d = self.deductions[staff_id]
        return {
            "name": member.name if member else "",
            "department": (member.department or "") if member else "",
            "totals": MonthTotals.model_validate(self.report.staff[staff_id].totals.to_json()),
            "deductions": MonthDeductions(
                late_early=d.late_early,
                proxy_punch=d.proxy_punch,
                absence=d.absence,
                total=d.total,
                absences=d.absences,
                returned_to_unit=d.returned_to_unit,
            ),
        }

    def result(self, hall: HallConfig, days: bool = False) -> MonthReportResult:
        """Per staff: name, totals and deductions; with ``days`` also RULES §4's days."""
        split = self.report.split_day
        out: dict[str, StaffMonthResult] = {}
        for staff_id, sm in sorted(self.report.staff.items()):
            listed: dict[str, Any] = {}
            if days:
                listed["days"] = {
                    day.day: MonthDay.model_validate(day.to_json(with_slots=split))
                    for day in sm.days
                }
            out[staff_id] = StaffMonthResult(**self.numbers(hall, staff_id), **listed)
        return MonthReportResult(
            month=self.report.month, profile=self.report.profile, through=self.through, staff=out
        )

    def to_json(self, hall: HallConfig, days: bool = False) -> dict[str, Any]:
        """The report as ``hall attendance report`` prints it: ``result`` as JSON."""
        return self.result(hall, days).model_dump(mode="json")


def evaluate_stored(
    conn: Connection,
    hall: HallConfig,
    calendar: WorkdayLookup,
    month: str,
    now: dt.datetime,
) -> tuple[MonthReport, list[WriteOff]]:
    """Every day of ``month`` judged from the store for the hall's roster (everyone in
    ``hall.staff``, plus anyone with a punch or a write-off), with the write-offs it used
    (all statuses as of ``now``: only approved ones count)."""
    tz = hall.tz
    profile = hall.attendance.resolved_profile()
    start, end = month_bounds(month, tz)
    punches = load_punches(conn, start, end)
    requests = overlapping(load_requests(conn), start, end)
    writeoffs = approved_writeoffs(profile, calendar, requests, now, tz)
    roster = [s.id for s in hall.staff]
    report = evaluate_month(profile, calendar, punches, writeoffs, month, tz, roster)
    return report, writeoffs


def summarize(report: MonthReport, hall: HallConfig, now: dt.datetime) -> MonthSummary:
    """The report with its deductions; a month still running is counted up to yesterday."""
    profile = hall.attendance.resolved_profile()
    today = now.astimezone(hall.tz).date()
    through: dt.date | None = None
    if today <= parse_month(report.month)[1]:
        # The month is not over: today and later have not happened (or not finished), and
        # would all read as absence. Count the complete days only.
        through = today - dt.timedelta(days=1)
        report = until(report, profile, through)
    deductions = {
        staff_id: assessment_deductions(sm.totals, profile.deductions)
        for staff_id, sm in report.staff.items()
    }
    return MonthSummary(report, deductions, through)


def month_report(
    conn: Connection,
    hall: HallConfig,
    calendar: WorkdayLookup,
    month: str,
    now: dt.datetime,
) -> MonthSummary:
    """Evaluate ``month`` from the store (:func:`evaluate_stored`) and count it
    (:func:`summarize`). ``now`` decides where emergency leave stands."""
    report, _ = evaluate_stored(conn, hall, calendar, month, now)
    return summarize(report, hall, now)


def until(report: MonthReport, profile: AttendanceProfile, last: dt.date) -> MonthReport:
    """The report with the days after ``last`` left out and the totals counted again."""
    staff: dict[str, StaffMonth] = {}
    for staff_id, sm in report.staff.items():
        days = tuple(d for d in sm.days if d.day <= last)
        staff[staff_id] = StaffMonth(staff_id, days, month_totals(days, profile))
    return MonthReport(report.month, report.profile, staff, report.split_day)
