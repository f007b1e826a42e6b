"""The queue state of one hall: frozen entities in copy-on-write mappings.

Every entity is a frozen dataclass with a stable ``key``; an operation that changes an
entity puts a new object under the same key in a new mapping, so the store can find what
changed by comparing old and new objects by identity (``old.tickets[k] is not new.tickets[k]``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

EMPTY: Mapping[str, object] = MappingProxyType({})

OrderKey = tuple[int, dt.datetime, int, str]
Entry = tuple[OrderKey, str]

K = TypeVar("K")
V = TypeVar("V")


def replaced(mapping: Mapping[K, V], key: K, value: V) -> dict[K, V]:
    """A copy of ``mapping`` with ``key`` set: the copy-on-write step every change goes through."""
    out = dict(mapping)
    out[key] = value
    return out


class TicketStatus(enum.StrEnum):
    """Where a ticket is. Allowed moves are in ``TRANSITIONS``."""

    WAITING = "waiting"
    CALLED = "called"  # the current ticket of a window
    HELD = "held"  # 挂起: the citizen fetches materials
    SKIPPED = "skipped"  # 过号: no-show, staff may reactivate
    DONE = "done"
    EXPIRED = "expired"  # not served by the next hall opening (Q8)


TRANSITIONS: Mapping[TicketStatus, frozenset[TicketStatus]] = MappingProxyType(
    {
        TicketStatus.WAITING: frozenset({TicketStatus.CALLED, TicketStatus.EXPIRED}),
        TicketStatus.CALLED: frozenset(
            {
                TicketStatus.DONE,
                TicketStatus.SKIPPED,
                TicketStatus.HELD,
                TicketStatus.WAITING,  # transfer to another service
                TicketStatus.EXPIRED,
            }
        ),
        TicketStatus.HELD: frozenset({TicketStatus.CALLED, TicketStatus.EXPIRED}),
        TicketStatus.SKIPPED: frozenset({TicketStatus.WAITING, TicketStatus.EXPIRED}),
        TicketStatus.DONE: frozenset(),
        TicketStatus.EXPIRED: frozenset(),
    }
)
LIVE = frozenset(
    {TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.HELD, TicketStatus.SKIPPED}
)


class Tier(enum.IntEnum):
    """The three tiers of the call order (Q4); lower is called first."""

    PRIORITY = 0
    TRANSFERRED = 1
    NORMAL = 2


class RatingStatus(enum.StrEnum):
    PENDING = "pending"  # finished, the evaluator is asking
    RATED = "rated"
    NOT_RATED = "not_rated"  # timeout passed without a rating (Q6)


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of a ticket's history: the state it entered, when, and at which window."""

    status: TicketStatus
    at: dt.datetime
    window: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Ticket:
    """A queue ticket. ``number`` (A001) is what the citizen holds; ``key`` adds the hall day."""

    key: str
    day: dt.date
    number: str
    seq: int
    category: str
    """Current category prefix; changes when the ticket is transferred."""
    service: str
    """Current item code."""
    original_service: str
    priority: bool
    issued_at: dt.datetime
    status: TicketStatus = TicketStatus.WAITING
    transferred: bool = False
    booking: str | None = None
    window: str | None = None
    """The window now calling/serving/holding it, or the last one that did."""
    staff: str | None = None
    """Staff logged in at the window when it was called: the evaluator's identity (Q6)."""
    first_called_at: dt.datetime | None = None
    called_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    recalls: int = 0
    rating: int | None = None
    rating_status: RatingStatus | None = None
    rating_due: dt.datetime | None = None
    rated_at: dt.datetime | None = None
    history: tuple[Step, ...] = ()
    ordinal: int = 0
    """Place in the hall day's issue order across all categories (1 = first ticket of the
    day): breaks ties between tickets issued at the same time in the order they were issued,
    whatever their prefixes (Q4). 0 in records written before it existed."""
    status_token: str | None = None
    """The random token of the ticket's status page (its QR code): given with the operation
    by the controller, never made here (the engine is pure); None in a replay."""

    @property
    def tier(self) -> Tier:
        if self.priority:
            return Tier.PRIORITY
        return Tier.TRANSFERRED if self.transferred else Tier.NORMAL

    @property
    def order_key(self) -> OrderKey:
        """Position in the call order: tier, then original issue time (Q4); tickets issued at
        the same time keep the order they were issued in."""
        return (int(self.tier), self.issued_at, self.ordinal, self.number)


@dataclass(frozen=True, slots=True)
class Counter:
    """The number sequence of one category on one hall day (Q2): last number handed out."""

    key: str
    day: dt.date
    category: str
    last_seq: int = 0
    served: int = 0
    """Tickets of this category finished today, and their total service time, for the
    estimated wait (Q4) without scanning the day's tickets on every issue."""
    service_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class WindowState:
    key: str
    """The window id."""
    staff: str | None = None
    paused: bool = False
    pause_reason: str = ""
    """``staff`` (pressed pause) or ``logout`` (left the window; cleared by the next login)."""
    paused_at: dt.datetime | None = None
    """When the pause began (the live hall's "paused too long" alarm counts from here)."""
    current: str | None = None
    """Key of the ticket being called/served here; at most one (Q5)."""
    recalls: int = 0
    last_finished: str | None = None
    """Key of the ticket just finished here: the only one the evaluator may rate (Q6)."""


class BookingStatus(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    FORFEITED = "forfeited"  # 视为自动放弃 (Q12)
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Appointment:
    key: str
    """The booking code."""
    service: str
    category: str
    slot: dt.datetime
    booked_at: dt.datetime
    status: BookingStatus = BookingStatus.BOOKED
    ticket: str | None = None
    checked_in_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    cancelled_by_hall: bool = False
    mobile: str | None = None
    """The citizen's mobile number, whole: the hall tells them on it when it cancels the
    slot. Only the manager's bookings query shows it unmasked; None in a replay's booking."""
    cancel_reason: str = ""
    """Why the hall cancelled the slot (``cancel_slot``)."""


@dataclass(frozen=True, slots=True)
class CancelledSlot:
    """An appointment slot of a service the hall cancelled (Q12): nobody may book it again."""

    key: str
    """``<service>/<slot start, ISO 8601>``: ``slot_key``."""
    service: str
    slot: dt.datetime
    """The slot's start."""
    reason: str
    cancelled_at: dt.datetime
    bookings: tuple[str, ...] = ()
    """The codes of the bookings it cancelled: whom the hall must tell."""


def slot_key(service: str, start: dt.datetime) -> str:
    """The key of a service's slot starting at ``start``."""
    return f"{service}/{start.isoformat()}"


class WorkorderStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class AppealStatus(enum.StrEnum):
    """申诉复核 of a work order's rating (Q7): made by the department, decided by the hall."""

    NONE = "none"
    PENDING = "pending"
    """The department appealed; the hall manager has not decided yet."""
    UPHELD = "upheld"
    """The rating was found mistaken or malicious: it leaves the staff member's count."""
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class WorkorderStep:
    """One recorded step of a work order: what, when, by whom, and what was noted."""

    step: str
    at: dt.datetime
    by: str | None = None
    """The console user who recorded it (None from a replay or the hall's own tools)."""
    note: str = ""
    verified: bool | None = None
    """For ``verify``: the call-back's finding."""


@dataclass(frozen=True, slots=True)
class Workorder:
    """差评工单: created by a rating of 1 or 2, due N workdays later (Q7)."""

    key: str
    ticket: str
    """Ticket key."""
    number: str
    service: str
    window: str | None
    staff: str | None
    level: int
    created_at: dt.datetime
    due: dt.date
    status: WorkorderStatus = WorkorderStatus.OPEN
    verified: bool | None = None
    """回访核实: None until the call-back; True when the complaint was found justified."""
    visit_note: str = ""
    rectification: str = ""
    reply: str = ""
    closed_at: dt.datetime | None = None
    appeal: AppealStatus = AppealStatus.NONE
    appeal_note: str = ""
    """Why the department appeals (申诉理由)."""
    decision_note: str = ""
    """The hall manager's reasons for upholding or rejecting the appeal."""
    steps: tuple[WorkorderStep, ...] = ()
    """Every step recorded, oldest first (closing included)."""

    @property
    def counts(self) -> bool:
        """Whether it counts toward 不合格 (Q7): verified, and no appeal upheld."""
        return self.verified is True and self.appeal is not AppealStatus.UPHELD


@dataclass(frozen=True, slots=True)
class Suspension:
    """业务临时停办 of one item (Q10); announced ahead when ``start`` is in the future."""

    key: str
    """The item code."""
    notice: str
    start: dt.datetime
    end: dt.datetime | None = None
    ended_at: dt.datetime | None = None

    def active(self, now: dt.datetime) -> bool:
        if self.ended_at is not None or now < self.start:
            return False
        return self.end is None or now < self.end


@dataclass(frozen=True, slots=True)
class Closure:
    """A temporary window closure (Q11)."""

    key: str
    window: str
    reason: str
    start: dt.datetime
    until: dt.datetime | None = None
    returns_to_pool: bool = False
    """Closed for more than a month: the window goes back to the hall's pool (001 窗口调整)."""
    ended_at: dt.datetime | None = None

    def active(self, now: dt.datetime) -> bool:
        if self.ended_at is not None or now < self.start:
            return False
        return self.until is None or now < self.until


Index = Mapping[str, tuple[Entry, ...]]
"""Per category: waiting tickets as (order key, ticket key), sorted. Derived, never stored."""


@dataclass(frozen=True, slots=True)
class QueueState:
    """The whole queue state of one hall. Never mutated: every change makes a new one."""

    day: dt.date
    """The hall day of the latest operation."""
    tickets: Mapping[str, Ticket] = field(default_factory=dict)
    windows: Mapping[str, WindowState] = field(default_factory=dict)
    counters: Mapping[str, Counter] = field(default_factory=dict)
    appointments: Mapping[str, Appointment] = field(default_factory=dict)
    workorders: Mapping[str, Workorder] = field(default_factory=dict)
    suspensions: Mapping[str, Suspension] = field(default_factory=dict)
    closures: Mapping[str, Closure] = field(default_factory=dict)
    cancelled_slots: Mapping[str, CancelledSlot] = field(default_factory=dict)
    expire_at: dt.datetime | None = None
    """Next hall opening after a day that left live tickets: they expire then (Q8)."""
    waiting: Index = field(default_factory=dict)
    """Call-order index of waiting tickets; rebuilt from ``tickets`` on load."""


def ticket_key(day: dt.date, number: str) -> str:
    return f"{day.isoformat()}/{number}"


def counter_key(day: dt.date, category: str) -> str:
    return f"{day.isoformat()}/{category}"
