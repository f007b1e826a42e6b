"""Every message that reaches the controller under ``cmd/`` is answered (or, with no sender
to answer, counted), whatever its topic, size, depth or encoding; nothing changes, nothing
escapes, and the counters add up. Through the real ``Controller.on_command`` on a FakeBus."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bus import topics
from bus.core import Incoming
from bus.intake import IntakeLimits
from bus.models.base import Reply
from bus.models.diagnostics import ControllerDiagnostics, RefusalCounts
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from controller.app import Controller
from hall.compose import build_controller
from store import tables
from store.database import open_engine

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
NODE = "kiosk-1"
REFUSED = pytest.mark.expect_log("WARNING", r"^refused", logger="controller.app")


class Rig:
    def __init__(self, hall: HallConfig, tmp_path: Path) -> None:
        self.hall = hall
        self.broker = FakeBroker()
        self.bus = self.broker.client(hall.hall_id, "controller", role="controller")
        self.engine = open_engine(tmp_path)
        self.controller: Controller = build_controller(hall, self.engine, self.bus, lambda: NOW)
        self.controller.start()
        self.bus.start()
        self.node: FakeBus = self.broker.client(hall.hall_id, NODE)
        self.node.start()
        self.sent = 0

    def send(self, topic: str, payload: bytes, response_topic: str | None = None) -> Incoming:
        """Publish as the node would and return the one reply with this correlation data."""
        self.sent += 1
        correlation = f"c{self.sent}".encode()
        inbox = topics.reply_inbox(self.hall.hall_id, NODE, "s")
        self.node.publish(
            topic,
            payload,
            response_topic=inbox if response_topic is None else response_topic,
            correlation_data=correlation,
        )
        replies = [
            m
            for m in self.broker.messages(f"{topics.base(self.hall.hall_id)}/reply/#")
            if m.correlation_data == correlation
        ]
        assert len(replies) == 1, (topic, payload[:80], replies)
        return replies[0]

    def state(self) -> tuple[Any, ...]:
        """Everything a command could change: retained topics (not the diagnostics and the
        beacon) and every table but the stored replies and the audit log."""
        retained = {
            t: p
            for t, p in self.broker.retained.items()
            if "/diagnostics" not in t and not t.endswith("/time")
        }
        with self.engine.connect() as conn:
            rows = {
                name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                for name, table in tables.metadata.tables.items()
                if name not in ("commands", "audit_log")
            }
        return retained, rows

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def rig(hall: HallConfig, tmp_path: Path) -> Iterator[Rig]:
    r = Rig(hall, tmp_path)
    yield r
    r.close()


def cmd(hall: HallConfig, area: str = "queue", verb: str = "issue") -> str:
    return topics.command(hall.hall_id, NODE, area, verb)


def error(reply: Incoming) -> tuple[str, str]:
    body = Reply.model_validate_json(reply.payload)
    assert not body.ok and body.error is not None
    return body.id, body.error.code


@REFUSED
@pytest.mark.parametrize(
    ("suffix", "why"),
    [
        ("cmd/_x/issue", "no valid node: answered on nobody's inbox"),
        (f"cmd/{NODE}/issue", "too few segments"),
        (f"cmd/{NODE}/queue/issue/more", "too many segments"),
        (f"cmd/{NODE}/_q/issue", "a bad area"),
        (f"cmd/{NODE}", "no area at all"),
    ],
)
def test_a_topic_outside_the_grammar_is_answered_bad_topic(
    rig: Rig, hall: HallConfig, suffix: str, why: str
) -> None:
    topic = f"{topics.base(hall.hall_id)}/{suffix}"
    if suffix.startswith("cmd/_x"):
        rig.node.publish(topic, b"{}", response_topic="x", correlation_data=b"z")
        assert rig.controller.counters == {"bad_topic": 1}
        assert rig.controller.refusals.snapshot().unanswered == 1
        return
    assert error(rig.send(topic, b'{"v":1,"id":"a"}')) == ("", "bad_topic"), why
    assert rig.controller.counters == {"bad_topic": 1}


@REFUSED
def test_an_unknown_area_or_verb_is_answered_unknown_command(rig: Rig, hall: HallConfig) -> None:
    assert error(rig.send(cmd(hall, "nope", "nothing"), b'{"v":1,"id":"a"}')) == (
        "a",
        "unknown_command",
    )


@REFUSED
@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (json.dumps({"v": 1, "id": "a", "service": "A" * 50_000}).encode(), "too_large"),
        (b"[" * 4000, "too_deep"),
        (b'{"v":1,"id":"\\ud800","service":"A01"}', "bad_encoding"),
        (b"\xff\xfe\x00", "bad_encoding"),
        (b"not json", "bad_json"),
        (b'{"v":true,"id":"a","service":"A01"}', "invalid"),
    ],
)
def test_each_kind_of_bad_payload_is_answered_and_counted_once(
    rig: Rig, hall: HallConfig, payload: bytes, code: str
) -> None:
    before = rig.state()
    reply = rig.send(cmd(hall), payload)
    assert error(reply)[1] == code
    assert len(reply.payload) < 1500  # never the input echoed
    assert rig.controller.counters == {code: 1}
    assert rig.state() == before


@pytest.mark.expect_log("WARNING", r"^kiosk-1 is over its rate limit", logger="controller.app")
def test_a_flooding_node_is_answered_rate_limited_and_shown_in_the_diagnostics(
    rig: Rig, hall: HallConfig
) -> None:
    clock = [0.0]
    rig.controller.intake.clock = lambda: clock[0]
    rig.controller.refusals.monotonic = lambda: clock[0]
    codes = []
    for n in range(60):
        payload = json.dumps({"v": 1, "id": f"f{n}", "service": "X99"}).encode()
        body = Reply.model_validate_json(rig.send(cmd(hall), payload).payload)
        codes.append(body.error.code if body.error else "ok")
    assert codes[:40] == ["unknown_service"] * 40 and codes[40:] == ["rate_limited"] * 20
    assert rig.controller.counters == {"rate_limited": 20}
    rig.controller.tick()
    diag = ControllerDiagnostics.model_validate_json(
        rig.broker.retained[topics.node_diagnostics(hall.hall_id, "controller")]
    )
    assert diag.counters == RefusalCounts(rate_limited=20)
    assert [(s.sender, s.refused) for s in diag.rate_limited] == [(NODE, 20)]
    clock[0] += 1.0  # 20 tokens back
    body = Reply.model_validate_json(rig.send(cmd(hall), payload.replace(b"f59", b"g")).payload)
    assert body.error is not None and body.error.code == "unknown_service"


@REFUSED
def test_a_steered_response_topic_is_never_published_to(rig: Rig, hall: HallConfig) -> None:
    """Even a bad topic's refusal goes to the sender's own inbox only."""
    topic = f"{topics.base(hall.hall_id)}/cmd/{NODE}/x"
    reply = rig.send(topic, b"{}", response_topic=topics.window_state(hall.hall_id, "W01"))
    assert reply.topic == topics.default_inbox(hall.hall_id, NODE)
    carrying = [m.topic for m in rig.broker.log if m.correlation_data == reply.correlation_data]
    assert carrying == [topic, reply.topic]  # the request and its one reply, nothing else


def test_stored_replies_are_pruned_after_the_idempotency_window(rig: Rig, hall: HallConfig) -> None:
    from controller.app import IDEMPOTENCY_DAYS

    rig.send(cmd(hall), json.dumps({"v": 1, "id": "old", "service": "A01"}).encode())
    with rig.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tables.commands)).scalar() == 1
    rig.controller.prune_commands(NOW + dt.timedelta(days=IDEMPOTENCY_DAYS, minutes=1))
    with rig.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tables.commands)).scalar() == 0


# Fuzz ---------------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
_near_miss = st.fixed_dictionaries(
    {"v": st.sampled_from([1, True, 1.0, "1", 2, None]), "id": st.text(max_size=90)},
    optional={
        "service": st.text(max_size=70) | st.integers(),
        "window": st.text(max_size=5),
        "extra": _json,
    },
)
_payload = (
    st.binary(max_size=300)
    | _json.map(lambda v: json.dumps(v).encode())
    | _near_miss.map(lambda v: json.dumps(v).encode())
    | st.sampled_from([b"[" * 5000, b"{" * 3000, b'{"id":"\\udc80"}', b'{"v":1,"id":"\\ud800x"}'])
)
_segment = st.sampled_from(["queue", "att", "notice", "users", "issue", "punch", "_x", "", "a.b"])
_topic_tail = st.lists(_segment | st.text(min_size=1, max_size=8), min_size=0, max_size=4)


@REFUSED
def test_fuzz_every_message_is_answered_once_nothing_changes_and_the_counters_add_up(
    rig: Rig, hall: HallConfig
) -> None:
    rig.controller.intake.limits = IntakeLimits(rate=1e9, burst=10**9)  # parsing, not limits
    before = rig.state()
    base = topics.base(hall.hall_id)
    seen: dict[str, int] = {}

    @settings(
        max_examples=400,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(tail=_topic_tail, payload=_payload, own_sender=st.booleans())
    def one(tail: list[str], payload: bytes, own_sender: bool) -> None:
        parts = [NODE, *tail] if own_sender else tail
        topic = "/".join([base, "cmd", *parts])
        sender = topics.command_sender(hall.hall_id, topic)
        if sender is None:
            unanswered = rig.controller.refusals.snapshot().unanswered
            rig.node.publish(topic, payload, response_topic="r", correlation_data=b"-")
            assert rig.controller.refusals.snapshot().unanswered == unanswered + 1
            seen["unanswered"] = seen.get("unanswered", 0) + 1
            return
        reply = rig.send(topic, payload)
        body = Reply.model_validate_json(reply.payload)
        assert not body.ok and body.error is not None  # nothing the fuzz makes is applied
        assert len(reply.payload) < 1500
        seen[body.error.code] = seen.get(body.error.code, 0) + 1

    one()
    assert rig.state() == before
    counters = rig.controller.counters
    # Every refusal is counted under its code (a service's own refusals are not the edge's).
    service_codes = {"unknown_service", "unknown_staff", "hall_closed", "not_open"}
    for code, n in seen.items():
        if code == "unanswered":
            assert sum(counters.values()) >= n
        elif code not in service_codes:
            assert counters.get(code, 0) >= n, (code, n, counters)
    assert sum(seen.values()) >= 400
