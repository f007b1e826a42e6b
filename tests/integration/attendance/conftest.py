"""Fixtures: the real controller on a private Mosquitto, at a Tuesday 09:05:30 hall clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.schema import HallConfig
from tests.conftest import Broker
from tests.integration.attendance.helpers import TUESDAY, Running, at
from tests.integration.harness import ControllerThread, ManualClock, Node


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(TUESDAY, "09:05:30"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def running(
    hall: HallConfig, data_dir: Path, mosquitto: Broker, clock: ManualClock
) -> Iterator[Running]:
    controller = ControllerThread(hall, data_dir, mosquitto.url, clock).start()
    node = Node(hall, mosquitto.url)
    yield controller, node
    node.close()
    controller.stop()
