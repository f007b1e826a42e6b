"""The real bus: paho-mqtt 2.x (callback API v2, MQTT 5) behind the ``Bus`` protocol.

paho runs its network loop in its own thread; handlers are handed to the node's loop by
``deliver`` so that nothing slow ever runs on paho's thread (paho issue #328). The client
reconnects with back-off and restores its subscriptions; the node's retained status is
``online`` while connected and ``offline`` (the last will) otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import os
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from bus import topics
from bus.core import (
    DEFAULT_TIMEOUT,
    ConnectionListener,
    Deliver,
    Gate,
    Handler,
    Incoming,
    Payload,
    RequestTimeout,
    encode,
    inline_deliver,
)
from bus.models.state import NodeStatus

log = logging.getLogger(__name__)

RECONNECT_MIN_DELAY = 1
"""Seconds before the first reconnect attempt after the broker is lost; paho doubles it."""
RECONNECT_MAX_DELAY = 2
"""The cap of paho's doubling back-off: with the broker back, the next attempt is at most
this far off, so displays do not show "connection lost" for long after a broker restart."""
CONNECT_TIMEOUT_SECONDS = 2.0
"""How long one attempt waits for the TCP (and TLS) handshake of a broker host that does
not answer (paho's default is 5 s); a LAN broker answers in milliseconds."""
RECONNECT_WITHIN_SECONDS = 5.0
"""The promise the two above keep: a node is connected again (subscriptions confirmed,
``online``) within this many seconds of the broker accepting connections again. An attempt
that hangs on a host that was down ends after ``CONNECT_TIMEOUT_SECONDS``, the next one
follows after at most ``RECONNECT_MAX_DELAY``, and the MQTT handshake takes the rest."""
KEEPALIVE_SECONDS = 30


@dataclass(frozen=True, slots=True)
class BrokerURL:
    """``mqtt://[user:pass@]host:port`` or ``mqtts://…[?ca=/path/ca.crt]`` for TLS."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: str | None = None
    """The CA that signed the broker's certificate (a hall's own CA); empty: the system's."""

    @classmethod
    def parse(cls, url: str) -> BrokerURL:
        """Read a broker URL; a bare ``host:port`` is ``mqtt://``, the port 1883 (8883 for TLS)."""
        parts = urlsplit(url if "://" in url else f"mqtt://{url}")
        if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
            raise ValueError(f"broker URL {url!r}: scheme must be mqtt:// or mqtts://")
        tls = parts.scheme in ("mqtts", "ssl")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (8883 if tls else 1883),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            ca_file=next(iter(parse_qs(parts.query).get("ca", [])), None),
        )


SECRET_ENV = "SERVICEHALL_MQTT_SECRET"
"""A file with this node's MQTT password (user = node id), for running a node by hand."""


def secret_file(credentials_dir: Path, user: str) -> Path:
    """Where ``hall broker config`` keeps the password of ``user``: ``<dir>/<user>.secret``."""
    return credentials_dir / f"{user}.secret"


def node_credentials(
    url: BrokerURL, node: str, credentials_dir: Path | None = None
) -> BrokerURL:
    """Fill in the node's own MQTT user and password when the URL names none.

    Under systemd the password comes from ``LoadCredential=mqtt:…`` (readable only by that
    service, never on a command line); by hand from the file named in $SERVICEHALL_MQTT_SECRET.
    A process that serves several nodes (``hall bridge --all-sim``, the demo) passes
    ``credentials_dir``, a directory of ``<node>.secret`` files, and each node's client
    takes its own; it comes first, since one secret file cannot serve several users.
    """
    if url.username:
        return url
    candidates = []
    if credentials_dir is not None:
        candidates.append(secret_file(credentials_dir, node))
    if os.environ.get("CREDENTIALS_DIRECTORY"):
        candidates.append(Path(os.environ["CREDENTIALS_DIRECTORY"]) / "mqtt")
    if os.environ.get(SECRET_ENV):
        candidates.append(Path(os.environ[SECRET_ENV]))
    for path in candidates:
        if path.is_file():
            password = path.read_text(encoding="utf-8").strip()
            return dataclasses.replace(url, username=node, password=password)
    return url


def asyncio_deliver(loop: asyncio.AbstractEventLoop) -> Deliver:
    """Run handlers on an asyncio loop, the controller's and the nodes' way."""

    def deliver(fn: Callable[[], None]) -> None:
        loop.call_soon_threadsafe(fn)

    return deliver


class CorrelationOnly(Properties):
    """The PUBLISH properties of a reply, its correlation data alone, packed directly.

    paho's ``Properties`` walks all 27 property names on each attribute set and on ``pack``:
    half of what answering a refused message costs on paho's thread (about 50 µs), which a
    flood makes the controller's bottleneck. The bytes are those ``Properties.pack`` makes
    (a test compares them)."""

    def __init__(self, correlation_data: bytes) -> None:
        body = b"\x09" + len(correlation_data).to_bytes(2, "big") + correlation_data
        object.__setattr__(self, "packetType", PacketTypes.PUBLISH)
        object.__setattr__(self, "_packed", _varint(len(body)) + body)
        object.__setattr__(self, "correlation_data", correlation_data)

    def pack(self) -> bytes:
        """The encoded properties, made once."""
        packed: bytes = object.__getattribute__(self, "_packed")
        return packed

    def __str__(self) -> str:
        return f"[CorrelationData : {object.__getattribute__(self, 'correlation_data')!r}]"


def _varint(n: int) -> bytes:
    """MQTT's variable byte integer."""
    out = bytearray()
    while True:
        n, digit = divmod(n, 128)
        out.append(digit | 0x80 if n else digit)
        if not n:
            return bytes(out)


def _guarded(callback: Callable[[Any], None], arg: Any) -> None:
    """Run a node's callback; an error is logged, never raised into paho's network thread
    (where, with inline delivery, it would end the thread and the node would go deaf)."""
    try:
        callback(arg)
    except Exception:
        log.exception("callback %r failed", getattr(callback, "__qualname__", callback))


class PahoBus:
    """One node's connection to the hall broker."""

    def __init__(
        self,
        hall: str,
        node: str,
        url: str | BrokerURL = "mqtt://127.0.0.1:1883",
        *,
        role: str = "",
        deliver: Deliver | None = None,
        ca_file: str | None = None,
        status_id: str | None = None,
        credentials_dir: Path | None = None,
    ) -> None:
        self.hall = hall
        self.node = node
        self.status_topic = topics.node_status(hall, status_id or node)
        """Where this process says online/offline; a bridge beside a kiosk app on the same
        node uses ``<node>.bridge`` so that one stopping does not mark the other offline."""
        self.role = role
        self.url = node_credentials(
            url if isinstance(url, BrokerURL) else BrokerURL.parse(url), node, credentials_dir
        )
        self._deliver: Deliver = deliver or inline_deliver
        self._session = uuid.uuid4().hex[:12]
        self._inbox = topics.reply_inbox(hall, node, self._session)
        self._subs: dict[str, tuple[Handler, int]] = {}
        self._gates: dict[str, Gate] = {}
        """The subscriptions whose messages go to a gate on paho's thread (``subscribe``)."""
        self._pending: dict[bytes, Future[Incoming]] = {}
        self._listeners: list[ConnectionListener] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._stopping = False
        self._restore_mid: int | None = None
        self._restoring: frozenset[str] = frozenset()
        """The filters the pending restore (``_restore_mid``) asked the broker for."""

        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"{node}-{self._session}",
            protocol=mqtt.MQTTv5,
        )
        if self.url.username:
            self._client.username_pw_set(self.url.username, self.url.password)
        if self.url.tls:
            self._client.tls_set(
                ca_certs=ca_file or self.url.ca_file, cert_reqs=ssl.CERT_REQUIRED
            )
        self._client.will_set(
            self.status_topic,
            NodeStatus(state="offline", role=role).model_dump_json(),
            qos=1,
            retain=True,
        )
        self._client.reconnect_delay_set(RECONNECT_MIN_DELAY, RECONNECT_MAX_DELAY)
        self._client.connect_timeout = CONNECT_TIMEOUT_SECONDS
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message

    # Lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background; reconnects by itself until ``stop``."""
        self._client.connect_async(
            self.url.host, self.url.port, KEEPALIVE_SECONDS, clean_start=True
        )
        self._client.loop_start()

    def wait_connected(self, timeout: float = DEFAULT_TIMEOUT) -> bool:
        """Block until the broker has confirmed the subscriptions; False after ``timeout`` s."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Say ``offline`` (a clean stop sends no last will) and disconnect."""
        self._stopping = True
        if self._connected.is_set():
            info = self._client.publish(
                self.status_topic,
                NodeStatus(state="offline", role=self.role).model_dump_json(),
                qos=1,
                retain=True,
            )
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(timeout=2)
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()
        with self._lock:
            pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(RequestTimeout("bus stopped"))

    def is_connected(self) -> bool:
        """True from the broker's confirmation of the subscriptions until the connection drops."""
        return self._connected.is_set()

    def on_connection(self, listener: ConnectionListener) -> None:
        """Add a listener; it runs on the node's loop and an error in it is only logged."""
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
        """Hand the message to paho; a refused send is logged, not raised.

        Sent while offline, QoS 1 waits in paho's queue for the reconnect; QoS 0 is lost.
        """
        props: Properties | None = None
        if response_topic is None and correlation_data is not None:
            props = CorrelationOnly(correlation_data)  # a reply: the hot path under a flood
        elif response_topic is not None or correlation_data is not None:
            props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            if response_topic is not None:
                props.ResponseTopic = response_topic
            if correlation_data is not None:
                props.CorrelationData = correlation_data
        info = self._client.publish(
            topic, encode(payload), qos=qos, retain=retain, properties=props
        )
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def subscribe(
        self, topic_filter: str, handler: Handler, qos: int = 1, *, gate: Gate | None = None
    ) -> None:
        """Remember the handler; ask the broker now if connected, else the next connect does.

        With a ``gate``, paho's thread offers each message to the gate, which hands it to
        the node's loop in its turn (``bus.intake``) instead of in arrival order."""
        with self._lock:
            self._subs[topic_filter] = (handler, qos)
            if gate is None:
                self._gates.pop(topic_filter, None)
            else:
                self._gates[topic_filter] = gate
            connected = self._connected.is_set()
        if connected:
            self._client.subscribe(topic_filter, qos=qos)

    def unsubscribe(self, topic_filter: str) -> None:
        """Forget the filter's handler, and tell the broker if connected."""
        with self._lock:
            self._subs.pop(topic_filter, None)
            self._gates.pop(topic_filter, None)
        if self._connected.is_set():
            self._client.unsubscribe(topic_filter)

    def reply(self, request: Incoming, payload: Payload) -> None:
        """Answer on the request's response topic; a request without one gets no answer."""
        if request.response_topic:
            self.publish(
                request.response_topic, payload, qos=1, correlation_data=request.correlation_data
            )

    def request(
        self, topic: str, payload: Payload, timeout: float = DEFAULT_TIMEOUT
    ) -> Future[Incoming]:
        """Publish with the session's reply inbox; RequestTimeout after ``timeout`` s or on stop."""
        fut: Future[Incoming] = Future()
        correlation = uuid.uuid4().bytes
        with self._lock:
            self._pending[correlation] = fut
        timer = threading.Timer(timeout, self._expire, args=(correlation, topic, timeout))
        timer.daemon = True
        timer.start()
        fut.add_done_callback(lambda _f: timer.cancel())
        self.publish(
            topic, payload, qos=1, response_topic=self._inbox, correlation_data=correlation
        )
        return fut

    def _expire(self, correlation: bytes, topic: str, timeout: float) -> None:
        with self._lock:
            fut = self._pending.pop(correlation, None)
        if fut is not None and not fut.done():
            fut.set_exception(RequestTimeout(f"no reply to {topic} within {timeout:.0f} s"))

    # paho callbacks (paho's thread) -----------------------------------------------------

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        if reason_code.is_failure:
            log.warning(
                "broker %s:%s refused %s: %s", self.url.host, self.url.port, self.node, reason_code
            )
            return
        _no_delay(client)
        with self._lock:
            subs = [(self._inbox, 1)] + [(f, q) for f, (_h, q) in self._subs.items()]
            self._restoring = frozenset(f for f, _q in subs)
        # Ready (and "online") only once the broker has confirmed every subscription:
        # a request that arrives before that would find nobody listening.
        _rc, self._restore_mid = client.subscribe(subs)

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: object,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        if mid != self._restore_mid:
            return
        refused = [rc for rc in reason_codes if rc.is_failure]
        if refused:
            log.warning(
                "%s: broker refused %d subscription(s): %s", self.node, len(refused), refused
            )
        client.publish(
            self.status_topic,
            NodeStatus(
                state="online", role=self.role, at=dt.datetime.now(dt.UTC)
            ).model_dump_json(),
            qos=1,
            retain=True,
        )
        with self._lock:
            # A subscribe() on the node's loop while the restore was on its way is in _subs
            # but not in what the broker was asked for: ask now. Setting "connected" under
            # the lock means any later subscribe() sends its own request.
            missed = [(f, q) for f, (_h, q) in self._subs.items() if f not in self._restoring]
            self._connected.set()
        if missed:
            client.subscribe(missed)
        log.info("%s connected to %s:%s", self.node, self.url.host, self.url.port)
        self._notify(True)

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: object,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        was = self._connected.is_set()
        self._connected.clear()
        if was and not self._stopping:
            log.warning("%s lost the broker (%s); reconnecting", self.node, reason_code)
        if was:
            self._notify(False)

    def _notify(self, connected: bool) -> None:
        for listener in list(self._listeners):
            self._deliver(functools.partial(_guarded, listener, connected))

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        props = message.properties
        incoming = Incoming(
            topic=message.topic,
            payload=bytes(message.payload),
            retain=bool(message.retain),
            response_topic=getattr(props, "ResponseTopic", None) if props else None,
            correlation_data=getattr(props, "CorrelationData", None) if props else None,
        )
        if message.topic == self._inbox:
            with self._lock:
                fut = self._pending.pop(incoming.correlation_data or b"", None)
            if fut is not None and not fut.done():
                fut.set_result(incoming)
            return
        with self._lock:
            handlers = [
                (h, self._gates.get(f))
                for f, (h, _q) in self._subs.items()
                if mqtt.topic_matches_sub(f, message.topic)
            ]
        for handler, gate in handlers:
            if gate is None:
                self._deliver(functools.partial(_guarded, handler, incoming))
            else:
                _guarded(functools.partial(gate.offer, handler, deliver=self._deliver), incoming)


def _no_delay(client: mqtt.Client) -> None:
    """Send each packet at once: a command and its reply are small packets, and with Nagle on
    the second of two back to back waits for the peer's delayed ACK (about 40 ms a click)."""
    sock = client.socket()
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
