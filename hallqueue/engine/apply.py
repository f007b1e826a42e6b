"""``apply``: one operation at a time, time first, then the operation's own rules.

The operations are the command models of ``bus.models.queue`` (what ``parse_command`` and
the replay make); ``_handle`` is the one table from an operation to its rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from bus.models import queue as ops
from bus.models.queue import QueueOp
from config.schema import HallConfig
from hallqueue.engine import appointments, ratings, services, tickets, windows, workorders
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
from hallqueue.engine.records import retired


def initial_state(hall: HallConfig, now: dt.datetime) -> QueueState:
    """An empty hall on the day of ``now``: every window free, unpaused, nobody logged in."""
    return QueueState(
        day=to_hall_time(hall, now).date(),
        windows={w.id: WindowState(w.id) for w in hall.windows},
    )


def _handle(ctx: Ctx, d: Draft, op: QueueOp) -> Handled:
    """The operation's own rules: one case per operation of ``bus.models.queue``."""
    match op:
        case ops.Issue():
            return tickets.issue(ctx, d, op)
        case ops.Call():
            return tickets.call(ctx, d, op)
        case ops.Recall():
            return tickets.recall(ctx, d, op)
        case ops.Skip():
            return tickets.skip(ctx, d, op)
        case ops.Finish():
            return tickets.finish(ctx, d, op)
        case ops.Hold():
            return tickets.hold(ctx, d, op)
        case ops.ResumeTicket():
            return tickets.resume_ticket(ctx, d, op)
        case ops.Reactivate():
            return tickets.reactivate(ctx, d, op)
        case ops.Transfer():
            return tickets.transfer(ctx, d, op)
        case ops.Pause():
            return windows.pause(ctx, d, op)
        case ops.Resume():
            return windows.resume(ctx, d, op)
        case ops.Login():
            return windows.login(ctx, d, op)
        case ops.Logout():
            return windows.logout(ctx, d, op)
        case ops.CloseWindow():
            return windows.close_window(ctx, d, op)
        case ops.OpenWindow():
            return windows.open_window(ctx, d, op)
        case ops.Rate():
            return ratings.rate(ctx, d, op)
        case ops.UpdateWorkorder():
            return workorders.update_workorder(ctx, d, op)
        case ops.CloseWorkorder():
            return workorders.close_workorder(ctx, d, op)
        case ops.Suspend():
            return services.suspend(ctx, d, op)
        case ops.Unsuspend():
            return services.unsuspend(ctx, d, op)
        case ops.Book():
            return appointments.book(ctx, d, op)
        case ops.Checkin():
            return appointments.checkin(ctx, d, op)
        case ops.CancelBooking():
            return appointments.cancel_booking(ctx, d, op)
        case ops.CancelSlot():
            return appointments.cancel_slot(ctx, d, op)
        case ops.Tick():
            return {"day": ctx.day.isoformat()}
    raise TypeError(f"not a queue operation: {op!r}")


def apply(
    hall: HallConfig,
    calendar: WorkdayCalendarProtocol,
    state: QueueState,
    op: QueueOp,
    now: dt.datetime,
    *,
    anonymous_staff_until_logout: bool = False,
) -> Outcome:
    """Apply ``op`` at hall time ``now``.

    ``anonymous_staff_until_logout`` is the replay's reading of RULES §5: a window never
    signed in counts as signed in by an unnamed staff member, so it calls until a logout.
    The controller leaves it False: a window nobody is signed in at refuses ``call`` and
    ``resume_ticket`` with ``not_logged_in`` (Q5).

    Time passes first (day rollover, expiry at the next opening, rating timeouts, forfeits,
    scheduled ends), then the operation. A refused operation returns the very same ``state``
    object and only its ``<op>.refused`` event: it changes nothing, not even the time-driven
    housekeeping, which the next accepted operation or Tick does instead.
    """
    ctx = make_ctx(hall, calendar, now, anonymous_staff_until_logout=anonymous_staff_until_logout)
    if ctx.day < state.day:
        # The hall day never goes back (a clock set back over midnight): numbers of the
        # current day must not be issued again under an earlier day.
        ctx = dataclasses.replace(ctx, now=ctx.at(state.day, dt.time(0)))
    draft = Draft(state)
    advance(ctx, draft)
    handled = _handle(ctx, draft, op)
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
    for name in (
        "tickets",
        "counters",
        "appointments",
        "closures",
        "suspensions",
        "cancelled_slots",
    ):
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
