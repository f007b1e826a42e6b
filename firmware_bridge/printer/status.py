"""Real-time status (DLE EOT n, n = 1..4): the one home of the status bits.

The driver turns the four reply bytes into a ``DeviceState``; the USB emulator builds
its replies from the same table, so the two cannot drift apart.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from bus.models.devices import DeviceState

DLE_EOT = b"\x10\x04"


class StatusQuery(enum.IntEnum):
    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER_SENSOR = 4


def query_bytes(query: StatusQuery) -> bytes:
    return DLE_EOT + bytes((int(query),))


# Every reply has bit 1 and bit 4 set and bits 0 and 7 clear; anything else is line noise
# or a printer that is not ESC/POS, and must not be read as "all fine".
FIXED_MASK = 0x93
FIXED_BITS = 0x12

PRINTER_OFFLINE = 0x08  # n=1 bit 3
OFFLINE_COVER_OPEN = 0x04  # n=2 bit 2
OFFLINE_PAPER_END_STOP = 0x20  # n=2 bit 5: printing stopped because the paper ran out
OFFLINE_ERROR = 0x40  # n=2 bit 6
ERROR_CUTTER = 0x08  # n=3 bit 3
ERROR_UNRECOVERABLE = 0x20  # n=3 bit 5
ERROR_AUTO_RECOVERABLE = 0x40  # n=3 bit 6 (head too hot and the like)
PAPER_NEAR_END = 0x0C  # n=4 bits 2,3
PAPER_END = 0x60  # n=4 bits 5,6


@dataclass(frozen=True, slots=True)
class Switches:
    """The sensors of a printer, as the emulator's switches set them."""

    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    cutter_error: bool = False

    @property
    def offline(self) -> bool:
        # A real head stops (goes offline) for an open cover, no paper or an error.
        return self.paper_out or self.cover_open or self.cutter_error


def status_byte(query: StatusQuery, switches: Switches) -> int:
    """The reply a printer with these sensors gives to DLE EOT ``query``."""
    value = FIXED_BITS
    if query is StatusQuery.PRINTER:
        value |= PRINTER_OFFLINE if switches.offline else 0
    elif query is StatusQuery.OFFLINE_CAUSE:
        value |= OFFLINE_COVER_OPEN if switches.cover_open else 0
        value |= OFFLINE_PAPER_END_STOP if switches.paper_out else 0
        value |= OFFLINE_ERROR if switches.cutter_error else 0
    elif query is StatusQuery.ERROR_CAUSE:
        value |= ERROR_CUTTER if switches.cutter_error else 0
    else:
        value |= PAPER_END if switches.paper_out else 0
        value |= PAPER_NEAR_END if (switches.paper_near_end or switches.paper_out) else 0
    return value


def is_status_byte(value: int) -> bool:
    return value & FIXED_MASK == FIXED_BITS


def state_from_status(replies: Mapping[StatusQuery, int | None]) -> DeviceState:
    """Map the replies to a state; a missing reply (None) means the printer did not answer.

    The order matters: an open cover also stops the paper sensor from being read, so the
    cover wins over paper out, and paper out wins over near end.
    """
    printer = replies.get(StatusQuery.PRINTER)
    if printer is None:
        return DeviceState.OFFLINE
    if any(v is not None and not is_status_byte(v) for v in replies.values()):
        return DeviceState.ERROR
    cause = replies.get(StatusQuery.OFFLINE_CAUSE) or 0
    error = replies.get(StatusQuery.ERROR_CAUSE) or 0
    paper = replies.get(StatusQuery.PAPER_SENSOR) or 0
    if cause & OFFLINE_COVER_OPEN:
        return DeviceState.COVER_OPEN
    if paper & PAPER_END or cause & OFFLINE_PAPER_END_STOP:
        return DeviceState.PAPER_OUT
    if error & (ERROR_CUTTER | ERROR_UNRECOVERABLE | ERROR_AUTO_RECOVERABLE) or (
        cause & OFFLINE_ERROR
    ):
        return DeviceState.ERROR
    if printer & PRINTER_OFFLINE:
        # Offline without a cause we know: the feed button held, or a model we misread.
        return DeviceState.ERROR
    if paper & PAPER_NEAR_END:
        return DeviceState.PAPER_NEAR_END
    return DeviceState.OK


HINTS: dict[DeviceState, str] = {
    DeviceState.OK: "打印机正常",
    DeviceState.PAPER_NEAR_END: "打印纸即将用完 — load a new roll soon",
    DeviceState.PAPER_OUT: "打印机缺纸 — load a paper roll and close the cover",
    DeviceState.COVER_OPEN: "打印机盖未关 — close the printer cover until it clicks",
    DeviceState.OFFLINE: "打印机未连接 — check the USB cable and the printer's power switch",
    DeviceState.ERROR: (
        "打印机故障 — check for a paper jam or a cutter blade error, then power-cycle"
    ),
}
"""What the kiosk shows and what the log says to check, per state."""
