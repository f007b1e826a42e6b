"""The host driver against the device simulator over a real pseudo-terminal."""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bus.models.devices import DeviceState
from firmware_bridge.interfaces import Display, KeySource
from firmware_bridge.mcu.caller import McuKeypad
from firmware_bridge.mcu.display import McuDisplay
from firmware_bridge.mcu.endpoint import SendResult, Timing
from firmware_bridge.mcu.frames import MsgType
from firmware_bridge.mcu.link import McuLink
from firmware_bridge.mcu.messages import Capability, DeviceType, KeyCode
from firmware_bridge.mcu.sim import CALLER_IDENTITY, DISPLAY_IDENTITY, McuDeviceSim

FAST = Timing(
    ack_timeout=0.05, max_retries=3, reply_timeout=0.3,
    heartbeat_interval=0.1, reconnect_interval=0.2, idle_gap=0.02,
)
WAIT = 3.0


@pytest.fixture
def display_sim(tmp_path: Path) -> Iterator[McuDeviceSim]:
    sim = McuDeviceSim(tmp_path / "display", DISPLAY_IDENTITY, timing=FAST).start()
    yield sim
    sim.close()


@pytest.fixture
def display(display_sim: McuDeviceSim) -> Iterator[McuDisplay]:
    device = McuDisplay(McuLink(display_sim.link, timing=FAST))
    device.open()
    yield device
    device.close()


@pytest.fixture
def caller_sim(tmp_path: Path) -> Iterator[McuDeviceSim]:
    sim = McuDeviceSim(tmp_path / "caller", CALLER_IDENTITY, timing=FAST).start()
    yield sim
    sim.close()


def test_identify_reports_type_firmware_and_capabilities(display: McuDisplay) -> None:
    assert isinstance(display, Display)
    assert display.state() == DeviceState.OK
    identity = display.identity
    assert identity is not None
    assert identity.device_type == DeviceType.DISPLAY
    assert identity.firmware_version == "1.2.0"
    assert identity.capabilities & Capability.TEXT and identity.lines == 2


def test_show_text_and_brightness_reach_the_board(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    display.show(0, "A001 请到3号窗口")
    display.show(1, "暂停服务")
    display.set_brightness(40)
    assert display_sim.wait_for(
        lambda m: m.lines.get(0, ("",))[0] == "A001 请到3号窗口"
        and m.lines.get(1, ("",))[0] == "暂停服务"
        and m.brightness == 40,
        WAIT,
    )


def test_lost_ack_is_retransmitted_and_applied_once(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    before = display.link.endpoint.stats.retransmits
    display_sim.endpoint.drop_acks = 1
    display.show(0, "A002")
    assert display.link.endpoint.stats.retransmits >= before + 1
    assert display_sim.endpoint.stats.duplicates >= 1
    assert display_sim.model.applied.count(("show", (0, "A002"))) == 1
    assert display.state() == DeviceState.OK


def test_corrupted_frame_is_recovered_by_retransmission(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    display.link.endpoint.corrupt_frames = 1
    display.show(1, "B007")
    assert display_sim.model.lines[1][0] == "B007"
    assert display_sim.endpoint.decoder.stats.crc_errors >= 1
    assert display.link.endpoint.stats.retransmits >= 1


def test_garbage_on_the_line_does_not_break_the_link(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    display_sim.port.write(bytes([0xA5, 0xF0, 0x00, 0xA5, 0x05, 0x11]) + b"\x00noise\xff")
    display.show(0, "C003")
    assert display_sim.model.lines[0][0] == "C003"
    assert display.state() == DeviceState.OK


def test_line_the_board_does_not_have_is_rejected_not_retried(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    from firmware_bridge.mcu.messages import encode_show_text

    assert display.link.send(MsgType.SHOW_TEXT, encode_show_text(5, "x")) is SendResult.REJECTED
    assert display.state() == DeviceState.OK


@pytest.mark.expect_log(
    "WARNING", r"/dead: no identify reply \(timeout\)", logger="firmware_bridge.mcu.link"
)
def test_silent_device_is_offline_within_bounded_time(tmp_path: Path) -> None:
    sim = McuDeviceSim(tmp_path / "dead", DISPLAY_IDENTITY, timing=FAST).start()
    sim.silent = True
    link = McuLink(sim.link, timing=FAST)
    try:
        started = time.monotonic()
        link.open()
        elapsed = time.monotonic() - started
        assert link.state() == DeviceState.OFFLINE
        assert link.identity is None
        # (max_retries + 1) ACK timeouts, plus scheduling slack on a shared machine.
        assert elapsed < (FAST.max_retries + 1) * FAST.ack_timeout + 1.0
    finally:
        link.close()
        sim.close()


@pytest.mark.expect_log(
    "WARNING", r"/dead: no identify reply \(timeout\)", logger="firmware_bridge.mcu.link"
)
def test_a_silent_board_is_one_warning_not_one_per_retry(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The keeper retries every reconnect_interval (2 s in the hall): a board left unpowered
    all day must not fill the log; it is said again only after it has answered."""
    sim = McuDeviceSim(tmp_path / "dead", DISPLAY_IDENTITY, timing=FAST).start()
    sim.silent = True
    link = McuLink(sim.link, timing=FAST)
    try:
        with caplog.at_level(logging.WARNING, logger="firmware_bridge.mcu.link"):
            link.open()
            for _ in range(3):
                link.identify()
        assert [r.getMessage() for r in caplog.records].count(
            f"{sim.link}: no identify reply (timeout); check power and cable"
        ) == 1
    finally:
        link.close()
        sim.close()


def test_display_comes_back_with_its_text_after_the_board_reboots(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    display.show(0, "A009")
    display_sim.reboot()  # blank screen, then an unsolicited identify reply
    assert display_sim.wait_for(lambda m: m.lines.get(0, ("",))[0] == "A009", WAIT)


@pytest.mark.expect_log(
    "WARNING", r"/late: no identify reply \(timeout\)", logger="firmware_bridge.mcu.link"
)
def test_board_that_powers_up_late_goes_online(tmp_path: Path) -> None:
    sim = McuDeviceSim(tmp_path / "late", DISPLAY_IDENTITY, timing=FAST).start()
    sim.silent = True
    display = McuDisplay(McuLink(sim.link, timing=FAST))
    states: queue.Queue[DeviceState] = queue.Queue()
    display.link.on_state(states.put)
    try:
        display.open()
        display.show(0, "A010")  # cached while offline
        assert display.state() == DeviceState.OFFLINE
        sim.silent = False
        assert states.get(timeout=WAIT) == DeviceState.OK
        assert sim.wait_for(lambda m: m.lines.get(0, ("",))[0] == "A010", WAIT)
    finally:
        display.close()
        sim.close()


@pytest.mark.expect_log(
    "WARNING", r"/display: no ACK after 4 tries; device offline", logger="firmware_bridge.mcu.link"
)
def test_heartbeat_notices_a_board_that_stops_answering(
    display: McuDisplay, display_sim: McuDeviceSim
) -> None:
    states: queue.Queue[DeviceState] = queue.Queue()
    display.link.on_state(states.put)
    display_sim.silent = True
    assert states.get(timeout=WAIT) == DeviceState.OFFLINE


def test_closing_while_a_message_waits_for_its_ack_is_not_a_board_gone_offline(
    tmp_path: Path,
) -> None:
    """close() stops the reader, so a message still in flight (the keeper's heartbeat) can no
    longer hear its ACK: that used to log the board offline at every close. The log check
    fails this test on that warning."""
    timing = dataclasses.replace(FAST, ack_timeout=0.5, heartbeat_interval=60.0)
    sim = McuDeviceSim(tmp_path / "display", DISPLAY_IDENTITY, timing=timing).start()
    link = McuLink(sim.link, timing=timing)
    results: list[SendResult] = []
    sender = threading.Thread(target=lambda: results.append(link.send(MsgType.HEARTBEAT)))
    try:
        link.open()
        assert link.state() == DeviceState.OK
        assert sim.wait_idle(WAIT)  # its identify reply acknowledged: nothing of its in flight
        sim.silent = True  # the ACK does not come: the send is still waiting at close()
        sender.start()
        time.sleep(0.1)  # well inside its (max_retries + 1) x 0.5 s
    finally:
        link.close()
        sim.close()
    sender.join(WAIT)
    assert results == [SendResult.TIMEOUT]
    assert link.state() == DeviceState.OFFLINE


def test_caller_keys_and_ratings_arrive_once_each(caller_sim: McuDeviceSim) -> None:
    keypad = McuKeypad(McuLink(caller_sim.link, timing=FAST))
    assert isinstance(keypad, KeySource)
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    keypad.on_event(lambda kind, value: events.put((kind, value)))
    keypad.open()
    try:
        assert keypad.identity is not None
        assert keypad.identity.device_type == DeviceType.CALLER
        keypad.link.endpoint.drop_acks = 1  # the host's ACK of the first key is lost
        caller_sim.press(KeyCode.NEXT)
        caller_sim.press(KeyCode.PAUSE)
        caller_sim.rate(5)
        got = [events.get(timeout=WAIT) for _ in range(3)]
        assert got == [("key", "next"), ("key", "pause"), ("rating", "5")]
        assert caller_sim.wait_idle(WAIT)
        assert caller_sim.endpoint.stats.retransmits >= 1
        assert events.empty()  # the retransmitted NEXT was not delivered twice
    finally:
        keypad.close()


def test_unmapped_key_code_is_ignored(caller_sim: McuDeviceSim) -> None:
    keypad = McuKeypad(McuLink(caller_sim.link, timing=FAST), keymap={0x01: "recall"})
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    keypad.on_event(lambda kind, value: events.put((kind, value)))
    keypad.open()
    try:
        caller_sim.press(0x42)
        caller_sim.press(0x01)
        assert events.get(timeout=WAIT) == ("key", "recall")
    finally:
        keypad.close()


@pytest.mark.expect_log(
    "WARNING", r"/usb-serial: read failed .*; device offline", logger="firmware_bridge.mcu.link"
)
def test_unplugged_board_is_offline_and_comes_back_with_its_text(tmp_path: Path) -> None:
    path = tmp_path / "usb-serial"
    sim = McuDeviceSim(path, DISPLAY_IDENTITY, timing=FAST).start()
    display = McuDisplay(McuLink(str(path), timing=FAST))
    states: queue.Queue[DeviceState] = queue.Queue()
    display.link.on_state(states.put)
    replugged: McuDeviceSim | None = None
    try:
        display.open()
        assert states.get_nowait() == DeviceState.OK
        display.show(0, "A011")
        sim.close()  # the USB-serial adapter is pulled out: the pty disappears
        assert states.get(timeout=WAIT) == DeviceState.OFFLINE
        replugged = McuDeviceSim(path, DISPLAY_IDENTITY, timing=FAST).start()
        assert states.get(timeout=WAIT) == DeviceState.OK
        assert replugged.wait_for(lambda m: m.lines.get(0, ("",))[0] == "A011", WAIT)
    finally:
        display.close()
        if replugged is not None:
            replugged.close()


def test_corrupted_key_event_is_nakked_and_arrives_once(caller_sim: McuDeviceSim) -> None:
    keypad = McuKeypad(McuLink(caller_sim.link, timing=FAST))
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    keypad.on_event(lambda kind, value: events.put((kind, value)))
    keypad.open()
    try:
        caller_sim.endpoint.corrupt_frames = 1  # the board's next frame leaves with a bad CRC
        caller_sim.press(KeyCode.SKIP)
        assert events.get(timeout=WAIT) == ("key", "skip")
        assert caller_sim.wait_idle(WAIT)
        assert keypad.link.endpoint.decoder.stats.crc_errors == 1
        assert caller_sim.endpoint.stats.naks_received == 1  # the host asked for it again
        assert events.empty()
    finally:
        keypad.close()
