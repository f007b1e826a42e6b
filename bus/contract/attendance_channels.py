"""The channels of the console's attendance pages: the month view (``att/month``) and the
list of workday overrides (``att/calendar``)."""

from __future__ import annotations

import datetime as dt

from bus.contract import reply_examples as rx
from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.models import attendance
from bus.models.base import Reply
from bus.models.replies import (
    CalendarDay,
    CalendarEntry,
    CalendarList,
    MonthViewResult,
    StaffMonthView,
    ViewDay,
)

_M = Role.CONSOLE


def _id(n: int) -> str:
    return f"c-20261124-a{n:03d}"


def _day(status: str, sign_in: str | None, sign_out: str | None, **more: object) -> ViewDay:
    fields: dict[str, object] = {
        "status": status, "sign_in": sign_in, "sign_out": sign_out, "late_minutes": 0,
        "early_minutes": 0, "flags": (),
    }  # fmt: skip
    fields.update(more)
    return ViewDay.model_validate(fields)


_S001 = rx.REPORT.staff["S001"]
MONTH = MonthViewResult(
    month="2026-11",
    profile="chengdong",
    through=dt.date(2026, 11, 23),
    calendar={
        dt.date(2026, 11, 22): CalendarDay(workday=False, source="statutory"),
        dt.date(2026, 11, 23): CalendarDay(workday=True, source="statutory"),
        dt.date(2026, 11, 24): CalendarDay(workday=True, source="statutory"),
    },
    staff={
        "S001": StaffMonthView(
            name=_S001.name,
            department=_S001.department,
            totals=_S001.totals,
            deductions=_S001.deductions,
            # Three of the month's days shown: a Sunday, a late Monday, today not yet judged.
            days={
                dt.date(2026, 11, 22): _day(
                    "rest", None, None, late_minutes=None, early_minutes=None
                ),
                dt.date(2026, 11, 23): _day(
                    "late",
                    "09:12:00",
                    "17:03:00",
                    late_minutes=12,
                    punch_flags=("clock_not_synced",),
                ),
                dt.date(2026, 11, 24): _day(
                    "pending", "08:52:00", None, late_minutes=None, early_minutes=None
                ),
            },
        ),
    },
)
CALENDAR = CalendarList(
    overrides=(
        CalendarEntry(
            date=dt.date(2026, 12, 31),
            kind="holiday",
            source="manager",
            set_at=_at(9, 5),
            statutory_workday=True,
            in_force=True,
        ),
    )
)
_CHIEF_ONLY = (
    "首席代表只能查看本部门（shebao）的考勤 / a chief sees their own department's (shebao) "
    "attendance only"
)

ATTENDANCE_VIEW_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        attendance.MonthViewQuery,
        (_M,),
        (
            attendance.MonthViewQuery(id=_id(1), month="2026-11", staff_id="S001"),
            Example(
                attendance.MonthViewQuery(id=_id(2), month="2026-11", department="shebao"),
                "a department's table (a chief: their own department only)",
            ),
        ),
        "A month day by day for the console's month view: one staff member (window staff: "
        "only themselves), a department (a chief: only their own), or the whole hall. The "
        "numbers are `att/report`'s; days not over yet are `pending`.",
        reply_examples=(
            ok(_id(1), MONTH),
            Example(
                Reply.failure(_id(2), "forbidden", _CHIEF_ONLY),
                "a chief of another department asking for shebao",
            ),
        ),
    ),
    CommandChannel(
        attendance.CalendarQuery,
        (_M,),
        (attendance.CalendarQuery(id=_id(3)),),
        "The workday overrides: the manager's (set and cleared with `att/calendar_override`) "
        "and the hall config's, each with what the statutory calendar says of that date.",
        reply_examples=(ok(_id(3), CALENDAR),),
    ),
]
"""The attendance pages' queries."""
