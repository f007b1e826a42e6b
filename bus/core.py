"""What every bus (the paho client and the in-memory FakeBus) offers the node code."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from bus.models.base import WIRE

Payload = BaseModel | dict[str, Any] | list[Any] | str | bytes | None
Deliver = Callable[[Callable[[], None]], None]
"""Hands a callable to the node's own loop (asyncio's call_soon_threadsafe, Kivy's Clock)."""


def inline_deliver(fn: Callable[[], None]) -> None:
    """Run the callable where it is handed over: paho's thread for short-lived command-line
    tools, the caller's own thread in unit tests on a FakeBus."""
    fn()


DEFAULT_TIMEOUT = 5.0


def encode(payload: Payload) -> bytes:
    """JSON for models and plain data, UTF-8 for text, empty for a retained delete."""
    if payload is None:
        return b""
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    if isinstance(payload, BaseModel):
        return payload.model_dump_json(context=WIRE).encode("utf-8")
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message as a handler sees it."""

    topic: str
    payload: bytes
    retain: bool = False
    response_topic: str | None = None
    correlation_data: bytes | None = None

    def json(self) -> Any:
        """The decoded JSON payload; raises ValueError for anything else."""
        return json.loads(self.payload.decode("utf-8"))


Handler = Callable[[Incoming], None]
ConnectionListener = Callable[[bool], None]


class Gate(Protocol):
    """What stands between the bus's receiving thread and a subscription's handler: the
    controller's per-sender rate limits and round-robin (``bus.intake.FairIntake``)."""

    def offer(self, handler: Handler, message: Incoming, deliver: Deliver) -> None:
        """Take one message on the receiving thread (paho's: never block). The gate hands
        ``handler(message)`` to the node's loop with ``deliver`` when it is the message's
        turn, or answers the message itself."""
        ...


class RequestTimeout(TimeoutError):
    """No reply within the timeout: the controller is down or unreachable."""


class Bus(Protocol):
    """The node-facing bus; ``PahoBus`` for real, ``FakeBus`` in unit tests."""

    hall: str
    node: str

    def start(self) -> None:
        """Connect and say ``online``; the bus reconnects by itself until ``stop``."""
        ...

    def stop(self) -> None:
        """Say ``offline`` and disconnect for good."""
        ...

    def is_connected(self) -> bool:
        """Whether the broker is reachable now; outboxes wait and screens say so while not."""
        ...

    def on_connection(self, listener: ConnectionListener) -> None:
        """Tell the listener ``True`` on every (re)connection and ``False`` on every loss."""
        ...

    def publish(
        self,
        topic: str,
        payload: Payload,
        *,
        qos: int = 1,
        retain: bool = False,
        response_topic: str | None = None,
        correlation_data: bytes | None = None,
    ) -> None:
        """Send one message and return at once: a node's loop never waits on the broker."""
        ...

    def subscribe(
        self, topic_filter: str, handler: Handler, qos: int = 1, *, gate: Gate | None = None
    ) -> None:
        """Hand every matching message (retained ones too) to the handler, across reconnects.

        One handler per filter: subscribing again to the same filter replaces it. With a
        ``gate``, each message goes to the gate first, on the receiving thread.
        """
        ...

    def unsubscribe(self, topic_filter: str) -> None:
        """Stop handling a filter; an unknown filter is no error."""
        ...

    def reply(self, request: Incoming, payload: Payload) -> None:
        """Answer a request on its response topic with its correlation data (if it has one)."""
        ...

    def request(
        self, topic: str, payload: Payload, timeout: float = DEFAULT_TIMEOUT
    ) -> Future[Incoming]:
        """Send a request; the future holds the reply or raises RequestTimeout."""
        ...
