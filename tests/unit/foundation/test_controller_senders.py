"""The controller takes the sender from the topic and answers only on the sender's own inbox."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from bus import topics
from bus.core import Incoming
from bus.models.users import AddUser
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from controller.app import Controller
from hall.compose import build_controller
from store import tables
from store.database import open_engine

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


class Hall:
    def __init__(self, hall: HallConfig, controller: Controller, broker: FakeBroker) -> None:
        self.hall = hall
        self.controller = controller
        self.broker = broker
        self.buses: dict[str, FakeBus] = {}

    def bus(self, node: str) -> FakeBus:
        if node not in self.buses:
            self.buses[node] = self.broker.client(self.hall.hall_id, node)
            self.buses[node].start()
        return self.buses[node]

    def send(self, node: str, area: str, verb: str, **fields: Any) -> dict[str, Any]:
        payload = {"v": 1, "id": fields.pop("id", f"{node}-{len(self.broker.log)}"), **fields}
        bus = self.bus(node)
        reply = bus.request(topics.command(self.hall.hall_id, node, area, verb), payload)
        return json.loads(reply.result(0).payload)  # type: ignore[no-any-return]

    def audit(self) -> list[Any]:
        with self.controller.engine.connect() as conn:
            a = tables.audit_log.c
            return list(conn.execute(sa.select(a.sender, a.area, a.verb, a.ok).order_by(a.seq)))

    def window(self, w: str) -> dict[str, Any]:
        return json.loads(self.broker.retained[topics.window_state(self.hall.hall_id, w)])  # type: ignore[no-any-return]


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    engine = open_engine(tmp_path)
    controller = build_controller(hall, engine, bus, lambda: NOW)
    controller.start()
    bus.start()
    yield Hall(hall, controller, broker)
    engine.dispose()


def test_commands_are_applied_as_their_sender_and_audited_with_it(h: Hall) -> None:
    add = AddUser(id="u", user="zhang", role="staff", staff_id="S001", windows=["W01"],
                  password=SecretStr("zhang-pass-1"), pin=SecretStr("4829"))
    assert h.controller.execute(add).ok
    assert h.send("kiosk-1", "queue", "issue", service="A01")["ok"]
    login = {"window": "W01", "staff_number": "CD001", "pin": "4829"}
    assert h.send("caller-W01", "queue", "login", **login)["ok"]
    assert h.send("caller-W01", "queue", "call", window="W01")["ok"]
    assert h.audit() == [
        (None, "users", "add", True),
        ("kiosk-1", "queue", "issue", True),
        ("caller-W01", "queue", "login", True),
        ("caller-W01", "queue", "call", True),
    ]


@pytest.mark.expect_log(
    "WARNING",
    r"^refused queue/call \(.*\) from caller-W01: 只能操作本窗口 W01",
    logger="controller.app",
)
@pytest.mark.expect_log(
    "WARNING",
    r"^refused queue/rate \(.*\) from evaluator-W01: 只能操作本窗口 W01",
    logger="controller.app",
)
def test_a_command_for_another_window_is_forbidden_changes_nothing_and_is_audited(
    h: Hall,
) -> None:
    before = h.window("W05")
    reply = h.send("caller-W01", "queue", "call", window="W05")
    assert reply["ok"] is False and reply["error"]["code"] == "forbidden"
    assert reply["error"]["message"] == "只能操作本窗口 W01 / may act only for window W01"
    reply = h.send("evaluator-W01", "queue", "rate", window="W05", level=1)
    assert reply["error"]["code"] == "forbidden"
    assert h.window("W05") == before
    assert h.broker.messages(topics.all_events(h.hall.hall_id)) == []
    assert h.audit() == [
        ("caller-W01", "queue", "call", False),
        ("evaluator-W01", "queue", "rate", False),
    ]
    assert h.controller.forbidden_commands == 2


@pytest.mark.expect_log(
    "WARNING",
    r"^refused message on hall/chengdong/cmd/kiosk-1/queue/issue: response topic "
    r"'hall/chengdong/state/catalog' is not under hall/chengdong/reply/kiosk-1/",
    logger="controller.app",
)
def test_a_response_topic_outside_the_senders_inbox_is_refused_and_never_published(
    h: Hall,
) -> None:
    hall_id = h.hall.hall_id
    catalog = topics.catalog_state(hall_id)
    retained = h.broker.retained[catalog]
    published = len(h.broker.messages(catalog))
    kiosk = h.bus("kiosk-1")
    heard: list[Incoming] = []
    kiosk.subscribe(topics.default_inbox(hall_id, "kiosk-1"), heard.append)
    kiosk.publish(
        topics.command(hall_id, "kiosk-1", "queue", "issue"),
        {"v": 1, "id": "s1", "service": "NOPE"},
        response_topic=catalog,
        correlation_data=b"c1",
    )
    assert len(h.broker.messages(catalog)) == published
    assert h.broker.retained[catalog] == retained
    (answer,) = heard
    body = json.loads(answer.payload)
    assert answer.correlation_data == b"c1"
    assert (body["id"], body["ok"], body["error"]["code"]) == ("s1", False, "bad_response_topic")
    assert h.audit() == []  # not applied


@pytest.mark.expect_log(
    "WARNING", r"response topic 'hall/chengdong/reply/kiosk-2/", logger="controller.app"
)
def test_another_nodes_inbox_is_no_response_topic_either(h: Hall) -> None:
    hall_id = h.hall.hall_id
    other = topics.reply_inbox(hall_id, "kiosk-2", "abc")
    h.bus("kiosk-1").publish(
        topics.command(hall_id, "kiosk-1", "queue", "issue"),
        {"v": 1, "id": "s2", "service": "A01"},
        response_topic=other,
    )
    assert h.broker.messages(other) == []
    assert h.audit() == []


def test_a_command_without_a_response_topic_is_answered_on_the_default_inbox(h: Hall) -> None:
    hall_id = h.hall.hall_id
    kiosk = h.bus("kiosk-1")
    heard: list[Incoming] = []
    kiosk.subscribe(topics.default_inbox(hall_id, "kiosk-1"), heard.append)
    kiosk.publish(
        topics.command(hall_id, "kiosk-1", "queue", "issue"), {"v": 1, "id": "d1", "service": "A01"}
    )
    (answer,) = heard
    assert json.loads(answer.payload)["ok"] is True


@pytest.mark.expect_log(
    "WARNING", r"cmd/queue/issue: .* topic is not cmd/<node>/<area>/<verb>", logger="controller.app"
)
def test_the_old_command_shape_gets_nothing_done(h: Hall) -> None:
    hall_id = h.hall.hall_id
    kiosk = h.bus("kiosk-1")
    reply = kiosk.request(
        f"{topics.base(hall_id)}/cmd/queue/issue", {"v": 1, "id": "o1", "service": "A01"}
    )
    assert reply.exception() is not None  # nobody answers
    assert h.audit() == []


@pytest.mark.expect_log(
    "WARNING", r"^refused queue/issue \(.*\) from intruder: 未登记的节点", logger="controller.app"
)
def test_an_unknown_sender_is_refused(h: Hall) -> None:
    reply = h.send("intruder", "queue", "issue", service="A01")
    assert reply["error"]["code"] == "forbidden"
    assert h.audit() == [("intruder", "queue", "issue", False)]


def test_a_resent_id_is_answered_to_its_own_sender_only(h: Hall) -> None:
    first = h.send("kiosk-1", "queue", "issue", service="A01", id="same")
    again = h.send("kiosk-1", "queue", "issue", service="A01", id="same")
    assert first == again
    stolen = h.send("kiosk-2", "queue", "issue", service="A01", id="same")
    assert stolen["ok"] is False and stolen["error"]["code"] == "id_conflict"
    assert "ticket" not in json.dumps(stolen)
