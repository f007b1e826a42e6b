"""预约服务 (Q12): booking a slot, check-in at the kiosk, forfeit, cancellation."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bus.models.queue import Book, CancelBooking, Checkin
from hallqueue.engine.common import Handled
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import Appointment, BookingStatus
from hallqueue.engine.tickets import new_ticket

ACTIVE = frozenset({BookingStatus.BOOKED, BookingStatus.CHECKED_IN})


def grid_slot(ctx: Ctx, slot: dt.datetime) -> dt.datetime:
    """The start of the configured slot (every ``slot_minutes`` from opening) holding ``slot``:
    capacity is counted per grid slot even when a booking names a time inside it."""
    opening = ctx.at(slot.date(), ctx.hall.hours.open)
    size = dt.timedelta(minutes=ctx.hall.appointments.slot_minutes)
    return opening + ((slot - opening) // size) * size


def slot_refusal(ctx: Ctx, slot: dt.datetime) -> Refusal | None:
    """Lead time (城东区: slot date ≥ booking date + 3 calendar days), workday, hall hours."""
    a = ctx.hall.appointments
    if (slot.date() - ctx.day).days < a.lead_days:
        return Refusal.of("lead_time", days=a.lead_days)
    if not ctx.hall_open_on(slot.date()):
        return Refusal.of("not_workday")
    start = grid_slot(ctx, slot)
    end = start + dt.timedelta(minutes=a.slot_minutes)
    if (
        slot.time() < ctx.hall.hours.open
        or end.date() != slot.date()
        or end.time() > ctx.hall.hours.close
    ):
        return Refusal.of("outside_hours")
    return None


def book(ctx: Ctx, d: Draft, op: Book) -> Handled:
    item = ctx.hall.item(op.service)
    if item is None:
        return Refusal.of("unknown_service", service=op.service)
    slot = ctx.local(op.slot)
    refusal = slot_refusal(ctx, slot)
    if refusal is not None:
        return refusal
    capacity = (
        item.appointment_capacity
        if item.appointment_capacity is not None
        else ctx.hall.appointments.slot_capacity
    )
    grid = grid_slot(ctx, slot)
    same_slot = [
        a
        for a in d.appointments.values()
        if a.service == op.service and grid_slot(ctx, a.slot) == grid
    ]
    if sum(a.status in ACTIVE for a in same_slot) >= capacity:
        return Refusal.of("full")
    # Readable and reproducible (a replayed day gives the same codes): item, slot, ordinal.
    code = f"{op.service}-{grid:%Y%m%d%H%M}-{len(same_slot) + 1}"
    appointment = Appointment(
        key=code, service=op.service, category=item.category, slot=slot, booked_at=ctx.now
    )
    d.put_appointment(appointment)
    public = {"code": code, "slot": slot.isoformat()}
    d.emit("appointment.booked", public, service=op.service, ref=op.ref, category=item.category)
    return {**public, "service": op.service}


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
    ticket, reply = new_ticket(ctx, d, appointment.service, True, booking=appointment.key)
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
    """A citizen may cancel any time before the slot; the hall at least 8 hours ahead (Q12)."""
    appointment = d.appointments.get(op.code)
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
    d.put_appointment(
        dataclasses.replace(
            appointment,
            status=BookingStatus.CANCELLED,
            cancelled_at=ctx.now,
            cancelled_by_hall=op.by_hall,
        )
    )
    public = {"code": op.code}
    d.emit("appointment.cancelled", public, by_hall=op.by_hall, slot=appointment.slot.isoformat())
    return public
