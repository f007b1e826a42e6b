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


REFUSAL_KINDS = (
    "bad_topic",
    "too_large",
    "too_deep",
    "bad_encoding",
    "bad_json",
    "unknown_command",
    "invalid",
    "bad_response_topic",
    "forbidden",
    "rate_limited",
    "internal",
)
"""The edge's refusal codes, each a counter of ``RefusalCounts``."""


class RefusalCounts(BaseModel):
    """How many messages the controller refused at its edge since it started, by kind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bad_topic: int = 0
    """Under ``cmd/`` but outside the command grammar (segments, sender, area)."""
    too_large: int = 0
    too_deep: int = 0
    bad_encoding: int = 0
    """Not UTF-8, or a lone surrogate."""
    bad_json: int = 0
    unknown_command: int = 0
    invalid: int = 0
    """JSON that is not a valid command of its topic."""
    bad_response_topic: int = 0
    """A response topic outside the sender's own ``reply/<sender>/``."""
    forbidden: int = 0
    """A sender acting for a window, device or user it may not act for."""
    rate_limited: int = 0
    internal: int = 0
    other: int = 0
    """Any kind not listed above (a newer edge's code)."""

    @classmethod
    def of(cls, counts: dict[str, int]) -> RefusalCounts:
        """The counts of a plain tally, unknown kinds summed into ``other``."""
        known = {k: v for k, v in counts.items() if k in REFUSAL_KINDS}
        other = sum(v for k, v in counts.items() if k not in REFUSAL_KINDS)
        return cls(**known, other=other)


class ControllerDiagnostics(StateMessage):
    """Counters of refused messages by kind, and the senders being rate-limited.

    The kinds are the refusal codes of the edge: ``bad_topic``, ``too_large``, ``too_deep``,
    ``bad_encoding``, ``bad_json``, ``unknown_command``, ``invalid``, ``bad_response_topic``,
    ``forbidden``, ``rate_limited``, ``internal``; a kind at 0 has not happened since the
    controller started."""

    at: dt.datetime
    started: dt.datetime
    """When the counters began (the controller's start)."""
    counters: RefusalCounts
    rate_limited: list[RateLimitedSender] = []
    """Senders refused ``rate_limited`` within the last minute, the busiest first."""
    unanswered: int = 0
    """Refused messages that could not be answered (no sender to answer on)."""
