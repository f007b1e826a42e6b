"""The ticket status page (叫号进度): what one citizen's ticket shows, from the live cache.

The console asks the controller once which ticket a status token belongs to
(``queue/ticket_status``) and keeps the answer for the hall day (``StatusBook``); from then
on the page follows the ticket without asking again: its state and window from the day's
events (``HallState.day_tickets``), its place in the queue from the retained ``state/queue``,
whose categories list their waiting tickets in the engine's call order (Q4). So a hundred
citizens watching their tickets cost the controller nothing per change: every page is
rendered from the one view the console already has. ``ahead`` is the ticket's index in its
category's list, the same count the engine prints on the ticket at issue.

A page shows only its own ticket: counts, never another ticket's number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bus.models.replies import TicketStatusResult
from console.state import HallState

TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
"""What a status token looks like (``bus.models.limits.StatusToken``): anything else is not
asked about, it is not found."""
MAX_TOKENS = 20_000
"""Tokens kept for one hall day at most (a large hall issues a few thousand tickets)."""


class StatusBook:
    """Status token → its ticket, for the hall day the controller answered for."""

    def __init__(self, max_tokens: int = MAX_TOKENS) -> None:
        self.day: dt.date | None = None
        self.max_tokens = max_tokens
        self._tickets: dict[str, TicketStatusResult] = {}

    def get(self, token: str, today: dt.date) -> TicketStatusResult | None:
        """The ticket of ``token`` if it is known for ``today``; a new day forgets the old."""
        if self.day != today:
            self._tickets.clear()
            self.day = today
        return self._tickets.get(token)

    def put(self, token: str, ticket: TicketStatusResult) -> None:
        """Keep what the controller said (only for the day it said it of)."""
        if self.day is None or ticket.day >= self.day:
            if ticket.day != self.day:
                self._tickets.clear()
                self.day = ticket.day
            if len(self._tickets) >= self.max_tokens:
                self._tickets.pop(next(iter(self._tickets)))
            self._tickets[token] = ticket


@dataclass(frozen=True, slots=True)
class TicketStatus:
    """What the status page shows of one ticket now."""

    ticket: str
    service: str
    service_name: str
    issued_at: dt.datetime
    state: str
    """``waiting``, ``called``, ``held``, ``skipped``, ``done`` or ``expired``."""
    ahead: int | None = None
    """While waiting: the waiting tickets called before it (None until the view has it)."""
    estimated_wait_minutes: int | None = None
    window: str | None = None
    window_number: int | None = None
    """While called or held (the window to go to), skipped (the one that skipped it), done."""
    category_name: str = ""
    category_name_en: str = ""


def ticket_status(state: HallState, held: TicketStatusResult) -> TicketStatus:
    """The ticket as the page shows it now: the events since the answer, and the queue view."""
    number = held.ticket
    today = state.queue.day if state.queue is not None else state.today()
    tracked = (
        state.day_tickets.tickets.get(number) if state.day_tickets.day == held.day else None
    )
    status, window, category = held.status, held.window, held.category
    service, service_name = held.service, held.service_name
    if tracked is not None:
        status, window, category = tracked.state, tracked.window, tracked.category
        service = tracked.service or service
        service_name = tracked.service_name or service_name
    if today > held.day and status != "done":
        status = "expired"  # the hall day ended: not served, the ticket is no longer valid
    queue = state.queue if state.queue is not None and state.queue.day == held.day else None
    ahead = wait = None
    if queue is not None and status in ("waiting", "called"):
        calling = next((c for c in queue.calling if c.ticket == number), None)
        waiting = queue.categories.get(category)
        place = waiting.ahead_of(number) if waiting is not None else None
        if status == "waiting" and place is None and calling is not None:
            status, window = "called", calling.window  # the view is ahead of the events
        if status == "waiting" and waiting is not None and place is not None:
            ahead, wait = place, waiting.estimated_wait_for(place)
    cat = state.hall.category(category)
    w = state.hall.window(window) if window else None
    return TicketStatus(
        ticket=number,
        service=service,
        service_name=service_name,
        issued_at=held.issued_at,
        state=status,
        ahead=ahead,
        estimated_wait_minutes=wait,
        window=window,
        window_number=w.number if w is not None else None,
        category_name=cat.name if cat is not None else "",
        category_name_en=cat.name_en if cat is not None else "",
    )
