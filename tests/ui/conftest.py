"""UI test fixtures: an Xvfb display, the real controller on a real broker, front-end runs.

Each front end runs in its own process (Kivy allows one App per process) through
``tests/ui/runner.py``, which drives the same app ``hall kiosk`` starts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import shutil
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from tests.conftest import REPO, Broker
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.waiting import wait_until

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY_0930 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)
RUN_TIMEOUT = 60.0


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on a display number it picks itself (-displayfd): no clash with other runs."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    number = b""
    deadline = time.monotonic() + 15
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        ready, _w, _x = select.select([read_fd], [], [], 0.5)
        if ready:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
    os.close(read_fd)
    if not number.strip():
        proc.kill()
        raise RuntimeError("Xvfb did not report its display number")
    return proc, f":{number.decode().strip()}"


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        print("UI tests skipped: Xvfb is not installed (apt-get install xvfb)")
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    proc, display = start_xvfb()
    before = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display  # for anything in this process that opens a window
    yield display
    if before is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = before
    proc.terminate()
    proc.wait(timeout=10)


@dataclass
class FrontEndRun:
    """One front end process driven by the runner."""

    proc: subprocess.Popen[bytes]
    out: Path
    log: Path

    def steps_done(self) -> int:
        step = self.out.with_suffix(".step")
        return int(step.read_text() or 0) if step.is_file() else 0

    def wait_steps(self, n: int, timeout: float = 30.0) -> None:
        wait_until(lambda: self.steps_done() >= n or self.proc.poll() is not None, timeout)
        assert self.steps_done() >= n, self.result()

    def result(self, timeout: float = RUN_TIMEOUT) -> dict[str, Any]:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if not self.out.is_file():
            raise AssertionError(f"runner wrote no result; its log:\n{self.log.read_text()}")
        data: dict[str, Any] = json.loads(self.out.read_text())
        return data


@dataclass
class UiHall:
    """The controller on a real broker, a test node, and a way to start front ends."""

    hall: HallConfig
    broker: Broker
    clock: ManualClock
    controller: ControllerThread
    node: Node
    display: str
    tmp: Path
    runs: list[FrontEndRun] = field(default_factory=list)

    def start(
        self, front_end: str, steps: list[dict[str, Any]], *args: str, name: str = ""
    ) -> FrontEndRun:
        name = name or front_end
        out = self.tmp / f"{name}.json"
        log = self.tmp / f"{name}.log"
        env = {
            **os.environ,
            "DISPLAY": self.display,
            "KIVY_HOME": str(self.tmp / f"kivy-{name}"),
        }
        env.pop("NOTIFY_SOCKET", None)
        cmd = [
            sys.executable, "-m", "tests.ui.runner", "--front-end", front_end,
            "--broker", self.broker.url, "--steps", json.dumps(steps), "--out", str(out), *args,
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        run = FrontEndRun(proc, out, log)
        self.runs.append(run)
        return run

    def latest_view(self, topic: str, until: Any) -> dict[str, Any]:
        value: dict[str, Any] = self.node.latest(topic, until=lambda v: v and until(v["data"]))
        return value["data"]  # type: ignore[no-any-return]


@pytest.fixture
def ui_hall(xvfb: str, hall: HallConfig, tmp_path: Path, mosquitto: Broker) -> Iterator[UiHall]:
    clock = ManualClock(TUESDAY_0930)
    controller = ControllerThread(hall, tmp_path / "data", mosquitto.url, clock).start()
    node = Node(hall, mosquitto.url)
    h = UiHall(hall, mosquitto, clock, controller, node, xvfb, tmp_path)
    yield h
    for run in h.runs:
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()
    node.close()
    controller.stop()
