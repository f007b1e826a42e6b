"""evdev inputs, fed with streams of real ``evdev.InputEvent`` (no /dev/uinput here)."""

from __future__ import annotations

import errno
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator

import pytest
from evdev import InputEvent, ecodes

from bus.models.devices import DeviceState
from firmware_bridge.inputs.drivers import (
    CallerKeypadOptions,
    evaluator_from_config,
    keypad_from_config,
    scanner_from_config,
)
from firmware_bridge.inputs.hotplug import DeviceMatch, find_device, udev_identity
from firmware_bridge.inputs.keys import caller_translator, evaluator_translator
from firmware_bridge.inputs.scanner import ScannerTranslator, events_for_text
from firmware_bridge.inputs.source import EvdevKeySource, SimKeySource
from firmware_bridge.interfaces import KeySource, split_caller_key

DOWN, UP, REPEAT = 1, 0, 2


def key(code: int, value: int, t: int = 0) -> list[InputEvent]:
    """What the kernel sends for one key transition: MSC_SCAN, the key, SYN_REPORT."""
    return [
        InputEvent(1700000000, t, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70000 + code),
        InputEvent(1700000000, t, ecodes.EV_KEY, code, value),
        InputEvent(1700000000, t, ecodes.EV_SYN, ecodes.SYN_REPORT, 0),
    ]


def tap(code: int) -> list[InputEvent]:
    return key(code, DOWN) + key(code, UP)


def test_caller_keypad_default_map() -> None:
    """Each key's action, and what it types in a sign-in after 登录 (``next/1``)."""
    stream = tap(ecodes.KEY_KP1) + tap(ecodes.KEY_KP2) + tap(ecodes.KEY_KP6) + tap(ecodes.KEY_KP8)
    assert list(caller_translator().translate(stream)) == [
        ("key", "next/1"), ("key", "recall/2"), ("key", "pause/6"), ("key", "finish/8"),
    ]
    signing = [ecodes.KEY_KPASTERISK, ecodes.KEY_KP0, ecodes.KEY_KP9, ecodes.KEY_KPENTER,
               ecodes.KEY_KPDOT, ecodes.KEY_BACKSPACE, ecodes.KEY_KPSLASH]
    assert [v for _, v in caller_translator().translate(e for c in signing for e in tap(c))] == [
        "login", "0", "9", "enter", "clear", "clear", "logout",
    ]
    assert [split_caller_key(v) for v in ("next/1", "0", "login")] == [
        ("next", "1"), (None, "0"), ("login", None),
    ]


def test_held_key_calls_once_and_unmapped_keys_are_ignored() -> None:
    stream = (key(ecodes.KEY_KP1, DOWN) + key(ecodes.KEY_KP1, REPEAT) * 5
              + key(ecodes.KEY_KP1, UP) + tap(ecodes.KEY_A))
    assert list(caller_translator().translate(stream)) == [("key", "next/1")]


def test_caller_keymap_is_configurable() -> None:
    """The actions are the keymap's; the digits type in a sign-in whatever it maps."""
    opts = CallerKeypadOptions.model_validate(
        {"keymap": {"KEY_F1": "next", "KEY_F2": "transfer", "KEY_F3": "resume",
                    "KEY_F4": "login"}}
    )
    stream = tap(ecodes.KEY_F2) + tap(ecodes.KEY_KP1) + tap(ecodes.KEY_F3) + tap(ecodes.KEY_F4)
    assert list(caller_translator(opts.keymap).translate(stream)) == [
        ("key", "transfer"), ("key", "1"), ("key", "resume"), ("key", "login"),
    ]


@pytest.mark.parametrize(
    "bad", [{"KEY_F1": "call"}, {"KEY_NOPE": "next"}],
)
def test_bad_caller_keymap_is_rejected_with_the_key(bad: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        CallerKeypadOptions.model_validate({"keymap": bad})


def test_evaluator_five_keys_give_ratings() -> None:
    stream = [e for n in (5, 1, 3) for e in tap(ecodes.ecodes[f"KEY_KP{n}"])]
    stream += tap(ecodes.KEY_4) + tap(ecodes.KEY_KP6)
    assert list(evaluator_translator().translate(stream)) == [
        ("rating", "5"), ("rating", "1"), ("rating", "3"), ("rating", "4"),
    ]


def test_scanner_text_with_shift_and_enter() -> None:
    shift = ecodes.KEY_LEFTSHIFT
    stream = (
        key(shift, DOWN) + tap(ecodes.KEY_A) + key(shift, UP)  # "A"
        + tap(ecodes.KEY_0) + tap(ecodes.KEY_1)  # "01"
        + key(ecodes.KEY_RIGHTSHIFT, DOWN) + tap(ecodes.KEY_SEMICOLON)  # ":"
        + key(ecodes.KEY_RIGHTSHIFT, UP)
        + tap(ecodes.KEY_B) + tap(ecodes.KEY_MINUS)  # "b-"
        + tap(ecodes.KEY_ENTER)
    )
    assert list(ScannerTranslator().translate(stream)) == [("scan", "A01:b-")]


def test_scanner_emits_one_string_per_enter_and_ignores_empty_lines() -> None:
    stream = (tap(ecodes.KEY_ENTER) + tap(ecodes.KEY_1) + tap(ecodes.KEY_KPENTER)
              + tap(ecodes.KEY_2) + tap(ecodes.KEY_ENTER))
    assert list(ScannerTranslator().translate(stream)) == [("scan", "1"), ("scan", "2")]


def test_scanner_caps_lock_inverts_letters_only() -> None:
    stream = tap(ecodes.KEY_CAPSLOCK) + tap(ecodes.KEY_Q) + tap(ecodes.KEY_1)
    stream += key(ecodes.KEY_LEFTSHIFT, DOWN) + tap(ecodes.KEY_Q) + key(ecodes.KEY_LEFTSHIFT, UP)
    stream += tap(ecodes.KEY_ENTER)
    assert list(ScannerTranslator().translate(stream)) == [("scan", "Q1q")]


def test_scanner_round_trips_a_booking_url() -> None:
    text = "https://hall.example.cn/q?t=A001&c=Xy_9~"
    assert list(ScannerTranslator().translate(events_for_text(text))) == [("scan", text)]


def test_scanner_drops_a_runaway_code() -> None:
    translator = ScannerTranslator(max_length=4)
    stream = [e for _ in range(6) for e in tap(ecodes.KEY_7)] + tap(ecodes.KEY_ENTER)
    assert list(translator.translate(stream)) == [("scan", "77")]
    assert translator.overflows == 1


@pytest.mark.parametrize(
    ("factory", "events", "expected"),
    [
        (keypad_from_config, tap(ecodes.KEY_KP3), ("key", "skip/3")),
        (evaluator_from_config, tap(ecodes.KEY_KP2), ("rating", "2")),
        (scanner_from_config, events_for_text("A001"), ("scan", "A001")),
    ],
)
def test_port_sim_gives_a_keysource_with_the_same_translation(
    factory: object, events: list[InputEvent], expected: tuple[str, str]
) -> None:
    assert callable(factory)
    source = factory({"port": "sim"})
    assert isinstance(source, SimKeySource) and isinstance(source, KeySource)
    got: list[tuple[str, str]] = []
    source.on_event(lambda kind, value: got.append((kind, value)))
    source.open()
    source.inject(events)
    assert got == [expected] and source.state() == DeviceState.OK


def test_device_match_by_name_vendor_product() -> None:
    match = DeviceMatch(name="barcode", vendor=0x1A86)
    assert match.matches("USB Barcode Scanner", 0x1A86, 0xE026)
    assert not match.matches("USB Barcode Scanner", 0x0483, 0xE026)
    assert not match.matches("Dell Keyboard", 0x1A86, 0x0001)


def test_udev_properties_give_name_and_usb_ids() -> None:
    identity = udev_identity({"ID_VENDOR_ID": "1a86", "ID_MODEL_ID": "e026"},
                             {"NAME": '"USB Barcode Scanner"'})
    assert identity == ("USB Barcode Scanner", 0x1A86, 0xE026)
    assert udev_identity({}, {}) == ("", None, None)


class FakeInfo:
    def __init__(self, vendor: int, product: int) -> None:
        self.vendor, self.product = vendor, product


class FakeInputDevice:
    """The slice of ``evdev.InputDevice`` the source uses, with a real fd to select on."""

    def __init__(self, name: str, vendor: int, product: int) -> None:
        self.name = name
        self.info = FakeInfo(vendor, product)
        self._r, self._w = os.pipe()
        self.fd = self._r
        self._pending: queue.Queue[list[InputEvent] | None] = queue.Queue()
        self.grabbed = False
        self.closed = threading.Event()

    def push(self, events: list[InputEvent] | None) -> None:
        """Events the kernel delivers; None is the device being unplugged (ENODEV)."""
        self._pending.put(events)
        os.write(self._w, b"x")

    def read(self) -> Iterator[InputEvent]:
        os.read(self._r, 1)
        events = self._pending.get_nowait()
        if events is None:
            raise OSError(errno.ENODEV, "No such device")
        return iter(events)

    def grab(self) -> None:
        self.grabbed = True

    def ungrab(self) -> None:
        self.grabbed = False

    def close(self) -> None:
        if not self.closed.is_set():
            self.closed.set()
            os.close(self._r)
            os.close(self._w)


@pytest.mark.expect_log(
    "WARNING", r"input device lost \(\[Errno 19\]", logger="firmware_bridge.inputs.source"
)
def test_real_source_grabs_translates_and_goes_offline_on_unplug() -> None:
    specs = {
        "/dev/input/event3": ("AT Translated Keyboard", 0x0001, 0x0001),
        "/dev/input/event7": ("USB Barcode Scanner", 0x1A86, 0xE026),
    }
    opened: list[tuple[str, FakeInputDevice]] = []

    def open_device(path: str) -> FakeInputDevice:
        device = FakeInputDevice(*specs[path])
        opened.append((path, device))
        return device

    source = EvdevKeySource(
        ScannerTranslator(), DeviceMatch(name="barcode"), hotplug=False,
        list_devices=lambda: list(specs), open_device=open_device, rescan_interval=60,
    )
    got: queue.Queue[tuple[str, str]] = queue.Queue()
    source.on_event(lambda kind, value: got.put((kind, value)))
    try:
        source.open()
        assert source.state() == DeviceState.OK
        path, scanner = opened[-1]
        assert path == "/dev/input/event7"
        assert scanner.grabbed, "keystrokes must not leak into the kiosk UI"
        scanner.push(events_for_text("B12"))
        assert got.get(timeout=2) == ("scan", "B12")
        scanner.push(None)  # unplugged
        assert scanner.closed.wait(2)
        assert source.state() == DeviceState.OFFLINE
    finally:
        source.close()
    for _, device in opened:
        device.close()


def test_find_device_skips_devices_it_may_not_open() -> None:
    def open_device(path: str) -> FakeInputDevice:
        if path.endswith("0"):
            raise PermissionError(errno.EACCES, "denied")
        return FakeInputDevice("Caller Keypad", 0x04D9, 0x1203)

    found = find_device(DeviceMatch(vendor=0x04D9), lambda: ["/dev/input/event0",
                                                             "/dev/input/event1"], open_device)
    assert found == "/dev/input/event1"


class FakeUdevDevice:
    def __init__(self, action: str, node: str | None, props: dict[str, str],
                 parent_props: dict[str, str]) -> None:
        self.action, self.device_node, self.properties = action, node, props
        self.parent = type("Parent", (), {"properties": parent_props})()


def test_hotplug_reports_only_matching_event_nodes_being_added() -> None:
    from firmware_bridge.inputs.hotplug import HotplugMonitor

    added: list[str] = []
    monitor = HotplugMonitor(DeviceMatch(name="scanner", vendor=0x1A86), added.append)
    usb = {"ID_VENDOR_ID": "1a86", "ID_MODEL_ID": "e026"}
    name = {"NAME": '"HID Barcode Scanner"'}
    monitor._event(FakeUdevDevice("add", "/dev/input/event9", usb, name))
    monitor._event(FakeUdevDevice("remove", "/dev/input/event9", usb, name))
    monitor._event(FakeUdevDevice("add", "/dev/input/mouse2", usb, name))
    monitor._event(FakeUdevDevice("add", "/dev/input/event4", {"ID_VENDOR_ID": "046d"}, name))
    assert added == ["/dev/input/event9"]


def test_hotplug_monitor_start_never_raises() -> None:
    from firmware_bridge.inputs.hotplug import HotplugMonitor

    monitor = HotplugMonitor(DeviceMatch(name="x"), lambda node: None)
    started = monitor.start()  # False in containers without udev; then the source rescans
    monitor.stop()
    assert started in (True, False)


@pytest.mark.expect_log(
    "WARNING", r"input device lost \(\[Errno 19\]", logger="firmware_bridge.inputs.source"
)
def test_replugged_scanner_is_reattached_and_grabbed_again() -> None:
    attached: queue.Queue[FakeInputDevice] = queue.Queue()

    def open_device(path: str) -> FakeInputDevice:
        device = FakeInputDevice("USB Barcode Scanner", 0x1A86, 0xE026)
        attached.put(device)
        return device

    plugged = ["/dev/input/event7"]
    source = EvdevKeySource(
        ScannerTranslator(), DeviceMatch(vendor=0x1A86), hotplug=False,
        list_devices=lambda: list(plugged), open_device=open_device, rescan_interval=0.05,
    )
    got: queue.Queue[tuple[str, str]] = queue.Queue()
    source.on_event(lambda kind, value: got.put((kind, value)))
    devices: list[FakeInputDevice] = []
    try:
        source.open()
        devices += [attached.get(timeout=2), attached.get(timeout=2)]  # probe, then attach
        plugged.clear()
        devices[-1].push(None)  # unplugged
        assert devices[-1].closed.wait(2)
        plugged.append("/dev/input/event12")  # back, under a new event number
        devices += [attached.get(timeout=2), attached.get(timeout=2)]
        assert devices[-1].grabbed
        devices[-1].push(events_for_text("C5"))
        assert got.get(timeout=2) == ("scan", "C5")
        assert source.state() == DeviceState.OK
    finally:
        source.close()
        for device in devices:
            device.close()


@pytest.mark.expect_log(
    "WARNING",
    r"cannot grab /dev/input/event7 \(\[Errno 16\]",
    logger="firmware_bridge.inputs.source",
)
def test_a_device_that_cannot_be_grabbed_is_closed_again() -> None:
    """EBUSY on EVIOCGRAB (another program holds the scanner): the source stays offline and
    closes the node it opened, so the rescan every few seconds does not leak descriptors."""
    opened: list[FakeInputDevice] = []

    class BusyDevice(FakeInputDevice):
        def grab(self) -> None:
            raise OSError(errno.EBUSY, "Device or resource busy")

    def open_device(path: str) -> FakeInputDevice:
        device = BusyDevice("USB Barcode Scanner", 0x1A86, 0xE026)
        opened.append(device)
        return device

    source = EvdevKeySource(
        ScannerTranslator(), DeviceMatch(path="/dev/input/event7"), hotplug=False,
        list_devices=lambda: [], open_device=open_device, rescan_interval=60,
    )
    try:
        source.open()
        assert source.state() == DeviceState.OFFLINE
        assert len(opened) == 1
        assert opened[0].closed.is_set(), "the node opened for the failed grab must be closed"
    finally:
        source.close()
        for device in opened:
            device.close()


@pytest.mark.expect_log(
    "WARNING",
    r"cannot open /dev/input/event7 \(\[Errno 13\]",
    logger="firmware_bridge.inputs.source",
)
def test_a_device_it_may_not_open_is_one_warning_however_often_it_rescans(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A fixed device path without permission (service user not in group input): the
    rescan every few seconds must not repeat the warning all day."""
    tries: list[str] = []

    def open_device(path: str) -> FakeInputDevice:
        tries.append(path)
        raise PermissionError(errno.EACCES, "Permission denied")

    source = EvdevKeySource(
        ScannerTranslator(), DeviceMatch(path="/dev/input/event7"), hotplug=False,
        list_devices=lambda: [], open_device=open_device, rescan_interval=0.01,
    )
    with caplog.at_level(logging.WARNING, logger="firmware_bridge.inputs.source"):
        source.open()
        deadline = time.monotonic() + 3
        while len(tries) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        source.close()
    assert len(tries) >= 4
    assert len([r for r in caplog.records if "cannot open" in r.getMessage()]) == 1


def test_a_board_without_digit_keys_may_sign_out_but_not_in() -> None:
    """The microcontroller caller (protocol v1) has no digits to type a PIN with."""
    from firmware_bridge.mcu.caller import McuKeypadOptions

    board = {"port": "sim", "keymap": {6: "logout"}}
    assert McuKeypadOptions.model_validate(board).keymap == {6: "logout"}
    with pytest.raises(ValueError, match="key 0x06: login types 工号 and PIN"):
        McuKeypadOptions.model_validate({"port": "sim", "keymap": {6: "login"}})
