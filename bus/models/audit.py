"""The back office's read-only questions about the hall's record: the controller's audit log
(``audit/search``) and the devices' fault history (``devices/history``).

Both are queries (``readonly``): answered from the store, never stored, never audited. Who may
ask is the controller's ``controller/permissions.py``: the audit log the manager and the
auditor only; the devices' history also a chief (read).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from bus.models.base import Command, command_model
from bus.models.devices import DeviceState
from bus.models.limits import Code, Name

AUDIT_PAGE_MAX = 200
"""The most rows one ``audit/search`` answers: a page, never the year's million rows."""
HISTORY_MAX = 500
"""The most state changes one ``devices/history`` answers."""
Outcome = Literal["ok", "refused"]
"""An audit row's outcome: the command applied, or refused (by its sender's rights, the
acting user's, or the rules)."""


NODE = ""
"""The ``device`` of a node's own status (``online``/``offline``) in ``devices/history``."""


def is_fault(device: str, state: str) -> bool:
    """A node offline; a device in a state the kiosk shows as a fault (paper low still prints;
    a state this version does not know is a fault)."""
    if device == NODE:
        return state != "online"
    try:
        return DeviceState(state).is_fault
    except ValueError:
        return True


@command_model("audit", "search")
class AuditSearch(Command):
    """The audit log, newest first, one page at a time: every command applied or refused, with
    the node that sent it and the console user it was given as. Each filter is optional:
    ``user`` (the acting user), ``window``, ``command`` (``area/verb``, ``queue/call``),
    ``from``/``to`` (times, ``to`` excluded), ``outcome``. ``cursor`` is the ``next_cursor`` of
    the page before: the next page goes on from there, however many rows were added since."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    readonly = True
    user: Name | None = Field(default=None, min_length=1)
    window: Code | None = Field(default=None, min_length=1)
    command: str | None = Field(default=None, max_length=65, pattern=r"^[a-z_]{1,32}/[a-z_]{1,32}$")
    time_from: dt.datetime | None = Field(default=None, alias="from")
    time_to: dt.datetime | None = Field(default=None, alias="to")
    outcome: Outcome | None = None
    limit: int = Field(default=50, ge=1, le=AUDIT_PAGE_MAX)
    cursor: str | None = Field(default=None, max_length=18, pattern=r"^[0-9]{1,18}$")

    @model_validator(mode="after")
    def _forwards(self) -> AuditSearch:
        if self.time_from and self.time_to and self.time_to <= self.time_from:
            raise ValueError("to must be after from")
        return self


@command_model("devices", "history")
class DeviceHistoryQuery(Command):
    """Every node and device the controller has heard, with its state now and when it was last
    heard, and the state changes (faults and recoveries) newest first: of one ``node`` (and
    one ``device`` of it) when given, from ``from`` to ``to`` (``to`` excluded)."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    readonly = True
    node: Code | None = Field(default=None, min_length=1)
    device: Code | None = Field(default=None, min_length=1)
    time_from: dt.datetime | None = Field(default=None, alias="from")
    time_to: dt.datetime | None = Field(default=None, alias="to")
    limit: int = Field(default=100, ge=1, le=HISTORY_MAX)
