"""Messages between a node and its firmware bridge (``dev/<node>/<device>/…``)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from bus.models.base import StateMessage
from config.schema import ItemType

CLOCK_DEVICE = "clock"
"""The pseudo-device under which a punch terminal publishes its clock's state
(``dev/<terminal>/clock/state``: ``ok`` or ``unsynced`` with the reason)."""


class DeviceState(enum.StrEnum):
    """Published retained on ``dev/<node>/<device>/state``; the error states are explicit."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    UNSYNCED = "unsynced"
    """A terminal's clock (``CLOCK_DEVICE``) that neither NTP nor the hall's beacon vouches for:
    its punches are flagged ``clock_synced: false``."""

    @property
    def is_fault(self) -> bool:
        """A state the kiosk shows as a fault (paper near its end still prints)."""
        return self not in (DeviceState.OK, DeviceState.PAPER_NEAR_END)


def _unknown_is_error(value: object) -> object:
    if isinstance(value, str) and value not in DeviceState._value2member_map_:
        return DeviceState.ERROR
    return value


ReadState = Annotated[DeviceState, BeforeValidator(_unknown_is_error)]
"""A ``DeviceState`` as a node reads it: a state this version does not know (a newer
bridge's ``paper_jam``) reads as ``error``, a fault shown as such, never a dropped message."""


class DeviceStatus(StateMessage):
    """Retained ``dev/<node>/<device>/state``: ``ok``, ``paper_out``, ``offline`` and so on."""

    state: ReadState
    detail: str = ""
    since: dt.datetime | None = None


class TicketPrint(BaseModel):
    """A queue ticket to print, as RULES Q1 lists it; the number never shows why a ticket has
    priority."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hall_name: str
    number: str
    service: str
    """The item's name."""
    department: str
    windows: tuple[str, ...]
    """Where to go, as printed (``3号窗口``)."""
    ahead: int
    estimated_wait_min: int | None
    issued_at: dt.datetime
    status_url: str
    """What the QR code says: the hall's ticket status page, or the ticket's reference."""


class GuidePrint(BaseModel):
    """一次性告知单 (RULES Q13) to print: everything a citizen needs to come back only once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hall_name: str
    item_name: str
    item_type: ItemType
    """In the hall's vocabulary (``instant``, ``promised``, …); the printer prints its label."""
    materials: tuple[str, ...]
    procedure: tuple[str, ...]
    promised_workdays: int | None
    """None for an item settled on the spot (当场办结)."""
    fees: str
    legal_basis: tuple[str, ...]
    window_location: str
    enquiry_phone: str
    printed_at: dt.datetime | None = None


class PrintJob(StateMessage):
    """``dev/<node>/printer/print``: a ticket or a one-time notice to print."""

    job_id: str
    document: Literal["ticket", "guide"]
    data: TicketPrint | GuidePrint

    @model_validator(mode="after")
    def _document_matches_data(self) -> PrintJob:
        expected = "ticket" if isinstance(self.data, TicketPrint) else "guide"
        if self.document != expected:
            raise ValueError(f"document is {self.document!r} but data is a {expected}")
        return self

    @classmethod
    def of(cls, job_id: str, data: TicketPrint | GuidePrint) -> PrintJob:
        """The job that prints ``data``."""
        document: Literal["ticket", "guide"] = (
            "ticket" if isinstance(data, TicketPrint) else "guide"
        )
        return cls(job_id=job_id, document=document, data=data)


class PrintResult(StateMessage):
    """``dev/<node>/printer/result``: a failed print never cancels the ticket (reprint)."""

    job_id: str
    ok: bool
    state: ReadState
    """The printer's state after the job: why it failed, or ``ok``."""
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
