"""The controller's diagnostics: what it refused at the edge, and whom it rate-limits.

Retained on ``node/controller/diagnostics`` and republished at most every few seconds while
something changes, so that the manager's alarms can show a node that floods the hall.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from bus.models.base import StateMessage


class RateLimitedSender(BaseModel):
    """A node whose commands are refused ``rate_limited``: since when, how many, the last."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    sender: str
    """The node id of ``cmd/<node>/…`` (``*``: senders beyond the intake's table)."""
    refused: int
    since: dt.datetime
    last: dt.datetime


class ControllerDiagnostics(StateMessage):
    """Counters of refused messages by kind, and the senders being rate-limited.

    The kinds are the refusal codes of the edge: ``bad_topic``, ``too_large``, ``too_deep``,
    ``bad_encoding``, ``bad_json``, ``unknown_command``, ``invalid``, ``bad_response_topic``,
    ``forbidden``, ``rate_limited``, ``internal``; a kind absent has not happened since the
    controller started."""

    at: dt.datetime
    started: dt.datetime
    """When the counters began (the controller's start)."""
    counters: dict[str, int]
    rate_limited: list[RateLimitedSender] = []
    """Senders refused ``rate_limited`` within the last minute, the busiest first."""
    unanswered: int = 0
    """Refused messages that could not be answered (no sender to answer on)."""
