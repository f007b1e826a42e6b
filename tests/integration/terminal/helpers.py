"""Helpers for the punch terminal end-to-end tests: videos, a stand-in intake, node runners."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import queue
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import yaml
from PIL import Image

from attendance.recognition import Matcher, TemplateStore
from bus import topics
from bus.client import PahoBus, asyncio_deliver
from bus.core import Incoming
from bus.models.base import Reply, ResultData
from config.loader import resolve_hall_path
from config.schema import HallConfig
from firmware_bridge.camera import OpenCVCamera
from terminal.clock import ClockCheck
from terminal.faces import FaceOutcome, FacePipeline
from terminal.node import TerminalNode
from terminal.outbox import Outbox
from tests.conftest import REPO

DATA = Path(os.environ.get("SERVICEHALL_FACES", REPO.parent / "shared/data/faces"))
NOW = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
FPS = 10


def matcher_of(staff: dict[str, np.ndarray[Any, Any]]) -> Matcher:
    store = TemplateStore(os.urandom(32))
    for staff_id, encoding in staff.items():
        store.enroll(staff_id, encoding, consent_at=NOW, now=NOW)
    return Matcher.from_store(store)


def photo_video(path: Path, frames: int = 20) -> Path:
    """A photo held to the camera for two seconds, shaking a little, as an MJPG video."""
    photo = Image.open(DATA / "probe" / "obama__1.jpg").convert("RGB")
    photo = photo.resize((360, 690)).crop((0, 0, 360, 420))  # head and shoulders
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (480, 360))
    assert writer.isOpened()
    for i in range(frames):
        canvas = Image.new("RGB", (480, 360), (90, 90, 90))
        canvas.paste(photo, (60 + int(6 * np.sin(i)), -30 + int(4 * np.cos(i))))
        writer.write(cv2.cvtColor(np.asarray(canvas), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def play(video: Path, pipeline: FacePipeline) -> list[FaceOutcome]:
    camera = OpenCVCamera(video)
    camera.open()
    outcomes = []
    while (frame := camera.read()) is not None:
        outcomes.append(pipeline.process(frame))
    camera.close()
    return outcomes


class Intake:
    """The controller's punch intake on the real broker: idempotent by id, replies ok."""

    def __init__(self, hall: HallConfig, url: str) -> None:
        self.bus = PahoBus(hall.hall_id, "controller", url, role="controller")
        self.received: Counter[str] = Counter()
        self.stored: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.bus.subscribe(topics.command_from_anyone(hall.hall_id, "att", "punch"), self._on_punch)
        self.bus.start()
        assert self.bus.wait_connected(10)

    def _on_punch(self, message: Incoming) -> None:
        data = message.json()
        with self._lock:
            self.received[data["id"]] += 1
            if data["id"] not in {p["id"] for p in self.stored}:
                self.stored.append(data)
        self.bus.reply(
            message, Reply.success(data["id"], ResultData.model_validate({"recorded": True}))
        )


class ManualMono:
    """A monotonic clock that moves only when the test says so (the node's loop may read it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class NodeThread:
    """A TerminalNode on its own asyncio loop, as ``hall terminal`` runs it.

    With a manual ``mono`` its retry interval never passes by itself: :meth:`retry` moves
    the clock and runs a tick, where the real node would wait for ``retry_seconds``.
    """

    def __init__(
        self,
        hall: HallConfig,
        url: str,
        outbox: Path,
        reply_timeout: float = 5.0,
        retry_seconds: float = 10.0,
        mono: Callable[[], float] = time.monotonic,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.bus = PahoBus(
            hall.hall_id, "terminal-1", url, role="terminal", deliver=asyncio_deliver(self.loop)
        )
        self.outbox = Outbox(outbox)
        self.node = TerminalNode(
            hall,
            "terminal-1",
            self.bus,
            self.outbox,
            ClockCheck(mono=mono),
            reply_timeout=reply_timeout,
            retry_seconds=retry_seconds,
            mono=mono,
        )
        self.mono = mono
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.node.start(self.loop)
        self.bus.start()
        self.loop.run_until_complete(self.node.run(self._stop, lambda _s: None))

    def call(self, fn: Any) -> Any:
        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def retry(self) -> int:
        """The retry interval passes on the manual clock and the node ticks (a send round
        starts unless one is running); returns the punches still pending."""
        assert isinstance(self.mono, ManualMono), "retry() drives a manual clock"
        self.mono.now += self.node.retry_seconds
        asyncio.run_coroutine_threadsafe(self.node.tick(lambda _s: None), self.loop).result(10)
        return int(self.call(self.outbox.pending_count))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)
        self.bus.stop()
        self.outbox.close()


def finger_hall(tmp_path: Path) -> Path:
    """The sample hall with fingerprint slots and a terminal that has only a finger reader."""
    doc = yaml.safe_load(resolve_hall_path("chengdong").read_text(encoding="utf-8"))
    for slot, member in enumerate(doc["staff"]):
        member["fingerprint_slot"] = slot
    for node in doc["nodes"]:
        if node["id"] == "terminal-1":
            node["devices"] = [{"name": "fingerprint", "kind": "fingerprint", "port": "sim"}]
    path = tmp_path / "hall.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def terminal_process(config: Path, url: str, outbox: Path, tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "hall.cli", "terminal", "--config", str(config),
            "--node", "terminal-1", "--broker", url, "--outbox", str(outbox),
            "--transport-key", str(tmp_path / "no-transport.key"), "--headless",
        ],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def stdout_lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def online_status(bus: PahoBus, hall: HallConfig) -> Iterator[bool]:
    seen: list[bool] = []
    bus.subscribe(
        topics.node_status(hall.hall_id, "terminal-1"),
        lambda m: seen.append(b'"online"' in m.payload),
    )
    while True:
        yield bool(seen and seen[-1])
