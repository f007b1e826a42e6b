"""Q5 in the controller: a window calls only while a staff member is signed in at it."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bus import topics
from bus.models.base import Reply
from bus.models.views import QueueView, WindowView
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from hall.compose import build_controller
from store.database import open_engine

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


class Hall:
    def __init__(self, hall: HallConfig, tmp_path: Path) -> None:
        self.hall = hall
        self.broker = FakeBroker()
        self.engine = open_engine(tmp_path)
        bus = self.broker.client(hall.hall_id, "controller", role="controller")
        build_controller(hall, self.engine, bus, lambda: NOW).start()
        bus.start()
        self.manager = self._node("manager", "manager")

    def _node(self, node: str, role: str) -> FakeBus:
        bus = self.broker.client(self.hall.hall_id, node, role=role)
        bus.start()
        return bus

    def send(self, verb: str, **fields: Any) -> Reply:
        payload = {"v": 1, "id": uuid.uuid4().hex, **fields}
        topic = topics.command(self.hall.hall_id, self.manager.node, "queue", verb)
        return Reply.model_validate_json(self.manager.request(topic, payload).result(0).payload)

    def window(self, window: str) -> WindowView:
        message = self.broker.retained[topics.window_state(self.hall.hall_id, window)]
        return WindowView.model_validate_json(message)

    def queue(self) -> QueueView:
        message = self.broker.retained[topics.queue_state(self.hall.hall_id)]
        return QueueView.model_validate_json(message)


@pytest.fixture
def hall_on_bus(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = Hall(hall, tmp_path)
    yield h
    h.engine.dispose()


def test_a_call_with_nobody_signed_in_is_refused_saying_so_and_changes_nothing(
    hall_on_bus: Hall,
) -> None:
    h = hall_on_bus
    assert h.send("issue", service="A01").ok
    window_before, queue_before = h.window("W01").data, h.queue().data

    for verb in ("call", "resume_ticket"):
        reply = h.send(verb, window="W01")
        assert not reply.ok and reply.error is not None
        assert reply.error.code == "not_logged_in"
        assert reply.error.message == (
            "窗口没有工作人员登录，请先登录 / Nobody is signed in at this window: sign in first"
        )
        assert reply.error.details is not None and reply.error.details.window == "W01"
    assert h.window("W01").data == window_before
    assert h.queue().data == queue_before
    assert queue_before.categories["A"].waiting == 1

    assert h.send("login", window="W01", staff="S001").ok
    reply = h.send("call", window="W01")
    assert reply.ok, reply.error
    view = h.window("W01").data
    assert view.current is not None and view.current.ticket == "A001"
    assert view.staff is not None and view.staff.id == "S001"


def test_estimated_waits_count_only_windows_someone_is_signed_in_at(hall_on_bus: Hall) -> None:
    h = hall_on_bus
    for _ in range(4):
        assert h.send("issue", service="A01").ok
    nobody = h.queue().data.categories["A"]
    assert (nobody.serving_windows, nobody.estimated_wait_minutes) == (1, 32)  # 4 × 8 min
    assert h.send("login", window="W01", staff="S001").ok
    assert h.send("login", window="W02", staff="S002").ok
    two = h.queue().data.categories["A"]
    assert (two.serving_windows, two.estimated_wait_minutes) == (2, 16)
