"""What the booking pages read (Q12): a service's slots with what is left, and the bookings.

Pure, like the rest of the engine: the state, the config, the calendar and the hall time in,
the reply models of ``queue/slots`` and ``queue/bookings`` out. A slot is bookable exactly
when ``appointments.book`` would take a booking for it now (but for the mobile number's
limit), so a page that greys out the rest never offers what the controller refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from bus.models.mobile import mask_mobile
from bus.models.replies import (
    BookingEntry,
    BookingsResult,
    CancelledSlotEntry,
    SlotDay,
    SlotEntry,
    SlotsResult,
    SlotStatus,
)
from hallqueue.engine.appointments import (
    ACTIVE,
    cancelled_refusal,
    capacity_of,
    grid_slot,
    lead_time_refusal,
)
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import QueueState, slot_key

DAYS_MAX = 62
"""The longest range one query lists (two months of slots is a few hundred rows)."""


def day_range_refusal(date_from: dt.date, date_to: dt.date) -> str | None:
    """Why a range of days cannot be listed, in words (``中文 / English``), or None."""
    if date_to < date_from:
        return "结束日期早于开始日期 / the end date is before the start date"
    if (date_to - date_from).days >= DAYS_MAX:
        return f"最多查询{DAYS_MAX}天 / at most {DAYS_MAX} days at a time"
    return None


def _days(date_from: dt.date, date_to: dt.date) -> Iterator[dt.date]:
    day = date_from
    while day <= date_to:
        yield day
        day += dt.timedelta(days=1)


def day_slots(ctx: Ctx, day: dt.date) -> list[dt.datetime]:
    """The starts of the day's slots: every ``slot_minutes`` from opening, ending by closing."""
    size = dt.timedelta(minutes=ctx.hall.appointments.slot_minutes)
    start = ctx.at(day, ctx.hall.hours.open)
    close = ctx.at(day, ctx.hall.hours.close)
    out = []
    while start + size <= close:
        out.append(start)
        start += size
    return out


def _said(refusal: Refusal) -> str:
    return f"{refusal.message_zh} / {refusal.message_en}"


def slots(
    ctx: Ctx, state: QueueState, service: str, date_from: dt.date, date_to: dt.date
) -> SlotsResult:
    """``queue/slots``: each workday's slots of ``service`` with capacity, bookings held,
    what is left and whether it may be booked now (the reason in words when not)."""
    capacity = capacity_of(ctx, service)
    size = dt.timedelta(minutes=ctx.hall.appointments.slot_minutes)
    held: dict[dt.datetime, int] = {}
    for a in state.appointments.values():
        if a.service == service and a.status in ACTIVE:
            start = grid_slot(ctx, a.slot)
            held[start] = held.get(start, 0) + 1
    days = []
    for day in _days(date_from, date_to):
        if not ctx.hall_open_on(day):
            continue
        early = lead_time_refusal(ctx, day)
        entries = []
        for start in day_slots(ctx, day):
            booked = held.get(start, 0)
            status: SlotStatus = "open"
            refusal: Refusal | None = None
            cancelled = state.cancelled_slots.get(slot_key(service, start))
            if cancelled is not None:
                status, refusal = "cancelled", cancelled_refusal(cancelled)
            elif start < ctx.now:
                status, refusal = "past", Refusal.of("past_slot")
            elif early is not None:
                status, refusal = "lead_time", early
            elif booked >= capacity:
                status, refusal = "full", Refusal.of("full")
            entries.append(
                SlotEntry(
                    start=start,
                    end=start + size,
                    capacity=capacity,
                    booked=booked,
                    left=max(0, capacity - booked) if cancelled is None else 0,
                    status=status,
                    reason=_said(refusal) if refusal is not None else "",
                )
            )
        days.append(SlotDay(date=day, slots=tuple(entries)))
    lead = ctx.hall.appointments.lead_days
    return SlotsResult(
        service=service,
        lead_days=lead,
        first_day=ctx.day + dt.timedelta(days=lead),
        days=tuple(days),
    )


def bookings(
    ctx: Ctx,
    state: QueueState,
    date_from: dt.date,
    date_to: dt.date,
    service: str | None = None,
    *,
    full_numbers: bool = False,
) -> BookingsResult:
    """``queue/bookings``: the bookings of the days (and service) asked for, by slot, and the
    slots the hall cancelled; mobile numbers masked unless ``full_numbers``."""

    def wanted(svc: str, at: dt.datetime) -> bool:
        return (service is None or svc == service) and date_from <= ctx.local(at).date() <= date_to

    listed = sorted(
        (a for a in state.appointments.values() if wanted(a.service, a.slot)),
        key=lambda a: (a.slot, a.service, a.booked_at, a.key),
    )
    return BookingsResult(
        full_numbers=full_numbers,
        bookings=tuple(
            BookingEntry(
                code=a.key,
                service=a.service,
                slot=a.slot,
                status=a.status.value,
                mobile=(a.mobile or "") if full_numbers else mask_mobile(a.mobile),
                booked_at=a.booked_at,
                ticket=a.ticket.rsplit("/", 1)[-1] if a.ticket else None,
                cancelled_at=a.cancelled_at,
                cancelled_by_hall=a.cancelled_by_hall,
                cancel_reason=a.cancel_reason,
            )
            for a in listed
        ),
        cancelled_slots=tuple(
            CancelledSlotEntry(
                service=c.service,
                slot=c.slot,
                reason=c.reason,
                cancelled_at=c.cancelled_at,
                bookings=c.bookings,
            )
            for c in sorted(state.cancelled_slots.values(), key=lambda c: (c.slot, c.service))
            if wanted(c.service, c.slot)
        ),
    )
