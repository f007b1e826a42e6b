"""Nothing acknowledged is lost: ticket numbers continue after kill -9 of the controller."""

from __future__ import annotations

import datetime as dt
import signal
import zoneinfo
from pathlib import Path

import pytest

from bus import topics
from bus.models.base import ResultData
from config.schema import HallConfig
from tests.conftest import Broker
from tests.integration.harness import Node, controller_process
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

START = dt.datetime(2026, 11, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _wait_online(node: Node, hall: HallConfig, count: int) -> None:
    """Wait for the controller's ``online`` status number ``count`` (one per start)."""
    topic = topics.node_status(hall.hall_id, "controller")
    wait_until(
        lambda: (
            sum(1 for m in node.messages(topic) if m.payload and m.json()["state"] == "online")
            >= count
        ),
        timeout=30,
    )


def test_numbering_continues_after_kill_9(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker
) -> None:
    """Q2/Q6: numbering continues and an acknowledged rating stays after kill -9."""
    node = Node(hall, mosquitto.url)
    log = tmp_path / "controller.log"
    proc = controller_process(tmp_path / "data", mosquitto.url, START, log)
    try:
        _wait_online(node, hall, 1)
        issued = [
            node.send("queue", "issue", service="A01")
            .result_as(ResultData)
            .model_dump(mode="json")["ticket"]
            for _ in range(3)
        ]
        assert issued == ["A001", "A002", "A003"]
        node.staff_in("W01", "W02")
        called = node.send("queue", "call", window="W01")
        assert called.ok
        assert node.send("queue", "call", window="W02").ok
        assert node.send("queue", "finish", window="W02").ok
        assert node.send("queue", "rate", window="W02", level=4, ticket="A002").ok
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc = controller_process(tmp_path / "data", mosquitto.url, START, log)
        _wait_online(node, hall, 2)
        # The acknowledged rating survived: a second one for the same service is refused.
        again = node.send("queue", "rate", window="W02", level=1, ticket="A002")
        assert again.error is not None and again.error.code == "already_rated"
        after = node.send("queue", "issue", service="A02")
        assert after.ok, after
        assert after.result_as(ResultData).model_dump(mode="json")["ticket"] == "A004"
        # The ticket called before the crash is still current at W01.
        late = Node(hall, mosquitto.url, node="display-after-crash")
        try:
            window = late.latest(topics.window_state(hall.hall_id, "W01"))
            assert "A001" in str(window["data"])
        finally:
            late.close()
    finally:
        proc.kill()
        proc.wait(10)
        node.close()
