"""Messages between a node and its firmware bridge (``dev/<node>/<device>/…``)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from bus.models.base import StateMessage


class DeviceState(enum.StrEnum):
    """Published retained on ``dev/<node>/<device>/state``; the error states are explicit."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"

    @property
    def is_fault(self) -> bool:
        return self not in (DeviceState.OK, DeviceState.PAPER_NEAR_END)


class DeviceStatus(StateMessage):
    """Retained ``dev/<node>/<device>/state``: ``ok``, ``paper_out``, ``offline``, …"""

    state: str
    detail: str = ""
    since: dt.datetime | None = None


class PrintJob(StateMessage):
    """``dev/<node>/printer/print``: a ticket or a one-time notice to print."""

    job_id: str
    document: str  # "ticket" | "guide"
    data: dict[str, Any]


class PrintResult(StateMessage):
    """``dev/<node>/printer/result``: a failed print never cancels the ticket (reprint)."""

    job_id: str
    ok: bool
    state: str
    detail: str = ""


class KeyEvent(StateMessage):
    """``dev/<node>/<device>/key``: a caller key, mapped to an action, or a rating key."""

    action: str
    value: str = ""


class ScanEvent(StateMessage):
    """``dev/<node>/scanner/scan``: a scanned booking code or QR text."""

    text: str


class ShowText(StateMessage):
    """``dev/<node>/<display>/show``: lines for an LED window display."""

    lines: list[str]
    brightness: int | None = None


class FingerEvent(StateMessage):
    """``dev/<node>/fingerprint/finger``: a finger on the sensor, once per touch.

    ``slot`` is the template slot the module matched, or null for a finger it does not know
    (the terminal says so); no message while the sensor is empty.
    """

    slot: int | None = None


class SimPress(StateMessage):
    """``dev/<node>/<device>/press``: press a key of a *simulated* keypad or scanner.

    Only bridges with ``port: sim`` devices listen; the demo and manual tests use it to press
    a caller's 叫号 key (``{"key": "next"}``), an evaluator's rating key (``{"rating": 5}``)
    or to scan a code (``{"scan": "B1234"}``) exactly as the hardware would.
    """

    key: str | None = None
    rating: int | None = None
    scan: str | None = None
