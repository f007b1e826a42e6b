"""好差评 (Q6) and bad-review work orders (Q7)."""

from __future__ import annotations

import dataclasses

from bus.models.queue import BAD_LEVELS, CloseWorkorder, Rate, UpdateWorkorder
from bus.models.queue import RATING_LABELS as LEVELS
from hallqueue.engine.common import Handled, window_config, window_detail
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx, add_workdays
from hallqueue.engine.model import RatingStatus, Ticket, Workorder, WorkorderStatus


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


STEPS = ("verify", "rectify", "reply")


def update_workorder(ctx: Ctx, d: Draft, op: UpdateWorkorder) -> Handled:
    """Record a step towards closure: 回访核实 (verify), rectification, reply (Q7)."""
    order = d.workorders.get(op.workorder)
    if order is None:
        return Refusal.of("unknown_workorder", workorder=op.workorder)
    if order.status is WorkorderStatus.CLOSED:
        return Refusal.of("workorder_closed")
    if op.step not in STEPS:
        return Refusal.of("bad_step")
    if op.step == "verify":
        verified = True if op.verified is None else op.verified
        new = dataclasses.replace(order, verified=verified, visit_note=op.note)
    elif op.step == "rectify":
        new = dataclasses.replace(order, rectification=op.note or "已整改")
    else:
        new = dataclasses.replace(order, reply=op.note or "已答复")
    d.put_workorder(new)
    public = {"workorder": order.key, "step": op.step}
    d.emit("workorder.updated", public, verified=new.verified, staff=order.staff)
    return {**public, "verified": new.verified}


def close_workorder(ctx: Ctx, d: Draft, op: CloseWorkorder) -> Handled:
    """Close after the call-back and the reply; a verified complaint also needs rectification."""
    order = d.workorders.get(op.workorder)
    if order is None:
        return Refusal.of("unknown_workorder", workorder=op.workorder)
    if order.status is WorkorderStatus.CLOSED:
        return Refusal.of("workorder_closed")
    missing = []
    if order.verified is None:
        missing.append("回访核实 verify")
    if order.verified and not order.rectification:
        missing.append("整改 rectify")
    if not order.reply:
        missing.append("答复 reply")
    if missing:
        return Refusal.of("steps_missing", missing=", ".join(missing))
    closed = dataclasses.replace(order, status=WorkorderStatus.CLOSED, closed_at=ctx.now)
    d.put_workorder(closed)
    overdue = ctx.day > order.due
    public = {"workorder": order.key, "ticket": order.number}
    d.emit("workorder.closed", public, verified=order.verified, overdue=overdue, staff=order.staff)
    return {**public, "verified": order.verified, "overdue": overdue}
