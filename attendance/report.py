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
    assessment_deductions,
    evaluate_month,
    parse_month,
)
from attendance.rules.model import StaffMonth, punch_source
from attendance.rules.month import month_totals
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

    def to_json(self, hall: HallConfig, days: bool = False) -> dict[str, Any]:
        """Per staff: name, totals and deductions; with ``days`` also RULES §4's days."""
        full = self.report.to_json()
        staff_json: dict[str, Any] = full["staff"]  # type: ignore[assignment]
        out: dict[str, Any] = {}
        for staff_id, body in staff_json.items():
            member = hall.staff_member(staff_id)
            entry: dict[str, Any] = {
                "name": member.name if member else "",
                "department": (member.department or "") if member else "",
                "totals": body["totals"],
                "deductions": self.deductions[staff_id].to_json(),
            }
            if days:
                entry["days"] = body["days"]
            out[staff_id] = entry
        return {
            "month": self.report.month,
            "profile": self.report.profile,
            "through": self.through.isoformat() if self.through else None,
            "staff": out,
        }


def month_report(
    conn: Connection,
    hall: HallConfig,
    calendar: WorkdayLookup,
    month: str,
    now: dt.datetime,
) -> MonthSummary:
    """Evaluate ``month`` from the store for the hall's roster (everyone in ``hall.staff``,
    plus anyone with a punch or a write-off). ``now`` decides where emergency leave stands."""
    tz = hall.tz
    profile = hall.attendance.resolved_profile()
    start, end = month_bounds(month, tz)
    punches = load_punches(conn, start, end)
    requests = overlapping(load_requests(conn), start, end)
    writeoffs = approved_writeoffs(profile, calendar, requests, now, tz)
    roster = [s.id for s in hall.staff]
    report = evaluate_month(profile, calendar, punches, writeoffs, month, tz, roster)
    today = now.astimezone(tz).date()
    through: dt.date | None = None
    if today <= parse_month(month)[1]:
        # The month is not over: today and later have not happened (or not finished), and
        # would all read as absence. Count the complete days only.
        through = today - dt.timedelta(days=1)
        report = until(report, profile, through)
    deductions = {
        staff_id: assessment_deductions(sm.totals, profile.deductions)
        for staff_id, sm in report.staff.items()
    }
    return MonthSummary(report, deductions, through)


def until(report: MonthReport, profile: AttendanceProfile, last: dt.date) -> MonthReport:
    """The report with the days after ``last`` left out and the totals counted again."""
    staff: dict[str, StaffMonth] = {}
    for staff_id, sm in report.staff.items():
        days = tuple(d for d in sm.days if d.day <= last)
        staff[staff_id] = StaffMonth(staff_id, days, month_totals(days, profile))
    return MonthReport(report.month, report.profile, staff, report.split_day)
