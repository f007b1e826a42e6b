"""`hall sim …` processes and the driver registry, as the bridge and the demo use them."""

from __future__ import annotations

import queue
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from pyfingerprint.pyfingerprint import PyFingerprint

from bus.models.devices import DeviceState
from firmware_bridge import registry
from firmware_bridge.fingerprint.driver import FingerprintModule
from firmware_bridge.inputs.source import EvdevKeySource, SimKeySource
from firmware_bridge.interfaces import Display, FingerprintReader, KeySource
from firmware_bridge.mcu.caller import McuKeypad
from firmware_bridge.mcu.display import McuDisplay
from firmware_bridge.mcu.endpoint import Timing
from firmware_bridge.mcu.link import McuLink

FAST = Timing(ack_timeout=0.05, reply_timeout=0.5, heartbeat_interval=0.2)


def start_sim(*args: str, stdin: str | None = None) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hall.cli", "sim", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert proc.stdin is not None and proc.stdout is not None
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.flush()
    assert "simulator on /dev/pts/" in proc.stdout.readline()  # the pty exists now
    return proc


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    running: list[subprocess.Popen[str]] = []
    yield running
    for proc in running:
        proc.terminate()
        assert proc.wait(timeout=5) == 0  # SIGTERM is a clean stop


def test_pyfingerprint_against_hall_sim_fingerprint(
    tmp_path: Path, procs: list[subprocess.Popen[str]]
) -> None:
    link = tmp_path / "fp"
    proc = start_sim("fingerprint", "--link", str(link))
    procs.append(proc)
    finger = PyFingerprint(str(link), 57600, 0xFFFFFFFF, 0x00000000)
    assert finger.verifyPassword() is True
    assert finger.getTemplateCount() == 0
    assert finger.readImage() is False  # nobody touched the sensor
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("place 3\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "finger 3 on the sensor"
    assert finger.readImage() is True


def test_hall_sim_display_shows_what_the_driver_sends(
    tmp_path: Path, procs: list[subprocess.Popen[str]]
) -> None:
    link = tmp_path / "led"
    proc = start_sim("display", "--link", str(link), "--lines", "2")
    procs.append(proc)
    display = McuDisplay(McuLink(str(link), timing=FAST))
    display.open()
    try:
        assert display.state() == DeviceState.OK
        display.show(1, "暂停服务")
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "line 1: 暂停服务"
    finally:
        display.close()


def test_hall_sim_caller_script_drives_the_keypad(
    tmp_path: Path, procs: list[subprocess.Popen[str]]
) -> None:
    link = tmp_path / "caller"
    script = tmp_path / "keys.txt"
    script.write_text("# a window's morning\nwait 0.3\nnext\nrecall\nrate 4\n", encoding="utf-8")
    keypad = McuKeypad(McuLink(str(link), timing=FAST))
    events: queue.Queue[tuple[str, str]] = queue.Queue()
    keypad.on_event(lambda kind, value: events.put((kind, value)))
    procs.append(start_sim("caller", "--link", str(link), "--script", str(script)))
    keypad.open()
    try:
        got = [events.get(timeout=5) for _ in range(3)]
        assert got == [("key", "next"), ("key", "recall"), ("rating", "4")]
    finally:
        keypad.close()


def test_registry_port_sim_builds_working_devices() -> None:
    display = registry.build("led", "sim")
    assert isinstance(display, McuDisplay) and isinstance(display, Display)
    display.open()
    try:
        display.show(0, "A001")
        assert display.sim is not None
        assert display.sim.wait_for(lambda m: m.lines.get(0, ("",))[0] == "A001", 3)
    finally:
        display.close()
    fingerprint = registry.build("fingerprint", "sim")
    assert isinstance(fingerprint, FingerprintModule)
    assert isinstance(fingerprint, FingerprintReader)
    fingerprint.open()
    try:
        assert fingerprint.count() == 0
    finally:
        fingerprint.close()
    for kind in ("keypad", "evaluator_keypad", "scanner"):
        source = registry.build(kind, "sim")
        assert isinstance(source, SimKeySource) and isinstance(source, KeySource)


def test_a_port_sim_device_leaves_no_directory_behind_when_closed() -> None:
    """Each ``port: sim`` board or module gets a private directory for its pty link; the
    demo and the tests build dozens, so closing the device removes it again."""
    display = registry.build("led", "sim")
    fingerprint = registry.build("fingerprint", "sim")
    assert isinstance(display, McuDisplay) and isinstance(fingerprint, FingerprintModule)
    assert display.sim is not None and fingerprint.sim is not None
    dirs = [Path(display.sim.link).parent, Path(fingerprint.sim.link).parent]
    assert all(d.is_dir() for d in dirs)
    display.close()
    fingerprint.close()
    assert not any(d.exists() for d in dirs)


def test_registry_picks_another_driver_for_the_same_kind() -> None:
    board = registry.build("keypad", "/dev/ttyUSB1", {"driver": "mcu_keypad"})
    assert isinstance(board, McuKeypad) and board.state() == DeviceState.OFFLINE
    usb = registry.build("keypad", "auto", {"name": "keypad", "keymap": {"KEY_F1": "next"}})
    assert isinstance(usb, EvdevKeySource)


def test_registry_explains_config_mistakes() -> None:
    with pytest.raises(registry.UnknownDriver, match="did you mean 'scanner'"):
        registry.build("scaner", "sim")
    with pytest.raises(registry.UnknownDriver, match="not 'led'"):
        registry.build("led", "sim", {"driver": "fingerprint"})
    with pytest.raises(ValidationError, match="baudrate"):
        registry.build("led", "/dev/ttyS0", {"baudrate": -1})
    with pytest.raises(ValidationError, match="bogus"):
        registry.build("fingerprint", "sim", {"bogus": 1})


def test_every_driver_declares_a_strict_schema() -> None:
    from config.base import StrictModel

    for name in registry.DRIVERS:
        if name == "printer":
            pytest.importorskip("escpos")
        assert issubclass(registry.options_model(name), StrictModel)


def test_a_bad_wait_line_in_a_caller_script_is_answered_and_the_script_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``hall sim caller --script``: a typo such as ``wait 2s`` must not end the feeder
    thread and with it every line after it."""
    import threading

    from firmware_bridge.cli import _feed

    sent: list[str] = []
    _feed(["wait 2s", "next", "# a comment", "wait 0"], sent.append, threading.Event())
    assert sent == ["next"]
    assert capsys.readouterr().out.startswith("? wait 2s:")
