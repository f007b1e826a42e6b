"""``apply``: one operation at a time, time first, then the operation's own rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from config.schema import HallConfig
from hallqueue.engine import appointments, ratings, services, tickets, windows
from hallqueue.engine.common import Handled
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Event, Outcome, Refusal
from hallqueue.engine.hours import Ctx, WorkdayCalendarProtocol, make_ctx, to_hall_time
from hallqueue.engine.model import (
    LIVE,
    BookingStatus,
    QueueState,
    RatingStatus,
    TicketStatus,
    WindowState,
)
from hallqueue.engine.ops import (
    Book,
    Call,
    CancelBooking,
    Checkin,
    CloseWindow,
    CloseWorkorder,
    Finish,
    Hold,
    Issue,
    Login,
    Logout,
    Op,
    OpenWindow,
    Pause,
    Rate,
    Reactivate,
    Recall,
    Resume,
    ResumeTicket,
    Skip,
    Suspend,
    Tick,
    Transfer,
    Unsuspend,
    UpdateWorkorder,
)
from hallqueue.engine.records import retired


def initial_state(hall: HallConfig, now: dt.datetime) -> QueueState:
    """An empty hall on the day of ``now``: every window free, unpaused, nobody logged in."""
    return QueueState(
        day=to_hall_time(hall, now).date(),
        windows={w.id: WindowState(w.id) for w in hall.windows},
    )


def _tick(ctx: Ctx, d: Draft, op: Tick) -> Handled:
    return {"day": ctx.day.isoformat()}


Handler = Callable[[Ctx, Draft, Any], Handled]
HANDLERS: dict[type[Op], Handler] = {
    Issue: tickets.issue,
    Call: tickets.call,
    Recall: tickets.recall,
    Skip: tickets.skip,
    Finish: tickets.finish,
    Hold: tickets.hold,
    ResumeTicket: tickets.resume_ticket,
    Reactivate: tickets.reactivate,
    Transfer: tickets.transfer,
    Pause: windows.pause,
    Resume: windows.resume,
    Login: windows.login,
    Logout: windows.logout,
    CloseWindow: windows.close_window,
    OpenWindow: windows.open_window,
    Rate: ratings.rate,
    UpdateWorkorder: ratings.update_workorder,
    CloseWorkorder: ratings.close_workorder,
    Suspend: services.suspend,
    Unsuspend: services.unsuspend,
    Book: appointments.book,
    Checkin: appointments.checkin,
    CancelBooking: appointments.cancel_booking,
    Tick: _tick,
}


def apply(
    hall: HallConfig,
    calendar: WorkdayCalendarProtocol,
    state: QueueState,
    op: Op,
    now: dt.datetime,
) -> Outcome:
    """Apply ``op`` at hall time ``now``.

    Time passes first (day rollover, expiry at the next opening, rating timeouts, forfeits,
    scheduled ends), then the operation. A refused operation returns the very same ``state``
    object and only its ``<op>.refused`` event: it changes nothing, not even the time-driven
    housekeeping, which the next accepted operation or Tick does instead.
    """
    ctx = make_ctx(hall, calendar, now)
    if ctx.day < state.day:
        # The hall day never goes back (a clock set back over midnight): numbers of the
        # current day must not be issued again under an earlier day.
        ctx = Ctx(hall, calendar, ctx.at(state.day, dt.time(0)))
    handler = HANDLERS.get(type(op))
    if handler is None:
        raise TypeError(f"not a queue operation: {op!r}")
    draft = Draft(state)
    advance(ctx, draft)
    handled = handler(ctx, draft, op)
    if isinstance(handled, Refusal):
        names = op.ident()
        event = Event(
            f"{op.name}.refused",
            {**(names if op.refusal_names_op else {}), "reason": handled.code},
            {**names, "message": handled.message_zh, "message_en": handled.message_en},
        )
        return Outcome(state, (event,), None, handled)
    return Outcome(draft.build(), tuple(draft.events), handled, None, draft.changed())


def advance(ctx: Ctx, d: Draft) -> None:
    """Everything that happens because time passed, in a fixed order."""
    if ctx.day > d.day:
        _roll_over(ctx, d)
    _expire(ctx, d)
    for ws in list(d.windows.values()):
        t = d.tickets.get(ws.last_finished) if ws.last_finished else None
        if (
            t is not None
            and t.rating_status is RatingStatus.PENDING
            and t.rating_due is not None
            and ctx.now > t.rating_due
        ):
            tickets.record_not_rated(d, t)
    for a in list(d.appointments.values()):
        if a.status is BookingStatus.BOOKED and ctx.now > appointments.checkin_deadline(ctx, a):
            d.put_appointment(dataclasses.replace(a, status=BookingStatus.FORFEITED))
            d.emit(
                "appointment.forfeited", {"code": a.key}, service=a.service, slot=a.slot.isoformat()
            )
    for c in list(d.closures.values()):
        if c.ended_at is None and c.until is not None and ctx.now >= c.until:
            d.put_closure(dataclasses.replace(c, ended_at=c.until))
            d.emit("window.reopened", {"window": c.window}, closure=c.key)
    for s in list(d.suspensions.values()):
        if s.ended_at is None and s.end is not None and ctx.now >= s.end:
            d.put_suspension(dataclasses.replace(s, ended_at=s.end))
            d.emit("service.resumed_by_schedule", {"service": s.key})


def _roll_over(ctx: Ctx, d: Draft) -> None:
    """A new hall day: numbering restarts (Q2); yesterday's unserved tickets stay valid until
    the next opening (延时服务, Q8); finished history leaves the live state (the store keeps it)."""
    old = d.day
    d.day = ctx.day
    if any(t.status in LIVE for t in d.tickets.values()):
        opening = ctx.next_opening(old)
        d.expire_at = opening if d.expire_at is None else min(d.expire_at, opening)
    for name in ("tickets", "counters", "appointments", "closures", "suspensions"):
        mapping: Mapping[str, object] = getattr(d, name)
        for key in [k for k, e in mapping.items() if retired(e, ctx.day)]:
            if name == "tickets":
                d.drop_ticket(key)
            else:
                d.drop(name, key)
    d.emit("day.started", {"day": ctx.day.isoformat()})


def _expire(ctx: Ctx, d: Draft) -> None:
    """Q8: tickets not served by the next hall opening expire."""
    while d.expire_at is not None and ctx.now >= d.expire_at:
        cutoff = d.expire_at.date()
        for t in list(d.tickets.values()):
            if t.day < cutoff and t.status in LIVE:
                if t.status is TicketStatus.CALLED and t.window is not None:
                    ws = d.window(t.window)
                    if ws.current == t.key:
                        d.put_window(dataclasses.replace(ws, current=None, recalls=0))
                d.move(t, TicketStatus.EXPIRED, ctx.now, None, "not served by the next opening")
                d.emit("ticket.expired", {"ticket": t.number}, key=t.key, day=t.day.isoformat())
        left = [t.day for t in d.tickets.values() if t.status in LIVE and t.day < ctx.day]
        d.expire_at = ctx.next_opening(min(left)) if left else None
