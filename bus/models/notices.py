"""Notices pushed by the hall manager to screens and kiosks (Q14)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field, field_validator

from bus.models import limits
from bus.models.base import Command, StateMessage, command_model
from bus.models.limits import Code, Text

_TARGET = re.compile(r"^(all|screens|kiosks|window:[A-Za-z0-9_-]+)$")


def _valid_target(value: str) -> str:
    if not _TARGET.match(value):
        raise ValueError("target must be all, screens, kiosks or window:<id> (e.g. window:W03)")
    return value


@command_model("notice", "push")
class PushNotice(Command):
    """The manager's notice (Q14): text, targets (all, screens, kiosks, window:W03), start, end."""

    max_bytes = limits.NOTICE_MAX_BYTES

    text: str = Field(min_length=1, max_length=limits.TEXT_MAX)
    text_en: Text = ""
    targets: list[Code] = Field(default=["all"], max_length=limits.TARGETS_MAX)
    start: dt.datetime | dt.time | None = None
    """When it starts (default now); a time without a date (``09:00``) is on the hall's day by
    the hall's clock, resolved by the controller (a tool never guesses the hall's day from
    its own machine's date); a datetime without an offset is the hall's local time."""
    until: dt.datetime | dt.time | None = None
    """When it ends (default never), read as ``start`` is."""
    priority: Literal["normal", "high", "urgent"] = "normal"
    """``urgent`` notices take the whole hall screen."""

    _targets = field_validator("targets")(lambda v: [_valid_target(t) for t in v])


@command_model("notice", "revoke")
class RevokeNotice(Command):
    """Ends a notice at once: its retained topic is emptied."""

    notice_id: Code


@command_model("notice", "list")
class ListNotices(Command):
    """Every notice the controller holds, in force, scheduled or ended."""

    readonly = True


class Notice(StateMessage):
    """The retained ``notice/<id>`` payload."""

    notice_id: str
    text: str
    text_en: str = ""
    targets: list[str]
    start: dt.datetime
    until: dt.datetime | None
    priority: str
    created_at: dt.datetime

    def applies_to(self, role: str, window: str | None = None) -> bool:
        """Whether a node of this role (screen, kiosk, display) shows the notice."""
        for t in self.targets:
            if (
                t == "all"
                or (t == "screens" and role == "screen")
                or (t == "kiosks" and role == "kiosk")
            ):
                return True
            if window is not None and t == f"window:{window}":
                return True
        return False

    def in_force(self, now: dt.datetime) -> bool:
        """Whether the notice is shown at ``now``: started and not yet ended."""
        return self.start <= now and (self.until is None or now < self.until)

    def status_at(self, now: dt.datetime) -> NoticeStatus:
        """In force, scheduled (not started yet) or ended, at ``now`` by the hall's clock."""
        if now < self.start:
            return "scheduled"
        return "in_force" if self.until is None or now < self.until else "ended"


NoticeStatus = Literal["in_force", "scheduled", "ended"]
"""Where a notice stands by the hall's clock: 生效中 / 未开始 / 已结束."""

NOTICE_STATUS_TEXT: dict[str, tuple[str, str]] = {
    "in_force": ("生效中", "in force"),
    "scheduled": ("未开始", "scheduled"),
    "ended": ("已结束", "ended"),
}
"""Each status in words, Chinese first."""

