"""The controller's edge: every refused message counted by kind, logged in one line, and the
senders being rate-limited remembered, for the retained diagnostics.

A refusal happens on two threads: the intake (``bus.intake``) refuses ``rate_limited`` on
paho's network thread, everything else is refused on the controller's loop; so the counts
are kept under a lock. Logging is one WARNING line per refusal, no traceback, at most
``LOG_BURST`` lines per kind every ``LOG_WINDOW_SECONDS`` (a flood must not flood the
journal: the counters count every one); a rate-limited sender is said once when it starts
and once, at INFO, when it has been quiet for ``LIMITED_FORGET_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bus.intake import IntakeLimits
from bus.models import limits as L
from bus.models.diagnostics import ControllerDiagnostics, RateLimitedSender, RefusalCounts

log = logging.getLogger("controller.app")

LOG_BURST = 10
"""Refusal lines of one kind logged per window; the rest are counted and summed up."""
LOG_WINDOW_SECONDS = 60.0
LIMITED_FORGET_SECONDS = 60.0
"""A sender refused ``rate_limited`` stays in the diagnostics this long after the last one."""
DIAGNOSTICS_SECONDS = 5.0
"""The retained diagnostics are republished at most this often, and only after a change."""


@dataclass(slots=True)
class _Limited:
    refused: int
    since: dt.datetime
    last: dt.datetime
    last_mono: float


@dataclass(slots=True)
class _LogWindow:
    start: float
    logged: int = 0
    suppressed: int = 0


class Refusals:
    """Counters by kind, the log throttle and the rate-limited senders (any thread)."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        monotonic: Callable[[], float] = time.monotonic,
        limits: IntakeLimits | None = None,
    ) -> None:
        self.clock = clock
        self.monotonic = monotonic
        self.limits = limits or IntakeLimits()
        self.started = clock()
        self._lock = threading.Lock()
        self._counters: dict[str, int] = {}
        self._unanswered = 0
        self._windows: dict[str, _LogWindow] = {}
        self._limited: dict[str, _Limited] = {}
        self._changed = False
        self._published_at: float | None = None

    def counters(self) -> dict[str, int]:
        """How many messages were refused, by kind, since the start."""
        with self._lock:
            return dict(self._counters)

    def count(self, kind: str) -> None:
        """Count one refusal its caller has logged (a forbidden command, an internal error)."""
        with self._lock:
            self._counters[kind] = self._counters.get(kind, 0) + 1
            self._changed = True

    def refused(
        self, kind: str, topic: str, message: str, *, answered: bool = True, sender: str = ""
    ) -> None:
        """Count one refusal of ``kind`` and log it (one line, throttled)."""
        mono = self.monotonic()
        with self._lock:
            self._counters[kind] = self._counters.get(kind, 0) + 1
            if not answered:
                self._unanswered += 1
            self._changed = True
            if kind == "rate_limited":
                line = self._note_limited(sender, mono)
            else:
                line = self._throttle(kind, mono)
        if line is None:
            return
        if kind == "rate_limited":
            log.warning(
                "%s is over its rate limit (%g commands/s, bursts of %d): refusing its "
                "commands rate_limited until it slows down",
                sender,
                self.limits.rate,
                self.limits.burst,
            )
        else:
            log.warning("refused message on %s: %s%s", L.quote(topic, 200), message, line)

    def _throttle(self, kind: str, mono: float) -> str | None:
        """None: do not log; else the suffix of the line (what was left out before it)."""
        window = self._windows.get(kind)
        if window is None or mono - window.start >= LOG_WINDOW_SECONDS:
            suppressed = window.suppressed if window is not None else 0
            self._windows[kind] = _LogWindow(start=mono, logged=1)
            return f" ({suppressed} more {kind} not logged before this)" if suppressed else ""
        if window.logged < LOG_BURST:
            window.logged += 1
            return ""
        window.suppressed += 1
        return None

    def _note_limited(self, sender: str, mono: float) -> str | None:
        now = self.clock()
        entry = self._limited.get(sender)
        if entry is None or mono - entry.last_mono >= LIMITED_FORGET_SECONDS:
            self._limited[sender] = _Limited(1, now, now, mono)
            return ""
        entry.refused += 1
        entry.last = now
        entry.last_mono = mono
        return None

    def due(self) -> bool:
        """Whether the diagnostics changed and were last published long enough ago."""
        mono = self.monotonic()
        with self._lock:
            self._forget(mono)
            if not self._changed:
                return False
            return self._published_at is None or mono - self._published_at >= DIAGNOSTICS_SECONDS

    def _forget(self, mono: float) -> None:
        for sender, entry in list(self._limited.items()):
            if mono - entry.last_mono >= LIMITED_FORGET_SECONDS:
                del self._limited[sender]
                self._changed = True
                log.info(
                    "%s is below its rate limit again: %d commands refused rate_limited "
                    "from %s to %s",
                    sender,
                    entry.refused,
                    f"{entry.since:%H:%M:%S}",
                    f"{entry.last:%H:%M:%S}",
                )

    def snapshot(self) -> ControllerDiagnostics:
        """The diagnostics as published now (and marked published)."""
        mono = self.monotonic()
        now = self.clock()
        with self._lock:
            self._forget(mono)
            self._changed = False
            self._published_at = mono
            limited = sorted(self._limited.items(), key=lambda kv: -kv[1].refused)
            return ControllerDiagnostics(
                at=now,
                started=self.started,
                counters=RefusalCounts.of(self._counters),
                rate_limited=[
                    RateLimitedSender(sender=s, refused=e.refused, since=e.since, last=e.last)
                    for s, e in limited
                ],
                unanswered=self._unanswered,
            )
