"""``evt/<kind>``: one model per event kind the controller publishes, and a union for readers.

On the wire an event is ``{"v": 1, "event": <kind>, "at", "seq", "data": {...}}``; ``data`` is
the RULES §5 fields of the event plus what screens need beyond them (names, window number,
the voice line). Readers that take several kinds parse with ``parse_event`` and match on
the model; a reader ignores fields a newer controller added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.fields import FieldInfo

from bus.models.base import StateMessage
from bus.models.notices import Notice


class EventData(BaseModel):
    """The ``data`` of an event: frozen; readers ignore fields a newer controller added."""

    model_config = ConfigDict(frozen=True, extra="ignore")


E = TypeVar("E", bound=BaseModel)


class EventMessage(StateMessage, Generic[E]):
    """One event as published: its kind, when, a controller-wide sequence and its data."""

    event: str
    at: dt.datetime
    seq: int
    """Controller-wide sequence so that listeners can order and de-duplicate."""
    data: E


EVENTS: dict[str, type[EventMessage[BaseModel]]] = {}
"""Event kind → its message model: every kind the controller publishes on ``evt/<kind>``."""

M = TypeVar("M", bound=type[EventMessage[Any]])


def event_model(cls: M) -> M:
    """Register an event message model under the kind its ``event`` literal names."""
    fields: dict[str, FieldInfo] = cls.__pydantic_fields__
    EVENTS[fields["event"].default] = cls
    return cls


# Shared parts ----------------------------------------------------------------------------


class TicketDetail(EventData):
    """What screens show of a ticket besides the §5 fields."""

    ticket: str
    key: str
    category: str
    service_name: str
    department: str | None
    department_name: str | None
    windows: tuple[int, ...]
    """Window numbers that serve the ticket's category."""
    priority: bool


class WindowDetail(EventData):
    """Who is at the window."""

    window_number: int | None
    staff: str | None
    staff_name: str | None


# Tickets ---------------------------------------------------------------------------------


class IssuedData(TicketDetail):
    """A ticket was issued (Q1)."""

    service: str
    ahead: int
    issued_at: dt.datetime
    estimated_wait_minutes: int
    booking: str | None


class CallData(TicketDetail, WindowDetail):
    """A ticket was called to a window (or taken back after a hold): the hall screen says it."""

    window: str
    called_at: dt.datetime
    announcement: str
    """The voice line, as it is spoken: 请A零零一号到三号窗口办理."""


class RecallData(TicketDetail, WindowDetail):
    """The current ticket was called again (Q5)."""

    window: str
    recalls: int
    recalls_left: int
    announcement: str
    """The voice line, as it is spoken: 请A零零一号到三号窗口办理."""


class FinishedData(TicketDetail, WindowDetail):
    """A ticket was served; the evaluator may take a rating until ``rating_until``."""

    window: str
    finished_at: dt.datetime
    rating_until: dt.datetime


class SetAsideData(TicketDetail):
    """The current ticket left the window (skipped or held)."""

    window: str


class ReactivatedData(TicketDetail):
    """A skipped ticket rejoined its queue."""

    ahead: int


class TransferredData(TicketDetail):
    """The current ticket joined another service's queue."""

    service: str
    from_service: str
    from_window: str
    ahead: int


class ExpiredData(EventData):
    """A ticket of an earlier day expired at the next opening (Q8)."""

    ticket: str
    key: str
    day: dt.date


class NotRatedData(EventData):
    """The rating time ran out (recorded as not rated, Q6)."""

    ticket: str
    window: str | None
    key: str
    staff: str | None


class RatedData(WindowDetail):
    """The citizen rated the service (Q6)."""

    ticket: str
    level: int
    key: str
    label: str
    service: str
    category: str


class EmptyCallData(WindowDetail):
    """下一位 found nobody waiting."""

    window: str


@event_model
class TicketIssued(EventMessage[IssuedData]):
    """``evt/ticket.issued``."""

    event: Literal["ticket.issued"] = "ticket.issued"


@event_model
class TicketCalled(EventMessage[CallData]):
    """``evt/ticket.called``: announced by the hall screen."""

    event: Literal["ticket.called"] = "ticket.called"


@event_model
class TicketResumed(EventMessage[CallData]):
    """``evt/ticket.resumed``: a held ticket back at the window, announced like a call."""

    event: Literal["ticket.resumed"] = "ticket.resumed"


@event_model
class TicketRecalled(EventMessage[RecallData]):
    """``evt/ticket.recalled``: announced again."""

    event: Literal["ticket.recalled"] = "ticket.recalled"


@event_model
class TicketFinished(EventMessage[FinishedData]):
    """``evt/ticket.finished``."""

    event: Literal["ticket.finished"] = "ticket.finished"


@event_model
class TicketSkipped(EventMessage[SetAsideData]):
    """``evt/ticket.skipped`` (过号)."""

    event: Literal["ticket.skipped"] = "ticket.skipped"


@event_model
class TicketHeld(EventMessage[SetAsideData]):
    """``evt/ticket.held`` (挂起)."""

    event: Literal["ticket.held"] = "ticket.held"


@event_model
class TicketReactivated(EventMessage[ReactivatedData]):
    """``evt/ticket.reactivated``."""

    event: Literal["ticket.reactivated"] = "ticket.reactivated"


@event_model
class TicketTransferred(EventMessage[TransferredData]):
    """``evt/ticket.transferred``."""

    event: Literal["ticket.transferred"] = "ticket.transferred"


@event_model
class TicketExpired(EventMessage[ExpiredData]):
    """``evt/ticket.expired``."""

    event: Literal["ticket.expired"] = "ticket.expired"


@event_model
class TicketNotRated(EventMessage[NotRatedData]):
    """``evt/ticket.not_rated``."""

    event: Literal["ticket.not_rated"] = "ticket.not_rated"


@event_model
class TicketRated(EventMessage[RatedData]):
    """``evt/ticket.rated``."""

    event: Literal["ticket.rated"] = "ticket.rated"


@event_model
class CallEmpty(EventMessage[EmptyCallData]):
    """``evt/call.empty``."""

    event: Literal["call.empty"] = "call.empty"


# Windows ---------------------------------------------------------------------------------


class PausedData(WindowDetail):
    """A window paused (Q5): what its display and evaluator show meanwhile."""

    window: str
    reason: str
    display: str
    evaluator: str


class WindowOnlyData(WindowDetail):
    """A window resumed."""

    window: str


class LoginData(WindowDetail):
    """A staff member signed in or out at a window."""

    window: str
    staff_number: str | None = None
    """Sign-in only."""


class ClosedData(EventData):
    """A window was temporarily closed (Q11)."""

    window: str
    reason: str
    until: dt.datetime | None
    returns_to_pool: bool
    closure: str


class OpenedData(EventData):
    """A closed window opened again (by staff, or when its closure ran out)."""

    window: str
    closure: str


@event_model
class WindowPaused(EventMessage[PausedData]):
    """``evt/window.paused``."""

    event: Literal["window.paused"] = "window.paused"


@event_model
class WindowResumed(EventMessage[WindowOnlyData]):
    """``evt/window.resumed``."""

    event: Literal["window.resumed"] = "window.resumed"


@event_model
class WindowLogin(EventMessage[LoginData]):
    """``evt/window.login``."""

    event: Literal["window.login"] = "window.login"


@event_model
class WindowLogout(EventMessage[LoginData]):
    """``evt/window.logout``."""

    event: Literal["window.logout"] = "window.logout"


@event_model
class WindowClosed(EventMessage[ClosedData]):
    """``evt/window.closed``."""

    event: Literal["window.closed"] = "window.closed"


@event_model
class WindowOpened(EventMessage[OpenedData]):
    """``evt/window.opened``."""

    event: Literal["window.opened"] = "window.opened"


@event_model
class WindowReopened(EventMessage[OpenedData]):
    """``evt/window.reopened``: the closure's end time came."""

    event: Literal["window.reopened"] = "window.reopened"


# Services, the day, appointments, work orders ----------------------------------------------


class SuspendedData(EventData):
    """业务临时停办 (Q10), now or announced ahead."""

    service: str
    notice: str
    start: dt.datetime
    end: dt.datetime | None
    announced_ahead: bool


class ServiceData(EventData):
    """A suspension ended."""

    service: str


class DayData(EventData):
    """A new hall day began."""

    day: dt.date


class BookedData(EventData):
    """An appointment was booked."""

    code: str
    slot: dt.datetime
    service: str
    ref: str | None
    category: str
    mobile: str | None = None
    """The citizen's mobile number masked (``138****1234``); None in a replay's booking."""


class CancelledData(EventData):
    """An appointment was cancelled: by the citizen, or by the hall (``by_hall``)."""

    code: str
    by_hall: bool
    slot: dt.datetime
    service: str | None = None
    mobile: str | None = None
    """Masked (``138****1234``)."""
    reason: str = ""
    """Why the hall cancelled the slot."""


class SlotCancelledData(EventData):
    """The hall cancelled an appointment slot of a service (Q12, 002 四(七)7)."""

    service: str
    slot: dt.datetime
    """The slot's start."""
    reason: str
    bookings: int
    """How many bookings it cancelled: the citizens the hall must tell."""


class ForfeitedData(EventData):
    """A booking not checked in on time was forfeited."""

    code: str
    service: str
    slot: dt.datetime


class WorkorderCreatedData(EventData):
    """差评工单: a bad rating opened a work order (Q7)."""

    ticket: str
    due: dt.date
    """The day it is due: the N-th workday after the rating (a date, as RULES §5 prints it)."""
    workorder: str
    level: int
    staff: str | None
    window: str | None
    department: str | None


class WorkorderUpdatedData(EventData):
    """A step of a work order was recorded."""

    workorder: str
    step: str
    verified: bool | None
    staff: str | None
    appeal: str = "none"
    """申诉复核: ``none``, ``pending`` (made), ``upheld`` or ``rejected`` (decided)."""
    by: str | None = None
    """The console user who recorded the step."""


class WorkorderClosedData(EventData):
    """A work order was closed."""

    workorder: str
    ticket: str | None = None
    verified: bool | None
    overdue: bool
    staff: str | None
    by: str | None = None
    """The console user who closed it."""


@event_model
class ServiceSuspended(EventMessage[SuspendedData]):
    """``evt/service.suspended``."""

    event: Literal["service.suspended"] = "service.suspended"


@event_model
class ServiceUnsuspended(EventMessage[ServiceData]):
    """``evt/service.unsuspended``."""

    event: Literal["service.unsuspended"] = "service.unsuspended"


@event_model
class ServiceResumedBySchedule(EventMessage[ServiceData]):
    """``evt/service.resumed_by_schedule``."""

    event: Literal["service.resumed_by_schedule"] = "service.resumed_by_schedule"


@event_model
class DayStarted(EventMessage[DayData]):
    """``evt/day.started``."""

    event: Literal["day.started"] = "day.started"


@event_model
class AppointmentBooked(EventMessage[BookedData]):
    """``evt/appointment.booked``."""

    event: Literal["appointment.booked"] = "appointment.booked"


@event_model
class AppointmentCancelled(EventMessage[CancelledData]):
    """``evt/appointment.cancelled``."""

    event: Literal["appointment.cancelled"] = "appointment.cancelled"


@event_model
class AppointmentForfeited(EventMessage[ForfeitedData]):
    """``evt/appointment.forfeited``."""

    event: Literal["appointment.forfeited"] = "appointment.forfeited"


@event_model
class SlotCancelled(EventMessage[SlotCancelledData]):
    """``evt/slot.cancelled``."""

    event: Literal["slot.cancelled"] = "slot.cancelled"


@event_model
class WorkorderCreated(EventMessage[WorkorderCreatedData]):
    """``evt/workorder.created``."""

    event: Literal["workorder.created"] = "workorder.created"


@event_model
class WorkorderUpdated(EventMessage[WorkorderUpdatedData]):
    """``evt/workorder.updated``."""

    event: Literal["workorder.updated"] = "workorder.updated"


@event_model
class WorkorderClosed(EventMessage[WorkorderClosedData]):
    """``evt/workorder.closed``."""

    event: Literal["workorder.closed"] = "workorder.closed"


# Notices ---------------------------------------------------------------------------------


class NoticeIdData(EventData):
    """A notice revoked by the manager or ended by its time."""

    notice_id: str


@event_model
class NoticePushed(EventMessage[Notice]):
    """``evt/notice.pushed``: ``data`` is the notice itself."""

    event: Literal["notice.pushed"] = "notice.pushed"


@event_model
class NoticeRevoked(EventMessage[NoticeIdData]):
    """``evt/notice.revoked``."""

    event: Literal["notice.revoked"] = "notice.revoked"


@event_model
class NoticeEnded(EventMessage[NoticeIdData]):
    """``evt/notice.ended``."""

    event: Literal["notice.ended"] = "notice.ended"


# Attendance ------------------------------------------------------------------------------


class PunchData(EventData):
    """A punch was accepted: who, where, and how it counts (no times of others)."""

    staff_id: str
    seq: int
    device: str
    slot: str
    status: str
    minutes: int | None
    """Late or early minutes; None when the punch does not count (a rest day, outside every
    slot's window)."""
    flags: tuple[str, ...]


class WriteoffData(EventData):
    """Where a write-off request stands; kinds and reasons are personal and not published."""

    request_id: str
    staff_id: str
    status: str
    next_role: str | None


class CalendarData(EventData):
    """The hall calendar was overridden for one day."""

    date: dt.date
    kind: str
    workday: bool


@event_model
class PunchAccepted(EventMessage[PunchData]):
    """``evt/punch.accepted``."""

    event: Literal["punch.accepted"] = "punch.accepted"


@event_model
class WriteoffRequested(EventMessage[WriteoffData]):
    """``evt/writeoff.requested``."""

    event: Literal["writeoff.requested"] = "writeoff.requested"


@event_model
class WriteoffSigned(EventMessage[WriteoffData]):
    """``evt/writeoff.signed``: one approver signed, the next role is asked."""

    event: Literal["writeoff.signed"] = "writeoff.signed"


@event_model
class WriteoffApproved(EventMessage[WriteoffData]):
    """``evt/writeoff.approved``."""

    event: Literal["writeoff.approved"] = "writeoff.approved"


@event_model
class WriteoffRejected(EventMessage[WriteoffData]):
    """``evt/writeoff.rejected``."""

    event: Literal["writeoff.rejected"] = "writeoff.rejected"


@event_model
class CalendarOverridden(EventMessage[CalendarData]):
    """``evt/calendar.override``."""

    event: Literal["calendar.override"] = "calendar.override"


AnyEvent = Annotated[
    TicketIssued
    | TicketCalled
    | TicketResumed
    | TicketRecalled
    | TicketFinished
    | TicketSkipped
    | TicketHeld
    | TicketReactivated
    | TicketTransferred
    | TicketExpired
    | TicketNotRated
    | TicketRated
    | CallEmpty
    | WindowPaused
    | WindowResumed
    | WindowLogin
    | WindowLogout
    | WindowClosed
    | WindowOpened
    | WindowReopened
    | ServiceSuspended
    | ServiceUnsuspended
    | ServiceResumedBySchedule
    | DayStarted
    | AppointmentBooked
    | AppointmentCancelled
    | AppointmentForfeited
    | SlotCancelled
    | WorkorderCreated
    | WorkorderUpdated
    | WorkorderClosed
    | NoticePushed
    | NoticeRevoked
    | NoticeEnded
    | PunchAccepted
    | WriteoffRequested
    | WriteoffSigned
    | WriteoffApproved
    | WriteoffRejected
    | CalendarOverridden,
    Field(discriminator="event"),
]
"""Every event, told apart by its ``event`` field."""

_ANY_EVENT: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


def parse_event(payload: bytes | str) -> AnyEvent:
    """The typed event of an ``evt/<kind>`` payload; raises ``pydantic.ValidationError``."""
    return _ANY_EVENT.validate_json(payload)


def data_model(kind: str) -> type[BaseModel]:
    """The model of the ``data`` of event ``kind``: what its sender builds."""
    if kind not in EVENTS:
        raise KeyError(f"no event model for {kind!r}: add one to bus/models/events.py")
    model = EVENTS[kind].model_fields["data"].annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{kind}: data is not a model")
    return model


def make_event(
    kind: str, data: BaseModel | Mapping[str, object], at: dt.datetime, seq: int
) -> AnyEvent:
    """The message of event ``kind`` carrying ``data``: its kind's data model
    (``data_model(kind)``), or fields validated into it (a reader's test, a replay).

    A model of another kind's data is a TypeError: the senders build the data model of the
    kind they publish, so a missing or mistyped field fails where it is made.
    """
    model = data_model(kind)
    if isinstance(data, BaseModel) and not isinstance(data, model):
        raise TypeError(f"{kind} carries a {model.__name__}, not a {type(data).__name__}")
    raw = data if isinstance(data, BaseModel) else dict(data)
    return _ANY_EVENT.validate_python({"event": kind, "at": at, "seq": seq, "data": raw})
