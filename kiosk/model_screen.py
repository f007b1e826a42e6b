"""The hall screen's view-model: current calls, waiting per category, notices, the voice.

The list of calls is the controller's retained queue view (the tickets called and not yet
done), ordered by their latest call or recall; call events that arrive before the view
catches up are shown at once. Every call and recall event is announced exactly once (events
carry a controller-wide sequence); the retained view is never announced, so a screen that
restarts does not call everyone again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bus import topics
from bus.core import Incoming
from bus.models.events import TicketCalled, TicketRecalled, TicketResumed, parse_event
from bus.models.notices import Notice
from bus.models.views import CategoryWaiting, QueueData, QueueView
from kiosk.model_base import FrontEndModel

log = logging.getLogger(__name__)

ANNOUNCED_KINDS = ("ticket.called", "ticket.recalled", "ticket.resumed")
MAX_CALLS = 8
"""Rows on the screen: the newest calls, readable from the back of the hall."""
SEEN_MEMORY = 500

CallEvent = TicketCalled | TicketRecalled | TicketResumed
Announce = Callable[[CallEvent], None]
"""``announce(event)``: the screen's voice speaks ``event.data.announcement``."""


@dataclass(frozen=True, slots=True)
class CallRow:
    ticket: str
    window_number: int | None
    at: dt.datetime
    seq: int = 0
    """Breaks ties between calls in the same instant: the event's controller-wide sequence."""


@dataclass(frozen=True, slots=True)
class WaitingRow:
    """One category's line on the hall screen."""

    prefix: str
    name: str
    waiting: int
    minutes: int
    windows: tuple[int, ...]

    @classmethod
    def of(cls, prefix: str, cat: CategoryWaiting, lang: str) -> WaitingRow:
        name = cat.name_en if lang == "en" and cat.name_en else cat.name
        return cls(prefix, name, cat.waiting, cat.estimated_wait_minutes, cat.windows)


class ScreenModel(FrontEndModel):
    role = "screen"

    def __init__(self, *args: Any, announce: Announce | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.announce = announce
        self.queue: QueueData | None = None
        self._latest: dict[str, CallRow] = {}
        """Per ticket, its latest call or recall heard as an event."""
        self._seen: list[int] = []

    def subscribe(self) -> None:
        hall_id = self.hall.hall_id
        self.bus.subscribe(topics.queue_state(hall_id), self._on_queue)
        for kind in ANNOUNCED_KINDS:
            self.bus.subscribe(topics.event(hall_id, kind), self._on_call)

    def _on_queue(self, message: Incoming) -> None:
        view = self.parse(QueueView, message)
        if view is None:
            return
        self.queue = view.data
        calling = {c.ticket for c in view.data.calling}
        # An event older than the view is in the view already: a ticket not in it is done.
        self._latest = {
            t: row for t, row in self._latest.items() if t in calling or row.at > view.at
        }
        self.changed()

    def _on_call(self, message: Incoming) -> None:
        try:
            event = parse_event(message.payload)
        except ValidationError as exc:
            log.warning("ignored unreadable message on %s: %s", message.topic, exc)
            return
        if not isinstance(event, CallEvent) or event.seq in self._seen:
            return  # a duplicate after a reconnect is not announced twice
        self._seen.append(event.seq)
        del self._seen[:-SEEN_MEMORY]
        ticket = event.data.ticket
        self._latest[ticket] = CallRow(ticket, event.data.window_number, event.at, event.seq)
        self.changed()
        if self.announce is not None:
            self.announce(event)

    @property
    def ready(self) -> bool:
        return self.queue is not None

    def calls(self) -> list[CallRow]:
        """Tickets at a window now, newest call or recall first (the first is highlighted)."""
        rows: dict[str, CallRow] = {}
        calling = self.queue.calling if self.queue is not None else ()
        for i, c in enumerate(calling):
            # The view lists the newest first: keep that order among equal times.
            rows[c.ticket] = CallRow(c.ticket, c.window_number, c.called_at, -i)
        for ticket, row in self._latest.items():
            if ticket not in rows or row.at >= rows[ticket].at:
                rows[ticket] = row
        ordered = sorted(rows.values(), key=lambda r: (r.at, r.seq), reverse=True)
        return ordered[:MAX_CALLS]

    def waiting_rows(self) -> list[WaitingRow]:
        """Per category: name, waiting, estimated wait (minutes), window numbers."""
        categories = self.queue.categories if self.queue is not None else {}
        return [WaitingRow.of(prefix, cat, self.lang) for prefix, cat in categories.items()]

    def urgent_notice(self) -> Notice | None:
        """An urgent notice takes the whole screen (Q14)."""
        notices = self.visible_notices()
        return notices[0] if notices and notices[0].priority == "urgent" else None

    def ticker_notices(self) -> list[Notice]:
        return [n for n in self.visible_notices() if n.priority != "urgent"]
