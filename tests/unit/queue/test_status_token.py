"""A ticket's status token (its QR code's ``/t/<token>``) and the console's look-up of it,
against the real controller on a FakeBroker."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bus import topics
from bus.models.base import Reply
from bus.models.queue import TicketStatusQuery
from config.schema import HallConfig
from hall.compose import build_controller
from tests.unit.kiosk.conftest import FakeHall


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[FakeHall]:
    fake = FakeHall(hall, tmp_path / "data")
    yield fake
    fake.close()


def issue(h: FakeHall, service: str = "B01") -> dict[str, Any]:
    """A ticket as kiosk-1 takes it: the reply the kiosk prints."""
    kiosk = h.broker.client(h.hall.hall_id, "kiosk-1", role="kiosk")
    kiosk.start()
    topic = topics.command(h.hall.hall_id, "kiosk-1", "queue", "issue")
    payload = {"v": 1, "id": uuid.uuid4().hex, "service": service, "node": "kiosk-1"}
    reply = Reply.model_validate_json(kiosk.request(topic, payload).result(0).payload)
    assert reply.ok and reply.result is not None, reply.error
    return reply.result.model_dump(mode="json")


def query(token: str) -> TicketStatusQuery:
    return TicketStatusQuery(id=f"q-{uuid.uuid4().hex}", token=token)


def test_each_ticket_gets_its_own_random_token_in_the_reply_not_in_the_event(
    h: FakeHall,
) -> None:
    first, second = issue(h), issue(h)
    tokens = [first["status_token"], second["status_token"]]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16}", t) for t in tokens)  # 96 bits
    assert tokens[0] != tokens[1]
    assert first["ticket"] not in tokens[0]
    issued = h.payloads(topics.event(h.hall.hall_id, "ticket.issued"))
    assert len(issued) == 2
    assert all("status_token" not in e["data"] and tokens[0] not in str(e) for e in issued)


def test_the_token_is_kept_with_the_ticket_across_a_controller_restart(
    h: FakeHall, hall: HallConfig
) -> None:
    token = issue(h)["status_token"]
    bus = h.broker.client(hall.hall_id, "controller", role="controller")
    restarted = build_controller(h.hall, h.engine, bus, lambda: h.now)
    restarted.start()
    answer = restarted.execute(query(token), sender="console")
    assert answer.ok and answer.result is not None
    assert answer.result.model_dump()["ticket"] == "B001"


@pytest.mark.expect_log(
    "WARNING", r"^refused queue/ticket_status .* may not send", logger="controller.app"
)
def test_only_the_console_may_look_a_token_up(h: FakeHall) -> None:
    token = issue(h)["status_token"]
    controller = h.controller
    assert controller.execute(query(token), sender="console").ok
    for sender in ("kiosk-1", "caller-W03", "screen-1", "display-W03"):
        reply = controller.execute(query(token), sender=sender)
        assert not reply.ok and reply.error is not None
        assert reply.error.code == "forbidden", sender


def test_a_token_of_no_ticket_today_is_unknown_and_a_resent_issue_keeps_its_token(
    h: FakeHall,
) -> None:
    reply = h.controller.execute(query("AAAAAAAAAAAAAAAA"), sender="console")
    assert not reply.ok and reply.error is not None and reply.error.code == "unknown_ticket"
    kiosk = h.broker.client(h.hall.hall_id, "kiosk-1", role="kiosk")
    kiosk.start()
    topic = topics.command(h.hall.hall_id, "kiosk-1", "queue", "issue")
    payload = {"v": 1, "id": "kiosk-1-resent", "service": "B01", "node": "kiosk-1"}
    first, again = (
        Reply.model_validate_json(kiosk.request(topic, payload).result(0).payload).result
        for _ in range(2)
    )
    assert first is not None and again is not None
    assert first.model_dump()["status_token"] == again.model_dump()["status_token"]


def test_the_queue_view_lists_each_categorys_waiting_tickets_in_call_order(
    h: FakeHall,
) -> None:
    """Q4: priority first, then by issue time; a ticket's place is the ``ahead`` it was
    issued with, so a status page counts as the ticket says."""
    h.staff_in("W03")
    replies = [issue(h), issue(h), h.ok("queue", "issue", service="B02", priority=True)]
    view = h.payloads(topics.queue_state(h.hall.hall_id))[-1]["data"]["categories"]["B"]
    assert view["queue"] == ["B003", "B001", "B002"]
    assert replies[1]["ahead"] == 1 and replies[2]["ahead"] == 0
    assert "service_minutes" in view
    h.ok("queue", "call", window="W03")
    view = h.payloads(topics.queue_state(h.hall.hall_id))[-1]["data"]["categories"]["B"]
    assert view["queue"] == ["B001", "B002"]
