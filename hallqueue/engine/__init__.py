"""The queue engine: pure rules for tickets, calling, ratings and appointments (RULES.md §2).

Time and commands in, a new state and events out; no bus client, store or clock. The
commands are the models of ``bus.models.queue`` (one definition per operation, the same on
the wire and in a replay); ``apply`` is the one entry point for changes; the views feed the
retained state topics.
"""

from hallqueue.engine.apply import advance, apply, initial_state
from hallqueue.engine.events import HOUSEKEEPING, Event, Outcome, Refusal
from hallqueue.engine.hours import WorkdayCalendarProtocol, add_workdays
from hallqueue.engine.model import (
    AppealStatus,
    Appointment,
    BookingStatus,
    Closure,
    Counter,
    QueueState,
    RatingStatus,
    Step,
    Suspension,
    Ticket,
    TicketStatus,
    Tier,
    WindowState,
    Workorder,
    WorkorderStatus,
    WorkorderStep,
)
from hallqueue.engine.records import (
    KINDS,
    changed_records,
    changes,
    from_record,
    records_of,
    state_from_records,
    to_record,
)
from hallqueue.engine.views import catalog_view, guide_view, queue_view, window_view

__all__ = [
    "HOUSEKEEPING",
    "KINDS",
    "AppealStatus",
    "Appointment",
    "BookingStatus",
    "Closure",
    "Counter",
    "Event",
    "Outcome",
    "QueueState",
    "RatingStatus",
    "Refusal",
    "Step",
    "Suspension",
    "Ticket",
    "TicketStatus",
    "Tier",
    "WindowState",
    "WorkdayCalendarProtocol",
    "Workorder",
    "WorkorderStatus",
    "WorkorderStep",
    "add_workdays",
    "advance",
    "apply",
    "catalog_view",
    "changed_records",
    "changes",
    "from_record",
    "guide_view",
    "initial_state",
    "queue_view",
    "records_of",
    "state_from_records",
    "to_record",
    "window_view",
]
