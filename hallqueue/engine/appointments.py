"""预约服务 (Q12): booking a slot, check-in at the kiosk, forfeit, cancellation.

A booking names a service, a slot (every ``slot_minutes`` from opening, within hall hours, on
a day the hall opens, at least ``lead_days`` calendar days ahead) and the citizen's mobile
number, of which at most ``max_active_per_mobile`` bookings may be unused at once. The
citizen cancels by code and mobile number; the hall cancels a whole slot at least
``cancel_notice_hours`` ahead (002 四(七)7), and the slot stays closed to bookings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bus.models.mobile import MobileNumber, mask_mobile
from bus.models.queue import Book, CancelBooking, CancelSlot, Checkin
from hallqueue.engine.common import Handled
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import Appointment, BookingStatus, CancelledSlot, slot_key
from hallqueue.engine.tickets import new_ticket

ACTIVE = frozenset({BookingStatus.BOOKED, BookingStatus.CHECKED_IN})
"""Bookings holding a place in their slot (the slot's capacity counts them)."""


def grid_slot(ctx: Ctx, slot: dt.datetime) -> dt.datetime:
    """The start of the configured slot (every ``slot_minutes`` from opening) holding ``slot``:
    capacity is counted per grid slot even when a booking names a time inside it."""
    opening = ctx.at(slot.date(), ctx.hall.hours.open)
    size = dt.timedelta(minutes=ctx.hall.appointments.slot_minutes)
    return opening + ((slot - opening) // size) * size


def lead_time_refusal(ctx: Ctx, day: dt.date) -> Refusal | None:
    """城东区: the slot's date at least 3 calendar days after the booking's (000 第三条)."""
    days = ctx.hall.appointments.lead_days
    if (day - ctx.day).days < days:
        return Refusal.of("lead_time", days=days)
    return None


def place_refusal(ctx: Ctx, slot: dt.datetime) -> Refusal | None:
    """A slot on a day the hall opens (a workday), within hall hours."""
    if not ctx.hall_open_on(slot.date()):
        return Refusal.of("not_workday")
    start = grid_slot(ctx, slot)
    end = start + dt.timedelta(minutes=ctx.hall.appointments.slot_minutes)
    if (
        slot.time() < ctx.hall.hours.open
        or end.date() != slot.date()
        or end.time() > ctx.hall.hours.close
    ):
        return Refusal.of("outside_hours")
    return None


def slot_refusal(ctx: Ctx, slot: dt.datetime) -> Refusal | None:
    """Lead time, workday, hall hours, not begun: whether a slot may be booked at all."""
    refusal = lead_time_refusal(ctx, slot.date()) or place_refusal(ctx, slot)
    if refusal is None and grid_slot(ctx, slot) < ctx.now:
        return Refusal.of("past_slot")
    return refusal


def capacity_of(ctx: Ctx, service: str) -> int:
    """Bookings one slot of ``service`` holds (the item's own, or the hall's)."""
    item = ctx.hall.item(service)
    own = item.appointment_capacity if item is not None else None
    return own if own is not None else ctx.hall.appointments.slot_capacity


def cancelled_refusal(cancelled: CancelledSlot) -> Refusal:
    """The hall cancelled the slot: said with its reason when it gave one."""
    if cancelled.reason:
        return Refusal.of("slot_cancelled", "reason", reason=cancelled.reason)
    return Refusal.of("slot_cancelled")


def _number(mobile: MobileNumber | None) -> str | None:
    return mobile.get_secret_value() if mobile is not None else None


def unused_bookings(d: Draft, mobile: str) -> int:
    """The bookings of ``mobile`` not yet used: booked, not checked in, forfeited or cancelled
    (Q12: at most ``max_active_per_mobile`` at once)."""
    return sum(
        a.mobile == mobile and a.status is BookingStatus.BOOKED for a in d.appointments.values()
    )


def book(ctx: Ctx, d: Draft, op: Book) -> Handled:
    item = ctx.hall.item(op.service)
    if item is None:
        return Refusal.of("unknown_service", service=op.service)
    slot = ctx.local(op.slot)
    refusal = slot_refusal(ctx, slot)
    if refusal is not None:
        return refusal
    grid = grid_slot(ctx, slot)
    cancelled = d.cancelled_slots.get(slot_key(op.service, grid))
    if cancelled is not None:
        return cancelled_refusal(cancelled)
    same_slot = [
        a
        for a in d.appointments.values()
        if a.service == op.service and grid_slot(ctx, a.slot) == grid
    ]
    if sum(a.status in ACTIVE for a in same_slot) >= capacity_of(ctx, op.service):
        return Refusal.of("full")
    mobile = _number(op.mobile)
    limit = ctx.hall.appointments.max_active_per_mobile
    if mobile is not None and unused_bookings(d, mobile) >= limit:
        return Refusal.of("mobile_limit", max=limit)
    # Readable and reproducible (a replayed day gives the same codes): item, slot, ordinal.
    code = f"{op.service}-{grid:%Y%m%d%H%M}-{len(same_slot) + 1}"
    appointment = Appointment(
        key=code,
        service=op.service,
        category=item.category,
        slot=slot,
        booked_at=ctx.now,
        mobile=mobile,
    )
    d.put_appointment(appointment)
    public = {"code": code, "slot": slot.isoformat()}
    masked = mask_mobile(mobile) or None
    d.emit(
        "appointment.booked",
        public,
        service=op.service,
        ref=op.ref,
        category=item.category,
        mobile=masked,
    )
    return {**public, "service": op.service, "mobile": masked}


def checkin_deadline(ctx: Ctx, appointment: Appointment) -> dt.datetime:
    return appointment.slot + dt.timedelta(minutes=ctx.hall.appointments.checkin_after_minutes)


def checkin(ctx: Ctx, d: Draft, op: Checkin) -> Handled:
    """From 30 min before the slot until 30 min after it (both inclusive); later, the booking
    is forfeited and the citizen takes a normal ticket. A checked-in booking becomes a priority
    ticket (Q12). No ticket while the item is suspended (Q10)."""
    appointment = d.appointments.get(op.code) if op.code else None
    if appointment is None:
        return Refusal.of("unknown")
    if appointment.status is BookingStatus.CANCELLED:
        return Refusal.of("cancelled")
    if appointment.status is BookingStatus.CHECKED_IN:
        return Refusal.of("checked_in")
    if appointment.status is BookingStatus.FORFEITED or ctx.now > checkin_deadline(
        ctx, appointment
    ):
        return Refusal.of("forfeited")
    before = ctx.hall.appointments.checkin_before_minutes
    if ctx.now < appointment.slot - dt.timedelta(minutes=before):
        return Refusal.of("early", minutes=before)
    # Q10: while the item is suspended the kiosk issues no ticket for it, booked or not; the
    # booking stays valid and can check in once the suspension ends (within its window).
    suspension = d.suspensions.get(appointment.service)
    if suspension is not None and suspension.active(ctx.now):
        return Refusal.of("suspended", notice=suspension.notice)
    # The booking holds the citizen's place: no last-ticket or cap check here.
    ticket, reply = new_ticket(
        ctx, d, appointment.service, True, booking=appointment.key, status_token=op.status_token
    )
    d.put_appointment(
        dataclasses.replace(
            appointment,
            status=BookingStatus.CHECKED_IN,
            ticket=ticket.key,
            checked_in_at=ctx.now,
        )
    )
    return {**reply, "code": appointment.key}


def cancel_booking(ctx: Ctx, d: Draft, op: CancelBooking) -> Handled:
    """A citizen may cancel any time before the slot; the hall at least 8 hours ahead (Q12).

    The citizen names the booking's mobile number too: a code with another number (or none,
    for a booking made with one) is refused as if there were no such booking, so a guessed
    code tells nothing and cancels nothing."""
    appointment = d.appointments.get(op.code)
    if not op.by_hall and (appointment is None or appointment.mobile != _number(op.mobile)):
        return Refusal.of("unknown", "mobile") if op.mobile is not None else Refusal.of("unknown")
    if appointment is None:
        return Refusal.of("unknown")
    if appointment.status is BookingStatus.CANCELLED:
        return Refusal.of("cancelled")
    if appointment.status is not BookingStatus.BOOKED:
        return Refusal.of("checked_in" if appointment.ticket else "forfeited")
    if ctx.now >= appointment.slot:
        return Refusal.of("past_slot")
    notice = dt.timedelta(hours=ctx.hall.appointments.cancel_notice_hours)
    if op.by_hall and appointment.slot - ctx.now < notice:
        return Refusal.of("short_notice", hours=ctx.hall.appointments.cancel_notice_hours)
    _cancel(d, appointment, ctx.now, by_hall=op.by_hall)
    return {
        "code": op.code,
        "slot": appointment.slot.isoformat(),
        "service": appointment.service,
    }


def _cancel(
    d: Draft, appointment: Appointment, now: dt.datetime, *, by_hall: bool, reason: str = ""
) -> None:
    d.put_appointment(
        dataclasses.replace(
            appointment,
            status=BookingStatus.CANCELLED,
            cancelled_at=now,
            cancelled_by_hall=by_hall,
            cancel_reason=reason,
        )
    )
    d.emit(
        "appointment.cancelled",
        {"code": appointment.key},
        by_hall=by_hall,
        slot=appointment.slot.isoformat(),
        service=appointment.service,
        mobile=mask_mobile(appointment.mobile) or None,
        reason=reason,
    )


def cancel_slot(ctx: Ctx, d: Draft, op: CancelSlot) -> Handled:
    """The hall cancels one slot of a service, at least ``cancel_notice_hours`` before it
    starts (002 四(七)7: 如遇特殊情况需取消预约，须提前8小时告知): its bookings are cancelled,
    the slot takes no new ones, and the reply names the bookings whose citizens to tell."""
    if ctx.hall.item(op.service) is None:
        return Refusal.of("unknown_service", service=op.service)
    slot = ctx.local(op.slot)
    refusal = place_refusal(ctx, slot)
    if refusal is not None:
        return refusal
    start = grid_slot(ctx, slot)
    key = slot_key(op.service, start)
    if key in d.cancelled_slots:
        return cancelled_refusal(d.cancelled_slots[key])
    if ctx.now >= start:
        return Refusal.of("past_slot")
    hours = ctx.hall.appointments.cancel_notice_hours
    if start - ctx.now < dt.timedelta(hours=hours):
        return Refusal.of("short_notice", hours=hours)
    affected = sorted(
        (
            a
            for a in d.appointments.values()
            if a.service == op.service
            and a.status is BookingStatus.BOOKED
            and grid_slot(ctx, a.slot) == start
        ),
        key=lambda a: (a.booked_at, a.key),
    )
    for a in affected:
        _cancel(d, a, ctx.now, by_hall=True, reason=op.reason)
    d.put_cancelled_slot(
        CancelledSlot(
            key=key,
            service=op.service,
            slot=start,
            reason=op.reason,
            cancelled_at=ctx.now,
            bookings=tuple(a.key for a in affected),
        )
    )
    public: dict[str, Any] = {"service": op.service, "slot": start.isoformat()}
    d.emit("slot.cancelled", public, reason=op.reason, bookings=len(affected))
    return {
        **public,
        "reason": op.reason,
        "cancelled": [{"code": a.key, "mobile": mask_mobile(a.mobile)} for a in affected],
    }
