"""The fingerprint module simulator answers as the manual says, for pyfingerprint and us."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial
from hypothesis import given, settings
from hypothesis import strategies as st
from pyfingerprint.pyfingerprint import PyFingerprint

from bus.models.devices import DeviceState
from firmware_bridge.fingerprint.driver import FingerprintModule, Touch
from firmware_bridge.fingerprint.protocol import (
    BadChecksum,
    Packet,
    PacketDecoder,
    Pid,
    encode,
)
from firmware_bridge.fingerprint.sim import FingerprintModuleSim
from firmware_bridge.interfaces import FingerprintReader


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[FingerprintModuleSim]:
    module = FingerprintModuleSim(tmp_path / "fp").start()
    yield module
    module.close()


@pytest.fixture
def driver(sim: FingerprintModuleSim) -> Iterator[FingerprintModule]:
    device = FingerprintModule(sim.link, reply_timeout=0.5, capture_timeout=0.3)
    device.open()
    yield device
    device.close()


def exchange(link: str, request_hex: str, reply_len: int) -> str:
    with serial.Serial(link, 57600, timeout=1) as port:
        port.write(bytes.fromhex(request_hex))
        reply: bytes = port.read(reply_len)
        return reply.hex(" ").upper()


@pytest.mark.parametrize(
    ("request_hex", "reply_hex"),
    [
        # GenImg with an empty sensor: the manual's own worked example (0x02, no finger).
        ("EF 01 FF FF FF FF 01 00 03 01 00 05", "EF 01 FF FF FF FF 07 00 03 02 00 0C"),
        # VfyPwd 0x00000000 → 0x00, correct password.
        ("EF 01 FF FF FF FF 01 00 07 13 00 00 00 00 00 1B", "EF 01 FF FF FF FF 07 00 03 00 00 0A"),
        # TemplateNum → 0x00 and N = 0.
        ("EF 01 FF FF FF FF 01 00 03 1D 00 21", "EF 01 FF FF FF FF 07 00 05 00 00 00 00 0C"),
        # Img2Tz(1) without an image → 0x15.
        ("EF 01 FF FF FF FF 01 00 04 02 01 00 08", "EF 01 FF FF FF FF 07 00 03 15 00 1F"),
        # Search(buffer 1, 0, 1000) with an empty buffer → 0x09, page 0, score 0.
        (
            "EF 01 FF FF FF FF 01 00 08 04 01 00 00 03 E8 00 F9",
            "EF 01 FF FF FF FF 07 00 07 09 00 00 00 00 00 17",
        ),
        # A bad checksum (0x0006 instead of 0x0005) → 0x01, error when receiving package.
        ("EF 01 FF FF FF FF 01 00 03 01 00 06", "EF 01 FF FF FF FF 07 00 03 01 00 0B"),
    ],
)
def test_manual_frames_get_the_manual_answers(
    sim: FingerprintModuleSim, request_hex: str, reply_hex: str
) -> None:
    assert exchange(sim.link, request_hex, len(bytes.fromhex(reply_hex))) == reply_hex


def test_read_sys_para_reports_capacity_and_defaults(sim: FingerprintModuleSim) -> None:
    reply = exchange(sim.link, "EF 01 FF FF FF FF 01 00 03 0F 00 13", 28)
    payload = bytes.fromhex(reply)[9:-2]
    assert payload[0] == 0x00
    assert payload[5:7] == (1000).to_bytes(2, "big")  # library size
    assert payload[9:13] == b"\xff\xff\xff\xff"  # module address


def test_packet_for_another_address_is_ignored(sim: FingerprintModuleSim) -> None:
    with serial.Serial(sim.link, 57600, timeout=0.2) as port:
        port.write(bytes.fromhex("EF 01 12 34 56 78 01 00 03 1D 00 21"))
        assert port.read(12) == b""


def test_pyfingerprint_verifies_password_and_reads_template_count(
    sim: FingerprintModuleSim,
) -> None:
    finger = PyFingerprint(sim.link, 57600, 0xFFFFFFFF, 0x00000000)
    assert finger.verifyPassword() is True
    assert finger.getTemplateCount() == 0
    assert finger.getStorageCapacity() == 1000
    assert finger.getMaxPacketSize() == 128


def test_pyfingerprint_wrong_password_is_refused(tmp_path: Path) -> None:
    module = FingerprintModuleSim(tmp_path / "locked", password=0x1234).start()
    try:
        assert PyFingerprint(module.link, 57600, 0xFFFFFFFF, 0).verifyPassword() is False
        with pytest.raises(Exception, match="0x21"):
            PyFingerprint(module.link, 57600, 0xFFFFFFFF, 0).getTemplateCount()
    finally:
        module.close()


def test_pyfingerprint_no_finger_then_enrol_and_search(sim: FingerprintModuleSim) -> None:
    finger = PyFingerprint(sim.link, 57600, 0xFFFFFFFF, 0x00000000)
    assert finger.readImage() is False  # no finger on the sensor
    sim.place_finger(7)
    assert finger.readImage() is True
    assert finger.convertImage(0x01) is True
    assert finger.searchTemplate() == (-1, -1)  # not found: nobody enrolled yet
    assert finger.readImage() is True
    assert finger.convertImage(0x02) is True
    assert finger.createTemplate() is True
    assert finger.storeTemplate() == 0  # first free slot, found through the index table
    assert finger.getTemplateCount() == 1
    assert finger.readImage() and finger.convertImage(0x01)
    position, score = finger.searchTemplate()
    assert position == 0 and score > 0
    sim.place_finger(8)
    assert finger.readImage() and finger.convertImage(0x01)
    assert finger.searchTemplate() == (-1, -1)
    assert finger.deleteTemplate(0) is True
    assert finger.getTemplateCount() == 0


def test_driver_enrol_identify_count_delete(
    driver: FingerprintModule, sim: FingerprintModuleSim
) -> None:
    assert isinstance(driver, FingerprintReader)
    assert driver.state() == DeviceState.OK and driver.capacity == 1000
    assert driver.identify() is None  # no finger
    assert driver.touch() == Touch(finger=False)
    sim.place_finger(42)
    assert driver.identify() is None  # not found
    assert driver.touch() == Touch(finger=True, slot=None)
    assert driver.enroll(17) is True
    assert sim.slots == {17: 42}
    assert driver.count() == 1
    assert driver.identify() == 17
    touch = driver.touch()
    assert touch is not None and touch.slot == 17 and touch.score > 0
    sim.place_finger(43)
    assert driver.identify() is None
    assert driver.delete(17) is True
    assert driver.count() == 0
    assert driver.state() == DeviceState.OK


def test_driver_enrol_without_finger_gives_up_after_the_capture_timeout(
    driver: FingerprintModule,
) -> None:
    started = time.monotonic()
    assert driver.enroll(3) is False
    assert time.monotonic() - started < 2.0
    assert driver.count() == 0


@pytest.mark.expect_log(
    "WARNING",
    r"/locked: module refused the password \(0x13\)",
    logger="firmware_bridge.fingerprint.driver",
)
def test_driver_wrong_password_is_an_error_state(tmp_path: Path) -> None:
    module = FingerprintModuleSim(tmp_path / "locked", password=0x1234).start()
    device = FingerprintModule(module.link, password=0x9999, reply_timeout=0.5)
    try:
        device.open()
        assert device.state() == DeviceState.ERROR
    finally:
        device.close()
        module.close()


def test_driver_gives_the_password_again_after_the_module_lost_power(tmp_path: Path) -> None:
    """A module with a password forgets the handshake when it loses power or is replugged
    and answers 0x21 (verify the password first) to everything; that must not read as a
    finger on the sensor, nor end fingerprint punching until the bridge restarts."""
    module = FingerprintModuleSim(tmp_path / "locked", password=0x1234).start()
    device = FingerprintModule(module.link, password=0x1234, reply_timeout=0.5)
    try:
        device.open()
        assert device.count() == 0
        module.verified = False  # the module was power cycled
        assert device.touch() == Touch(finger=False)
        assert device.count() == 0
        assert device.state() == DeviceState.OK
    finally:
        device.close()
        module.close()


@pytest.mark.expect_log(
    "WARNING",
    r"/locked: module refused the password \(0x13\)",
    logger="firmware_bridge.fingerprint.driver",
)
def test_a_refused_password_stays_an_error_without_a_warning_at_every_poll(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    module = FingerprintModuleSim(tmp_path / "locked", password=0x1234).start()
    device = FingerprintModule(module.link, password=0x9999, reply_timeout=0.5)
    try:
        device.open()  # says once that the password was refused
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="firmware_bridge.fingerprint.driver"):
            for _ in range(3):
                assert device.touch() is None, "no finger is made up from the refusal"
                assert device.state() == DeviceState.ERROR
        assert caplog.records == []
    finally:
        device.close()
        module.close()


@pytest.mark.expect_log(
    "WARNING",
    r"fingerprint module does not answer; check power",
    logger="firmware_bridge.fingerprint.driver",
)
def test_driver_silent_module_is_offline_in_bounded_time(tmp_path: Path) -> None:
    master, slave = os.openpty()  # a port nobody answers on
    device = FingerprintModule(os.ttyname(slave), reply_timeout=0.2)
    try:
        started = time.monotonic()
        device.open()
        assert device.state() == DeviceState.OFFLINE
        assert device.identify() is None
        assert time.monotonic() - started < 2.0
    finally:
        device.close()
        os.close(master)
        os.close(slave)


@pytest.mark.expect_log(
    "WARNING",
    r"fingerprint module does not answer; check power",
    logger="firmware_bridge.fingerprint.driver",
)
def test_a_silent_module_is_reported_once_not_at_every_poll(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The bridge polls the sensor three times a second; an unpowered module must not put
    a warning in the log at each poll."""
    master, slave = os.openpty()  # a port nobody answers on
    device = FingerprintModule(os.ttyname(slave), reply_timeout=0.05)
    try:
        device.open()  # says once that the module does not answer
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="firmware_bridge.fingerprint.driver"):
            for _ in range(3):
                assert device.touch() is None
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == [], "already offline since open(): nothing new to say"
        assert device.state() == DeviceState.OFFLINE
    finally:
        device.close()
        os.close(master)
        os.close(slave)


@settings(max_examples=300)
@given(st.binary(max_size=1500))
def test_packet_decoder_never_raises_on_noise(data: bytes) -> None:
    decoder = PacketDecoder()
    decoder.feed(data)
    decoder.idle()
    assert decoder.pending == 0


@settings(max_examples=200)
@given(st.binary(max_size=80), st.binary(max_size=40), st.binary(max_size=80))
def test_packet_after_garbage_is_found(garbage: bytes, payload: bytes, tail: bytes) -> None:
    packet = Packet(Pid.COMMAND, b"\x1d" + payload)
    decoder = PacketDecoder()
    out = decoder.feed(garbage) + decoder.idle() + decoder.feed(encode(packet) + tail)
    assert packet in out


def test_bad_checksum_is_reported_not_raised() -> None:
    data = bytearray(encode(Packet(Pid.COMMAND, b"\x01")))
    data[-1] ^= 1
    assert PacketDecoder().feed(bytes(data)) == [BadChecksum(Pid.COMMAND, 0xFFFFFFFF)]


@pytest.mark.expect_log(
    "WARNING",
    r"/ttyUSB0: .*Input/output error.*; fingerprint module offline",
    logger="firmware_bridge.fingerprint.driver",
)
def test_driver_survives_unplug_and_finds_the_module_again(tmp_path: Path) -> None:
    path = tmp_path / "ttyUSB0"
    module = FingerprintModuleSim(path).start()
    device = FingerprintModule(str(path), reply_timeout=0.3)
    replugged: FingerprintModuleSim | None = None
    try:
        device.open()
        assert device.count() == 0
        module.close()  # unplugged
        assert device.count() is None
        assert device.state() == DeviceState.OFFLINE
        replugged = FingerprintModuleSim(path).start()
        replugged.slots[5] = 99
        assert device.count() == 1
        assert device.state() == DeviceState.OK
    finally:
        device.close()
        if replugged is not None:
            replugged.close()
