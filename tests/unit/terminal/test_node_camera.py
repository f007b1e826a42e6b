"""The node's camera thread: frames in, a punch out; a broken camera is a state, not a crash.

No test sleeps: time is the node's injected manual clock, moved by the test (or by the
camera thread's injected pause); a test waits for the camera thread on an event.
"""

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
from terminal.clock import NTP_CACHE_SECONDS, ClockCheck
from terminal.faces import FaceOutcome, FaceStatus
from terminal.node import CAMERA_RETRY_SECONDS, FACE_STALL_SECONDS, TerminalNode
from terminal.outbox import Outbox
from tests.unit.terminal.helpers import HALL, Clocks, FakeIntake, unsynced_clock


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


def camera_fault_shown(node: TerminalNode) -> asyncio.Event:
    """Set once the screen shows the camera fault the camera thread handed to the loop."""
    shown = asyncio.Event()
    node.view.subscribe(lambda state: None if state.camera_ok else shown.set())
    return shown


def test_frames_from_the_camera_thread_punch_on_the_loop(tmp_path: Path, hall: HallConfig) -> None:
    broker = FakeBroker()
    intake = FakeIntake(broker)
    frames = [np.full((48, 64, 3), i, dtype=np.uint8) for i in range(4)]
    pipeline = ScriptedPipeline()
    clocks = Clocks()
    pauses: list[float] = []

    def pause(seconds: float) -> bool:
        """The next frame is due in ``seconds``: that much time passes, without waiting."""
        pauses.append(seconds)
        clocks.advance(seconds)
        return False

    node = TerminalNode(
        hall,
        "terminal-1",
        broker.client(HALL, "terminal-1"),
        Outbox(tmp_path / "outbox.sqlite3"),
        unsynced_clock(),
        camera=StillImagesCamera(frames, fps=50),
        pipeline=pipeline,  # type: ignore[arg-type]
        wall=clocks.wall,
        mono=clocks.mono,
        pause=pause,
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
    assert pauses == pytest.approx([0.02] * 3), "replayed at the source's own pace"
    assert [(p["staff_id"], p["source"]) for p in intake.stored] == [("S001", "face")]
    assert node.view.state.result is not None and node.view.state.result.name == "张敏"
    assert node.view.state.prompt == "请眨眼 / please blink"


@pytest.mark.expect_log("WARNING", r"^camera unavailable: 无法打开摄像头", logger="terminal.node")
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
        fault = camera_fault_shown(node)
        node.start(asyncio.get_running_loop())
        await asyncio.wait_for(fault.wait(), timeout=10)
        await node.close()

    asyncio.run(scenario())
    assert node.view.state.camera_line == "摄像头故障，请使用指纹 / camera fault: use fingerprint"
    assert node.healthy()


@pytest.mark.expect_log("WARNING", r"^camera unavailable: 无法打开摄像头", logger="terminal.node")
def test_a_missing_camera_is_one_warning_however_often_it_is_retried(
    tmp_path: Path,
    hall: HallConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The camera thread tries again every few seconds all day long; the log says once
    that the camera is missing, not at every try."""
    opened: list[int] = []
    pauses: list[float] = []

    def pause(seconds: float) -> bool:
        """The retry interval passes at once; the fourth failed try stops the thread."""
        pauses.append(seconds)
        return len(opened) >= 4

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
        pause=pause,
    )

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        assert node._face_thread is not None
        await asyncio.to_thread(node._face_thread.join, 10)
        await node.close()

    with caplog.at_level(logging.WARNING, logger="terminal.node"):
        asyncio.run(scenario())
    assert len(opened) == 4
    assert pauses == [CAMERA_RETRY_SECONDS] * 4, "one try every CAMERA_RETRY_SECONDS"
    assert [r.getMessage() for r in caplog.records if r.name == "terminal.node"] == [
        "camera unavailable: 无法打开摄像头 / cannot open camera 0"
    ]


class FailingReadCamera(BrokenCamera):
    """Opens, then every read raises, as ``cv2`` does on a driver error."""

    def open(self) -> None:
        pass

    def read(self) -> Frame | None:
        raise RuntimeError("VIDIOC_DQBUF: No such device")


@pytest.mark.expect_log(
    "WARNING", r"^camera read failed: VIDIOC_DQBUF: No such device", logger="terminal.node"
)
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
        fault = camera_fault_shown(node)
        node.start(asyncio.get_running_loop())
        await asyncio.wait_for(fault.wait(), timeout=10)
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
    clocks = Clocks()
    on_loop: list[bool] = []
    loop_thread: list[threading.Thread] = []
    notes: list[str] = []

    def ntp() -> bool:
        on_loop.append(threading.current_thread() is loop_thread[0])
        return True

    outbox = Outbox(tmp_path / "outbox.sqlite3")
    node = TerminalNode(
        hall,
        "terminal-1",
        FakeBroker().client(HALL, "terminal-1"),
        outbox,
        ClockCheck(clocks.wall, clocks.mono, ntp=ntp),
        wall=clocks.wall,
        mono=clocks.mono,
    )

    async def scenario() -> None:
        loop_thread.append(threading.current_thread())
        await node.tick(notes.append)  # nothing cached yet: asked
        clocks.advance(NTP_CACHE_SECONDS + 1)  # a minute later
        await node.tick(notes.append)  # the answer expired: asked again
        node.desk.punch("S001", "face")  # clock.state() on the loop
        clocks.advance(NTP_CACHE_SECONDS * 0.75)
        await node.tick(notes.append)  # asked before the answer expires
        clocks.advance(NTP_CACHE_SECONDS * 0.5)  # past the expiry of the answer before
        node.desk.punch("S002", "face")

    try:
        asyncio.run(scenario())
    finally:
        outbox.close()
    assert on_loop == [False] * 3, "three ticks asked, in a worker thread; no punch did"
    assert notes == ["WATCHDOG=1"] * 3


class HangingCamera(BrokenCamera):
    """Opens, then the first read hangs (a stuck V4L2 read) until the test lets it go."""

    def __init__(self) -> None:
        self.reading = threading.Event()
        self.release = threading.Event()

    def open(self) -> None:
        pass

    def read(self) -> Frame | None:
        self.reading.set()
        self.release.wait(10)
        return None


def test_a_camera_thread_stuck_for_the_stall_period_stops_the_watchdog_pings(
    tmp_path: Path, hall: HallConfig
) -> None:
    """systemd restarts a node whose camera thread hangs: its ticks stop saying WATCHDOG=1."""
    clocks = Clocks()
    camera = HangingCamera()
    notes: list[str] = []
    node = TerminalNode(
        hall,
        "terminal-1",
        FakeBroker().client(HALL, "terminal-1"),
        Outbox(tmp_path / "outbox.sqlite3"),
        unsynced_clock(),
        camera=camera,
        pipeline=ScriptedPipeline(),  # type: ignore[arg-type]
        wall=clocks.wall,
        mono=clocks.mono,
    )

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        await asyncio.to_thread(camera.reading.wait, 10)  # the camera thread is in its read
        await node.tick(notes.append)
        clocks.advance(FACE_STALL_SECONDS - 1)
        await node.tick(notes.append)
        clocks.advance(1)
        await node.tick(notes.append)
        camera.release.set()
        await node.close()

    asyncio.run(scenario())
    assert notes == ["WATCHDOG=1"] * 2, "pings until the thread is FACE_STALL_SECONDS silent"


def test_camera_spec_picks_the_source(tmp_path: Path) -> None:
    assert camera_from_spec("sim").finite is False
    assert getattr(camera_from_spec("0"), "source", None) == 0
    assert getattr(camera_from_spec("/dev/video2"), "source", None) == 2
    assert getattr(camera_from_spec(str(tmp_path / "clip.avi")), "finite", None) is True
