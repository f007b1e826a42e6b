"""kill -9 of Mosquitto while the controller, a kiosk and a display are connected: each is
back, its subscriptions restored, within ``RECONNECT_WITHIN_SECONDS`` of the restarted broker
accepting connections.

The broker runs the generated secure config with persistence on; it is killed with SIGKILL
and started again on the same port and config. For each node the time is taken from the new
broker accepting (``start_mosquitto`` returns once its port does) to the node's connection
event (``PahoBus.on_connection``: connected and every subscription acknowledged). ``ROUNDS``:
1 in ``make test``, 10 in ``make soak``; a ticket issued after each round shows the
controller's command subscription is back.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from bus import topics
from bus.client import RECONNECT_WITHIN_SECONDS, PahoBus
from bus.core import Incoming
from bus.models.base import Reply
from config.schema import HallConfig
from tests.integration.harness import ControllerThread, ManualClock
from tests.integration.secure import SecureBroker, start_secure_broker
from tests.soaking import figures, scale
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

HALL = "chengdong"
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
ROUNDS = scale(1, 10)


class Watched:
    """A node's bus and the moments it came back (connected, subscriptions confirmed)."""

    def __init__(self, name: str, bus: PahoBus) -> None:
        self.name = name
        self.bus = bus
        self.back_at: list[float] = []
        self._lock = threading.Lock()
        bus.on_connection(self._on_connection)

    def _on_connection(self, up: bool) -> None:
        if up:
            with self._lock:
                self.back_at.append(time.monotonic())

    def wait_back(self, count: int) -> None:
        """Wait for connection event number ``count + 1``."""
        wait_until(lambda: self.backs() > count, timeout=RECONNECT_WITHIN_SECONDS + 10)

    def backs(self) -> int:
        with self._lock:
            return len(self.back_at)


@pytest.fixture
def secure(hall: HallConfig, tmp_path: Path) -> Iterator[SecureBroker]:
    running = start_secure_broker(hall, tmp_path, persistence=True)
    yield running
    running.stop()


@pytest.mark.expect_log("WARNING", r"^(controller|kiosk-1|display-W01) lost the broker")
def test_every_node_is_back_soon_after_the_broker_is_killed_and_restarted(
    hall: HallConfig, secure: SecureBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    controller = ControllerThread(
        hall, tmp_path / "data", secure.url("controller"), ManualClock(NOW)
    ).start()
    kiosk = PahoBus(HALL, "kiosk-1", secure.url("kiosk-1"), role="kiosk")
    display = PahoBus(HALL, "display-W01", secure.url("display-W01"), role="display")
    views: list[Incoming] = []
    kiosk.subscribe(topics.catalog_state(HALL), views.append)
    display.subscribe(topics.window_state(HALL, "W01"), views.append)
    nodes = [
        Watched("controller", controller.bus),
        Watched("kiosk", kiosk),
        Watched("display", display),
    ]
    for bus in (kiosk, display):
        bus.start()
        assert bus.wait_connected(10)
    took: dict[str, list[float]] = {n.name: [] for n in nodes}
    issue = topics.command(HALL, "kiosk-1", "queue", "issue")
    try:
        for _ in range(ROUNDS):
            counts = [n.backs() for n in nodes]
            secure.broker.process.kill()
            secure.broker.process.wait(10)
            wait_until(lambda: not any(n.bus.is_connected() for n in nodes))
            secure.restart()
            accepting = time.monotonic()  # start_mosquitto returns once the port accepts
            for node, count in zip(nodes, counts, strict=True):
                node.wait_back(count)
                took[node.name].append(node.back_at[-1] - accepting)
            reply = kiosk.request(issue, {"v": 1, "id": uuid.uuid4().hex, "service": "A01"}, 10)
            assert Reply.model_validate_json(reply.result(11).payload).ok
    finally:
        kiosk.stop()
        display.stop()
        controller.stop()
    worst = {name: max(times) for name, times in took.items()}
    figures(
        capsys,
        "broker kill -9",
        f"{ROUNDS} rounds; back after the broker accepted (s): "
        + ", ".join(
            f"{name} mean {sum(t) / len(t):.2f} max {max(t):.2f}" for name, t in took.items()
        ),
    )
    assert max(worst.values()) <= RECONNECT_WITHIN_SECONDS, worst
