"""The hall day's tickets as the console knows them: loaded from the controller, kept by events.

On start, on every reconnect and when the controller comes back, the console asks
``queue/today`` for the day's tickets and the sequence of the last event they include
(``load``); events are applied on top (``apply``). Events that arrive while the answer is on
its way are kept and applied after it, unless the answer already includes them, so a
console started at 15:00 shows the morning's skipped tickets, waits and counts as one
started at 08:00 would.

The counters count as the statistics do (Q15, ``hallqueue/stats.py``): a ticket is skipped
once however often it was skipped, the wait runs from issue to the first call, the service
from the last call to finish, and satisfaction is 基本满意 or better among the rated.

The same load brings the open work orders past their due day (the live hall's alarms, Q7):
one becomes overdue only when the hall day changes, which loads the day again, and leaves
the list by its ``workorder.closed`` event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bus.models.events import (
    EventMessage,
    TicketCalled,
    TicketExpired,
    TicketFinished,
    TicketHeld,
    TicketIssued,
    TicketRated,
    TicketReactivated,
    TicketResumed,
    TicketSkipped,
    TicketTransferred,
    WorkorderClosed,
)
from bus.models.queue import BAD_LEVELS, SATISFIED_LEVELS
from bus.models.replies import OverdueWorkorder, TodayResult
from config.schema import HallConfig


@dataclass
class Tracked:
    """A ticket of the hall day as the console follows it."""

    ticket: str
    category: str
    service: str
    service_name: str
    issued_at: dt.datetime | None
    state: str = "waiting"
    """``waiting``, ``called``, ``held``, ``skipped``, ``done`` or ``expired``."""
    window: str | None = None
    priority: bool = False
    first_called_at: dt.datetime | None = None
    called_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    skipped: bool = False
    transferred: bool = False
    rating: int | None = None
    rated_at: dt.datetime | None = None


@dataclass
class WindowCounts:
    """What one window did today."""

    served: int = 0
    ratings: list[int] = field(default_factory=list)

    @property
    def mean_rating(self) -> float | None:
        """The mean level of today's ratings, or None before the first."""
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


@dataclass(frozen=True, slots=True)
class Counters:
    """The live hall's counters of the day, as the statistics count them."""

    issued: int
    served: int
    skipped: int
    transferred: int
    wait_mean_min: float | None
    service_mean_min: float | None
    rated: int
    satisfaction_rate: float | None


@dataclass(frozen=True, slots=True)
class BadReview:
    """A rating of 1 or 2 today: the live hall lists it as an alarm (a work order opens)."""

    ticket: str
    window: str | None
    level: int
    at: dt.datetime | None


class Today:
    """The day's tickets by number, and what the events since the last load changed."""

    def __init__(self, hall: HallConfig) -> None:
        self.hall = hall
        self.day: dt.date | None = None
        self.tickets: dict[str, Tracked] = {}
        self.loaded = False
        """A ``queue/today`` answer is in: the tickets are the whole day's, not only those
        the events since the console started told of."""
        self._loaded_seq = 0
        self._pending: list[EventMessage[Any]] | None = None
        self.version = 0
        """Counts every change: the derived figures are cached per version, so a hundred
        open tabs rendering after one event count the day once, not a hundred times."""
        self._counters: Counters | None = None
        self._by_window: dict[str, WindowCounts] | None = None
        self._lists: dict[tuple[str, frozenset[str]], list[Tracked]] = {}
        self.overdue_workorders: dict[str, OverdueWorkorder] = {}
        """Open work orders past their due day (Q7), as loaded; a closing event removes one."""

    # Loading -----------------------------------------------------------------------------

    def loading(self) -> None:
        """A ``queue/today`` request is on its way: keep the events until it is answered."""
        if self._pending is None:
            self._pending = []

    def load(self, result: TodayResult) -> None:
        """Replace the tickets with the controller's, then apply the events kept meanwhile
        that it does not include."""
        pending, self._pending = self._pending or [], None
        self.day = result.day
        self.tickets = {
            t.ticket: Tracked(
                ticket=t.ticket,
                category=t.category,
                service=t.service,
                service_name=t.service_name,
                issued_at=t.issued_at,
                state=t.status,
                window=t.window,
                priority=t.priority,
                first_called_at=t.first_called_at,
                called_at=t.called_at,
                finished_at=t.finished_at,
                skipped=t.skipped,
                transferred=t.transferred,
                rating=t.rating,
            )
            for t in result.tickets
        }
        self.overdue_workorders = {o.workorder: o for o in result.overdue_workorders}
        self._loaded_seq = result.seq
        self.loaded = True
        self._changed()
        for event in pending:
            self.apply(event)

    def load_failed(self) -> None:
        """The request was not answered: keep what the events said, apply what was kept."""
        pending, self._pending = self._pending or [], None
        for event in pending:
            self.apply(event)

    def new_day(self, day: dt.date) -> bool:
        """The hall day changed: start it empty. True when it did."""
        if self.day is not None and day == self.day:
            return False
        changed = self.day is not None
        self.day = day
        if changed:
            self.tickets.clear()
            self._changed()
        return changed

    # Events ------------------------------------------------------------------------------

    def apply(self, event: EventMessage[Any]) -> set[str]:
        """Apply one event; the parts of the hall it changed (``tickets``, ``window:W03``)."""
        if self._pending is not None:
            self._pending.append(event)
            return set()
        if event.seq <= self._loaded_seq:
            return set()  # the loaded tickets include it
        parts: set[str] = set()
        if isinstance(event, TicketIssued):
            d = event.data
            self.tickets[d.ticket] = Tracked(
                d.ticket, d.category, d.service, d.service_name, d.issued_at, priority=d.priority
            )
            parts.add("tickets")
        elif isinstance(event, TicketCalled | TicketResumed):
            c = event.data
            t = self._tracked(c.ticket, c.category, c.service_name)
            t.state, t.window, t.called_at = "called", c.window, c.called_at
            if t.first_called_at is None:
                t.first_called_at = c.called_at
            parts |= {"tickets", f"window:{c.window}"}
        elif isinstance(event, TicketSkipped | TicketHeld):
            s = event.data
            t = self._tracked(s.ticket, s.category, s.service_name)
            t.state = "skipped" if isinstance(event, TicketSkipped) else "held"
            t.skipped = t.skipped or isinstance(event, TicketSkipped)
            t.window = s.window
            parts |= {"tickets", f"window:{s.window}"}
        elif isinstance(event, TicketReactivated):
            r = event.data
            t = self._tracked(r.ticket, r.category, r.service_name)
            t.state, t.window = "waiting", None
            parts.add("tickets")
        elif isinstance(event, TicketTransferred):
            moved = event.data
            t = self._tracked(moved.ticket, moved.category, moved.service_name)
            t.state, t.window, t.transferred = "waiting", None, True
            t.category, t.service = moved.category, moved.service
            parts.add("tickets")
        elif isinstance(event, TicketFinished):
            f = event.data
            t = self._tracked(f.ticket, f.category, f.service_name)
            t.state, t.window, t.finished_at = "done", f.window, f.finished_at
            parts |= {"tickets", f"window:{f.window}"}
        elif isinstance(event, TicketExpired):
            found = self.tickets.get(event.data.ticket)
            if found is not None:
                found.state = "expired"
            parts.add("tickets")
        elif isinstance(event, WorkorderClosed):
            if self.overdue_workorders.pop(event.data.workorder, None) is not None:
                parts.add("workorders")
        elif isinstance(event, TicketRated):
            found = self.tickets.get(event.data.ticket)
            if found is not None:
                found.rating, found.rated_at = event.data.level, event.at
                parts.add("tickets")
                if found.window is not None:
                    parts.add(f"window:{found.window}")
        if parts:
            self._changed()
        return parts

    def _changed(self) -> None:
        self.version += 1
        self._counters, self._by_window = None, None
        self._lists.clear()

    def _tracked(self, ticket: str, category: str, service_name: str) -> Tracked:
        found = self.tickets.get(ticket)
        if found is None:
            found = Tracked(ticket, category, "", service_name, None)
            self.tickets[ticket] = found
        return found

    # Derived -----------------------------------------------------------------------------

    def waiting(self, categories: frozenset[str]) -> list[Tracked]:
        """Tickets waiting in these categories, priority first, then oldest first."""
        return self._list("waiting", categories)

    def skipped(self, categories: frozenset[str]) -> list[Tracked]:
        """Today's skipped tickets of these categories (to reactivate), in the same order."""
        return self._list("skipped", categories)

    def _list(self, state: str, categories: frozenset[str]) -> list[Tracked]:
        key = (state, categories)
        found = self._lists.get(key)
        if found is None:
            far = dt.datetime.max.replace(tzinfo=dt.UTC)
            rows = [
                t for t in self.tickets.values() if t.state == state and t.category in categories
            ]
            found = sorted(rows, key=lambda t: (not t.priority, t.issued_at or far, t.ticket))
            self._lists[key] = found
        return found

    def window_counts(self, window: str) -> WindowCounts:
        """What ``window`` served today and the ratings it got."""
        if self._by_window is None:
            by_window: dict[str, WindowCounts] = {}
            for t in self.tickets.values():
                if t.window is not None and t.state == "done":
                    counts = by_window.setdefault(t.window, WindowCounts())
                    counts.served += 1
                    if t.rating is not None:
                        counts.ratings.append(t.rating)
            self._by_window = by_window
        return self._by_window.get(window) or WindowCounts()

    def counters(self) -> Counters:
        """The day's counters over every ticket (as ``queue/stats`` counts them)."""
        if self._counters is None:
            self._counters = self._count()
        return self._counters

    def _count(self) -> Counters:
        waits: list[float] = []
        services: list[float] = []
        served = skipped = transferred = rated = satisfied = 0
        for t in self.tickets.values():
            if t.state == "done":
                served += 1
                if t.called_at is not None and t.finished_at is not None:
                    services.append((t.finished_at - t.called_at).total_seconds() / 60)
            skipped += t.skipped
            transferred += t.transferred
            if t.first_called_at is not None and t.issued_at is not None:
                waits.append((t.first_called_at - t.issued_at).total_seconds() / 60)
            if t.rating is not None:
                rated += 1
                satisfied += t.rating in SATISFIED_LEVELS

        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 1) if values else None

        return Counters(
            issued=len(self.tickets),
            served=served,
            skipped=skipped,
            transferred=transferred,
            wait_mean_min=mean(waits),
            service_mean_min=mean(services),
            rated=rated,
            satisfaction_rate=round(satisfied / rated, 3) if rated else None,
        )

    def bad_reviews(self) -> list[BadReview]:
        """Today's ratings of 1 or 2, newest first."""
        rows = [
            BadReview(t.ticket, t.window, t.rating, t.rated_at or t.finished_at)
            for t in self.tickets.values()
            if t.rating is not None and t.rating in BAD_LEVELS
        ]
        far = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(rows, key=lambda b: b.at or far, reverse=True)
