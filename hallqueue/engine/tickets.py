"""Taking a ticket (Q2, Q3, Q8, Q9, Q10) and the caller's actions at a window (Q4, Q5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bus.models.queue import (
    Call,
    Finish,
    Hold,
    Issue,
    Reactivate,
    Recall,
    ResumeTicket,
    Skip,
    Transfer,
)
from hallqueue.engine.common import (
    Handled,
    active_closure,
    announcement,
    counter,
    estimated_wait_minutes,
    find_ticket,
    staffed,
    ticket_detail,
    window_config,
    window_detail,
)
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import RatingStatus, Step, Ticket, TicketStatus, WindowState, ticket_key
from hallqueue.engine.order import ahead_of, pick


def issue_refusal(ctx: Ctx, d: Draft, service: str) -> Refusal | None:
    """Why the kiosk may not issue a ticket for ``service`` now, or None (Q8, Q9, Q10)."""
    item = ctx.hall.item(service)
    if item is None:
        return Refusal.of("unknown_service", service=service)
    cat = ctx.hall.category(item.category)
    assert cat is not None  # the loader checks every item's category
    now_t = ctx.now.time()
    if not ctx.hall_open_on(ctx.day):
        return Refusal.of("closed", "rest_day")
    if now_t < ctx.hall.hours.open:
        return Refusal.of("closed", "before_open", open=ctx.hall.hours.open.strftime("%H:%M"))
    if now_t >= ctx.last_ticket(cat):
        return Refusal.of("closed")
    suspension = d.suspensions.get(service)
    if suspension is not None and suspension.active(ctx.now):
        return Refusal.of("suspended", notice=suspension.notice)
    if cat.daily_cap is not None and counter(d, ctx, cat.prefix).last_seq >= cat.daily_cap:
        return Refusal.of("cap_reached")
    return None


def new_ticket(
    ctx: Ctx,
    d: Draft,
    service: str,
    priority: bool,
    booking: str | None = None,
    status_token: str | None = None,
) -> tuple[Ticket, dict[str, Any]]:
    """Number and queue a ticket; returns it and the reply the kiosk prints (Q1, Q2).

    ``status_token`` (the status page's, from the operation) is kept with the ticket and put
    in the reply only: the ``ticket.issued`` event, which every node reads, never has it."""
    item = ctx.hall.item(service)
    assert item is not None
    c = counter(d, ctx, item.category)
    c = dataclasses.replace(c, last_seq=c.last_seq + 1)
    d.put_counter(c)
    # 3 digits as in the rules; a 1000th ticket widens to A1000 rather than reusing A000.
    number = f"{item.category}{c.last_seq:03d}"
    # Tickets issued today in every category, this one included: the issue order (Q4).
    ordinal = sum(k.last_seq for k in d.counters.values() if k.day == ctx.day)
    ticket = Ticket(
        key=ticket_key(ctx.day, number),
        day=ctx.day,
        number=number,
        seq=c.last_seq,
        category=item.category,
        service=service,
        original_service=service,
        priority=priority,
        issued_at=ctx.now,
        booking=booking,
        history=(Step(TicketStatus.WAITING, ctx.now, None, "issued"),),
        ordinal=ordinal,
        status_token=status_token,
    )
    d.put_ticket(ticket)
    ahead = ahead_of(d.waiting, ticket)
    wait = estimated_wait_minutes(ctx.hall, d, item.category, ahead, ctx)
    public: dict[str, Any] = {"ticket": number, "service": service, "ahead": ahead}
    if priority:
        public["priority"] = True
    detail = {
        **ticket_detail(ctx.hall, ticket),
        "issued_at": ctx.now.isoformat(),
        "estimated_wait_minutes": wait,
        "booking": booking,
    }
    d.emit("ticket.issued", public, **detail)
    reply = {**public, **detail, "priority": priority}
    if status_token is not None:
        reply["status_token"] = status_token
    return ticket, reply


def issue(ctx: Ctx, d: Draft, op: Issue) -> Handled:
    refusal = issue_refusal(ctx, d, op.service)
    if refusal is not None:
        return refusal
    return new_ticket(ctx, d, op.service, op.priority, status_token=op.status_token)[1]


def _window(ctx: Ctx, d: Draft, window_id: str) -> tuple[WindowState, Refusal | None]:
    cfg = window_config(ctx, window_id)
    if isinstance(cfg, Refusal):
        return WindowState(window_id), cfg
    return d.window(window_id), None


def _calling_window(ctx: Ctx, d: Draft, window_id: str) -> tuple[WindowState, Refusal | None]:
    """A window that may take a ticket to its counter now: known, not closed, a staff member
    signed in at it (Q5: every call names who serves), not paused."""
    ws, refusal = _window(ctx, d, window_id)
    if refusal is not None:
        return ws, refusal
    if active_closure(d.closures, window_id, ctx) is not None:
        return ws, Refusal.of("window_closed")
    if not ctx.anonymous_staff_until_logout and not staffed(ctx, ws):
        # Before ``paused``: a window its staff logged out of says who is missing. A replay
        # (§5) refuses a logged-out window as paused, below, as it always has.
        return ws, Refusal.of("not_logged_in")
    if ws.paused:
        return ws, Refusal.of("paused")
    return ws, None


def _current(ctx: Ctx, d: Draft, window_id: str) -> tuple[WindowState, Ticket] | Refusal:
    ws, refusal = _window(ctx, d, window_id)
    if refusal is not None:
        return refusal
    ticket = d.tickets.get(ws.current) if ws.current else None
    if ticket is None:
        return Refusal.of("no_current_ticket")
    return ws, ticket


def _finish(ctx: Ctx, d: Draft, ws: WindowState, ticket: Ticket, implied: bool = False) -> None:
    # The evaluator moves on to this ticket: the previous one can no longer be rated (Q6).
    previous = d.tickets.get(ws.last_finished) if ws.last_finished else None
    if previous is not None and previous.rating_status is RatingStatus.PENDING:
        record_not_rated(d, previous)
    d.move(
        ticket,
        TicketStatus.DONE,
        ctx.now,
        ws.key,
        finished_at=ctx.now,
        rating_status=RatingStatus.PENDING,
        rating_due=ctx.now + dt.timedelta(seconds=ctx.hall.queue.rating_timeout_seconds),
    )
    d.put_window(dataclasses.replace(ws, current=None, recalls=0, last_finished=ticket.key))
    # Observed service time of the day feeds the estimated wait (Q4).
    c = counter(d, ctx, ticket.category)
    started = ticket.called_at or ctx.now
    d.put_counter(
        dataclasses.replace(
            c,
            served=c.served + 1,
            service_seconds=c.service_seconds + max(0.0, (ctx.now - started).total_seconds()),
        )
    )
    d.emit(
        "ticket.finished",
        {"ticket": ticket.number, "window": ws.key},
        implied,
        **ticket_detail(ctx.hall, ticket),
        **window_detail(ctx.hall, ws.key, ticket.staff),
        finished_at=ctx.now.isoformat(),
        rating_until=(
            ctx.now + dt.timedelta(seconds=ctx.hall.queue.rating_timeout_seconds)
        ).isoformat(),
    )


def _call_ticket(ctx: Ctx, d: Draft, ws: WindowState, ticket: Ticket, kind: str) -> dict[str, Any]:
    called = d.move(
        ticket,
        TicketStatus.CALLED,
        ctx.now,
        ws.key,
        window=ws.key,
        staff=ws.staff,
        called_at=ctx.now,
        first_called_at=ticket.first_called_at or ctx.now,
        recalls=0,
    )
    d.put_window(dataclasses.replace(d.window(ws.key), current=called.key, recalls=0))
    public = {"ticket": called.number, "window": ws.key}
    detail = {
        **ticket_detail(ctx.hall, called),
        **window_detail(ctx.hall, ws.key, ws.staff),
        "called_at": ctx.now.isoformat(),
        "announcement": announcement(ctx.hall, called.number, ws.key),
    }
    d.emit(kind, public, **detail)
    return {**public, **detail}


def record_not_rated(d: Draft, ticket: Ticket) -> None:
    d.put_ticket(dataclasses.replace(ticket, rating_status=RatingStatus.NOT_RATED))
    d.emit(
        "ticket.not_rated",
        {"ticket": ticket.number, "window": ticket.window},
        key=ticket.key,
        staff=ticket.staff,
    )


def call(ctx: Ctx, d: Draft, op: Call) -> Handled:
    """下一位: call the next ticket by the call order (Q4).

    Pressing next while a ticket is still current finishes it first: the caller's "next" key
    means "this citizen is done, call the next one". That ``ticket.finished`` is marked
    implied, so a §5 replay prints one line per call as RULES.md lists.
    """
    ws, refusal = _calling_window(ctx, d, op.window)
    if refusal is not None:
        return refusal
    current = d.tickets.get(ws.current) if ws.current else None
    if current is not None:
        _finish(ctx, d, ws, current, implied=True)
        ws = d.window(op.window)
    cfg = ctx.hall.window(op.window)
    assert cfg is not None
    key = pick(ctx.hall, d.waiting, cfg)
    if key is None:
        d.emit("call.empty", {"window": op.window}, **window_detail(ctx.hall, op.window, ws.staff))
        return {"ticket": None, "window": op.window}
    return _call_ticket(ctx, d, ws, d.tickets[key], "ticket.called")


def recall(ctx: Ctx, d: Draft, op: Recall) -> Handled:
    """重呼: re-announce the current ticket, at most ``queue.recall_limit`` times (Q5)."""
    got = _current(ctx, d, op.window)
    if isinstance(got, Refusal):
        return got
    ws, ticket = got
    limit = ctx.hall.queue.recall_limit
    if ws.recalls >= limit:
        return Refusal.of("recall_limit", limit=limit)
    d.put_window(dataclasses.replace(ws, recalls=ws.recalls + 1))
    d.put_ticket(dataclasses.replace(ticket, recalls=ticket.recalls + 1))
    public = {"ticket": ticket.number, "window": op.window}
    detail = {
        **ticket_detail(ctx.hall, ticket),
        **window_detail(ctx.hall, op.window, ws.staff),
        "recalls": ws.recalls + 1,
        "recalls_left": limit - ws.recalls - 1,
        "announcement": announcement(ctx.hall, ticket.number, op.window),
    }
    d.emit("ticket.recalled", public, **detail)
    return {**public, **detail}


def _set_aside(ctx: Ctx, d: Draft, window: str, status: TicketStatus, kind: str) -> Handled:
    """The current ticket leaves the window (skipped or held) and the window is free."""
    got = _current(ctx, d, window)
    if isinstance(got, Refusal):
        return got
    ws, ticket = got
    d.move(ticket, status, ctx.now, window)
    d.put_window(dataclasses.replace(ws, current=None, recalls=0))
    public = {"ticket": ticket.number, "window": window}
    d.emit(kind, public, **ticket_detail(ctx.hall, ticket))
    return public


def skip(ctx: Ctx, d: Draft, op: Skip) -> Handled:
    """过号: the citizen did not come; staff may reactivate the ticket later (Q5)."""
    return _set_aside(ctx, d, op.window, TicketStatus.SKIPPED, "ticket.skipped")


def hold(ctx: Ctx, d: Draft, op: Hold) -> Handled:
    """挂起: the citizen fetches materials; the window may serve others meanwhile (Q5)."""
    return _set_aside(ctx, d, op.window, TicketStatus.HELD, "ticket.held")


def finish(ctx: Ctx, d: Draft, op: Finish) -> Handled:
    got = _current(ctx, d, op.window)
    if isinstance(got, Refusal):
        return got
    ws, ticket = got
    _finish(ctx, d, ws, ticket)
    return {"ticket": ticket.number, "window": op.window}


def resume_ticket(ctx: Ctx, d: Draft, op: ResumeTicket) -> Handled:
    """The citizen is back: the held ticket becomes the window's current ticket again."""
    ws, refusal = _calling_window(ctx, d, op.window)
    if refusal is not None:
        return refusal
    if ws.current is not None:
        return Refusal.of("window_busy")
    held = sorted(
        (t for t in d.tickets.values() if t.status is TicketStatus.HELD and t.window == op.window),
        key=lambda t: t.history[-1].at,
    )
    if op.ticket is not None:
        wanted = find_ticket(d, op.ticket)
        held = [t for t in held if wanted is not None and t.key == wanted.key]
    if not held:
        return Refusal.of("no_held_ticket")
    return _call_ticket(ctx, d, ws, held[0], "ticket.resumed")


def reactivate(ctx: Ctx, d: Draft, op: Reactivate) -> Handled:
    """A skipped ticket rejoins its tier at its original issue time (Q5)."""
    ticket = find_ticket(d, op.ticket)
    if ticket is None:
        return Refusal.of("unknown_ticket", ticket=op.ticket)
    if ticket.status is not TicketStatus.SKIPPED:
        return Refusal.of("not_skipped")
    t = d.move(ticket, TicketStatus.WAITING, ctx.now, None, "reactivated")
    public = {"ticket": ticket.number}
    d.emit("ticket.reactivated", public, **ticket_detail(ctx.hall, t), ahead=_ahead(d, t))
    return {**public, "ahead": _ahead(d, t)}


def _ahead(d: Draft, ticket: Ticket) -> int:
    return ahead_of(d.waiting, ticket)


def transfer(ctx: Ctx, d: Draft, op: Transfer) -> Handled:
    """转移: the current ticket joins another service's queue, ahead of its normal tickets and
    ordered among transferred tickets by its original issue time (Q4, Q5)."""
    got = _current(ctx, d, op.window)
    if isinstance(got, Refusal):
        return got
    ws, ticket = got
    item = ctx.hall.item(op.service)
    if item is None:
        return Refusal.of("unknown_service", service=op.service)
    if op.service == ticket.service:
        return Refusal.of("same_service")
    suspension = d.suspensions.get(op.service)
    if suspension is not None and suspension.active(ctx.now):
        return Refusal.of("suspended", notice=suspension.notice)
    t = d.move(
        ticket,
        TicketStatus.WAITING,
        ctx.now,
        op.window,
        f"transferred to {op.service}",
        service=op.service,
        category=item.category,
        transferred=True,
    )
    d.put_window(dataclasses.replace(ws, current=None, recalls=0))
    public = {"ticket": ticket.number, "service": op.service}
    d.emit(
        "ticket.transferred",
        public,
        **ticket_detail(ctx.hall, t),
        from_service=ticket.service,
        from_window=op.window,
        ahead=_ahead(d, t),
    )
    return {**public, "window": op.window, "ahead": _ahead(d, t)}
