"""好差评 (Q6), and the bad-review work order a rating of 1 or 2 opens (Q7; its steps are in
``workorders``)."""

from __future__ import annotations

import dataclasses

from bus.models.queue import BAD_LEVELS, Rate
from bus.models.queue import RATING_LABELS as LEVELS
from hallqueue.engine.common import Handled, window_config, window_detail
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx, add_workdays
from hallqueue.engine.model import RatingStatus, Ticket, Workorder


def rate(ctx: Ctx, d: Draft, op: Rate) -> Handled:
    """One rating per service, only for the ticket just finished at this window, only from the
    evaluator, only within the rating timeout (Q6). 1 or 2 opens a work order (Q7)."""
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    if op.source != "evaluator":
        return Refusal.of("not_evaluator")
    if op.level not in LEVELS:
        return Refusal.of("bad_level")
    ws = d.window(op.window)
    ticket = d.tickets.get(ws.last_finished) if ws.last_finished else None
    if ticket is None:
        return Refusal.of("no_finished_ticket")
    if ticket.rating_status is RatingStatus.RATED:
        return Refusal.of("already_rated")
    if ticket.rating_status is RatingStatus.NOT_RATED or (
        ticket.rating_due is not None and ctx.now > ticket.rating_due
    ):
        return Refusal.of("rating_timeout")
    rated = dataclasses.replace(
        ticket, rating=op.level, rating_status=RatingStatus.RATED, rated_at=ctx.now
    )
    d.put_ticket(rated)
    public = {"ticket": ticket.number, "level": op.level}
    d.emit(
        "ticket.rated",
        public,
        key=ticket.key,
        label=LEVELS[op.level],
        service=ticket.service,
        category=ticket.category,
        **window_detail(ctx.hall, op.window, ticket.staff),
    )
    result: dict[str, object] = {**public, "window": op.window, "staff": ticket.staff}
    if op.level in BAD_LEVELS:
        order = _open_workorder(ctx, d, rated)
        result["workorder"] = order.key
        result["due"] = order.due.isoformat()
    return result


def _open_workorder(ctx: Ctx, d: Draft, ticket: Ticket) -> Workorder:
    due = add_workdays(ctx.calendar, ctx.day, ctx.hall.queue.workorder_due_workdays)
    order = Workorder(
        key=f"WO-{ticket.key}",
        ticket=ticket.key,
        number=ticket.number,
        service=ticket.service,
        window=ticket.window,
        staff=ticket.staff,
        level=ticket.rating or 0,
        created_at=ctx.now,
        due=due,
    )
    d.put_workorder(order)
    cat = ctx.hall.category(ticket.category)
    d.emit(
        "workorder.created",
        {"ticket": ticket.number, "due": due.isoformat()},
        workorder=order.key,
        level=order.level,
        staff=order.staff,
        window=order.window,
        department=cat.department if cat is not None else None,
    )
    return order
