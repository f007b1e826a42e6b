"""The work-order list (``queue/workorders``, Q7): pure, from the state at the hall's time.

Each order with its due day and the workdays left, counted here with the hall's workday
calendar (statutory holidays, 调休 and the manager's overrides), because the console, a node,
has no calendar of its own (``pyproject.toml`` ``[tool.servicehall.layers]``): it shows
what the controller counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bus.models.queue import WorkordersQuery
from bus.models.replies import WorkorderEntry, WorkorderStepEntry
from hallqueue.engine.hours import Ctx, WorkdayCalendarProtocol
from hallqueue.engine.model import QueueState, Workorder, WorkorderStatus

_SEARCH_DAYS = 3 * 366
"""The farthest a count of workdays walks (an order open for years still gets its number)."""


def workdays_left(calendar: WorkdayCalendarProtocol, today: dt.date, due: dt.date) -> int:
    """The workdays after ``today`` up to ``due`` (0 when due today); past ``due``, minus the
    workdays after ``due`` up to ``today`` (-1: one workday overdue)."""
    first, last, sign = (today, due, 1) if due >= today else (due, today, -1)
    count = 0
    day = first
    for _ in range(min((last - first).days, _SEARCH_DAYS)):
        day += dt.timedelta(days=1)
        count += calendar.is_workday(day)
    return sign * count


def department_of(ctx: Ctx, order: Workorder) -> str | None:
    """The department owning the order's service item (a chief's are their department's)."""
    item = ctx.hall.item(order.service)
    category = ctx.hall.category(item.category) if item is not None else None
    return category.department if category is not None else None


def entry(ctx: Ctx, order: Workorder) -> WorkorderEntry:
    """One order as the list shows it, counted at the hall's time."""
    closed = order.status is WorkorderStatus.CLOSED
    if closed and order.closed_at is not None:
        overdue = ctx.local(order.closed_at).date() > order.due
    else:
        overdue = ctx.day > order.due
    return WorkorderEntry(
        workorder=order.key,
        ticket=order.number,
        day=ctx.local(order.created_at).date(),
        service=order.service,
        department=department_of(ctx, order),
        window=order.window,
        staff=order.staff,
        level=order.level,
        created_at=order.created_at,
        due=order.due,
        status="closed" if closed else "open",
        workdays_left=None if closed else workdays_left(ctx.calendar, ctx.day, order.due),
        overdue=overdue,
        verified=order.verified,
        visit_note=order.visit_note,
        rectification=order.rectification,
        reply=order.reply,
        appeal=order.appeal.value,
        appeal_note=order.appeal_note,
        decision_note=order.decision_note,
        counts=order.counts,
        closed_at=order.closed_at,
        steps=tuple(
            WorkorderStepEntry(step=s.step, at=s.at, by=s.by, note=s.note, verified=s.verified)
            for s in order.steps
        ),
    )


def chosen(ctx: Ctx, orders: Iterable[Workorder], query: WorkordersQuery) -> list[Workorder]:
    """The orders the query asks for: by status, the day they were made, the department."""
    out = []
    for order in orders:
        made = ctx.local(order.created_at).date()
        if query.status is not None and order.status.value != query.status:
            continue
        if query.date_from is not None and made < query.date_from:
            continue
        if query.date_to is not None and made > query.date_to:
            continue
        if query.department is not None and department_of(ctx, order) != query.department:
            continue
        out.append(order)
    return out


def workorder_list(ctx: Ctx, state: QueueState, query: WorkordersQuery) -> list[WorkorderEntry]:
    """The orders of ``query``: open ones soonest due first, then the closed, last closed
    first."""
    orders = chosen(ctx, state.workorders.values(), query)
    far = dt.datetime.min.replace(tzinfo=dt.UTC)
    open_ = sorted(
        (o for o in orders if o.status is WorkorderStatus.OPEN),
        key=lambda o: (o.due, o.created_at, o.key),
    )
    closed = sorted(
        (o for o in orders if o.status is WorkorderStatus.CLOSED),
        key=lambda o: (o.closed_at or far, o.key),
        reverse=True,
    )
    return [entry(ctx, o) for o in (*open_, *closed)]
