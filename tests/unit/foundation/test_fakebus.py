"""FakeBus behaves like the broker where node logic depends on it."""

from __future__ import annotations

from bus import topics
from bus.core import Incoming, RequestTimeout
from bus.testing import FakeBroker


def test_retained_messages_reach_late_subscribers_and_empty_payload_deletes() -> None:
    broker = FakeBroker()
    a, b = broker.client("h", "a"), broker.client("h", "b")
    a.start()
    b.start()
    a.publish("hall/h/notice/N1", {"text": "x"}, retain=True)
    seen: list[Incoming] = []
    b.subscribe("hall/h/notice/+", seen.append)
    assert [m.topic for m in seen] == ["hall/h/notice/N1"] and seen[0].retain
    a.publish("hall/h/notice/N1", None, retain=True)
    assert seen[-1].payload == b""
    late: list[Incoming] = []
    b.subscribe("hall/h/notice/#", late.append)
    assert late == []


def test_request_reply_and_timeout() -> None:
    broker = FakeBroker()
    server, client = broker.client("h", "server"), broker.client("h", "client")
    server.start()
    client.start()
    command = topics.command("h", client.node, "x", "y")
    with_no_server = client.request(command, {"v": 1, "id": "1"})
    assert isinstance(with_no_server.exception(), RequestTimeout)
    server.subscribe(topics.all_commands("h"), lambda m: server.reply(m, {"ok": True}))
    reply = client.request(command, {"v": 1, "id": "2"}).result(1)
    assert reply.json() == {"ok": True}


def test_connection_loss_is_reported_and_retained_state_replayed_on_restore() -> None:
    broker = FakeBroker()
    a, b = broker.client("h", "a"), broker.client("h", "b")
    a.start()
    b.start()
    states: list[bool] = []
    b.on_connection(states.append)
    got: list[bytes] = []
    b.subscribe("hall/h/state/#", lambda m: got.append(m.payload))
    b.drop()
    a.publish("hall/h/state/queue", b"1", retain=True)
    assert got == []
    b.restore()
    assert states == [False, True]
    assert got == [b"1"]
