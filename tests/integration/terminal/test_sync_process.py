"""Template sync over the broker, and `hall terminal` as a process (photo video, kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from attendance.recognition import TemplateStore
from attendance.recognition.sealed import publish_templates
from bus import topics
from bus.client import PahoBus
from config.schema import HallConfig
from terminal.outbox import Outbox
from terminal.sync import SyncOutcome, TemplateSync
from tests.conftest import REPO, Broker
from tests.integration.terminal.helpers import (
    DATA,
    NOW,
    Intake,
    finger_hall,
    online_status,
    photo_video,
    stdout_lines,
    terminal_process,
)
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


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
    video = photo_video(tmp_path / "photo.avi")
    command = [
        sys.executable, "-m", "hall.cli", "terminal", "--node", "terminal-1",
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


@pytest.mark.slow
def test_hall_terminal_killed_between_capture_and_send_sends_after_restart(
    tmp_path: Path, mosquitto: Broker, hall: HallConfig
) -> None:
    """Controller down: a finger punch is captured (printed) and ``kill -9`` follows before
    any reply; the restarted terminal sends it once the controller is there."""
    config, outbox = finger_hall(tmp_path), tmp_path / "outbox.sqlite3"
    bridge = PahoBus(hall.hall_id, "terminal-1-bridge", mosquitto.url, role="bridge")
    bridge.start()
    assert bridge.wait_connected(10)
    online = online_status(bridge, hall)
    finger = topics.device(hall.hall_id, "terminal-1", "fingerprint", "finger")

    proc = terminal_process(config, mosquitto.url, outbox, tmp_path)
    lines = stdout_lines(proc)
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
    proc = terminal_process(config, mosquitto.url, outbox, tmp_path)
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
