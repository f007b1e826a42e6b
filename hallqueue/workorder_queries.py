"""The work-order list behind the bus (``queue/workorders``, Q7).

Read-only, like ``queue/bookings``: answered from the service's state at the controller's
time by the pure ``hallqueue.engine.workorder_list`` (which counts the workdays left with
the hall's calendar), with the review grades of this year of the staff the orders name
(``hallqueue.stats.staff_review_grades``: an upheld appeal leaves the count). Whether the
asker may see the orders (a chief only their department's, window staff none) is the
controller's check before this (``controller/permissions.py``).
"""

from __future__ import annotations

import datetime as dt

from bus.models.base import Command
from bus.models.queue import WorkordersQuery
from bus.models.replies import ReviewGrades, WorkordersResult
from config.schema import HallConfig
from hallqueue.engine import QueueState
from hallqueue.engine.hours import WorkdayCalendarProtocol, make_ctx
from hallqueue.engine.workorder_list import chosen, workorder_list
from hallqueue.stats import staff_review_grades
from store.service import Outcome


def workorder_query(
    hall: HallConfig,
    calendar: WorkdayCalendarProtocol,
    state: QueueState,
    cmd: Command,
    now: dt.datetime,
) -> Outcome | None:
    """The answer to ``queue/workorders``, or None for any other command."""
    if not isinstance(cmd, WorkordersQuery):
        return None
    if cmd.date_from is not None and cmd.date_to is not None and cmd.date_to < cmd.date_from:
        return Outcome.refused("invalid", "结束日期早于开始日期 / to is before from")
    ctx = make_ctx(hall, calendar, now)
    entries = workorder_list(ctx, state, cmd)
    # The grades are the hall's for the whole year, of the staff this asker's orders name.
    theirs = WorkordersQuery(id=cmd.id, department=cmd.department)
    named = {o.staff for o in chosen(ctx, state.workorders.values(), theirs) if o.staff}
    records = [("workorder", key, order) for key, order in state.workorders.items()]
    grades = staff_review_grades(records, ctx.day.year)
    mine = ReviewGrades(
        year=grades.year, staff={s: g for s, g in grades.staff.items() if s in named}
    )
    return Outcome(result=WorkordersResult(today=ctx.day, workorders=tuple(entries),
                                           review_grades=mine))  # fmt: skip
