"""Messages between a node and its firmware bridge (``dev/<node>/<device>/…``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bus.models.base import StateMessage


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
