"""The firmware bridge (issue 5 part 5) on a real Mosquitto: the sample hall's simulated
devices driven the way the hardware drives them (evdev ``InputEvent``s, the LED board's
serial protocol over a pty, the emulated USB printer), with the real controller behind.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import subprocess
import sys
import threading
import uuid
import zoneinfo
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from evdev import InputEvent, ecodes
from PIL import Image

from bus import topics
from bus.models.devices import DeviceState, PrintJob
from bus.models.replies import IssueResult, UserList
from config.schema import DeviceConfig, HallConfig
from config.schema import Node as NodeConfig
from firmware_bridge.bridge.endpoint import Timing
from firmware_bridge.bridge.node import Builder, NodeBridge
from firmware_bridge.bridge.process import BridgeProcess
from firmware_bridge.printer.jobs import print_data
from firmware_bridge.printer.samples import sample_ticket
from firmware_bridge.registry import build
from tests.conftest import REPO, Broker, start_mosquitto
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

TUESDAY_0930 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
FAST = Timing(
    state_poll_s=0.1, printer_poll_s=0.2, finger_poll_s=0.1, open_first_s=0.05,
    open_cap_s=0.2, command_timeout_s=5.0, watchdog_s=0.5,
)


class BridgeThread:
    """``hall bridge`` in-process: the real ``BridgeProcess`` on a loop in a thread."""

    def __init__(
        self, hall: HallConfig, nodes: Sequence[NodeConfig], url: str, preview_dir: Path,
        builder: Builder = build,
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.process = BridgeProcess(hall, nodes, url, preview_dir=preview_dir, timing=FAST,
                                     builder=builder)
        self.process.build(self.loop)
        self.notified: list[str] = []
        self._stop = asyncio.Event()
        self._thread = threading.Thread(
            target=self.loop.run_until_complete,
            args=(self.process.run(self._stop, self.notified.append),), daemon=True,
        )

    def start(self) -> BridgeThread:
        self._thread.start()
        wait_until(lambda: all(b.bus.is_connected() for b in self.process.bridges.values()))
        return self

    def node(self, node_id: str) -> NodeBridge:
        return self.process.bridges[node_id]

    def device(self, node_id: str, name: str) -> Any:
        return self.node(node_id).endpoints[name].device

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(20)
        self.loop.close()


@pytest.fixture
def controller(hall: HallConfig, tmp_path: Path, mosquitto: Broker) -> Iterator[ControllerThread]:
    running = ControllerThread(hall, tmp_path / "data", mosquitto.url,
                               ManualClock(TUESDAY_0930)).start()
    yield running
    running.stop()


@pytest.fixture
def watcher(hall: HallConfig, mosquitto: Broker) -> Iterator[Node]:
    node = Node(hall, mosquitto.url)
    yield node
    node.close()


def _bridge(hall: HallConfig, url: str, tmp_path: Path, *node_ids: str) -> BridgeThread:
    nodes = [n for n in hall.nodes if n.id in node_ids]
    return BridgeThread(hall, nodes, url, tmp_path / "previews").start()


def _dev(hall: HallConfig, node: str, device: str, leaf: str) -> str:
    return topics.device(hall.hall_id, node, device, leaf)


def _ticket_job() -> PrintJob:
    return PrintJob.of(uuid.uuid4().hex, print_data(sample_ticket()))


def _result(watcher: Node, hall: HallConfig, job: PrintJob, node: str = "kiosk-1") -> Any:
    return watcher.latest(_dev(hall, node, "printer", "result"),
                          until=lambda r: r is not None and r["job_id"] == job.job_id)


def _print(watcher: Node, hall: HallConfig, node: str = "kiosk-1") -> Any:
    """Send the sample ticket to ``node``'s printer; its PrintResult."""
    job = _ticket_job()
    watcher.bus.publish(_dev(hall, node, "printer", "print"), job)
    return _result(watcher, hall, job, node)


def _press(code: int) -> list[InputEvent]:
    """A key pressed and released, as the kernel reports it."""
    return [
        InputEvent(0, 0, ecodes.EV_KEY, code, 1),
        InputEvent(0, 1, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
        InputEvent(0, 2, ecodes.EV_KEY, code, 0),
        InputEvent(0, 3, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


def test_a_print_job_comes_out_as_a_png_preview_with_an_ok_result(
    hall: HallConfig, mosquitto: Broker, watcher: Node, tmp_path: Path
) -> None:
    bridge = _bridge(hall, mosquitto.url, tmp_path, "kiosk-1")
    try:
        state = watcher.latest(_dev(hall, "kiosk-1", "printer", "state"),
                               until=lambda s: s["state"] == "ok")
        assert state["detail"] == "打印机正常"
        job = _ticket_job()
        watcher.bus.publish(_dev(hall, "kiosk-1", "printer", "print"), job)
        result = _result(watcher, hall, job)
        assert (result["ok"], result["state"]) == (True, "ok")
        previews = list((tmp_path / "previews" / "kiosk-1").glob("*.png"))
        assert [p.name for p in previews] == ["0001-A012.png"]
        with Image.open(previews[0]) as image:
            assert image.width == 80 * 8  # kiosk-1 has the 80 mm roll (8 dots/mm)
            assert image.height > image.width  # a whole ticket, not an empty strip
        # The same job delivered again (QoS 1) is answered, not printed twice.
        watcher.bus.publish(_dev(hall, "kiosk-1", "printer", "print"), job)
        wait_until(lambda: len(watcher.messages(_dev(hall, "kiosk-1", "printer", "result"))) == 2)
        assert len(list((tmp_path / "previews" / "kiosk-1").glob("*.png"))) == 1
    finally:
        bridge.stop()


@pytest.mark.expect_log(
    "WARNING", r"^kiosk-1/printer: ok -> paper_out: 打印机缺纸", logger="firmware_bridge.bridge"
)
@pytest.mark.expect_log(
    "WARNING", r"^kiosk-1/printer: job \w+ not printed: 打印机缺纸", logger="firmware_bridge.bridge"
)
@pytest.mark.expect_log(
    "WARNING",
    r"invalid message on \S+/printer/print: Invalid JSON",
    logger="firmware_bridge.bridge",
)
@pytest.mark.expect_log(
    "WARNING",
    r"invalid message on \S+/printer/print: Field required",
    logger="firmware_bridge.bridge",
)
@pytest.mark.expect_log(
    "WARNING",
    r"^kiosk-1/printer: job bad-1 not printed: 打印任务格式错误",
    logger="firmware_bridge.bridge",
)
def test_paper_out_is_a_retained_state_and_a_failed_result_and_printing_resumes(
    hall: HallConfig, mosquitto: Broker, watcher: Node, tmp_path: Path
) -> None:
    bridge = _bridge(hall, mosquitto.url, tmp_path, "kiosk-1")
    state_topic = _dev(hall, "kiosk-1", "printer", "state")
    try:
        watcher.latest(state_topic, until=lambda s: s["state"] == "ok")
        bridge.device("kiosk-1", "printer").set_state(DeviceState.PAPER_OUT)
        state = watcher.latest(state_topic, until=lambda s: s["state"] == "paper_out")
        assert state["detail"].startswith("打印机缺纸")
        result = _print(watcher, hall)
        assert (result["ok"], result["state"]) == (False, "paper_out")
        assert "缺纸" in result["detail"]
        assert not list((tmp_path / "previews" / "kiosk-1").glob("*.png"))
        # Garbage on the print topic: answered when it names a job, never a crash.
        watcher.bus.publish(_dev(hall, "kiosk-1", "printer", "print"), b"\xff not json")
        watcher.bus.publish(_dev(hall, "kiosk-1", "printer", "print"),
                            {"v": 1, "job_id": "bad-1", "document": "ticket", "data": {}})
        bad = watcher.latest(_dev(hall, "kiosk-1", "printer", "result"),
                             until=lambda r: r["job_id"] == "bad-1")
        assert bad["ok"] is False
        # Paper loaded: the state clears by itself and the reprint comes out.
        bridge.device("kiosk-1", "printer").set_state(DeviceState.OK)
        watcher.latest(state_topic, until=lambda s: s["state"] == "ok")
        assert _print(watcher, hall)["ok"] is True
        assert bridge.alive()
    finally:
        bridge.stop()
    stopped = watcher.latest(state_topic, until=lambda s: s["state"] == "offline")
    assert "网桥已停止" in stopped["detail"]


@pytest.mark.expect_log(
    "WARNING", r"ok -> paper_out: 打印机缺纸", logger="firmware_bridge.printer.driver"
)
@pytest.mark.expect_log(
    "WARNING", r"not printing ticket A012: 打印机缺纸", logger="firmware_bridge.printer.driver"
)
@pytest.mark.expect_log(
    "WARNING", r"-> offline: 打印机未连接", logger="firmware_bridge.printer.driver"
)
@pytest.mark.expect_log(
    "WARNING", r"^kiosk-9/printer: ok -> paper_out: 打印机缺纸", logger="firmware_bridge.bridge"
)
@pytest.mark.expect_log(
    "WARNING", r"^kiosk-9/printer: job \w+ not printed: 打印机缺纸", logger="firmware_bridge.bridge"
)
@pytest.mark.expect_log(
    "WARNING", r"^kiosk-9/printer: \w+ -> offline: 打印机未连接", logger="firmware_bridge.bridge"
)
def test_emulated_usb_printer_paper_out_and_unplug_are_states(
    hall: HallConfig, mosquitto: Broker, watcher: Node, tmp_path: Path
) -> None:
    """The real ESC/POS driver on the emulated USB printer, behind the bridge."""
    from firmware_bridge.printer.config import from_config
    from firmware_bridge.printer.usb_emulator import (
        MODEL_80MM,
        EmulatedPrinter,
        EmulatedUsbBackend,
    )

    printer = EmulatedPrinter(MODEL_80MM)
    backend = EmulatedUsbBackend([printer])
    port = f"usb:{MODEL_80MM.id_vendor:04x}:{MODEL_80MM.id_product:04x}"
    kiosk = NodeConfig(id="kiosk-9", role="kiosk", devices=[
        DeviceConfig(name="printer", kind="printer", port=port, options={"width_mm": 80})])

    def builder(kind: str, port: str, options: dict[str, Any]) -> Any:
        return from_config({"port": port, **options}, backend=backend)

    bridge = BridgeThread(hall, [kiosk], mosquitto.url, tmp_path, builder).start()
    state_topic = _dev(hall, "kiosk-9", "printer", "state")
    try:
        watcher.latest(state_topic, until=lambda s: s["state"] == "ok")
        assert _print(watcher, hall, "kiosk-9")["ok"] is True
        assert b"A012" in printer.received

        printer.set_switches(paper_out=True)
        watcher.latest(state_topic, until=lambda s: s["state"] == "paper_out")
        assert _print(watcher, hall, "kiosk-9")["state"] == "paper_out"

        printer.set_switches(paper_out=False)
        printer.unplug()
        watcher.latest(state_topic, until=lambda s: s["state"] == "offline")
        printer.plug()
        watcher.latest(state_topic, until=lambda s: s["state"] == "ok")
        assert bridge.alive()
    finally:
        bridge.stop()


def test_caller_key_calls_and_the_led_display_and_evaluator_follow(
    hall: HallConfig, mosquitto: Broker, controller: ControllerThread, watcher: Node,
    tmp_path: Path,
) -> None:
    """叫号 on the keypad calls A001, the LED shows it, 办结 finishes, the rating key rates."""
    bridge = _bridge(hall, mosquitto.url, tmp_path, "caller-W01", "display-W01", "evaluator-W01")
    window_topic = topics.window_state(hall.hall_id, "W01")
    try:
        assert watcher.send("queue", "login", window="W01", staff="S001").ok
        assert watcher.send("queue", "issue", service="A01").result_as(IssueResult).ticket == "A001"
        caller = bridge.device("caller-W01", "keys")
        caller.inject(_press(ecodes.KEY_KP1))  # 叫号 (next)

        called = watcher.latest(topics.event(hall.hall_id, "ticket.called"))
        assert (called["data"]["ticket"], called["data"]["window"]) == ("A001", "W01")
        key = watcher.latest(_dev(hall, "caller-W01", "keys", "key"))
        assert key["action"] == "next"
        led = bridge.device("display-W01", "led").sim.model
        wait_until(lambda: led.lines.get(1, ("",))[0] == "A001 请到1号窗口")
        assert led.lines[0][0] == "1号窗口 社保医保"

        caller.inject(_press(ecodes.KEY_KP8))  # 办结 (finish)
        watcher.latest(window_topic, until=lambda v: v["data"]["evaluator"]["state"] == "rating")
        evaluator = bridge.node("evaluator-W01")
        wait_until(lambda: evaluator.view is not None
                   and evaluator.view.evaluator.state == "rating")
        wait_until(lambda: led.lines.get(1, ("",))[0] == "欢迎光临")

        bridge.device("evaluator-W01", "keys").inject(_press(ecodes.KEY_KP5))
        rated = watcher.latest(topics.event(hall.hall_id, "ticket.rated"))
        assert (rated["data"]["ticket"], rated["data"]["level"]) == ("A001", 5)

        caller.inject(_press(ecodes.KEY_KP6))  # 暂停 (pause)
        wait_until(lambda: led.lines.get(1, ("",))[0] == "暂停服务")
        caller.inject(_press(ecodes.KEY_KP7))  # 恢复 (resume) while paused: service resumes
        watcher.latest(window_topic, until=lambda v: v["data"]["paused"] is False)
    finally:
        bridge.stop()


PIN = "4829"
_DIGITS = {str(n): ecodes.ecodes[f"KEY_KP{n}"] for n in range(10)}


def _keypad_sign_in(caller: Any, led: Any, number: str, pin: str) -> None:
    """登录, the 工号, Enter, the PIN, Enter, as a numeric keypad sends them, checking that the
    window's LED asks for each (the PIN shown as ``*``)."""
    caller.inject(_press(ecodes.KEY_KPASTERISK))  # 登录
    _led_says(led, "请输入工号", "")
    for digit in number:
        caller.inject(_press(_DIGITS[digit]))
    _led_says(led, "请输入工号", number)
    caller.inject(_press(ecodes.KEY_KPENTER))
    _led_says(led, "请输入密码", "")
    for digit in pin:
        caller.inject(_press(_DIGITS[digit]))
    _led_says(led, "请输入密码", "*" * len(pin))
    caller.inject(_press(ecodes.KEY_KPENTER))


def _led_says(led: Any, top: str, bottom: str) -> None:
    """Waits until the simulated LED board shows these two lines."""
    wait_until(lambda: [led.lines.get(n, ("",))[0] for n in (0, 1)] == [top, bottom])


def _add_staff(watcher: Node, staff: str = "S001", window: str = "W01") -> None:
    reply = watcher.send("users", "add", user="zhangmin", role="staff", staff_id=staff,
                         windows=[window], password="Zhang-Min-2026!", pin=PIN)  # fmt: skip
    assert reply.ok, reply.error


def test_a_staff_member_signs_in_at_the_keypad_with_staff_number_and_pin(
    hall: HallConfig, mosquitto: Broker, controller: ControllerThread, watcher: Node,
    tmp_path: Path,
) -> None:
    """登录 1 Enter 4829 Enter on W01's numeric keypad (evdev events): the window's LED asks
    for 工号 and 密码, the controller checks the PIN, the window view shows 张敏 (CD001), the
    LED says 欢迎 张敏; the digits called nothing, and then 1 calls again."""
    _add_staff(watcher)
    bridge = _bridge(hall, mosquitto.url, tmp_path, "caller-W01", "display-W01")
    window_topic = topics.window_state(hall.hall_id, "W01")
    try:
        watcher.send("queue", "issue", service="A01")
        caller = bridge.device("caller-W01", "keys")
        led = bridge.device("display-W01", "led").sim.model
        _led_says(led, "1号窗口 社保医保", "无人值守")
        _keypad_sign_in(caller, led, "1", PIN)
        view = watcher.latest(window_topic, until=lambda v: v["data"]["staff"] is not None)
        assert view["data"]["staff"] == {
            "id": "S001", "name": "张敏", "staff_number": "CD001", "department": "shebao",
        }  # fmt: skip
        _led_says(led, "欢迎 张敏", "登录成功")
        assert view["data"]["current"] is None  # 1, 4, 8, 2, 9 typed: none of them acted
        assert not watcher.messages(topics.event(hall.hall_id, "ticket.called"))
        keys = [m.json()["action"] for m in
                watcher.messages(_dev(hall, "caller-W01", "keys", "key"))]  # fmt: skip
        assert keys == ["login"]  # no digit of the PIN on the bus

        caller.inject(_press(ecodes.KEY_KP1))  # 叫号: the answer gives way, A001 is called
        called = watcher.latest(topics.event(hall.hall_id, "ticket.called"))
        assert (called["data"]["ticket"], called["data"]["staff"]) == ("A001", "S001")
        _led_says(led, "1号窗口 社保医保", "A001 请到1号窗口")
    finally:
        bridge.stop()


def test_wrong_pins_at_the_keypad_are_refused_change_nothing_and_five_lock(
    hall: HallConfig, mosquitto: Broker, controller: ControllerThread, watcher: Node,
    tmp_path: Path,
) -> None:
    _add_staff(watcher)
    bridge = _bridge(hall, mosquitto.url, tmp_path, "caller-W01", "display-W01")
    window_topic = topics.window_state(hall.hall_id, "W01")
    try:
        caller = bridge.device("caller-W01", "keys")
        led = bridge.device("display-W01", "led").sim.model
        before = watcher.latest(window_topic)
        for _ in range(5):
            _keypad_sign_in(caller, led, "1", "1111")
            _led_says(led, "登录失败", "工号或密码错误")
        _keypad_sign_in(caller, led, "1", PIN)  # the right PIN, too late
        _led_says(led, "登录失败", "账号锁定至09:45")
        assert watcher.latest(window_topic) == before and before["data"]["staff"] is None
        users = watcher.send("users", "list").result_as(UserList).users
        assert users[0].failed_attempts == 5 and users[0].locked_until is not None
    finally:
        bridge.stop()


def test_simulated_press_over_mqtt_drives_the_queue_like_a_key(
    hall: HallConfig, mosquitto: Broker, controller: ControllerThread, watcher: Node,
    tmp_path: Path,
) -> None:
    """The demo's way in: ``…/keys/press`` on a ``port: sim`` keypad is a real key press."""
    bridge = _bridge(hall, mosquitto.url, tmp_path, "caller-W05")
    try:
        watcher.staff_in("W05")
        watcher.send("queue", "issue", service="C01")
        watcher.bus.publish(_dev(hall, "caller-W05", "keys", "press"), {"v": 1, "key": "next"})
        called = watcher.latest(topics.event(hall.hall_id, "ticket.called"))
        assert (called["data"]["ticket"], called["data"]["window"]) == ("C001", "W05")
    finally:
        bridge.stop()


@pytest.mark.expect_log("WARNING", r"^controller lost the broker", logger="bus.client")
@pytest.mark.expect_log("WARNING", r"^kiosk-1 lost the broker", logger="bus.client")
@pytest.mark.expect_log("WARNING", r"^caller-W02 lost the broker", logger="bus.client")
def test_broker_restart_bridge_reconnects_restores_state_and_keys_work_again(
    hall: HallConfig, mosquitto: Broker, controller: ControllerThread, tmp_path: Path
) -> None:
    bridge = _bridge(hall, mosquitto.url, tmp_path, "kiosk-1", "caller-W02")
    try:
        mosquitto.process.kill()
        mosquitto.process.wait(10)
        wait_until(lambda: not bridge.node("kiosk-1").bus.is_connected())
        restarted = start_mosquitto(tmp_path / "again", port=mosquitto.port)
        mosquitto.process = restarted.process  # the fixture stops whichever is running
        wait_until(lambda: all(b.bus.is_connected() for b in bridge.process.bridges.values())
                   and controller.bus.is_connected(), timeout=40)
        watcher = Node(hall, mosquitto.url)
        try:
            # The restarted broker had no retained messages: the bridge said them again.
            state = watcher.latest(_dev(hall, "kiosk-1", "printer", "state"))
            assert state["state"] == "ok"
            watcher.staff_in("W02")
            watcher.send("queue", "issue", service="A01")
            bridge.device("caller-W02", "keys").inject(_press(ecodes.KEY_KP1))
            called = watcher.latest(topics.event(hall.hall_id, "ticket.called"))
            assert (called["data"]["ticket"], called["data"]["window"]) == ("A001", "W02")
            assert _print(watcher, hall)["ok"] is True
        finally:
            watcher.close()
        assert bridge.notified[0] == "READY=1" and "WATCHDOG=1" in bridge.notified
    finally:
        bridge.stop()


def test_fingerprint_touch_is_one_finger_event_per_touch(
    hall: HallConfig, mosquitto: Broker, watcher: Node, tmp_path: Path
) -> None:
    bridge = _bridge(hall, mosquitto.url, tmp_path, "terminal-1")
    finger_topic = _dev(hall, "terminal-1", "fingerprint", "finger")
    try:
        assert "camera" not in bridge.node("terminal-1").endpoints  # not the bridge's
        watcher.latest(_dev(hall, "terminal-1", "fingerprint", "state"),
                       until=lambda s: s["state"] == "ok")
        sim = bridge.device("terminal-1", "fingerprint").sim
        sim.slots[3] = 42  # finger 42 enrolled in slot 3
        sim.place_finger(42)
        assert watcher.latest(finger_topic)["slot"] == 3
        sim.remove_finger()
        finger = bridge.node("terminal-1").endpoints["fingerprint"]
        wait_until(lambda: not finger.finger_down)  # type: ignore[attr-defined]
        sim.place_finger(7)  # nobody's finger
        event = watcher.latest(finger_topic, until=lambda e: e["slot"] is None)
        assert json.loads(json.dumps(event)) == {"v": 1, "slot": None}
        assert len(watcher.messages(finger_topic)) == 2
    finally:
        bridge.stop()


def test_hall_bridge_command_serves_a_node_and_stops_cleanly_on_sigterm(
    hall: HallConfig, mosquitto: Broker, watcher: Node, tmp_path: Path
) -> None:
    """As systemd runs it: ``hall bridge --node``; SIGTERM leaves the devices ``offline``."""
    hall_cmd = [sys.executable, "-m", "hall.cli", "bridge", "--config", "chengdong"]
    unknown = subprocess.run([*hall_cmd, "--node", "kiosk-7", "--broker", mosquitto.url],
                             cwd=REPO, capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "kiosk-7" in unknown.stderr
    log = tmp_path / "bridge.log"
    process = subprocess.Popen(
        [*hall_cmd, "--node", "kiosk-2", "--broker", mosquitto.url,
         "--preview-dir", str(tmp_path / "previews")],
        cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    state_topic = _dev(hall, "kiosk-2", "printer", "state")
    try:
        watcher.latest(state_topic, until=lambda s: s["state"] == "ok")
        assert _print(watcher, hall, "kiosk-2")["ok"] is True
        assert list((tmp_path / "previews" / "kiosk-2").glob("*.png"))
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0, log.read_text()
    stopped = watcher.latest(state_topic, until=lambda s: s["state"] != "ok")
    assert (stopped["state"], stopped["detail"]) == ("offline", "网桥已停止 / the bridge stopped")
    assert "Traceback" not in log.read_text()
