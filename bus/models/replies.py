"""Typed results of the replies the nodes read (``Reply.result`` of a command).

The reply envelope stays ``{"v": 1, "id", "ok", "result"}``; a node that sent a command reads
its result with the model of that command (``IssueResult.model_validate(reply.result)``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bus.models.events import IssuedData


class IssueResult(IssuedData):
    """The reply to ``queue/issue`` and ``queue/checkin``: the ticket the kiosk shows and
    prints (Q1); ``booking`` is the appointment a check-in turned into this ticket."""


class CallResult(BaseModel):
    """The reply to ``queue/call``: the ticket called, or ``ticket: null`` when nobody waits."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    ticket: str | None
    window: str
