"""A loop-back bus for unit tests of node logic: same interface as ``PahoBus``, no broker.

Several ``FakeBus`` objects made from one ``FakeBroker`` talk to each other; retained
messages are replayed to new subscribers as Mosquitto does. Delivery is synchronous, so a
test can assert right after a publish without waiting.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Future

from paho.mqtt.client import topic_matches_sub

from bus import topics
from bus.core import (
    DEFAULT_TIMEOUT,
    ConnectionListener,
    Gate,
    Handler,
    Incoming,
    Payload,
    RequestTimeout,
    encode,
    inline_deliver,
)
from bus.models.state import NodeStatus


class FakeBroker:
    """Routes messages between FakeBus clients and keeps retained messages."""

    def __init__(self) -> None:
        self.retained: dict[str, bytes] = {}
        self.clients: list[FakeBus] = []
        self.log: list[Incoming] = []
        """Every message published, in order (for assertions)."""

    def client(self, hall: str, node: str, role: str = "") -> FakeBus:
        """A new FakeBus on this broker; it joins when started."""
        return FakeBus(hall, node, role=role, broker=self)

    def route(self, message: Incoming) -> None:
        """Log, retain (an empty payload deletes) and deliver to the connected clients at once."""
        self.log.append(message)
        if message.retain:
            if message.payload:
                self.retained[message.topic] = message.payload
            else:
                self.retained.pop(message.topic, None)
        for client in list(self.clients):
            client._receive(message)

    def messages(self, topic_filter: str) -> list[Incoming]:
        """What was published on topics matching the filter, in order (for assertions)."""
        return [m for m in self.log if topic_matches_sub(topic_filter, m.topic)]


class FakeBus:
    """A node's bus in a unit test. ``drop()``/``restore()`` simulate losing the broker."""

    _sessions = itertools.count(1)

    def __init__(
        self, hall: str, node: str, *, role: str = "", broker: FakeBroker | None = None
    ) -> None:
        self.hall = hall
        self.node = node
        self.role = role
        self.broker = broker or FakeBroker()
        self._subs: dict[str, tuple[Handler, int]] = {}
        self._gates: dict[str, Gate] = {}
        self._listeners: list[ConnectionListener] = []
        self._connected = False
        self._inbox = topics.reply_inbox(hall, node, f"s{next(self._sessions)}")
        self._pending: dict[bytes, Future[Incoming]] = {}
        self._correlation = itertools.count(1)

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Join the broker and connect: ``online`` is published, retained messages replayed."""
        if self not in self.broker.clients:
            self.broker.clients.append(self)
        self._set_connected(True)

    def stop(self) -> None:
        """Say ``offline`` and leave the broker."""
        self.publish(
            topics.node_status(self.hall, self.node),
            NodeStatus(state="offline", role=self.role),
            retain=True,
        )
        self._set_connected(False)
        if self in self.broker.clients:
            self.broker.clients.remove(self)

    def drop(self) -> None:
        """The broker went away: listeners hear ``False``, messages stop."""
        self._set_connected(False)

    def restore(self) -> None:
        """The broker is back: subscriptions restored, retained messages replayed."""
        self._set_connected(True)

    def _set_connected(self, connected: bool) -> None:
        if connected == self._connected:
            return
        self._connected = connected
        if connected:
            self.publish(
                topics.node_status(self.hall, self.node),
                NodeStatus(state="online", role=self.role),
                retain=True,
            )
            for topic_filter in list(self._subs):
                self._replay_retained(topic_filter)
        for listener in list(self._listeners):
            listener(connected)

    def is_connected(self) -> bool:
        """True between ``start`` and ``stop``, except from ``drop`` to ``restore``."""
        return self._connected

    def wait_connected(self, timeout: float = DEFAULT_TIMEOUT) -> bool:
        """Never waits: a FakeBus is connected or not at once."""
        return self._connected

    def on_connection(self, listener: ConnectionListener) -> None:
        """Add a listener; it is called synchronously on every change."""
        self._listeners.append(listener)

    # Publish / subscribe ----------------------------------------------------------------

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
        """Route the message at once; while disconnected it is lost."""
        if not self._connected:
            return
        self.broker.route(
            Incoming(topic, encode(payload), retain, response_topic, correlation_data)
        )

    def subscribe(
        self, topic_filter: str, handler: Handler, qos: int = 1, *, gate: Gate | None = None
    ) -> None:
        """Set the filter's handler and, if connected, replay the matching retained messages now.

        A ``gate`` sees each message first and hands it on at once (inline delivery)."""
        self._subs[topic_filter] = (handler, qos)
        if gate is None:
            self._gates.pop(topic_filter, None)
        else:
            self._gates[topic_filter] = gate
        if self._connected:
            self._replay_retained(topic_filter)

    def unsubscribe(self, topic_filter: str) -> None:
        """Forget the filter's handler."""
        self._subs.pop(topic_filter, None)
        self._gates.pop(topic_filter, None)

    def _replay_retained(self, topic_filter: str) -> None:
        handler, _qos = self._subs[topic_filter]
        for topic, payload in list(self.broker.retained.items()):
            if topic_matches_sub(topic_filter, topic):
                handler(Incoming(topic, payload, retain=True))

    def reply(self, request: Incoming, payload: Payload) -> None:
        """Answer on the request's response topic; a request without one gets no answer."""
        if request.response_topic:
            self.publish(request.response_topic, payload, correlation_data=request.correlation_data)

    def request(
        self, topic: str, payload: Payload, timeout: float = DEFAULT_TIMEOUT
    ) -> Future[Incoming]:
        """Publish with a reply inbox; the future is settled on return (reply or RequestTimeout)."""
        fut: Future[Incoming] = Future()
        correlation = str(next(self._correlation)).encode()
        self._pending[correlation] = fut
        self.publish(topic, payload, response_topic=self._inbox, correlation_data=correlation)
        if not fut.done():
            # Delivery is synchronous: no reply now means nobody is listening.
            self._pending.pop(correlation, None)
            fut.set_exception(RequestTimeout(f"no reply to {topic}"))
        return fut

    def _receive(self, message: Incoming) -> None:
        if not self._connected:
            return
        if message.topic == self._inbox:
            fut = self._pending.pop(message.correlation_data or b"", None)
            if fut is not None and not fut.done():
                fut.set_result(message)
            return
        for topic_filter, (handler, _qos) in list(self._subs.items()):
            if topic_matches_sub(topic_filter, message.topic):
                gate = self._gates.get(topic_filter)
                if gate is None:
                    handler(message)
                else:
                    gate.offer(handler, message, inline_deliver)
