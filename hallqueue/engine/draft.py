"""A draft of the next state: copies each mapping once, on its first change, then builds.

Handlers read through the draft (so they see their own changes) and write through it; the
call-order index follows every ticket write, so it can never disagree with the tickets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from hallqueue.engine.events import Event
from hallqueue.engine.model import (
    Appointment,
    CancelledSlot,
    Closure,
    Counter,
    Entry,
    QueueState,
    Step,
    Suspension,
    Ticket,
    TicketStatus,
    WindowState,
    Workorder,
)
from hallqueue.engine.order import index_add, index_remove

KIND_OF_FIELD = {
    "tickets": "ticket",
    "windows": "window",
    "counters": "counter",
    "appointments": "appointment",
    "workorders": "workorder",
    "suspensions": "suspension",
    "closures": "closure",
    "cancelled_slots": "cancelled_slot",
}


class Draft:
    def __init__(self, base: QueueState) -> None:
        self.base = base
        self.day = base.day
        self.expire_at = base.expire_at
        self.tickets: Mapping[str, Ticket] = base.tickets
        self.windows: Mapping[str, WindowState] = base.windows
        self.counters: Mapping[str, Counter] = base.counters
        self.appointments: Mapping[str, Appointment] = base.appointments
        self.workorders: Mapping[str, Workorder] = base.workorders
        self.suspensions: Mapping[str, Suspension] = base.suspensions
        self.closures: Mapping[str, Closure] = base.closures
        self.cancelled_slots: Mapping[str, CancelledSlot] = base.cancelled_slots
        self.waiting: Mapping[str, tuple[Entry, ...]] = base.waiting
        self._owned: set[str] = set()
        self.touched: dict[tuple[str, str], None] = {}
        """(kind, key) of every entity written or dropped, in order: what the store must write."""
        self.events: list[Event] = []

    def _own(self, name: str, key: str) -> dict[Any, Any]:
        """The draft's own copy of mapping ``name``, made on first write (copy-on-write)."""
        self.touched[KIND_OF_FIELD[name], key] = None
        current: Any = getattr(self, name)
        if name not in self._owned:
            current = dict(current)
            setattr(self, name, current)
            self._owned.add(name)
        assert isinstance(current, dict)
        return current

    # --- writes -----------------------------------------------------------------------
    def put_ticket(self, ticket: Ticket) -> Ticket:
        old = self.tickets.get(ticket.key)
        self._own("tickets", ticket.key)[ticket.key] = ticket
        was_waiting = old is not None and old.status is TicketStatus.WAITING
        waits = ticket.status is TicketStatus.WAITING
        if (
            was_waiting
            and old is not None
            and (not waits or old.order_key != ticket.order_key or old.category != ticket.category)
        ):
            self.waiting = index_remove(self.waiting, old)
            was_waiting = False
        if waits and not was_waiting:
            self.waiting = index_add(self.waiting, ticket)
        return ticket

    def move(
        self,
        ticket: Ticket,
        status: TicketStatus,
        at: dt.datetime,
        where: str | None = None,
        note: str = "",
        **changes: Any,
    ) -> Ticket:
        """Put ``ticket`` in ``status``, appending the step (at window ``where``) to its history."""
        step = Step(status, at, where, note)
        new = dataclasses.replace(ticket, status=status, history=(*ticket.history, step), **changes)
        return self.put_ticket(new)

    def drop_ticket(self, key: str) -> None:
        old = self.tickets.get(key)
        if old is not None and old.status is TicketStatus.WAITING:
            self.waiting = index_remove(self.waiting, old)
        self._own("tickets", key).pop(key, None)

    def put_window(self, window: WindowState) -> None:
        self._own("windows", window.key)[window.key] = window

    def put_counter(self, counter: Counter) -> None:
        self._own("counters", counter.key)[counter.key] = counter

    def put_appointment(self, appointment: Appointment) -> None:
        self._own("appointments", appointment.key)[appointment.key] = appointment

    def put_workorder(self, workorder: Workorder) -> None:
        self._own("workorders", workorder.key)[workorder.key] = workorder

    def put_suspension(self, suspension: Suspension) -> None:
        self._own("suspensions", suspension.key)[suspension.key] = suspension

    def put_closure(self, closure: Closure) -> None:
        self._own("closures", closure.key)[closure.key] = closure

    def put_cancelled_slot(self, cancelled: CancelledSlot) -> None:
        self._own("cancelled_slots", cancelled.key)[cancelled.key] = cancelled

    def drop(self, name: str, key: str) -> None:
        self._own(name, key).pop(key, None)

    def emit(self, kind: str, data: Mapping[str, Any], implied: bool = False, **extra: Any) -> None:
        self.events.append(Event(kind, dict(data), extra, implied))

    # --- reads ------------------------------------------------------------------------
    def window(self, window_id: str) -> WindowState:
        return self.windows.get(window_id) or WindowState(window_id)

    def changed(self) -> tuple[tuple[str, str], ...]:
        """(kind, key) of what this draft changed; ("meta", "queue") for the day or expiry."""
        meta = (self.day, self.expire_at) != (self.base.day, self.base.expire_at)
        return (*self.touched, *([("meta", "queue")] if meta else []))

    def build(self) -> QueueState:
        if not self._owned and self.day == self.base.day and self.expire_at == self.base.expire_at:
            return self.base
        return QueueState(
            day=self.day,
            tickets=self.tickets,
            windows=self.windows,
            counters=self.counters,
            appointments=self.appointments,
            workorders=self.workorders,
            suspensions=self.suspensions,
            closures=self.closures,
            cancelled_slots=self.cancelled_slots,
            expire_at=self.expire_at,
            waiting=self.waiting,
        )
