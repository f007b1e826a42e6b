"""Retained state published by the controller and read by every front end."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime

from bus.models.base import StateMessage


class NodeStatus(StateMessage):
    """Retained ``node/<id>/status``; ``offline`` is the node's last will."""

    state: Literal["online", "offline"]
    role: str = ""
    at: dt.datetime | None = None


class TimeBeacon(StateMessage):
    """The hall's clock; nodes compare theirs against it."""

    now: AwareDatetime
    """The hall's time with its offset: a beacon without one could not be compared."""
    hall_day: dt.date
    timezone: str
