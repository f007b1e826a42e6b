"""Driver of an R307/AS608 fingerprint module over pyserial: the ``FingerprintReader``.

Each call sends one command packet and waits (bounded) for the acknowledgement. A module
that does not answer, or a port that fails, turns the device ``offline`` and the call
returns ``None``/``False``; it never raises into the node (STYLE 7). Calls are serialised
by a lock, since the module handles one command at a time.
"""

from __future__ import annotations

import logging
import struct
import tempfile
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import serial
from pydantic import Field

from bus.models.devices import DeviceState
from config.base import StrictModel
from firmware_bridge.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    DEFAULT_PASSWORD,
    BadChecksum,
    Confirm,
    Ins,
    Packet,
    PacketDecoder,
    Pid,
    command,
    decode_sys_para,
)
from firmware_bridge.fingerprint.sim import FingerprintModuleSim
from firmware_bridge.interfaces import DeviceOffline
from firmware_bridge.serialport import close_quietly

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 57600
REPLY_TIMEOUT = 1.0
"""Search over 1000 templates takes < 1 s on the module (manual)."""
FINGER_POLL_INTERVAL = 0.1
CAPTURE_TIMEOUT = 10.0


@dataclass(frozen=True)
class Touch:
    """The result of one capture and search."""

    finger: bool
    slot: int | None = None
    score: int = 0


class FingerprintModule:
    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        address: int = DEFAULT_ADDRESS,
        password: int = DEFAULT_PASSWORD,
        reply_timeout: float = REPLY_TIMEOUT,
        capture_timeout: float = CAPTURE_TIMEOUT,
        sim: FingerprintModuleSim | None = None,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.address = address
        self.password = password
        self.reply_timeout = reply_timeout
        self.capture_timeout = capture_timeout
        self.sim = sim
        self.capacity = 0
        self._serial: Any = None
        self._state = DeviceState.OFFLINE
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._wanted = False  # between open() and close(): reopen the port after an unplug
        self._refused_told = False  # the log has said the password was refused

    # -- Device ---------------------------------------------------------------------------

    def open(self) -> None:
        """Open the port, verify the password, read the library size.

        Raises ``DeviceOffline`` when the port cannot be opened (the bridge retries with
        back-off); a module that does not answer leaves the device ``offline``.
        """
        try:
            self._serial = serial.Serial(self.port, self.baudrate, timeout=0.05)
        except (serial.SerialException, OSError) as exc:
            raise DeviceOffline(f"cannot open {self.port}: {exc}") from exc
        self._cancel.clear()
        self._wanted = True
        # Offline until the module answers: its silence here is said once, just below, not
        # also as "no answer to instruction" by _exchange.
        self._state = DeviceState.OFFLINE
        reply = self._call(Ins.VFY_PWD, struct.pack(">I", self.password))
        if reply is None:
            log.warning("%s: fingerprint module does not answer; check power and TX/RX", self.port)
            return
        if reply.code != Confirm.OK:
            log.warning("%s: module refused the password (0x%02x)", self.port, reply.code)
            self._refused_told = True
            self._state = DeviceState.ERROR
            return
        para = self._call(Ins.READ_SYS_PARA)
        sys_para = decode_sys_para(para.payload[1:]) if para is not None else None
        if sys_para is not None:
            self.capacity = sys_para.capacity

    def close(self) -> None:
        self._cancel.set()
        with self._lock:
            self._wanted = False
            self._drop_port()
            self._state = DeviceState.OFFLINE
        if self.sim is not None:
            self.sim.close()

    def state(self) -> DeviceState:
        return self._state

    # -- FingerprintReader ----------------------------------------------------------------

    def identify(self) -> int | None:
        """One capture and a 1:N search: the slot, or None (no finger, not found, fault)."""
        touch = self.touch()
        return None if touch is None else touch.slot

    def touch(self) -> Touch | None:
        """One look at the sensor, telling "no finger" from "a finger nobody enrolled".

        The bridge polls this: ``finger=False`` publishes nothing, ``slot=None`` with a
        finger is an unknown finger. None when the module does not answer (``offline``).
        """
        image = self._call(Ins.GEN_IMG)
        if image is None:
            return None
        if image.code == Confirm.NO_FINGER:
            return Touch(finger=False)
        if image.code != Confirm.OK:
            return Touch(finger=True)  # a smudged image: a finger, not recognised
        features = self._call(Ins.IMG2TZ, b"\x01")
        if features is None:
            return None
        if features.code != Confirm.OK:
            return Touch(finger=True)
        found = self._call(Ins.SEARCH, struct.pack(">BHH", 1, 0, self.capacity or 1000))
        if found is None:
            return None
        if found.code == Confirm.OK and len(found.payload) >= 5:
            slot, score = struct.unpack_from(">HH", found.payload, 1)
            return Touch(finger=True, slot=int(slot), score=int(score))
        return Touch(finger=True)

    def enroll(self, slot: int) -> bool:
        """Two captures of the same finger merged into a template stored at ``slot``.

        Waits up to ``capture_timeout`` for the finger each time (polling GenImg).
        """
        if not (self._capture(1, wait=True) and self._capture(2, wait=True)):
            return False
        merged = self._call(Ins.REG_MODEL)
        if merged is None or merged.code != Confirm.OK:
            log.info("%s: the two captures do not match (0x%02x)", self.port,
                     merged.code if merged else -1)
            return False
        stored = self._call(Ins.STORE, struct.pack(">BH", 1, slot))
        return stored is not None and stored.code == Confirm.OK

    def delete(self, slot: int) -> bool:
        reply = self._call(Ins.DELETE, struct.pack(">HH", slot, 1))
        return reply is not None and reply.code == Confirm.OK

    def count(self) -> int | None:
        """Number of stored templates (TemplateNum), None if the module does not answer."""
        reply = self._call(Ins.TEMPLATE_NUM)
        if reply is None or reply.code != Confirm.OK or len(reply.payload) < 3:
            return None
        return int(struct.unpack_from(">H", reply.payload, 1)[0])

    # -- internals ------------------------------------------------------------------------

    def _capture(self, buffer_id: int, *, wait: bool) -> bool:
        deadline = time.monotonic() + (self.capture_timeout if wait else 0)
        while True:
            reply = self._call(Ins.GEN_IMG)
            if reply is None:
                return False
            if reply.code == Confirm.OK:
                break
            if reply.code != Confirm.NO_FINGER or time.monotonic() >= deadline:
                return False
            if self._cancel.wait(FINGER_POLL_INTERVAL):
                return False
        tz = self._call(Ins.IMG2TZ, bytes((buffer_id,)))
        return tz is not None and tz.code == Confirm.OK

    def _call(self, ins: Ins, params: bytes = b"") -> Packet | None:
        """One instruction and its reply (None: no answer). A module that lost power or was
        replugged asks for the password again (0x21): give it once, then repeat."""
        reply = self._exchange(ins, params)
        if reply is None or reply.code != Confirm.MUST_VERIFY_PASSWORD or ins == Ins.VFY_PWD:
            return reply
        log.debug("%s: module asks for the password again (power cycled?)", self.port)
        verified = self._exchange(Ins.VFY_PWD, struct.pack(">I", self.password))
        if verified is None or verified.code != Confirm.OK:
            if not self._refused_told:  # the bridge asks again at every poll
                log.warning("%s: module refused the password; check the password option",
                            self.port)
                self._refused_told = True
            self._state = DeviceState.ERROR
            return None
        self._refused_told = False
        return self._exchange(ins, params)

    def _exchange(self, ins: Ins, params: bytes = b"") -> Packet | None:
        with self._lock:
            if self._serial is None and self._wanted:
                self._reopen()
            port = self._serial
            if port is None:
                return None
            decoder = PacketDecoder()
            try:
                port.reset_input_buffer()  # a late answer to an earlier command is stale
                port.write(command(ins, params, self.address))
                deadline = time.monotonic() + self.reply_timeout
                while time.monotonic() < deadline:
                    for item in decoder.feed(port.read(max(1, port.in_waiting))):
                        if isinstance(item, BadChecksum) or item.address != self.address:
                            continue
                        if item.pid == Pid.ACK and item.payload:
                            self._state = DeviceState.OK
                            return item
            except (serial.SerialException, OSError, termios.error) as exc:
                log.warning("%s: %s; fingerprint module offline", self.port, exc)
                self._state = DeviceState.OFFLINE
                self._drop_port()  # unplugged: the next call reopens the node if it is back
                return None
            # The bridge asks every finger_poll_s: say it when the module falls silent,
            # not three times a second for as long as it stays unpowered.
            level = logging.DEBUG if self._state is DeviceState.OFFLINE else logging.WARNING
            log.log(level, "%s: no answer to instruction 0x%02x", self.port, ins)
            self._state = DeviceState.OFFLINE
            return None

    def _reopen(self) -> None:
        try:
            self._serial = serial.Serial(self.port, self.baudrate, timeout=0.05)
        except (serial.SerialException, OSError) as exc:
            log.debug("reopen %s: %s", self.port, exc)

    def _drop_port(self) -> None:
        port, self._serial = self._serial, None
        close_quietly(port, self.port)


class FingerprintOptions(StrictModel):
    """An R307/AS608-family fingerprint module on a UART."""

    port: str
    """Serial device (e.g. /dev/ttyAMA0, /dev/serial/by-id/…), or `sim` for the simulator."""
    baudrate: int = Field(DEFAULT_BAUDRATE, gt=0)
    """9600 × N; the module's default is 57600."""
    address: int = Field(DEFAULT_ADDRESS, ge=0, le=0xFFFFFFFF)
    """Module address; the factory default is 0xFFFFFFFF."""
    password: int = Field(DEFAULT_PASSWORD, ge=0, le=0xFFFFFFFF)
    """Handshake password; the factory default is 0."""
    capture_timeout_s: float = Field(CAPTURE_TIMEOUT, gt=0)
    """How long enrolment waits for the finger on the sensor."""


def from_config(options: dict[str, Any]) -> FingerprintModule:
    opts = FingerprintOptions.model_validate(options)
    port, sim = opts.port, None
    if port == "sim":
        path = Path(tempfile.mkdtemp(prefix="hall-fp-sim-")) / "tty"
        sim = FingerprintModuleSim(path, address=opts.address, password=opts.password)
        sim.port.owned_dir = path.parent  # not one empty /tmp directory left per run
        sim.start()
        port = str(path)
    return FingerprintModule(
        port, baudrate=opts.baudrate, address=opts.address, password=opts.password,
        capture_timeout=opts.capture_timeout_s, sim=sim,
    )
