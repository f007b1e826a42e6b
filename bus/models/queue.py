"""Queue commands (RULES.md §2): what kiosks, callers, evaluators and the console send."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from bus.models.base import Command, command_model

WindowId = str


@command_model("queue", "issue")
class Issue(Command):
    service: str
    priority: bool = False
    """绿色通道: self-declared at the kiosk and confirmed by the guide, or issued by staff."""
    node: str | None = None
    """The kiosk that asked, to route the print job."""


class _AtWindow(Command):
    window: WindowId


@command_model("queue", "call")
class Call(_AtWindow):
    pass


@command_model("queue", "recall")
class Recall(_AtWindow):
    pass


@command_model("queue", "skip")
class Skip(_AtWindow):
    pass


@command_model("queue", "finish")
class Finish(_AtWindow):
    pass


@command_model("queue", "hold")
class Hold(_AtWindow):
    pass


@command_model("queue", "resume_ticket")
class ResumeTicket(_AtWindow):
    ticket: str | None = None
    """Which held ticket to resume; empty means the one held longest at this window."""


@command_model("queue", "pause")
class Pause(_AtWindow):
    pass


@command_model("queue", "resume")
class Resume(_AtWindow):
    pass


@command_model("queue", "reactivate")
class Reactivate(Command):
    ticket: str


@command_model("queue", "transfer")
class Transfer(_AtWindow):
    service: str


@command_model("queue", "login")
class Login(_AtWindow):
    staff_id: str


@command_model("queue", "logout")
class Logout(_AtWindow):
    pass


@command_model("queue", "rate")
class Rate(_AtWindow):
    level: int = Field(ge=1, le=5)
    ticket: str | None = None
    """The ticket the evaluator showed; a rating for any other ticket is refused."""


@command_model("queue", "suspend")
class Suspend(Command):
    service: str
    notice: str = ""
    """业务临时停办 text shown on kiosks and screens."""
    start: dt.datetime | None = None
    """When the suspension begins (announced ahead, Q10); empty means now."""
    end: dt.datetime | None = None


@command_model("queue", "unsuspend")
class Unsuspend(Command):
    service: str


@command_model("queue", "book")
class Book(Command):
    service: str
    slot: dt.datetime


@command_model("queue", "checkin")
class Checkin(Command):
    code: str


@command_model("queue", "cancel_booking")
class CancelBooking(Command):
    code: str
    reason: str = ""


@command_model("queue", "close_window")
class CloseWindow(_AtWindow):
    reason: str = ""
    until: dt.datetime | None = None


@command_model("queue", "open_window")
class OpenWindow(_AtWindow):
    pass


@command_model("queue", "workorder")
class WorkorderUpdate(Command):
    """差评工单 follow-up: 回访核实 (verify), 整改 (rectify), 答复 (reply), then close."""

    workorder: str
    action: Literal["verify", "rectify", "reply", "close"]
    note: str = ""
    verified: bool | None = None
    """For ``verify``: whether the bad review was confirmed (two confirmed → 不合格, Q7)."""


@command_model("queue", "stats")
class StatsQuery(Command):
    readonly = True
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")


def command_fields(cmd: Command) -> dict[str, Any]:
    """The command's fields without the envelope and routing (what the service acts on)."""
    return cmd.model_dump(mode="json", exclude={"v", "id", "node"})
