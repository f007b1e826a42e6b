"""Running a controller against a real Mosquitto in tests: in-process or as a process."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bus import topics
from bus.client import PahoBus, asyncio_deliver
from bus.core import Incoming
from bus.models.base import Reply
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from hall.compose import build_controller
from store.database import open_engine
from tests.conftest import REPO
from tests.waiting import wait_until


class ManualClock:
    """The hall clock of a test: it moves only when the test says so."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


class ControllerThread:
    """The real Controller, PahoBus and SQLite, on an asyncio loop in a thread."""

    def __init__(
        self,
        hall: HallConfig,
        data_dir: Path,
        broker_url: str,
        clock: ManualClock,
        db_url: str | None = None,
        faces: tuple[Path, Path] | None = None,
    ) -> None:
        self.hall = hall
        self.loop = asyncio.new_event_loop()
        self.engine = open_engine(data_dir, db_url)
        self.bus = PahoBus(
            hall.hall_id,
            "controller",
            broker_url,
            role="controller",
            deliver=asyncio_deliver(self.loop),
        )
        self.controller = build_controller(hall, self.engine, self.bus, clock, faces)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> ControllerThread:
        self._thread.start()
        self.call(self.controller.start)
        self.bus.start()
        assert self.bus.wait_connected(10)
        return self

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the controller's loop and wait for it (ticks, like the real loop)."""
        fut = asyncio.run_coroutine_threadsafe(_run(fn), self.loop)
        return fut.result(10)

    def stop(self) -> None:
        self.bus.stop()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.engine.dispose()


async def _run(fn: Callable[[], Any]) -> Any:
    return fn()


class Node:
    """A node on the real broker that sends commands and records what it hears."""

    def __init__(self, hall: HallConfig, broker_url: str, node: str = MANAGER_USER) -> None:
        self.hall = hall
        self.bus = PahoBus(hall.hall_id, node, broker_url, role="test")
        self.heard: list[Incoming] = []
        self.signed_in: dict[str, str] = {}
        """Who ``staff_in`` signed in at which window."""
        self._lock = threading.Lock()
        self.bus.subscribe(topics.everything(hall.hall_id), self._record)
        self.bus.start()
        assert self.bus.wait_connected(10)

    def _record(self, message: Incoming) -> None:
        with self._lock:
            self.heard.append(message)

    def send(self, area: str, verb: str, **fields: Any) -> Reply:
        payload = {"v": 1, "id": fields.pop("id", uuid.uuid4().hex), **fields}
        topic = topics.command(self.hall.hall_id, self.bus.node, area, verb)
        fut = self.bus.request(topic, payload, 10)
        return Reply.model_validate_json(fut.result(11).payload)

    def staff_in(self, *windows: str) -> None:
        """Sign a staff member in at each window (Q5: a window nobody is signed in at does not
        call): one of the window's department, else anyone this node has not signed in."""
        for window in windows:
            cfg = self.hall.window(window)
            assert cfg is not None, window
            free = [s for s in self.hall.staff if s.id not in self.signed_in.values()]
            same = [s for s in free if cfg.department and s.department == cfg.department]
            staff = (same or free)[0].id
            reply = self.send("queue", "login", window=window, staff=staff)
            assert reply.ok, reply.error
            self.signed_in[window] = staff

    def messages(self, topic: str) -> list[Incoming]:
        with self._lock:
            return [m for m in self.heard if m.topic == topic]

    def latest(self, topic: str, until: Callable[[Any], bool] | None = None) -> Any:
        """The newest payload heard on ``topic``; waits for one (that satisfies ``until``)."""

        def newest() -> tuple[Any] | None:
            found = self.messages(topic)
            if not found:
                return None
            value = found[-1].json() if found[-1].payload else None
            return (value,) if until is None or until(value) else None

        found = wait_until(newest)
        assert found is not None
        return found[0]

    def removed(self, topic: str) -> bool:
        """Waits until the retained message on ``topic`` is deleted (an empty payload)."""
        return self.latest(topic, until=lambda v: v is None) is None

    def close(self) -> None:
        self.bus.stop()


def controller_process(
    data_dir: Path, broker_url: str, clock_start: dt.datetime, log: Path
) -> subprocess.Popen[bytes]:
    """`hall controller` as a separate process, as systemd runs it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hall.cli",
            "controller",
            "--config",
            "chengdong",
            "--data-dir",
            str(data_dir),
            "--broker",
            broker_url,
            "--clock-start",
            clock_start.isoformat(),
        ],
        cwd=REPO,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
