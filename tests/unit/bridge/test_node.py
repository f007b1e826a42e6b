"""The bridge's node logic on the loop-back FakeBus: commands from keys, retained states,
open retries and driver faults — no broker, no hardware."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

import pytest

from bus import topics
from bus.core import Incoming, Payload
from bus.models.base import Reply
from bus.models.devices import DeviceState, PrintJob
from bus.models.replies import LoginResult
from bus.models.views import WindowView
from bus.testing import FakeBroker, FakeBus
from config.schema import DeviceConfig, HallConfig, Node
from firmware_bridge.bridge.endpoint import Overlay, Timing
from firmware_bridge.bridge.node import NodeBridge
from firmware_bridge.interfaces import DeviceOffline
from firmware_bridge.printer.jobs import print_data
from firmware_bridge.printer.samples import sample_ticket
from firmware_bridge.registry import build
from tests.viewdata import AT, current, rating, window
from tests.waiting import wait_until

FAST = Timing(state_poll_s=0.02, printer_poll_s=0.02, open_first_s=0.01, open_cap_s=0.04)


def _now(fn: Callable[[], None]) -> None:
    """The test thread plays the bridge's loop: handed-over work runs at once."""
    fn()


class RecordingBus(FakeBus):
    """Records every request it is asked to send (paho would queue them while offline)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[str] = []

    def request(self, topic: str, payload: Payload, timeout: float = 5.0) -> Future[Incoming]:
        self.requests.append(topic)
        return super().request(topic, payload, timeout)


@pytest.fixture
def broker() -> FakeBroker:
    return FakeBroker()


@pytest.fixture
def bridges() -> Iterator[list[NodeBridge]]:
    started: list[NodeBridge] = []
    yield started
    for bridge in started:
        bridge.stop()


def _start(
    hall: HallConfig, node: Node, bus: FakeBus, bridges: list[NodeBridge], **kwargs: Any
) -> NodeBridge:
    bridge = NodeBridge(hall, node, bus, _now, timing=FAST, **kwargs)
    bus.start()
    bridge.start()
    bridges.append(bridge)
    return bridge


def _controller(
    broker: FakeBroker,
    hall: HallConfig,
    verb: str,
    reply: Callable[[dict[str, Any]], Reply] = lambda body: Reply.success(body["id"]),
) -> list[dict[str, Any]]:
    """A controller stand-in that answers every ``queue/<verb>`` (accepts it, unless ``reply``
    says otherwise) and remembers it."""
    received: list[dict[str, Any]] = []
    bus = broker.client(hall.hall_id, "controller")

    def answer(message: Incoming) -> None:
        body = message.json()
        received.append(body)
        bus.reply(message, reply(body))

    bus.subscribe(topics.command_from_anyone(hall.hall_id, "queue", verb), answer)
    bus.start()
    return received


def _retained_view(broker: FakeBroker, hall: HallConfig, w: str, **data: Any) -> None:
    view = WindowView(at=AT, data=window(**data))
    broker.route(Incoming(topics.window_state(hall.hall_id, w), view.model_dump_json().encode(),
                          retain=True))


@pytest.mark.expect_log(
    "WARNING", r"^caller-W04/keys key next: 未连接消息总线", logger="firmware_bridge.bridge"
)
def test_a_key_pressed_while_the_broker_is_away_is_not_sent_later(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    """paho would queue the request and deliver it on reconnect: a surprise call."""
    calls = _controller(broker, hall, "call")
    bus = RecordingBus(hall.hall_id, "caller-W04", broker=broker)
    node = hall.node("caller-W04")
    assert node is not None
    bridge = _start(hall, node, bus, bridges)
    keys: Any = bridge.endpoints["keys"]
    bus.drop()
    keys.event("key", "next")
    bus.restore()
    assert bus.requests == [] and calls == []
    keys.event("key", "next")
    assert [c["window"] for c in calls] == ["W04"]


def test_rating_key_rates_the_finished_ticket_once(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    ratings = _controller(broker, hall, "rate")
    node = hall.node("evaluator-W04")
    assert node is not None
    bridge = _start(hall, node, broker.client(hall.hall_id, node.id), bridges)
    keys: Any = bridge.endpoints["keys"]
    keys.event("rating", "5")  # nothing finished yet
    assert ratings == []
    _retained_view(broker, hall, "W04", window="W04", number=4, evaluator=rating("B007"))
    keys.event("rating", "4")
    keys.event("rating", "5")  # the citizen pressed again: already rated
    assert [(r["ticket"], r["level"], r["window"]) for r in ratings] == [("B007", 4, "W04")]
    events = broker.messages(topics.device(hall.hall_id, node.id, "keys", "key"))
    assert [json.loads(m.payload)["value"] for m in events] == ["5", "4", "5"]


class FlakyPort:
    """A device whose port cannot be opened the first ``failures`` times."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.opens = 0
        self._state = DeviceState.OFFLINE

    def open(self) -> None:
        self.opens += 1
        if self.opens <= self.failures:
            raise DeviceOffline("cannot open /dev/ttyUSB7: no such device")
        self._state = DeviceState.OK

    def close(self) -> None:
        self._state = DeviceState.OFFLINE

    def state(self) -> DeviceState:
        return self._state

    def show(self, line: int, text: str) -> None:
        pass

    def set_brightness(self, level: int) -> None:
        pass


def test_a_device_that_cannot_be_opened_is_offline_with_the_reason_until_it_can(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    device = FlakyPort(failures=3)
    node = Node(id="display-W09", role="display", window="W09",
                devices=[DeviceConfig(name="led", kind="led", port="/dev/ttyUSB7")])
    _start(hall, node, broker.client(hall.hall_id, node.id), bridges,
           build=lambda kind, port, options: device)
    state_topic = topics.device(hall.hall_id, node.id, "led", "state")

    def states() -> list[tuple[str, str]]:
        return [(s["state"], s["detail"])
                for s in (json.loads(m.payload) for m in broker.messages(state_topic))]

    wait_until(lambda: states()[-1][0] == "ok")
    assert device.opens == 4
    assert ("offline", "cannot open /dev/ttyUSB7: no such device") in states()


class BrokenPrinter:
    """A driver with a bug: print_document raises."""

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def state(self) -> DeviceState:
        return DeviceState.OK

    def print_document(self, document: object) -> DeviceState:
        raise RuntimeError("driver bug")


@pytest.mark.expect_log(
    "ERROR", r"^kiosk-1/printer: device call failed", logger="firmware_bridge.bridge.worker"
)
@pytest.mark.expect_log(
    "WARNING", r"^kiosk-1/printer: ok -> error: 打印机故障", logger="firmware_bridge.bridge"
)
@pytest.mark.expect_log(
    "WARNING", r"^kiosk-1/printer: job j1 not printed: 打印机故障", logger="firmware_bridge.bridge"
)
def test_a_driver_that_raises_fails_the_job_not_the_bridge(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    node = hall.node("kiosk-1")
    assert node is not None
    bridge = _start(hall, node, broker.client(hall.hall_id, node.id), bridges,
                    build=lambda kind, port, options: (
                        BrokenPrinter() if kind == "printer" else build(kind, port, options)))
    job = PrintJob.of("j1", print_data(sample_ticket()))
    broker.route(Incoming(topics.device(hall.hall_id, "kiosk-1", "printer", "print"),
                          job.model_dump_json().encode()))
    result_topic = topics.device(hall.hall_id, "kiosk-1", "printer", "result")
    wait_until(lambda: broker.messages(result_topic))
    result = json.loads(broker.messages(result_topic)[0].payload)
    assert (result["ok"], result["state"]) == (False, "error")
    assert bridge.healthy()


def test_devices_of_other_nodes_are_skipped_and_bad_options_fail_before_anything_opens(
    hall: HallConfig, broker: FakeBroker
) -> None:
    terminal = hall.node("terminal-1")
    assert terminal is not None
    bridge = NodeBridge(hall, terminal, broker.client(hall.hall_id, "terminal-1"), _now)
    assert list(bridge.endpoints) == ["fingerprint"]  # the camera is the terminal's own
    bad = Node(id="kiosk-8", role="kiosk", devices=[
        DeviceConfig(name="printer", kind="printer", port="sim", options={"width_mm": 76})])
    with pytest.raises(ValueError, match="width_mm"):
        NodeBridge(hall, bad, broker.client(hall.hall_id, "kiosk-8"), _now)


def test_a_simulated_scan_is_published_as_the_scanned_text(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    node = hall.node("kiosk-2")
    assert node is not None
    _start(hall, node, broker.client(hall.hall_id, node.id), bridges)
    broker.route(Incoming(topics.device(hall.hall_id, "kiosk-2", "scanner", "press"),
                          b'{"v": 1, "scan": "YY-20261124-Q7"}'))
    scan_topic = topics.device(hall.hall_id, "kiosk-2", "scanner", "scan")
    wait_until(lambda: broker.messages(scan_topic))
    assert json.loads(broker.messages(scan_topic)[0].payload)["text"] == "YY-20261124-Q7"


class RecordingDisplay(FlakyPort):
    def __init__(self) -> None:
        super().__init__(failures=0)
        self.lines: dict[int, str] = {}
        self.brightness: int | None = None

    def show(self, line: int, text: str) -> None:
        self.lines[line] = text

    def set_brightness(self, level: int) -> None:
        self.brightness = level


@pytest.mark.expect_log(
    "WARNING",
    r"^display-W07/led: ignored an invalid message .*Invalid JSON",
    logger="firmware_bridge.bridge",
)
def test_led_follows_the_window_view_and_takes_explicit_text(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    display = RecordingDisplay()
    node = hall.node("display-W07")
    assert node is not None
    _start(hall, node, broker.client(hall.hall_id, node.id), bridges,
           build=lambda kind, port, options: display)
    _retained_view(broker, hall, "W07", window="W07", number=7, department_name="税务",
                   current=current("E015"))
    wait_until(lambda: display.lines == {0: "7号窗口 税务", 1: "E015 请到7号窗口"})
    broker.route(Incoming(topics.device(hall.hall_id, node.id, "led", "show"),
                          b'{"v": 1, "lines": ["\\u7cfb\\u7edf\\u7ef4\\u62a4"], "brightness": 40}'))
    wait_until(lambda: display.lines == {0: "系统维护", 1: ""} and display.brightness == 40)
    broker.route(Incoming(topics.device(hall.hall_id, node.id, "led", "show"), b"[1, 2"))
    assert bridges[0].endpoints["led"].invalid_messages == 1


def test_a_worker_stopped_before_it_started_closes_its_device() -> None:
    """A shutdown between building the devices and starting their threads (a later node
    failing to start) must close what was built, not raise from Thread.join."""
    from firmware_bridge.bridge.worker import DeviceWorker

    closed: list[bool] = []

    class Device:
        def open(self) -> None: ...
        def close(self) -> None:
            closed.append(True)

        def state(self) -> DeviceState:
            return DeviceState.OK

    worker = DeviceWorker("kiosk-1/printer", Device(), _now, lambda _s, _d: None)
    worker.stop()
    assert closed == [True]


def test_shutdown_closes_every_nodes_devices_before_any_bus_stop(
    hall: HallConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopping a bus can take seconds once the broker is gone, and the process is killed
    after a grace period: with --all-sim (36 nodes) the devices of the last nodes were
    never closed. All devices go first; each bus still stops after its devices did."""
    import asyncio

    from firmware_bridge.bridge.process import BridgeProcess, select_nodes

    order: list[str] = []

    def record(label: str, step: Callable[[], None]) -> Callable[[], None]:
        def recorded() -> None:
            order.append(label)
            step()  # still close the simulators

        return recorded

    process = BridgeProcess(hall, select_nodes(hall, [], all_sim=True)[:3], "mqtt://127.0.0.1:1")
    loop = asyncio.new_event_loop()
    try:
        process.build(loop)
        for node_id, bridge in process.bridges.items():
            monkeypatch.setattr(bridge, "stop", record(f"devices {node_id}", bridge.stop))
            monkeypatch.setattr(bridge.bus, "stop", record(f"bus {node_id}", bridge.bus.stop))
        process.close()
    finally:
        loop.close()
    nodes = list(process.bridges)
    assert order == [f"devices {n}" for n in nodes] + [f"bus {n}" for n in nodes]


def _login_controller(broker: FakeBroker, hall: HallConfig, pin: str) -> list[dict[str, Any]]:
    """A controller stand-in for ``queue/login``: the right PIN signs in 张敏."""

    def reply(body: dict[str, Any]) -> Reply:
        if body["pin"] != pin:
            return Reply.failure(body["id"], "bad_pin", "工号或密码错误 / wrong")
        return Reply.success(body["id"], LoginResult(window=body["window"], staff="S001",
                                                     name="张敏"))  # fmt: skip

    return _controller(broker, hall, "login", reply)


def _taps(*codes: int) -> list[Any]:
    from evdev import InputEvent, ecodes

    return [InputEvent(0, 0, ecodes.EV_KEY, c, v) for c in codes for v in (1, 0)]


def test_a_keypad_sign_in_shows_on_the_windows_led_calls_nothing_and_publishes_no_pin(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    """登录 1 Enter 4829 Enter on the caller keypad: the LED of the window's display (another
    node, same bridge process) asks for 工号 and 密码 (****), then says 欢迎 张敏 and gives the
    window view back; the digits call no ticket and none is on ``…/keys/key``."""
    from evdev import ecodes

    calls = _controller(broker, hall, "call")
    logins = _login_controller(broker, hall, pin="4829")
    display = RecordingDisplay()
    overlay = Overlay()
    caller_node, display_node = hall.node("caller-W01"), hall.node("display-W01")
    assert caller_node is not None and display_node is not None
    caller = _start(hall, caller_node, broker.client(hall.hall_id, caller_node.id), bridges,
                    overlay=overlay)
    _start(hall, display_node, broker.client(hall.hall_id, display_node.id), bridges,
           overlay=overlay, build=lambda kind, port, options: display)
    _retained_view(broker, hall, "W01", window="W01", number=1, department_name="社保医保")
    wait_until(lambda: display.lines == {0: "1号窗口 社保医保", 1: "欢迎光临"})
    keys: Any = caller.endpoints["keys"]
    clock = [1000.0]
    keys.clock = lambda: clock[0]
    device = keys.device

    device.inject(_taps(ecodes.KEY_KPASTERISK))
    wait_until(lambda: display.lines == {0: "请输入工号", 1: ""})
    device.inject(_taps(ecodes.KEY_KP1))  # types 1: no 叫号
    wait_until(lambda: display.lines == {0: "请输入工号", 1: "1"})
    device.inject(_taps(ecodes.KEY_KPENTER, ecodes.KEY_KP4, ecodes.KEY_KP8))
    wait_until(lambda: display.lines == {0: "请输入密码", 1: "**"})
    device.inject(_taps(ecodes.KEY_KP2, ecodes.KEY_KP9, ecodes.KEY_KPENTER))
    wait_until(lambda: display.lines == {0: "欢迎 张敏", 1: "登录成功"})
    assert calls == []
    assert [(b["window"], b["staff_number"], b["pin"]) for b in logins] == [("W01", "1", "4829")]
    published = broker.messages(topics.device(hall.hall_id, "caller-W01", "keys", "key"))
    assert [json.loads(m.payload)["action"] for m in published] == ["login"]

    clock[0] += FAST.sign_in_answer_s
    keys.tick()
    wait_until(lambda: display.lines == {0: "1号窗口 社保医保", 1: "欢迎光临"})
    device.inject(_taps(ecodes.KEY_KP1))  # the view is back: 1 is 叫号 again
    assert [c["window"] for c in calls] == ["W01"]


def test_a_wrong_pin_is_said_and_a_sign_in_left_alone_is_given_up(
    hall: HallConfig, broker: FakeBroker, bridges: list[NodeBridge]
) -> None:
    from evdev import ecodes

    _login_controller(broker, hall, pin="4829")
    node = hall.node("caller-W02")
    assert node is not None
    caller = _start(hall, node, broker.client(hall.hall_id, node.id), bridges)
    keys: Any = caller.endpoints["keys"]
    clock = [50.0]
    keys.clock = lambda: clock[0]
    kp = ecodes.KEY_KP1
    keys.device.inject(_taps(ecodes.KEY_KPASTERISK, kp, ecodes.KEY_KPENTER, kp, kp, kp, kp,
                             ecodes.KEY_KPENTER))
    assert caller.overlay.lines == ("登录失败", "工号或密码错误")
    keys.device.inject(_taps(ecodes.KEY_KPASTERISK, kp))
    assert caller.overlay.lines == ("请输入工号", "1")
    clock[0] += FAST.sign_in_timeout_s - 1
    keys.tick()
    assert caller.overlay.lines == ("请输入工号", "1")
    clock[0] += 1
    keys.tick()
    assert caller.overlay.lines is None
