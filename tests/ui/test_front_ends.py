"""Real Kivy front ends under Xvfb, touched like a citizen would, against the real controller."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bus import topics
from bus.models.devices import TicketPrint
from tests.conftest import REPO, start_mosquitto
from tests.ui.bridge_double import FakeBridge
from tests.ui.conftest import SHANGHAI, UiHall
from tests.waiting import wait_until

pytestmark = [pytest.mark.ui, pytest.mark.integration]

HALL = "chengdong"


def test_ticket_taken_by_touch_reaches_the_queue_and_the_hall_screen(
    ui_hall: UiHall, tmp_path: Path
) -> None:
    voice_dir = tmp_path / "voice"
    voice_dir.mkdir()
    screen = ui_hall.start(
        "screen",
        [{"wait": "ready"}, {"text": "A001", "timeout": 60}],
        "--node", "screen-1", "--player", f"cp {{file}} {voice_dir}",
    )  # fmt: skip
    bridge = FakeBridge(ui_hall.broker.url)
    try:
        kiosk = ui_hall.start(
            "kiosk",
            [
                {"wait": "ready"},
                {"touch": "category:A"},
                {"touch": "item:A01"},
                {"touch": "take"},
                {"attr": "screen", "value": "ticket"},
                {"text": "A001"},
                {"text": "打印机缺纸"},  # the fault in plain words; the ticket stays valid
                {"touch": "reprint"},
                {"text": "请取走号票"},
                {"record": "ticket"},
            ],
            "--node", "kiosk-1",
        )  # fmt: skip
        result = kiosk.result()
    finally:
        bridge.close()
    assert result["ok"], result
    assert result["records"]["ticket"]["ticket"] == "A001"
    assert [j.data.number for j in bridge.jobs if isinstance(j.data, TicketPrint)] == [
        "A001",
        "A001",
    ]
    assert len(bridge.jobs) == 2
    queue = ui_hall.latest_view(
        topics.queue_state(HALL), lambda d: d["categories"]["A"]["waiting"] == 1
    )
    assert queue["categories"]["A"]["waiting"] == 1

    screen.wait_steps(1)  # the screen is up before the call, so it hears the event
    ui_hall.node.staff_in("W01")
    assert ui_hall.node.send("queue", "call", window="W01").ok
    shown = screen.result()
    assert shown["ok"], shown
    assert "A001" in shown["texts"] and "1号窗口" in shown["texts"]
    played = list(voice_dir.iterdir())
    assert len(played) == 1 and played[0].read_bytes()[:4] == b"RIFF"


def test_check_in_by_typing_the_booking_code(ui_hall: UiHall) -> None:
    booked = ui_hall.node.send(
        "queue",
        "book",
        service="A03",
        slot=dt.datetime(2026, 11, 27, 10, tzinfo=SHANGHAI),
        mobile="13812345678",
    )
    assert booked.ok and booked.result is not None
    code = booked.result.model_dump(mode="json")["code"]
    ui_hall.clock.now = dt.datetime(2026, 11, 27, 9, 45, tzinfo=SHANGHAI)
    kiosk = ui_hall.start(
        "kiosk",
        [
            {"wait": "ready"},
            {"touch": "checkin"},
            {"type": code},
            {"touch": "checkin_send"},
            {"attr": "screen", "value": "ticket"},
            {"text": "签到成功，已为您优先取号"},
            {"record": "ticket"},
        ],
        "--node", "kiosk-2",
    )  # fmt: skip
    result = kiosk.result()
    assert result["ok"], result
    ticket = result["records"]["ticket"]
    assert ticket["booking"] == code and ticket["priority"] is True
    queue = ui_hall.latest_view(
        topics.queue_state(HALL), lambda d: d["categories"]["A"]["priority_waiting"] == 1
    )
    assert queue["categories"]["A"]["waiting"] == 1


def test_rating_by_touch_and_stop_signs_when_the_window_pauses(ui_hall: UiHall) -> None:
    send = ui_hall.node.send
    assert send("queue", "login", window="W01", staff="S001").ok
    evaluator = ui_hall.start(
        "evaluator",
        [
            {"wait": "ready"},
            {"text": "张敏"},
            {"touch": "rate:5"},
            {"text": "感谢您的评价！"},
            {"text": "停止服务"},
        ],
        "--window", "W01",
    )  # fmt: skip
    display = ui_hall.start(
        "display",
        [{"wait": "ready"}, {"text": "A001"}, {"text": "暂停服务"}],
        "--window", "W01",
    )  # fmt: skip
    assert send("queue", "issue", service="A01").ok
    assert send("queue", "call", window="W01").ok
    display.wait_steps(2)
    assert send("queue", "finish", window="W01").ok
    rated = wait_until(
        lambda: ui_hall.node.messages(topics.event(HALL, "ticket.rated")), timeout=30
    )
    data = rated[0].json()["data"]
    assert (data["ticket"], data["level"]) == ("A001", 5)
    evaluator.wait_steps(4)
    assert send("queue", "pause", window="W01").ok
    for run in (evaluator, display):
        result = run.result()
        assert result["ok"], result


@pytest.mark.expect_log("WARNING", r"^controller lost the broker", logger="bus.client")
@pytest.mark.expect_log("WARNING", r"^manager lost the broker", logger="bus.client")
def test_connection_lost_is_shown_and_clears_by_itself_when_the_broker_is_back(
    ui_hall: UiHall, tmp_path: Path
) -> None:
    kiosk = ui_hall.start(
        "kiosk",
        [
            {"wait": "ready"},
            {"text": "连接中断"},
            {"touch": "category:A"},  # lands on the overlay, not on the stale catalogue
            {"attr": "screen", "value": "home"},
            {"wait": "ready", "timeout": 40},
            {"touch": "category:A"},
            {"text": "社保卡补换"},
        ],
        "--node", "kiosk-2",
    )  # fmt: skip
    kiosk.wait_steps(1)
    broker = ui_hall.broker
    broker.process.terminate()
    broker.process.wait(10)
    kiosk.wait_steps(4)  # the overlay is up and took the touch
    again = start_mosquitto(tmp_path / "again", port=broker.port)
    try:
        result = kiosk.result()
    finally:
        again.process.terminate()
        again.process.wait(10)
    assert result["ok"], result
    assert "连接中断" not in result["texts"]


def test_screenshot_option_saves_the_live_frame_and_tells_systemd_it_is_ready(
    ui_hall: UiHall, tmp_path: Path
) -> None:
    ui_hall.node.staff_in("W01")
    assert ui_hall.node.send("queue", "issue", service="A01").ok
    assert ui_hall.node.send("queue", "call", window="W01").ok
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(60)
    shot = tmp_path / "display.png"
    env = {
        **os.environ,
        "DISPLAY": ui_hall.display,
        "NOTIFY_SOCKET": str(tmp_path / "notify"),
        "KIVY_HOME": str(tmp_path / "kivy"),
    }
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "hall.cli", "display", "--window", "W01",
             "--broker", ui_hall.broker.url, "--screenshot", str(shot)],
            cwd=REPO, env=env, capture_output=True, timeout=60,
        )  # fmt: skip
        messages = []
        notify.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while True:
                messages.append(notify.recv(256).decode())
    finally:
        notify.close()
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert "READY=1" in messages
    import numpy as np
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1024, 600)
        # The called ticket is drawn in yellow on the dark display: the frame has live data.
        px = np.asarray(image.convert("RGB")).astype(int)
        yellow = int(((px[..., 0] > 230) & (px[..., 1] > 190) & (px[..., 2] < 120)).sum())
        assert yellow > 5_000
