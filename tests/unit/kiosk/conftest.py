"""A whole hall on a FakeBus: the real controller (SQLite in tmp) and the front ends' models.

Delivery on a FakeBus is synchronous, so a touch in a view-model, the controller's reply and
the retained views it publishes have all happened when the call returns.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bus import topics
from bus.models.base import Reply
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from hall.compose import build_controller
from kiosk.model_base import FrontEndModel
from store.database import open_engine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY_0930 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)

M = TypeVar("M", bound=FrontEndModel)


class Ticks:
    """A monotonic clock that moves only when the test says so (idle and print timeouts)."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


class FakeHall:
    """The controller on a FakeBroker plus a staff node that sends commands."""

    def __init__(self, hall: HallConfig, data_dir: Path, start: dt.datetime = TUESDAY_0930) -> None:
        self.hall = hall
        self.broker = FakeBroker()
        self.now = start
        self.ticks = Ticks()
        self.engine = open_engine(data_dir)
        self.controller_bus = self.broker.client(hall.hall_id, "controller", role="controller")
        self.controller = build_controller(hall, self.engine, self.controller_bus, lambda: self.now)
        self.controller.start()
        self.controller_bus.start()
        self.staff = self.broker.client(hall.hall_id, "manager", role="manager")
        self.staff.start()
        self.signed_in: dict[str, str] = {}
        """Who ``staff_in`` signed in at which window."""

    def send(self, area: str, verb: str, **fields: Any) -> Reply:
        payload = {"v": 1, "id": uuid.uuid4().hex, **fields}
        topic = topics.command(self.hall.hall_id, self.staff.node, area, verb)
        fut = self.staff.request(topic, payload)
        return Reply.model_validate_json(fut.result(0).payload)

    def ok(self, area: str, verb: str, **fields: Any) -> dict[str, Any]:
        reply = self.send(area, verb, **fields)
        assert reply.ok, reply.error
        return reply.result.model_dump(mode="json") if reply.result else {}

    def staff_in(self, *windows: str) -> None:
        """Sign a staff member in at each window (Q5: a window nobody is signed in at does not
        call): one of the window's department, else anyone not signed in elsewhere."""
        for window in windows:
            cfg = self.hall.window(window)
            assert cfg is not None, window
            free = [s for s in self.hall.staff if s.id not in self.signed_in.values()]
            same = [s for s in free if cfg.department and s.department == cfg.department]
            staff = (same or free)[0].id
            self.ok("queue", "login", window=window, staff=staff)
            self.signed_in[window] = staff

    def at(self, when: dt.datetime) -> None:
        """Move the hall clock and let the controller notice (views, timeouts)."""
        self.now = when
        self.controller.tick()
        self.controller.publish_time()

    def model(
        self,
        cls: type[M],
        node: str,
        deliver: Callable[[Callable[[], None]], None] | None = None,
        **kwargs: Any,
    ) -> tuple[M, FakeBus]:
        bus = self.broker.client(self.hall.hall_id, node, role=cls.role)
        extra: dict[str, Any] = {"deliver": deliver} if deliver is not None else {}
        model = cls(bus, self.hall, monotonic=self.ticks, **extra, **kwargs)
        model.start()
        bus.start()
        return model, bus

    def payloads(self, topic: str) -> list[Any]:
        return [m.json() for m in self.broker.messages(topic) if m.payload]

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def fake_hall(hall: HallConfig, tmp_path: Path) -> Iterator[FakeHall]:
    h = FakeHall(hall, tmp_path / "data")
    yield h
    h.close()
