"""The booking pages' queries (Q12) behind the bus: ``queue/slots`` and ``queue/bookings``.

Read-only, like ``queue/today``: answered from the service's state by the pure
``hallqueue.engine.slots`` at the controller's time, neither stored nor audited. Whether the
asker may have the mobile numbers whole (``full_numbers``) is the controller's check before
this (``controller/permissions.py``: the manager alone).
"""

from __future__ import annotations

import datetime as dt

from bus.models.base import Command
from bus.models.queue import BookingsQuery, SlotsQuery
from config.schema import HallConfig
from hallqueue.engine import QueueState, slots
from hallqueue.engine.hours import WorkdayCalendarProtocol, make_ctx
from store.service import Outcome


def booking_query(
    hall: HallConfig,
    calendar: WorkdayCalendarProtocol,
    state: QueueState,
    cmd: Command,
    now: dt.datetime,
) -> Outcome | None:
    """The answer to a booking query, or None for any other command."""
    if not isinstance(cmd, SlotsQuery | BookingsQuery):
        return None
    problem = slots.day_range_refusal(cmd.date_from, cmd.date_to)
    if problem is not None:
        return Outcome.refused("invalid", problem)
    service = cmd.service
    if service is not None and hall.item(service) is None:
        return Outcome.refused(
            "unknown_service", f"没有该事项：{service} / Unknown service {service}"
        )
    ctx = make_ctx(hall, calendar, now)
    if isinstance(cmd, SlotsQuery):
        return Outcome(result=slots.slots(ctx, state, cmd.service, cmd.date_from, cmd.date_to))
    return Outcome(
        result=slots.bookings(
            ctx, state, cmd.date_from, cmd.date_to, service, full_numbers=cmd.full_numbers
        )
    )
