"""Liveness sequence with synthetic eye ratios, template sync over a FakeBus, the node's
fingerprint path into the outbox, and the screen state (offline badge with the count)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from attendance.recognition import Matcher, TemplateStore
from attendance.recognition.matcher import Match
from attendance.recognition.sealed import publish_templates
from bus import topics
from bus.models.devices import CLOCK_DEVICE, DeviceStatus
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig, Staff
from console.pages import hall_context
from console.state import HallState
from firmware_bridge.camera import Frame
from terminal.clock import ClockCheck
from terminal.faces import FacePipeline, FaceStatus
from terminal.node import TerminalNode
from terminal.outbox import Outbox
from terminal.sync import TemplateSync
from tests.unit.terminal.helpers import HALL, SHANGHAI, FakeIntake, unsynced_clock

NOW = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI)
BLANK = np.zeros((4, 4, 3), dtype=np.uint8)


@dataclass(frozen=True)
class Face:
    box: Any
    match: Match


def _who(staff: str | None) -> list[Face]:
    return [Face((0, 1, 1, 0), Match(staff, 0.3, staff, 0.9))]


def _run(
    people: Sequence[str | None], ears: Sequence[float | None], fps: float = 10.0
) -> list[FaceStatus]:
    """Feed one frame per entry: who the recogniser sees and the eye ratio measured."""
    seen: Iterator[str | None] = iter(people)
    measured: Iterator[float | None] = iter(ears)

    def identify(_rgb: Any) -> list[Face]:
        person = next(seen)
        return [] if person == "" else _who(person)

    pipeline = FacePipeline(identify, lambda _rgb, _box: next(measured))
    return [pipeline.process(Frame(BLANK, i / fps)).status for i in range(len(people))]


def _blink(n: int = 30, at: int = 12) -> list[float | None]:
    return [0.10 if at <= i < at + 2 else 0.30 + (0.004 if i % 2 else -0.004) for i in range(n)]


def test_a_blink_of_a_recognised_face_makes_it_live_once() -> None:
    statuses = _run(["S001"] * 30, _blink())
    assert statuses[:12] == [FaceStatus.BLINK] * 12, "请眨眼 until the blink"
    assert statuses.count(FaceStatus.LIVE) == 1
    assert statuses[statuses.index(FaceStatus.LIVE) + 1 :].count(FaceStatus.LIVE) == 0


def test_steady_eyes_never_pass_liveness() -> None:
    """A photo: recognised, eye ratio steady with landmark jitter, never live."""
    jitter = np.random.default_rng(1).uniform(-0.012, 0.012, 60)
    statuses = _run(["S001"] * 60, [0.28 + float(j) for j in jitter])
    assert set(statuses) == {FaceStatus.BLINK}


def test_someone_elses_blink_or_a_lost_face_does_not_count() -> None:
    """The blink of a person who steps away must not make the next face look alive."""
    people = [*(["S001"] * 13), *(["S002"] * 17)]
    # S001's eyes shut at frames 11–12; S002 appears at 13 with eyes open: no full blink.
    assert FaceStatus.LIVE not in _run(people, _blink(at=11))
    lost = [*(["S001"] * 12), "", *(["S001"] * 17)]
    assert FaceStatus.LIVE not in _run(lost, _blink(at=11)[:12] + [None] + [0.3] * 17)
    assert _run([None] * 3, [0.3] * 3) == [FaceStatus.UNKNOWN] * 3


def _store(directory: Path | None, staff: dict[str, np.ndarray[Any, Any]]) -> TemplateStore:
    store = (
        TemplateStore.open(directory, create=True)
        if directory is not None
        else TemplateStore(os.urandom(32))
    )
    for staff_id, encoding in staff.items():
        store.enroll(staff_id, encoding, consent_at=NOW, now=NOW)
    return store


def test_templates_sync_to_the_terminal_and_a_removed_staff_member_is_unknown(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(5)
    faces = {s: rng.normal(0, 0.1, 128) for s in ("S001", "S002")}
    transport = os.urandom(32)
    controller_store = _store(None, faces)
    broker = FakeBroker()
    controller = broker.client(HALL, "controller")
    controller.start()
    publish_templates(controller, HALL, controller_store, transport, now=NOW)

    terminal_store = TemplateStore.open(tmp_path / "faces", create=True)
    sync = TemplateSync(terminal_store, transport)
    terminal = broker.client(HALL, "terminal-1")
    terminal.start()
    sync.attach(terminal)  # the retained copy arrives on subscribe
    assert sync.matcher.match(faces["S001"]).staff_id == "S001"

    controller_store.remove("S001")
    publish_templates(controller, HALL, controller_store, transport, now=NOW)
    assert sync.matcher.match(faces["S001"]).staff_id is None
    assert sync.matcher.match(faces["S002"]).staff_id == "S002"

    reopened = TemplateStore.open(tmp_path / "faces")  # sealed with the terminal's own key
    assert [r.staff_id for r in reopened] == ["S002"]
    sealed = (tmp_path / "faces" / "templates.sealed").read_bytes()
    assert b"S002" not in sealed and faces["S002"].astype("<f8").tobytes()[:16] not in sealed


@pytest.mark.expect_log(
    "WARNING", r"templates not applied .*: 模板数据无法解密", logger="terminal.sync"
)
@pytest.mark.expect_log(
    "WARNING", r"templates not applied .*: unreadable templates message", logger="terminal.sync"
)
def test_a_sync_with_another_key_or_garbage_keeps_the_templates_in_force(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(6)
    face = rng.normal(0, 0.1, 128)
    transport = os.urandom(32)
    broker = FakeBroker()
    controller = broker.client(HALL, "controller")
    controller.start()
    terminal = broker.client(HALL, "terminal-1")
    terminal.start()
    sync = TemplateSync(TemplateStore.open(tmp_path / "faces", create=True), transport)
    sync.attach(terminal)
    publish_templates(controller, HALL, _store(None, {"S001": face}), transport)
    assert sync.matcher.match(face).known

    publish_templates(controller, HALL, _store(None, {}), os.urandom(32))
    controller.publish(topics.face_templates(HALL), {"v": 1, "blob": "!!"}, retain=True)
    assert sync.rejected == 2
    assert sync.matcher.match(face).staff_id == "S001"


@pytest.mark.expect_log(
    "WARNING", r"templates in force but not saved: \[Errno 28\]", logger="terminal.sync"
)
def test_a_sync_that_cannot_be_saved_still_takes_effect_and_never_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk on the terminal: the bus handler must not raise, and the controller's
    templates (a removal, A7) must hold at once, not only after the disk is fixed."""
    rng = np.random.default_rng(7)
    face = rng.normal(0, 0.1, 128)
    transport = os.urandom(32)
    store = TemplateStore.open(tmp_path / "faces", create=True)
    sync = TemplateSync(store, transport)

    def disk_full() -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "save", disk_full)
    blob = _store(None, {"S001": face}).export_encrypted(transport)
    outcome = sync.apply(blob)
    assert outcome.applied
    assert sync.matcher.match(face).staff_id == "S001"


def _hall_with_fingers(hall: HallConfig) -> HallConfig:
    staff = [
        Staff(id=s.id, name=s.name, department=s.department, fingerprint_slot=i)
        for i, s in enumerate(hall.staff)
    ]
    return hall.model_copy(update={"staff": staff})


@pytest.fixture
def node_parts(
    tmp_path: Path, hall: HallConfig
) -> Iterator[tuple[TerminalNode, FakeIntake, FakeBroker]]:
    broker = FakeBroker()
    intake = FakeIntake(broker)
    bus = broker.client(HALL, "terminal-1")
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    node = TerminalNode(
        _hall_with_fingers(hall),
        "terminal-1",
        bus,
        outbox,
        unsynced_clock(),
        fingerprint_device="fingerprint",
    )
    yield node, intake, broker
    outbox.close()


def test_fingerprint_punches_take_the_outbox_path_and_the_badge_counts_them(
    node_parts: tuple[TerminalNode, FakeIntake, FakeBroker],
) -> None:
    """Controller down: finger punches wait in the outbox (the badge counts them); back up:
    they are sent in order. An unknown finger punches nobody."""
    node, intake, broker = node_parts
    terminal_bus = node.bus
    assert isinstance(terminal_bus, FakeBus)
    bridge = broker.client(HALL, "terminal-1-bridge")
    bridge.start()
    finger = topics.device(HALL, "terminal-1", "fingerprint", "finger")

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        assert node.view.state.status_line == "离线，待上传 0 条 / offline, 0 punches waiting"
        node.bus.start()
        intake.bus.drop()  # the controller is down, the broker is up
        for slot in (1, 2, None):
            bridge.publish(finger, {"slot": slot})
            if node._drain_task is not None:
                await node._drain_task
        assert node.view.state.pending == 2 and intake.stored == []
        assert node.view.state.result is not None and node.view.state.result.name == "王芳"
        assert node.view.state.prompt.startswith("指纹未识别"), "the unknown finger is told"
        terminal_bus.drop()
        assert node.view.state.status_line == "离线，待上传 2 条 / offline, 2 punches waiting"
        intake.bus.restore()
        terminal_bus.restore()  # reconnecting starts a send round
        assert node._drain_task is not None
        await node._drain_task

    asyncio.run(scenario())
    assert [p["staff_id"] for p in intake.stored] == ["S002", "S003"]
    assert {p["source"] for p in intake.stored} == {"fingerprint"}
    assert node.view.state.status_line == "在线 / online"


@pytest.mark.expect_log(
    "ERROR", r"^outbox: send round failed; the next round retries", logger="terminal.node"
)
def test_a_failing_send_round_is_logged_and_the_node_still_closes(
    node_parts: tuple[TerminalNode, FakeIntake, FakeBroker], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A send round that raises (the outbox's card failing) must not sit unseen in its task
    until shutdown and then stop ``close`` from closing the camera."""
    node, _intake, broker = node_parts
    calls: list[int] = []

    async def broken_drain() -> None:
        calls.append(1)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(node.sender, "drain", broken_drain)
    bridge = broker.client(HALL, "terminal-1-bridge")
    bridge.start()

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        node.bus.start()
        bridge.publish(topics.device(HALL, "terminal-1", "fingerprint", "finger"), {"slot": 1})
        assert node._drain_task is not None
        await node._drain_task
        await node.close()

    asyncio.run(scenario())
    assert calls == [1]


@pytest.mark.expect_log("ERROR", r"^punch of S002 not stored in the outbox", logger="terminal.node")
def test_a_punch_the_outbox_cannot_store_is_told_on_the_screen(
    node_parts: tuple[TerminalNode, FakeIntake, FakeBroker], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outbox's card fails: the finger handler must not raise, and the person must see
    that the punch did not count (no result, a message saying so)."""
    import sqlite3

    from terminal.node import PUNCH_NOT_STORED

    node, _intake, broker = node_parts

    def card_failed(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(node.outbox, "append", card_failed)
    bridge = broker.client(HALL, "terminal-1-bridge")
    bridge.start()

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        node.bus.start()
        bridge.publish(topics.device(HALL, "terminal-1", "fingerprint", "finger"), {"slot": 1})
        await node.close()

    asyncio.run(scenario())
    assert node.view.state.result is None
    assert node.view.state.prompt == PUNCH_NOT_STORED


def test_matcher_swap_is_whole(tmp_path: Path) -> None:
    """Readers in the camera thread get a complete matcher, never a half-built one."""
    sync = TemplateSync(TemplateStore.open(tmp_path / "f", create=True), os.urandom(32))
    assert isinstance(sync.matcher, Matcher) and len(sync.matcher) == 0


def test_the_terminals_clock_state_reaches_the_live_hall_as_an_alarm(
    node_parts: tuple[TerminalNode, FakeIntake, FakeBroker], hall: HallConfig
) -> None:
    """Unsynced: retained ``dev/terminal-1/clock/state`` says so and the console's live hall
    lists 时钟未同步; once NTP vouches for the clock the state turns ``ok``, the alarm goes."""
    node, _intake, broker = node_parts
    console_bus = broker.client(HALL, "console")
    state = HallState(console_bus, hall)
    state.start()
    console_bus.start()
    topic = topics.device(HALL, "terminal-1", CLOCK_DEVICE, "state")

    async def scenario() -> None:
        node.start(asyncio.get_running_loop())
        node.bus.start()
        await node.tick(lambda _m: None)

    asyncio.run(scenario())
    assert DeviceStatus.model_validate_json(broker.retained[topic]).state == "unsynced"
    alarms = hall_context(state, "zh")["alarms"]
    assert "terminal-1 的 clock：时钟未同步" in alarms
    node.clock = ClockCheck(ntp=lambda: True)
    asyncio.run(node.tick(lambda _m: None))
    assert DeviceStatus.model_validate_json(broker.retained[topic]).state == "ok"
    assert not any("时钟未同步" in a for a in hall_context(state, "zh")["alarms"])
