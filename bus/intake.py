"""Fair intake: per-sender rate limits and round-robin service in front of a single writer.

Every message of every node used to wait in one FIFO (the loop's queue of callbacks) for
the controller's single writer, so one node sending as fast as it can delayed everyone's
ticket by seconds. ``FairIntake`` stands between the bus's receiving thread and the loop:

* Each sender (the ``<node>`` of ``cmd/<node>/…``, from the topic alone: nothing is parsed)
  has a token bucket (``RATE_PER_SECOND``, ``BURST``) and a queue of at most
  ``QUEUE_PER_SENDER`` messages. A message beyond either is refused at once, on the
  receiving thread, by the ``refuse`` callback (the controller answers ``rate_limited``);
  a message bigger than any command (``max_bytes``) is refused ``too_large`` unqueued.
* The loop serves the senders round-robin, one message per turn: a node's next command waits
  for at most one command of each other node with a backlog, however long that backlog is.

Memory is bounded: senders (``MAX_SENDERS``, the rest share one bucket), messages per
sender, bytes queued in all (``PENDING_BYTES``). ``offer`` never blocks (paho's network
thread calls it, STYLE habit 8); the clock is injected, so tests need no sleeps.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bus.core import Deliver, Handler, Incoming
from bus.models.base import MAX_COMMAND_BYTES

log = logging.getLogger(__name__)

RATE_PER_SECOND = 20.0
"""Commands a node may send per second, sustained: a kiosk sends one per citizen, a caller
one per key press, a terminal's outbox one per reply."""
BURST = 40
"""Commands a node may send at once after a quiet spell (an outbox flushed on reconnect)."""
QUEUE_PER_SENDER = 40
"""A node's commands waiting for the writer; one more is refused ``rate_limited``."""
PENDING_BYTES = 4 * 1024 * 1024
"""Bytes waiting for the writer, all senders together."""
MAX_SENDERS = 512
"""Senders tracked one by one; beyond, idle ones are forgotten, then ``OVERFLOW`` is shared."""
OVERFLOW = "*"
"""The sender name shared by senders beyond ``MAX_SENDERS`` and by topics naming none."""

Refuse = Callable[[Incoming, str, str], None]
"""``refuse(message, sender, code)``: answer a message the intake will not queue, where
``code`` is ``rate_limited`` or ``too_large``; called on the receiving thread, must not block."""
SenderOf = Callable[[Incoming], str | None]


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """The intake's bounds (the module's constants unless a test or a bench says otherwise)."""

    rate: float = RATE_PER_SECOND
    burst: int = BURST
    queue: int = QUEUE_PER_SENDER
    max_bytes: int = MAX_COMMAND_BYTES
    """A message bigger than this is no command of any model: refused ``too_large``."""
    pending_bytes: int = PENDING_BYTES
    max_senders: int = MAX_SENDERS


@dataclass(slots=True)
class TokenBucket:
    """``burst`` tokens at most, ``rate`` more per second; one token per message."""

    rate: float
    burst: float
    tokens: float
    updated: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> TokenBucket:
        """A bucket as a sender that has been quiet finds it."""
        return cls(rate, burst, burst, now)

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def take(self, now: float) -> bool:
        """Take a token if there is one (True), else False and nothing changes."""
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def is_full(self, now: float) -> bool:
        """Whether the bucket has refilled: the sender is indistinguishable from a new one."""
        self._refill(now)
        return self.tokens >= self.burst


@dataclass(slots=True)
class _Sender:
    bucket: TokenBucket
    queue: deque[tuple[Handler, Incoming]] = field(default_factory=deque)


class FairIntake:
    """A ``bus.core.Gate``: rate limits per sender, then round-robin onto the loop."""

    def __init__(
        self,
        refuse: Refuse,
        sender_of: SenderOf,
        *,
        clock: Callable[[], float] = time.monotonic,
        limits: IntakeLimits | None = None,
    ) -> None:
        self.refuse = refuse
        self.sender_of = sender_of
        self.clock = clock
        self.limits = limits or IntakeLimits()
        self._lock = threading.Lock()
        self._senders: dict[str, _Sender] = {}
        self._ready: OrderedDict[str, None] = OrderedDict()
        """Senders with queued messages, in the order they are served next."""
        self._pending_bytes = 0
        self._scheduled = False
        self._deliver: Deliver | None = None

    # The receiving thread ----------------------------------------------------------------

    def offer(self, handler: Handler, message: Incoming, deliver: Deliver) -> None:
        """Queue a message for its sender's turn, or refuse it at once; never blocks."""
        sender = self.sender_of(message) or OVERFLOW
        size = len(message.payload)
        limits = self.limits
        schedule = False
        with self._lock:
            now = self.clock()
            sender, state = self._sender(sender, now)
            if not state.bucket.take(now):
                refusal = "rate_limited"
            elif size > limits.max_bytes:
                refusal = "too_large"
            elif (
                len(state.queue) >= limits.queue
                or self._pending_bytes + size > limits.pending_bytes
            ):
                refusal = "rate_limited"
            else:
                refusal = None
                state.queue.append((handler, message))
                self._pending_bytes += size
                self._ready.setdefault(sender, None)
                schedule = not self._scheduled
                self._scheduled = True
                self._deliver = deliver
        if refusal is not None:
            self.refuse(message, sender, refusal)
        elif schedule:
            deliver(self._serve)

    def _sender(self, sender: str, now: float) -> tuple[str, _Sender]:
        """The sender's state (new, with a full bucket, if unknown); beyond ``max_senders``
        the shared ``OVERFLOW`` one."""
        state = self._senders.get(sender)
        if state is not None:
            return sender, state
        limits = self.limits
        if len(self._senders) >= limits.max_senders:
            idle = [
                name
                for name, s in self._senders.items()
                if not s.queue and s.bucket.is_full(now) and name != OVERFLOW
            ]
            for name in idle:
                del self._senders[name]
            if len(self._senders) >= limits.max_senders:
                sender = OVERFLOW
                state = self._senders.get(OVERFLOW)
                if state is not None:
                    return sender, state
        state = _Sender(TokenBucket.full(limits.rate, limits.burst, now))
        self._senders[sender] = state
        return sender, state

    # The loop ----------------------------------------------------------------------------

    def _serve(self) -> None:
        """One message of the sender whose turn it is; then the next turn is handed over."""
        with self._lock:
            if not self._ready:
                self._scheduled = False
                return
            sender, _ = self._ready.popitem(last=False)
            state = self._senders[sender]
            handler, message = state.queue.popleft()
            self._pending_bytes -= len(message.payload)
            if state.queue:
                self._ready[sender] = None  # to the back of the line
            more = bool(self._ready)
            if not more:
                self._scheduled = False
            deliver = self._deliver
        try:
            handler(message)
        except Exception:
            log.exception("handler %r failed", getattr(handler, "__qualname__", handler))
        if more and deliver is not None:
            deliver(self._serve)

    # Diagnostics -------------------------------------------------------------------------

    def backlog(self) -> dict[str, int]:
        """Messages waiting for the writer, by sender (only those with any)."""
        with self._lock:
            return {name: len(s.queue) for name, s in self._senders.items() if s.queue}
