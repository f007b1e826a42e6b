"""The emulated ESC/POS printer itself: sensors, buffer, status replies, unplug.

``usb_emulator.EmulatedUsbBackend`` puts it on an emulated USB bus. It behaves as the
cheap Chinese heads in the halls do: it answers DLE EOT on the bulk IN endpoint even when
offline; while the cover is open or the paper is out it keeps what it receives in its
buffer (and prints it when the fault is cleared); a full buffer makes the bulk write time
out; unplugging makes every call fail with ENODEV, as libusb1 reports a vanished device.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field, replace

import usb.core

from firmware_bridge.printer.document import Block
from firmware_bridge.printer.escpos_parse import EscposParser
from firmware_bridge.printer.status import StatusQuery, Switches, status_byte

LIBUSB_ERROR_NO_DEVICE = -4
LIBUSB_ERROR_TIMEOUT = -7
RECEIVE_BUFFER = 4096
"""Bytes a stopped printer takes before it NAKs (real heads: 4-64 KiB)."""


@dataclass(frozen=True, slots=True)
class PrinterModel:
    """What a printer looks like on the bus."""

    width_mm: int
    id_vendor: int
    id_product: int
    manufacturer: str
    product: str
    serial: str
    in_ep: int = 0x81
    out_ep: int = 0x03
    max_packet: int = 64
    chinese_font: bool = True
    """Has a GB18030 font ROM (False: a Western head, which needs raster mode)."""


MODEL_58MM = PrinterModel(58, 0x0416, 0x5011, "Winbond Electronics", "POS58 Printer", "58A0001")
MODEL_80MM = PrinterModel(80, 0x0483, 0x5743, "STMicroelectronics", "POS80 Printer", "80B0001")


def no_device_error() -> usb.core.USBError:
    return usb.core.USBError(
        "No such device (it may have been disconnected)", LIBUSB_ERROR_NO_DEVICE, errno.ENODEV
    )


def _timeout() -> usb.core.USBError:
    return usb.core.USBTimeoutError("Operation timed out", LIBUSB_ERROR_TIMEOUT, errno.ETIMEDOUT)


@dataclass
class EmulatedPrinter:
    """One printer: sensors you can switch, and a record of every byte it received."""

    model: PrinterModel = MODEL_58MM
    switches: Switches = field(default_factory=Switches)
    plugged: bool = True
    unplug_after_bytes: int | None = None
    """Pull the cable once this many bytes have arrived (an unplug in the middle of a job)."""
    paper_out_after_bytes: int | None = None
    """The roll ends once this many bytes have arrived (paper out in the middle of a job)."""
    received: bytearray = field(default_factory=bytearray)
    replies: bytearray = field(default_factory=bytearray)
    generation: int = 0
    configuration: int = 1
    _held: bytearray = field(default_factory=bytearray)
    _parser: EscposParser = field(init=False)

    def __post_init__(self) -> None:
        self._parser = EscposParser(chinese_font=self.model.chinese_font)

    # --- switches -----------------------------------------------------------------

    def set_switches(self, **changes: bool) -> None:
        """e.g. ``set_switches(paper_out=True)``; clearing a fault prints what was held."""
        self.switches = replace(self.switches, **changes)
        if not self.switches.offline and self._held:
            held = bytes(self._held)
            self._held.clear()
            self._process(held)

    def unplug(self) -> None:
        self.plugged = False
        self.generation += 1  # handles opened before the unplug stay dead after a replug
        self.replies.clear()

    def plug(self) -> None:
        """Plug back in: the printer powers up with an empty buffer, as after a real replug."""
        self.plugged = True
        self.unplug_after_bytes = None
        self._held.clear()
        self._parser.discard_input()

    # --- what was printed ---------------------------------------------------------

    @property
    def printed(self) -> list[Block]:
        """Blocks the head has printed (held bytes are not printed yet)."""
        return list(self._parser.blocks)

    @property
    def held(self) -> bytes:
        return bytes(self._held)

    # --- the wire -----------------------------------------------------------------

    def receive(self, data: bytes) -> int:
        """Bytes from the bulk OUT endpoint; returns how many were taken."""
        if self.unplug_after_bytes is not None:
            room = self.unplug_after_bytes - len(self.received)
            if room < len(data):
                self._take(data[: max(room, 0)])
                self.unplug()
                raise no_device_error()
        if self.paper_out_after_bytes is not None:
            room = max(self.paper_out_after_bytes - len(self.received), 0)
            if room < len(data):
                self._take(data[:room])
                self.paper_out_after_bytes = None
                self.set_switches(paper_out=True)
                return room + self.receive(data[room:])
        held_full = len(self._held) + len(data) > RECEIVE_BUFFER
        if self.switches.offline and held_full and not _is_realtime_query(data):
            raise _timeout()
        self._take(data)
        return len(data)

    def _take(self, data: bytes) -> None:
        self.received += data
        if self.switches.offline:
            # Stopped: only real-time commands are executed, the rest waits in the buffer.
            if _is_realtime_query(data):
                self._answer(data[2])
            else:
                self._held += data
            return
        self._process(data)

    def _process(self, data: bytes) -> None:
        for n in self._parser.feed(data):
            self._answer(n)

    def _answer(self, n: int) -> None:
        if n in StatusQuery._value2member_map_:
            self.replies.append(status_byte(StatusQuery(n), self.switches))

    def send(self, size: int) -> bytes:
        """Bytes for the bulk IN endpoint; nothing to say is a timeout, as on the wire."""
        if not self.replies:
            raise _timeout()
        out = bytes(self.replies[:size])
        del self.replies[:size]
        return out

    def device_id(self) -> bytes:
        """IEEE 1284 device ID, as the printer class GET_DEVICE_ID returns it."""
        text = (
            f"MFG:{self.model.manufacturer};CMD:ESC/POS;MDL:{self.model.product};CLS:PRINTER;"
        ).encode("ascii")
        return (len(text) + 2).to_bytes(2, "big") + text


def _is_realtime_query(data: bytes) -> bool:
    return len(data) == 3 and data[:2] == b"\x10\x04"
