"""The punch terminal end to end (issue 7 parts 3–5): a video file through real recognition,
a real Mosquitto going down and up, template sync, and ``kill -9`` of ``hall terminal``.

The controller's punch intake (``attendance.service``) is not part of this tree yet, so
the controller side is a small idempotent responder on the real broker (``Intake``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import queue
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import yaml
from PIL import Image

from attendance.recognition import Matcher, TemplateStore
from attendance.terminal.camera import OpenCVCamera
from attendance.terminal.clock import ClockCheck
from attendance.terminal.desk import PunchDesk
from attendance.terminal.faces import FaceOutcome, FacePipeline, FaceStatus
from attendance.terminal.node import TerminalNode
from attendance.terminal.outbox import Outbox
from attendance.terminal.sync import SyncOutcome, TemplateSync, publish_templates
from bus import topics
from bus.client import PahoBus, asyncio_deliver
from bus.core import Incoming
from bus.models.base import Reply
from config.loader import resolve_hall_path
from config.schema import HallConfig
from tests.conftest import REPO, Broker, start_mosquitto
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

DATA = Path(os.environ.get("SERVICEHALL_FACES", Path(__file__).parents[3] / "shared/data/faces"))
NOW = dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
FPS = 10


@pytest.fixture(scope="module")
def obama_template() -> np.ndarray[Any, Any]:
    if not DATA.is_dir():
        pytest.skip(f"face photos not found at {DATA}")
    from attendance.recognition.pipeline import encode_enrolment, load_image

    return encode_enrolment(load_image(DATA / "enroll" / "obama" / "obama.jpg"))


def _matcher(staff: dict[str, np.ndarray[Any, Any]]) -> Matcher:
    store = TemplateStore(os.urandom(32))
    for staff_id, encoding in staff.items():
        store.enroll(staff_id, encoding, consent_at=NOW, now=NOW)
    return Matcher.from_store(store)


def _photo_video(path: Path, frames: int = 20) -> Path:
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


def _play(video: Path, pipeline: FacePipeline) -> list[FaceOutcome]:
    camera = OpenCVCamera(video)
    camera.open()
    outcomes = []
    while (frame := camera.read()) is not None:
        outcomes.append(pipeline.process(frame))
    camera.close()
    return outcomes


@pytest.mark.slow
def test_a_photo_held_to_the_camera_is_recognised_but_never_punches(
    tmp_path: Path, obama_template: np.ndarray[Any, Any], hall: HallConfig
) -> None:
    """Real video file, real detection, encodings and eye landmarks: 请眨眼 on every frame."""
    video = _photo_video(tmp_path / "photo.avi")
    matcher = _matcher({"S001": obama_template})
    outcomes = _play(video, FacePipeline.from_matcher(lambda: matcher))
    assert len(outcomes) == 20
    assert {o.status for o in outcomes} == {FaceStatus.BLINK}
    assert {o.staff_id for o in outcomes} == {"S001"}
    assert outcomes[-1].prompt == "请眨眼 / please blink"


@pytest.mark.slow
def test_a_blink_on_the_same_video_punches_once_with_the_result(
    tmp_path: Path, obama_template: np.ndarray[Any, Any], hall: HallConfig
) -> None:
    """Same frames and real identification; the eye ratio is synthesised with one blink."""
    from attendance.recognition.pipeline import identify_frame

    video = _photo_video(tmp_path / "blink.avi")
    matcher = _matcher({"S001": obama_template})
    ears = iter([0.1 if i in (8, 9) else 0.3 for i in range(20)])
    pipeline = FacePipeline(lambda rgb: identify_frame(rgb, matcher), lambda _r, _b: next(ears))
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    desk = PunchDesk(hall, "terminal-1", outbox, ClockCheck(ntp=lambda: True))
    results = [
        desk.punch(o.staff_id, "face")
        for o in _play(video, pipeline)
        if o.status is FaceStatus.LIVE and o.staff_id
    ]
    assert len(results) == 1 and results[0].name == "张敏"
    assert [(e.staff_id, e.source) for e in outbox.entries()] == [("S001", "face")]


class Intake:
    """The controller's punch intake on the real broker: idempotent by id, replies ok."""

    def __init__(self, hall: HallConfig, url: str) -> None:
        self.bus = PahoBus(hall.hall_id, "controller", url, role="controller")
        self.received: Counter[str] = Counter()
        self.stored: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.bus.subscribe(topics.command(hall.hall_id, "att", "punch"), self._on_punch)
        self.bus.start()
        assert self.bus.wait_connected(10)

    def _on_punch(self, message: Incoming) -> None:
        data = message.json()
        with self._lock:
            self.received[data["id"]] += 1
            if data["id"] not in {p["id"] for p in self.stored}:
                self.stored.append(data)
        self.bus.reply(message, Reply.success(data["id"], {"recorded": True}))


class NodeThread:
    """A TerminalNode on its own asyncio loop, as ``hall terminal`` runs it."""

    def __init__(
        self,
        hall: HallConfig,
        url: str,
        outbox: Path,
        reply_timeout: float = 5.0,
        retry_seconds: float = 10.0,
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
            ClockCheck(),
            reply_timeout=reply_timeout,
            retry_seconds=retry_seconds,
        )
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

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)
        self.bus.stop()
        self.outbox.close()


def test_punches_wait_while_the_broker_is_down_and_arrive_in_order_exactly_once(
    tmp_path: Path, mosquitto: Broker, hall: HallConfig
) -> None:
    intake = Intake(hall, mosquitto.url)
    terminal = NodeThread(hall, mosquitto.url, tmp_path / "outbox.sqlite3")
    restarted: Broker | None = None
    try:
        wait_until(lambda: terminal.node.view.state.online)
        mosquitto.process.terminate()
        mosquitto.process.wait(10)
        wait_until(lambda: not terminal.node.view.state.online)

        for staff in ("S001", "S002", "S003"):
            terminal.call(lambda s=staff: terminal.node.on_face(FaceOutcome(FaceStatus.LIVE, s)))
        state = terminal.node.view.state
        assert state.status_line == "离线，待上传 3 条 / offline, 3 punches waiting"
        assert state.result is not None and state.result.name == "王芳"
        ids = [e.id for e in terminal.call(lambda: terminal.outbox.entries("pending"))]

        restarted = start_mosquitto(tmp_path, port=mosquitto.port)
        wait_until(lambda: len(intake.stored) == 3, timeout=60)
        assert [p["id"] for p in intake.stored] == ids
        assert [p["staff_id"] for p in intake.stored] == ["S001", "S002", "S003"]
        assert set(intake.received.values()) == {1}, "each punch reached the controller once"
        wait_until(lambda: terminal.node.view.state.status_line == "在线 / online")
    finally:
        terminal.close()
        intake.bus.stop()
        if restarted is not None:
            restarted.process.terminate()
            restarted.process.wait(10)


def test_punches_reach_the_real_controller_once_it_is_back_and_a_refusal_is_kept(
    tmp_path: Path, mosquitto: Broker, hall: HallConfig
) -> None:
    """Broker up, controller down: punches wait (timeouts); the controller starts: they are
    stored once, in order, in its punch log; an unknown staff id is refused and kept so."""
    pytest.importorskip("attendance.service")
    import sqlalchemy as sa

    from controller import tables
    from tests.integration.harness import ControllerThread, ManualClock

    terminal = NodeThread(
        hall, mosquitto.url, tmp_path / "outbox.sqlite3", reply_timeout=1.0, retry_seconds=0.5
    )
    controller: ControllerThread | None = None
    try:
        wait_until(lambda: terminal.node.view.state.online)
        for staff in ("S001", "S999", "S002"):
            terminal.call(lambda s=staff: terminal.node.on_face(FaceOutcome(FaceStatus.LIVE, s)))
        ids = [e.id for e in terminal.call(lambda: terminal.outbox.entries())]
        wait_until(lambda: terminal.call(lambda: terminal.outbox.get(ids[0])).attempts >= 1)
        assert terminal.call(lambda: terminal.outbox.pending_count()) == 3

        controller = ControllerThread(hall, tmp_path / "data", mosquitto.url, ManualClock(NOW))
        controller.start()
        wait_until(lambda: terminal.call(lambda: terminal.outbox.pending_count()) == 0, 30)
        with controller.engine.connect() as conn:
            rows = conn.execute(
                sa.select(tables.punches.c.punch_id, tables.punches.c.staff_id).order_by(
                    tables.punches.c.seq
                )
            ).all()
        assert [tuple(r) for r in rows] == [(ids[0], "S001"), (ids[2], "S002")]
        refused = terminal.call(lambda: terminal.outbox.get(ids[1]))
        assert refused.state == "refused" and "unknown_staff" in str(refused.last_error)
    finally:
        terminal.close()
        if controller is not None:
            controller.stop()


@pytest.mark.slow
def test_template_sync_over_the_broker_and_a_removed_staff_member_is_unknown(
    tmp_path: Path, mosquitto: Broker, obama_template: np.ndarray[Any, Any], hall: HallConfig
) -> None:
    from attendance.recognition.pipeline import identify_frame, load_image

    transport = os.urandom(32)
    controller_store = TemplateStore.open(tmp_path / "controller", create=True)
    controller_store.enroll("S001", obama_template, consent_at=NOW, now=NOW)
    controller = PahoBus(hall.hall_id, "controller", mosquitto.url, role="controller")
    controller.start()
    assert controller.wait_connected(10)
    publish_templates(controller, hall.hall_id, controller_store, transport)

    applied: list[SyncOutcome] = []  # on_update runs once the new matcher is in force
    sync = TemplateSync(
        TemplateStore.open(tmp_path / "terminal", create=True), transport, on_update=applied.append
    )
    terminal = PahoBus(hall.hall_id, "terminal-1", mosquitto.url, role="terminal")
    sync.attach(terminal)
    terminal.start()
    try:
        wait_until(lambda: len(applied) == 1)
        probe = load_image(DATA / "probe" / "obama__1.jpg")
        assert [f.match.staff_id for f in identify_frame(probe, sync.matcher)] == ["S001"]

        controller_store.remove("S001")  # departed (A7)
        publish_templates(controller, hall.hall_id, controller_store, transport)
        wait_until(lambda: len(applied) == 2)
        assert (applied[1].revision, applied[1].staff) == (controller_store.revision, 0)
        assert [f.match.staff_id for f in identify_frame(probe, sync.matcher)] == [None]
        assert "S001" not in TemplateStore.open(tmp_path / "terminal"), "gone at rest too"
    finally:
        terminal.stop()
        controller.stop()


@pytest.mark.slow
def test_hall_terminal_with_a_photo_video_asks_for_a_blink_and_punches_nobody(
    tmp_path: Path, mosquitto: Broker, obama_template: np.ndarray[Any, Any], hall: HallConfig
) -> None:
    """The real node process: camera from a video file, templates from its sealed store."""
    faces = tmp_path / "faces"
    store = TemplateStore.open(faces, create=True)
    store.enroll("S001", obama_template, consent_at=NOW, now=NOW)
    store.save()
    video = _photo_video(tmp_path / "photo.avi")
    command = [
        sys.executable, "-m", "controller.cli", "terminal", "--node", "terminal-1",
        "--camera", str(video), "--broker", mosquitto.url,
        "--outbox", str(tmp_path / "outbox.sqlite3"), "--faces-dir", str(faces),
        "--transport-key", str(tmp_path / "no-transport.key"), "--headless",
    ]  # fmt: skip
    proc = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        log: list[str] = []
        assert proc.stderr is not None
        for line in proc.stderr:
            log.append(line)
            if "video ended" in line:
                break
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert any("screen: 请眨眼 / please blink" in line for line in log), "".join(log)
    assert out == "", "a photo must not punch"
    kept = Outbox(tmp_path / "outbox.sqlite3")
    assert kept.entries() == []
    kept.close()


def _finger_hall(tmp_path: Path) -> Path:
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


def _terminal_process(
    config: Path, url: str, outbox: Path, tmp_path: Path
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "controller.cli", "terminal", "--config", str(config),
            "--node", "terminal-1", "--broker", url, "--outbox", str(outbox),
            "--transport-key", str(tmp_path / "no-transport.key"), "--headless",
        ],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _online(bus: PahoBus, hall: HallConfig) -> Iterator[bool]:
    seen: list[bool] = []
    bus.subscribe(
        topics.node_status(hall.hall_id, "terminal-1"),
        lambda m: seen.append(b'"online"' in m.payload),
    )
    while True:
        yield bool(seen and seen[-1])


@pytest.mark.slow
def test_hall_terminal_killed_between_capture_and_send_sends_after_restart(
    tmp_path: Path, mosquitto: Broker, hall: HallConfig
) -> None:
    """Controller down: a finger punch is captured (printed) and ``kill -9`` follows before
    any reply; the restarted terminal sends it once the controller is there."""
    config, outbox = _finger_hall(tmp_path), tmp_path / "outbox.sqlite3"
    bridge = PahoBus(hall.hall_id, "terminal-1-bridge", mosquitto.url, role="bridge")
    bridge.start()
    assert bridge.wait_connected(10)
    online = _online(bridge, hall)
    finger = topics.device(hall.hall_id, "terminal-1", "fingerprint", "finger")

    proc = _terminal_process(config, mosquitto.url, outbox, tmp_path)
    lines = _lines(proc)
    try:
        wait_until(lambda: next(online), timeout=30)
        bridge.publish(finger, {"slot": 2})
        line = lines.get(timeout=30)
        assert "\tS003\t王芳：打卡成功 / punched\t" in line and "\tfingerprint" in line
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    kept = Outbox(outbox)
    pending = [e.staff_id for e in kept.entries("pending")]
    kept.close()
    assert pending == ["S003"]

    intake = Intake(hall, mosquitto.url)
    proc = _terminal_process(config, mosquitto.url, outbox, tmp_path)
    try:
        wait_until(lambda: len(intake.stored) == 1, timeout=30)
        assert intake.stored[0]["staff_id"] == "S003"
        assert intake.stored[0]["source"] == "fingerprint"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        intake.bus.stop()
        bridge.stop()
    done = Outbox(outbox)
    assert done.counts() == {"pending": 0, "sent": 1, "refused": 0}
    done.close()
