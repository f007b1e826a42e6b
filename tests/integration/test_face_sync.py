"""The controller sends the face templates to the terminals, sealed, and follows changes."""

from __future__ import annotations

import base64
import datetime as dt
import zoneinfo
from pathlib import Path

import numpy as np
import pytest

from attendance.recognition.crypto import create_key_file
from attendance.recognition.store import TemplateStore
from bus import topics
from config.schema import HallConfig
from terminal.sync import TemplateSync
from tests.conftest import Broker
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _encodings(seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(2, 128))
    normalised: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def test_templates_reach_a_terminal_and_a_removal_follows(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker
) -> None:
    store_dir, key_file = tmp_path / "faces", tmp_path / "transport.key"
    store = TemplateStore.open(store_dir, create=True)
    for i, staff in enumerate(("S001", "S002")):
        store.enroll(staff, _encodings(i), consent_at=NOW, now=NOW)
    store.save()
    key = create_key_file(key_file)
    controller = ControllerThread(
        hall, tmp_path / "data", mosquitto.url, ManualClock(NOW), faces=(store_dir, key_file)
    ).start()
    # Listens as a terminal would; its round trip below is a manager's query (a terminal sends
    # nothing but punches).
    terminal = Node(hall, mosquitto.url)
    sync = TemplateSync(TemplateStore(key), key)
    try:
        topic = topics.face_templates(hall.hall_id)
        first = terminal.latest(topic)
        assert sync.apply(base64.b64decode(first["blob"])).applied
        assert {t.staff_id for t in sync.store} == {"S001", "S002"}
        raw = terminal.messages(topic)[-1].payload
        assert _encodings(0).astype(np.float64).tobytes()[:16] not in raw  # sealed, not plain

        store.remove("S002")
        store.save()
        controller.call(controller.controller.tick)
        newer = terminal.latest(topic, until=lambda v: v["revision"] > first["revision"])
        sync.apply(base64.b64decode(newer["blob"]))
        assert {t.staff_id for t in sync.store} == {"S001"}
        wait_until(lambda: len(terminal.messages(topic)) == 2)
        controller.call(controller.controller.tick)  # nothing changed: nothing republished
        terminal.send("notice", "list")  # a round trip after the tick: anything it sent is here
        assert len(terminal.messages(topic)) == 2
    finally:
        terminal.close()
        controller.stop()
