"""The broker restarts, systemd watches: the hall keeps working and displays never go stale."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from bus import topics
from bus.client import PahoBus
from bus.core import RequestTimeout
from bus.models.replies import IssueResult
from config.schema import HallConfig
from tests.conftest import REPO, Broker, start_mosquitto
from tests.integration.harness import ControllerThread, ManualClock, Node, controller_process
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

START = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.expect_log("WARNING", r"^controller lost the broker", logger="bus.client")
def test_broker_restart_controller_reconnects_and_restores_retained_state(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker
) -> None:
    """A broker that lost its retained messages gets them back from the controller."""
    controller = ControllerThread(
        hall, tmp_path / "data", mosquitto.url, ManualClock(START)
    ).start()
    node = Node(hall, mosquitto.url)
    try:
        node.staff_in("W02")
        node.send("queue", "issue", service="A01")
        node.send("queue", "call", window="W02")
        node.close()
        mosquitto.process.kill()
        mosquitto.process.wait(10)
        wait_until(lambda: not controller.bus.is_connected())
        restarted = start_mosquitto(tmp_path / "again", port=mosquitto.port)
        mosquitto.process = restarted.process  # the fixture stops whichever is running
        wait_until(controller.bus.is_connected, timeout=40)
        display = Node(hall, mosquitto.url, node="display-W02")
        kiosk = Node(hall, mosquitto.url, node="kiosk-1")
        try:
            window = display.latest(topics.window_state(hall.hall_id, "W02"))
            assert "A001" in json.dumps(window["data"])
            # Subscriptions were restored: commands work again.
            reply = kiosk.send("queue", "issue", service="A01")
            assert reply.result_as(IssueResult).ticket == "A002"
        finally:
            kiosk.close()
            display.close()
    finally:
        controller.stop()


def test_request_without_a_controller_times_out(hall: HallConfig, mosquitto: Broker) -> None:
    bus = PahoBus(hall.hall_id, "kiosk-1", mosquitto.url)
    bus.start()
    try:
        assert bus.wait_connected(10)
        future = bus.request(
            topics.command(hall.hall_id, bus.node, "queue", "issue"), {"v": 1, "id": "t"}, 0.5
        )
        with pytest.raises(RequestTimeout):
            future.result(5)
    finally:
        bus.stop()


def test_controller_tells_systemd_ready_and_pings_the_watchdog(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker
) -> None:
    notify = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    sock.settimeout(30)
    env = {**os.environ, "NOTIFY_SOCKET": str(notify)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hall.cli",
            "controller",
            "--config",
            "chengdong",
            "--data-dir",
            str(tmp_path / "data"),
            "--broker",
            mosquitto.url,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        seen = [sock.recv(256).decode(), sock.recv(256).decode()]
        assert "READY=1" in seen[0]
        assert "WATCHDOG=1" in seen[1]
    finally:
        proc.terminate()
        proc.wait(10)
        sock.close()


def test_notice_cli_push_list_revoke(hall: HallConfig, tmp_path: Path, mosquitto: Broker) -> None:
    """The hall manager's `hall notice …` commands go through the controller."""
    log = tmp_path / "controller.log"
    proc = controller_process(tmp_path / "data", mosquitto.url, START, log)
    node = Node(hall, mosquitto.url)
    hall_cmd = [sys.executable, "-m", "hall.cli", "notice"]
    common = ["--config", "chengdong", "--broker", mosquitto.url]
    try:
        wait_until(
            lambda: any(
                m.payload and m.json()["state"] == "online"
                for m in node.messages(topics.node_status(hall.hall_id, "controller"))
            )
        )
        pushed = subprocess.run(
            [
                *hall_cmd,
                "push",
                *common,
                "--text",
                "系统维护，暂停办理不动产业务",
                "--target",
                "window:W03",
                "--until",
                "2026-11-24T12:00:00+08:00",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert pushed.returncode == 0, pushed.stderr
        notice_id = json.loads(pushed.stdout)["notice_id"]
        assert node.latest(topics.notice(hall.hall_id, notice_id))["targets"] == ["window:W03"]
        listed = subprocess.run(
            [*hall_cmd, "list", *common], cwd=REPO, capture_output=True, text=True, timeout=30
        )
        assert notice_id in listed.stdout
        revoked = subprocess.run(
            [*hall_cmd, "revoke", *common, notice_id],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert revoked.returncode == 0, revoked.stderr
        assert node.removed(topics.notice(hall.hall_id, notice_id))
        again = subprocess.run(
            [*hall_cmd, "revoke", *common, notice_id],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert again.returncode == 1 and "unknown_notice" in again.stderr
    finally:
        node.close()
        proc.terminate()
        proc.wait(10)


@pytest.mark.expect_log("WARNING", r"^kiosk-1 lost the broker", logger="bus.client")
def test_node_is_back_within_the_bound_after_a_long_broker_outage(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker
) -> None:
    """Down long enough for an uncapped back-off to reach 16 s, the broker comes back: the
    node is connected (subscriptions confirmed) within ``RECONNECT_WITHIN_SECONDS`` of the
    new broker's port accepting, not after its next 16 or 30 s back-off."""
    import itertools
    import threading
    import time

    from bus.client import RECONNECT_MAX_DELAY, RECONNECT_WITHIN_SECONDS

    bus = PahoBus(hall.hall_id, "kiosk-1", mosquitto.url, role="kiosk")
    connected_at: list[float] = []
    back = threading.Event()

    def on_connection(up: bool) -> None:
        if up:
            connected_at.append(time.monotonic())
            back.set()

    bus.on_connection(on_connection)
    failed: list[float] = []
    # paho's hook for one reconnect attempt refused: the outage is counted in attempts.
    bus._client.on_connect_fail = lambda _client, _userdata: failed.append(time.monotonic())
    bus.start()
    try:
        assert bus.wait_connected(10)
        back.clear()
        mosquitto.process.kill()
        mosquitto.process.wait(10)
        wait_until(lambda: not bus.is_connected())
        # Four refused attempts: doubling from 1 s uncapped, the next wait would be 16 s.
        wait_until(lambda: len(failed) >= 4, timeout=30)
        gaps = [b - a for a, b in itertools.pairwise(failed)]
        assert max(gaps) < RECONNECT_MAX_DELAY + 1, gaps
        restarted = start_mosquitto(tmp_path / "again", port=mosquitto.port)
        accepting = time.monotonic()  # start_mosquitto returns once the port accepts
        mosquitto.process = restarted.process  # the fixture stops whichever is running
        assert back.wait(RECONNECT_WITHIN_SECONDS + 5), "the node did not come back"
        took = connected_at[-1] - accepting
        print(f"reconnected {took:.2f} s after the broker accepted again")
        assert took <= RECONNECT_WITHIN_SECONDS, took
    finally:
        bus.stop()
