"""Sending the outbox to the controller, oldest first, one request at a time.

Strict order: the next punch goes only after the previous one was answered, so the
controller sees a person's punches in the order they were made. A timeout (controller
down, broker gone) leaves the punch queued and ends this round; the node starts another
round when the bus reconnects, after each new punch and every ``RETRY_SECONDS``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from bus import topics
from bus.core import Bus, RequestTimeout
from bus.models.base import Reply
from terminal.outbox import Outbox, OutboxEntry

log = logging.getLogger(__name__)

REPLY_TIMEOUT_SECONDS = 5.0
RETRY_SECONDS = 10.0
TRANSIENT_CODES = frozenset({"internal", "unavailable", "busy", "timeout", "rate_limited"})
"""Error codes that say nothing about the punch itself: keep it and try again later (an
outbox flushed after a day offline meets the controller's rate limit, ``bus.intake``)."""


@dataclass(slots=True)
class DrainReport:
    """What one round did, for logs and tests."""

    sent: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    stopped: str | None = None
    """Why the round ended with punches still pending (None: the outbox is empty)."""


def is_duplicate(code: str) -> bool:
    """A refusal that means "I already have it": the punch is done, not refused."""
    return "duplicate" in code


class OutboxSender:
    """Empties the outbox over the bus; one round at a time (rounds never interleave)."""

    def __init__(
        self,
        outbox: Outbox,
        bus: Bus,
        *,
        timeout: float = REPLY_TIMEOUT_SECONDS,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.bus = bus
        self.timeout = timeout
        self._on_change = on_change
        self._lock = asyncio.Lock()
        self._topic = topics.command(bus.hall, bus.node, "att", "punch")

    async def drain(self) -> DrainReport:
        """Send pending punches in order until none is left or one gets no usable answer."""
        report = DrainReport()
        async with self._lock:
            while True:
                entry = self.outbox.next_pending()
                if entry is None:
                    return report
                if not self.bus.is_connected():
                    report.stopped = "offline"
                    return report
                stopped = await self._send(entry, report)
                if self._on_change is not None:
                    self._on_change()
                if stopped is not None:
                    report.stopped = stopped
                    return report

    async def _send(self, entry: OutboxEntry, report: DrainReport) -> str | None:
        future = self.bus.request(self._topic, entry.command(), self.timeout)
        try:
            incoming = await asyncio.wrap_future(future)
        except (RequestTimeout, TimeoutError):
            self.outbox.note_failure(entry.id, "timeout")
            return "timeout"
        try:
            reply = Reply.model_validate_json(incoming.payload)
        except ValidationError as err:
            log.warning("unreadable reply to punch %s: %s", entry.id, err)
            self.outbox.note_failure(entry.id, "bad reply")
            return "bad reply"
        body = reply.model_dump(mode="json")
        if reply.ok:
            self.outbox.mark_sent(entry.id, body)
            report.sent.append(entry.id)
            return None
        code = reply.error.code if reply.error else "unknown"
        message = reply.error.message if reply.error else ""
        if is_duplicate(code):
            self.outbox.mark_sent(entry.id, body)
            report.sent.append(entry.id)
            return None
        if code in TRANSIENT_CODES:
            self.outbox.note_failure(entry.id, f"{code}: {message}")
            return code
        # Unknown staff, unknown device, invalid: resending cannot help. Kept, not retried.
        log.warning(
            "controller refused punch %s of %s: %s %s", entry.id, entry.staff_id, code, message
        )
        self.outbox.mark_refused(entry.id, code, message, body)
        report.refused.append(entry.id)
        return None
