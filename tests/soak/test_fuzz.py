"""Fuzz every command with one node's real credentials against the real controller process
on the generated secure broker config: every message answered, nothing changed.

kiosk-1 sends ``FUZZ`` messages (about 2,000 in ``make test``, 100,000 in ``make soak``),
MQTT 5 QoS 1, each with its own correlation data: hypothesis-generated JSON, random bytes,
nesting 3,000 deep, strings up to the broker's limit (and one connection's worth beyond it),
lone surrogates, wrong types, every command model's fields set to hostile values, on its own
command topics, on random topics under its own ``cmd/kiosk-1/…``, on other nodes' ``cmd/``
topics, and with response topics pointing at state topics. A message counts as answered by
a reply with its correlation data on kiosk-1's ``reply/`` (the controller answers a steered
one on ``reply/kiosk-1/default``), or by a PUBACK reason code ≥ 0x80 (the broker's ACL); a
packet over ``max_packet_size`` by the broker closing that connection (Mosquitto 2.0.11
logs "disconnected due to oversize packet", and paho reports 0x95 when the DISCONNECT 0x95
arrives before the socket closes, 0x80 otherwise), nothing of it reaching the controller.

Afterwards: the retained ``state/catalog``, ``state/queue`` and every ``state/window/<w>``
are what they were, the store's ``queue_records`` too, the controller's log holds no
traceback, and its RSS (``VmRSS`` of the ``hall controller`` process) stayed bounded.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from bus import topics
from bus.models.base import COMMANDS
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from controller.authority import ROLE_COMMANDS
from controller.broker import MAX_PACKET_BYTES
from store import tables
from store.database import open_engine
from tests.integration.harness import Node, controller_process
from tests.integration.secure import SecureBroker, start_secure_broker
from tests.soaking import figures, scale
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

HALL = "chengdong"
NODE = "kiosk-1"
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
FUZZ = scale(2_000, 100_000)
OVERSIZE = scale(1, 3)
"""Packets over ``max_packet_size``, each on a connection of its own (the broker drops it)."""
WINDOW = 500
"""Messages in flight at once (sent, not yet answered)."""
RSS_GROWTH_BOUND_KB = 160 * 1024
"""The controller may grow by this much over the fuzz (it reads 8 MiB packets whole)."""
ANSWER_TIMEOUT_S = 60.0

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
HOSTILE: list[Any] = [
    None, True, -1, 0, 2**64, -(2**63) - 1, 1e308, float("nan"), "", " ", "x" * 70_000,
    "\ud800", "\udfff抢号", "A01\u0000", "Ａ０１", "../../etc/passwd", "'; DROP TABLE x;--",
    "W01", "W99", "kiosk-2", MANAGER_USER, "controller", [], {}, [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]],
    {"$gt": ""}, ["A01"], {"v": 1},
]  # fmt: skip
"""Values for any field; none is a service, window or ticket of this hall that works."""


def _model_payloads() -> list[dict[str, Any]]:
    """Every command model, each of its fields (and ``v``, ``id``) set to each hostile value."""
    out: list[dict[str, Any]] = []
    for model in COMMANDS.values():
        for field in {"v", "id", *model.model_fields}:
            for value in HOSTILE:
                out.append({"v": 1, "id": "fz", field: value})
    return out


def _hypothesis_pool(size: int) -> list[Any]:
    """``size`` payloads drawn by hypothesis: JSON values, command-shaped dicts, bytes."""
    pool: list[Any] = []
    shaped = st.sampled_from(sorted(COMMANDS)).flatmap(
        lambda key: st.fixed_dictionaries(
            {"v": st.just(1) | _json, "id": st.text(max_size=80) | _json},
            optional={
                f: _json | st.sampled_from(HOSTILE)
                for f in COMMANDS[key].model_fields
                if f not in ("v", "id")
            },
        )
    )

    @settings(
        max_examples=size,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(_json, shaped, st.binary(max_size=300)))
    def collect(value: Any) -> None:
        pool.append(value)

    collect()
    return pool


def _encode(value: Any, rng: random.Random) -> bytes:
    if isinstance(value, bytes):
        return value
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate as raw CESU bytes, too


class Fuzzer:
    """kiosk-1 as a raw paho client, counting each message's answer by correlation data."""

    def __init__(self, secure: SecureBroker) -> None:
        self.inbox = topics.reply_inbox(HALL, NODE, "fuzz")
        self.answered: dict[bytes, str] = {}
        self._pending: dict[int, bytes] = {}
        self._early: dict[int, int] = {}
        self._lock = threading.Lock()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"{NODE}-fuzzer", protocol=mqtt.MQTTv5
        )
        self.client.username_pw_set(NODE, secure.secret(NODE))
        self.client.max_inflight_messages_set(WINDOW)
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *_a: subscribed.set()
        self.client.connect("127.0.0.1", secure.port)
        self.client.loop_start()
        self.client.subscribe(topics.reply_prefix(HALL, NODE) + "#", qos=1)
        assert subscribed.wait(10), "no SUBACK"

    def _on_message(self, _c: object, _u: object, message: mqtt.MQTTMessage) -> None:
        correlation = getattr(message.properties, "CorrelationData", None)
        if correlation is None:
            return
        try:
            code = json.loads(message.payload)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "ok"  # an applied command: the state check below fails the test
        with self._lock:
            self.answered[bytes(correlation)] = code

    def _on_publish(self, _c: object, _u: object, mid: int, reason: Any, _p: object) -> None:
        with self._lock:
            correlation = self._pending.pop(mid, None)
            if correlation is None:
                self._early[mid] = reason.value
            elif reason.value >= 0x80:
                self.answered[correlation] = f"puback_{reason.value:#04x}"

    def count(self) -> int:
        with self._lock:
            return len(self.answered)

    def wait_for_room(self, sent: int) -> None:
        """Wait (on the answers, not on a timer) until fewer than ``WINDOW`` are unanswered."""
        if sent - self.count() >= WINDOW:
            wait_until(lambda: sent - self.count() < WINDOW, timeout=ANSWER_TIMEOUT_S)

    def send(self, n: int, topic: str, payload: bytes, response_topic: str | None) -> None:
        correlation = f"fz{n}".encode()
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if response_topic is not None:
            props.ResponseTopic = response_topic
        props.CorrelationData = correlation
        info = self.client.publish(topic, payload, qos=1, properties=props)
        with self._lock:  # the PUBACK may have come before publish() returned
            code = self._early.pop(info.mid, None)
            if code is None:
                self._pending[info.mid] = correlation
            elif code >= 0x80:
                self.answered[correlation] = f"puback_{code:#04x}"

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _oversized(secure: SecureBroker, size: int) -> int:
    """One packet over the broker's limit on a fresh connection: the reason paho reports
    for the connection the broker closed."""
    reasons: list[int] = []
    gone = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.username_pw_set(NODE, secure.secret(NODE))

    def on_disconnect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        reasons.append(reason.value)
        gone.set()

    client.on_disconnect = on_disconnect
    client.connect("127.0.0.1", secure.port)
    client.loop_start()
    try:
        client.publish(topics.command(HALL, NODE, "queue", "issue"), b"x" * size, qos=1)
        assert gone.wait(30), "the broker kept a connection that sent too large a packet"
    finally:
        client.loop_stop()
    return reasons[0]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def _retained_states(secure: SecureBroker, hall: HallConfig) -> dict[str, Any]:
    """The retained state/catalog, state/queue and state/window/<w>, as a new node sees them:
    each view's ``data`` (its ``at`` says when it was last published, not what it shows)."""
    wanted = [topics.catalog_state(HALL), topics.queue_state(HALL)] + [
        topics.window_state(HALL, w.id) for w in hall.windows
    ]
    watcher = Node(hall, secure.url(MANAGER_USER), node=MANAGER_USER)
    try:
        return {t: watcher.latest(t)["data"] for t in wanted}
    finally:
        watcher.close()


def _queue_records(data_dir: Path) -> list[tuple[str, str, Any]]:
    engine = open_engine(data_dir)
    try:
        q = tables.queue_records.c
        with engine.connect() as conn:
            rows = conn.execute(sa.select(q.kind, q.key, q.data).order_by(q.kind, q.key))
            return [(r.kind, r.key, r.data) for r in rows]
    finally:
        engine.dispose()


@pytest.fixture
def secure(hall: HallConfig, tmp_path: Path) -> Iterator[SecureBroker]:
    running = start_secure_broker(hall, tmp_path)
    yield running
    running.stop()


def test_every_fuzzed_message_is_answered_and_changes_nothing(
    hall: HallConfig, secure: SecureBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(12)
    pool = _hypothesis_pool(scale(300, 2_000)) + _model_payloads()
    data_dir, log = tmp_path / "data", tmp_path / "controller.log"
    proc = controller_process(data_dir, secure.url("controller"), NOW, log)
    fuzzer = None
    try:
        before = _retained_states(secure, hall)
        records = _queue_records(data_dir)
        fuzzer = Fuzzer(secure)
        rss = [_rss_kb(proc.pid)]
        own = [topics.command(HALL, NODE, *c.split("/")) for c in ROLE_COMMANDS["kiosk"]]
        others = [
            topics.command(HALL, "kiosk-2", "queue", "issue"),
            topics.command(HALL, "caller-W01", "queue", "call"),
            topics.command(HALL, MANAGER_USER, "queue", "issue"),
            topics.command(HALL, "controller", "queue", "issue"),
            f"hall/{HALL}/cmd/queue/issue",
        ]
        steer = [topics.catalog_state(HALL), topics.queue_state(HALL)] + [
            topics.window_state(HALL, w.id) for w in hall.windows
        ]
        started = time.monotonic()
        for n in range(FUZZ):
            fuzzer.wait_for_room(n)
            kind = n % 20
            topic = rng.choice(own)
            response: str | None = fuzzer.inbox
            if kind == 0:
                segments = rng.randint(1, 4)
                tail = "/".join(
                    "".join(rng.choices("abcdefgz019_-.叫号", k=rng.randint(1, 8)))
                    for _ in range(segments)
                )
                topic = f"hall/{HALL}/cmd/{NODE}/{tail}"
            elif kind == 1:
                topic = rng.choice(others)
            elif kind == 2:
                response = rng.choice(steer)
            elif kind == 3:
                response = None
            if kind == 4:
                payload = rng.randbytes(rng.randint(0, 2000))
            elif kind == 5:
                payload = rng.choice([b"[" * 3000, b'{"a":' * 3000, b"[]" + b"]" * 10])
            elif n % 5_000 == 7:
                payload = b'{"v":1,"id":"big","service":"' + b"A" * (MAX_PACKET_BYTES - 4096)
            else:
                payload = _encode(rng.choice(pool), rng)
            fuzzer.send(n, topic, payload, response)
            if n % 1000 == 0:
                rss.append(_rss_kb(proc.pid))
        wait_until(lambda: fuzzer.count() >= FUZZ, timeout=ANSWER_TIMEOUT_S)
        seconds = time.monotonic() - started
        rss.append(_rss_kb(proc.pid))
        over = [_oversized(secure, MAX_PACKET_BYTES + 1024) for _ in range(OVERSIZE)]
        after = _retained_states(secure, hall)
        rss.append(_rss_kb(proc.pid))
        alive = proc.poll() is None
    finally:
        if fuzzer is not None:
            fuzzer.close()
        proc.terminate()
        proc.wait(10)
    codes: dict[str, int] = {}
    for code in fuzzer.answered.values():
        codes[code] = codes.get(code, 0) + 1
    text = log.read_text(errors="replace")
    figures(
        capsys,
        "fuzz",
        f"{FUZZ} messages as {NODE} in {seconds:.1f} s ({FUZZ / seconds:.0f}/s), "
        f"{len(fuzzer.answered)} answered: {dict(sorted(codes.items()))}; {OVERSIZE} over "
        f"max_packet_size: connection closed {[hex(c) for c in over]}; controller RSS start "
        f"{rss[0] / 1024:.1f} MiB, peak {max(rss) / 1024:.1f} MiB, end {rss[-1] / 1024:.1f} MiB; "
        f"tracebacks {text.count('Traceback')}",
    )
    assert alive, text[-3000:]
    assert len(fuzzer.answered) == FUZZ
    assert "ok" not in codes, "a fuzzed message was applied"
    assert len(over) == OVERSIZE and all(code >= 0x80 for code in over)
    oversize = "disconnected due to oversize packet"
    assert secure.broker.log_file.read_text(errors="replace").count(oversize) == OVERSIZE
    assert "Traceback" not in text, text[text.index("Traceback") :][:3000]
    assert after == before
    assert _queue_records(data_dir) == records
    assert max(rss) - rss[0] < RSS_GROWTH_BOUND_KB
