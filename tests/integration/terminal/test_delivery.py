"""Outbox delivery: punches wait while the broker or controller is away, then arrive once."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.schema import HallConfig
from terminal.faces import FaceOutcome, FaceStatus
from tests.conftest import Broker, start_mosquitto
from tests.integration.terminal.helpers import (
    NOW,
    Intake,
    ManualMono,
    NodeThread,
)
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.mark.expect_log("WARNING", r"^controller lost the broker", logger="bus.client")
@pytest.mark.expect_log("WARNING", r"^terminal-1 lost the broker", logger="bus.client")
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


@pytest.mark.expect_log(
    "WARNING", r"refused punch \S+ of S999: unknown_staff", logger="terminal.sender"
)
def test_punches_reach_the_real_controller_once_it_is_back_and_a_refusal_is_kept(
    tmp_path: Path, mosquitto: Broker, hall: HallConfig
) -> None:
    """Broker up, controller down: punches wait (timeouts); the controller starts: they are
    stored once, in order, in its punch log; an unknown staff id is refused and kept so.

    The node's monotonic clock is manual: it retries only when the test says the retry
    interval has passed (``terminal.retry()``), never by waiting for it."""
    import sqlalchemy as sa

    from store import tables
    from tests.integration.harness import ControllerThread, ManualClock

    terminal = NodeThread(
        hall, mosquitto.url, tmp_path / "outbox.sqlite3", reply_timeout=1.0, mono=ManualMono()
    )
    controller: ControllerThread | None = None
    try:
        wait_until(lambda: terminal.node.view.state.online)
        for staff in ("S001", "S999", "S002"):
            terminal.call(lambda s=staff: terminal.node.on_face(FaceOutcome(FaceStatus.LIVE, s)))
        ids = [e.id for e in terminal.call(lambda: terminal.outbox.entries())]
        # The send round started by the punches ends when the bus's request times out.
        wait_until(lambda: terminal.call(lambda: terminal.outbox.get(ids[0])).attempts >= 1)
        assert terminal.call(lambda: terminal.outbox.pending_count()) == 3
        assert terminal.call(lambda: terminal.outbox.get(ids[1])).attempts == 0, "in order"

        controller = ControllerThread(hall, tmp_path / "data", mosquitto.url, ManualClock(NOW))
        controller.start()
        # Each poll is one retry interval on the node's clock (the first may still meet a
        # controller whose subscription the broker has not yet taken).
        wait_until(lambda: terminal.retry() == 0, 30)
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
