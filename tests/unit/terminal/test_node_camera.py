"""The node's camera thread: frames in, a punch out; a broken camera is a state, not a crash."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from bus.models.devices import DeviceState
from bus.testing import FakeBroker
from config.schema import HallConfig
from firmware_bridge.camera import CameraError, Frame, StillImagesCamera, camera_from_spec
from terminal.faces import FaceOutcome, FaceStatus
from terminal.node import TerminalNode
from terminal.outbox import Outbox
from tests.unit.terminal.helpers import HALL, FakeIntake, unsynced_clock


class ScriptedPipeline:
    """Says LIVE for S001 on the third frame, 请眨眼 before it."""

    def __init__(self) -> None:
        self.frames: list[float] = []

    def process(self, frame: Frame) -> FaceOutcome:
        self.frames.append(frame.t)
        status = FaceStatus.LIVE if len(self.frames) == 3 else FaceStatus.BLINK
        return FaceOutcome(status, "S001", frame.t)


class BrokenCamera:
    finite = False

    def open(self) -> None:
        raise CameraError("无法打开摄像头 / cannot open camera 0")

    def read(self) -> Frame | None:
        return None

    def close(self) -> None:
        pass

    def state(self) -> DeviceState:
        return DeviceState.OFFLINE


def test_frames_from_the_camera_thread_punch_on_the_loop(tmp_path: Path, hall: HallConfig) -> None:
    broker = FakeBroker()
    intake = FakeIntake(broker)
    frames = [np.full((48, 64, 3), i, dtype=np.uint8) for i in range(4)]
    pipeline = ScriptedPipeline()
    node = TerminalNode(
        hall,
        "terminal-1",
        broker.client(HALL, "terminal-1"),
        Outbox(tmp_path / "outbox.sqlite3"),
        unsynced_clock(),
        camera=StillImagesCamera(frames, fps=50),
        pipeline=pipeline,  # type: ignore[arg-type]
    )

    async def scenario() -> None:
        node.bus.start()
        node.start(asyncio.get_running_loop())
        assert node._face_thread is not None
        await asyncio.to_thread(node._face_thread.join, 10)
        await asyncio.sleep(0)  # run the callbacks the thread handed over
        if node._drain_task is not None:
            await node._drain_task
        await node.close()

    asyncio.run(scenario())
    assert pipeline.frames == [0.0, 0.02, 0.04, 0.06], "every frame, with the source's times"
    assert [(p["staff_id"], p["source"]) for p in intake.stored] == [("S001", "face")]
    assert node.view.state.result is not None and node.view.state.result.name == "张敏"
    assert node.view.state.prompt == "请眨眼 / please blink"


def test_a_camera_that_cannot_open_shows_a_fault_and_the_node_keeps_running(
    tmp_path: Path, hall: HallConfig
) -> None:
    node = TerminalNode(
        hall,
        "terminal-1",
        FakeBroker().client(HALL, "terminal-1"),
        Outbox(tmp_path / "outbox.sqlite3"),
        unsynced_clock(),
        camera=BrokenCamera(),
        pipeline=ScriptedPipeline(),  # type: ignore[arg-type]
    )

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        for _ in range(500):
            if not node.view.state.camera_ok:
                break
            await asyncio.sleep(0.01)
        await node.close()

    asyncio.run(scenario())
    assert node.view.state.camera_line == "摄像头故障，请使用指纹 / camera fault: use fingerprint"
    assert node.healthy()


def test_a_missing_camera_is_one_warning_however_often_it_is_retried(
    tmp_path: Path,
    hall: HallConfig,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The camera thread tries again every few seconds all day long; the log says once
    that the camera is missing, not at every try."""
    monkeypatch.setattr("terminal.node.CAMERA_RETRY_SECONDS", 0.01)
    opened: list[int] = []

    class CountingBrokenCamera(BrokenCamera):
        def open(self) -> None:
            opened.append(1)
            super().open()

    node = TerminalNode(
        hall,
        "terminal-1",
        FakeBroker().client(HALL, "terminal-1"),
        Outbox(tmp_path / "outbox.sqlite3"),
        unsynced_clock(),
        camera=CountingBrokenCamera(),
        pipeline=ScriptedPipeline(),  # type: ignore[arg-type]
    )

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        for _ in range(500):
            if len(opened) >= 4:
                break
            await asyncio.sleep(0.01)
        await node.close()

    with caplog.at_level(logging.WARNING, logger="terminal.node"):
        asyncio.run(scenario())
    assert len(opened) >= 4
    assert [r.getMessage() for r in caplog.records if r.name == "terminal.node"] == [
        "camera unavailable: 无法打开摄像头 / cannot open camera 0"
    ]


class FailingReadCamera(BrokenCamera):
    """Opens, then every read raises, as ``cv2`` does on a driver error."""

    def open(self) -> None:
        pass

    def read(self) -> Frame | None:
        raise RuntimeError("VIDIOC_DQBUF: No such device")


def test_a_camera_whose_read_raises_is_a_fault_and_the_camera_thread_lives_on(
    tmp_path: Path, hall: HallConfig
) -> None:
    node = TerminalNode(
        hall,
        "terminal-1",
        FakeBroker().client(HALL, "terminal-1"),
        Outbox(tmp_path / "outbox.sqlite3"),
        unsynced_clock(),
        camera=FailingReadCamera(),
        pipeline=ScriptedPipeline(),  # type: ignore[arg-type]
    )
    alive_at_fault: list[bool] = []

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        for _ in range(300):
            if not node.view.state.camera_ok:
                break
            await asyncio.sleep(0.01)
        assert node._face_thread is not None
        alive_at_fault.append(node._face_thread.is_alive())
        await node.close()

    asyncio.run(scenario())
    assert node.view.state.camera_line == "摄像头故障，请使用指纹 / camera fault: use fingerprint"
    assert alive_at_fault == [True], "the thread retries the camera instead of dying"


def test_timedatectl_never_runs_on_the_loop_when_the_clock_is_read(
    tmp_path: Path, hall: HallConfig
) -> None:
    """The NTP status is a subprocess and a D-Bus call: the node refreshes it in a worker
    thread before the cache expires, so neither its tick nor a punch runs it on the loop."""
    from terminal.clock import NTP_CACHE_SECONDS, ClockCheck
    from terminal.node import TICK_SECONDS

    mono = [1000.0]
    on_loop: list[bool] = []
    loop_thread: list[threading.Thread] = []

    def ntp() -> bool:
        on_loop.append(threading.current_thread() is loop_thread[0])
        return True

    outbox = Outbox(tmp_path / "outbox.sqlite3")
    node = TerminalNode(
        hall,
        "terminal-1",
        FakeBroker().client(HALL, "terminal-1"),
        outbox,
        ClockCheck(mono=lambda: mono[0], ntp=ntp),
    )

    async def scenario() -> None:
        loop_thread.append(threading.current_thread())
        stop = asyncio.Event()
        running = asyncio.create_task(node.run(stop, lambda _state: None))
        await asyncio.sleep(0.2)
        mono[0] += NTP_CACHE_SECONDS + 1  # a minute later on the clock's own time base
        await asyncio.sleep(TICK_SECONDS + 0.3)  # the node's next tick
        node.desk.punch("S001", "face")  # clock.state() on the loop
        stop.set()
        await running

    try:
        asyncio.run(scenario())
    finally:
        outbox.close()
    assert len(on_loop) >= 2 and not any(on_loop)


def test_camera_spec_picks_the_source(tmp_path: Path) -> None:
    assert camera_from_spec("sim").finite is False
    assert getattr(camera_from_spec("0"), "source", None) == 0
    assert getattr(camera_from_spec("/dev/video2"), "source", None) == 2
    assert getattr(camera_from_spec(str(tmp_path / "clip.avi")), "finite", None) is True
