"""业务临时停办登记备案 (Q10; 001 业务临时停办 二(二)): a department files a planned suspension
of its service items, the hall manager approves or rejects it, and the list of filings.

The filing carries what the 业务临时停办登记备案表 asks: 申请单位 (``department``), 事由 with
the document number of its proof (``reason``, ``document_no``), 窗口位置编号 (``windows``),
起止时间 (``start``, ``end``) and 保障措施 (``measures``: who answers questions, the phone).
Pure: pydantic and the standard library only.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bus.models import limits
from bus.models.base import Command, command_model
from bus.models.limits import Code, Note

SuspensionDecision = Literal["approve", "reject"]
SuspensionStatus = Literal["pending", "approved", "rejected"]
"""What the filing is: 待审批 / 已批准 / 已驳回."""
SuspensionPhase = Literal["pending", "approved", "rejected", "active", "ended"]
"""Where it stands by the hall's clock: 待审批 / 已批准 / 已驳回 / 停办中 / 已结束."""
ITEMS_MAX = 32


@command_model("queue", "file_suspension")
class FileSuspension(Command):
    """File a planned suspension (业务临时停办登记备案表) at least 5 workdays before it starts
    (001 业务临时停办 二(二)1); a filing inside that lead time is refused with the rule in words.

    A chief files for their own department's items and windows, the manager for any. The
    manager's ``emergency`` suspension takes effect at once, approved as it is filed, and is
    marked as such (RULES Q10)."""

    max_bytes = limits.LARGE_MAX_BYTES
    department: Code
    """申请单位: the department whose items stop."""
    services: tuple[Code, ...] = Field(default=(), max_length=ITEMS_MAX)
    """The service items suspended (A01, …)."""
    categories: tuple[Code, ...] = Field(default=(), max_length=ITEMS_MAX)
    """Whole categories (prefixes): every item of each is suspended."""
    windows: tuple[Code, ...] = Field(default=(), max_length=ITEMS_MAX)
    """窗口位置编号: the windows where the items are served (for the notice and the record)."""
    reason: Note = Field(min_length=1)
    """事由及具体内容, e.g. 系统升级."""
    document_no: Code = Field(min_length=1)
    """证明文件文号 of the reason, e.g. 鄂人社函〔2026〕12号."""
    start: dt.datetime
    """When the suspension begins; without an offset, the hall's local time."""
    end: dt.datetime
    """When the items issue tickets again."""
    measures: Note = ""
    """保障措施: who answers questions during the suspension and their phone, publicity."""
    emergency: bool = False
    """The manager's emergency suspension: no lead time, approved at once (RULES Q10)."""

    @model_validator(mode="after")
    def _names_what_stops(self) -> FileSuspension:
        if not self.services and not self.categories:
            raise ValueError("name the suspended service items or categories")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


@command_model("queue", "decide_suspension")
class DecideSuspension(Command):
    """The hall manager approves or rejects a filing. An approval must leave the public
    notice at least 4 workdays before the start (二(二)2); on approval the notice goes to the
    screens and kiosks at once, until the end of the suspension."""

    suspension: Code
    decision: SuspensionDecision
    note: Note = ""


@command_model("queue", "suspensions")
class SuspensionsQuery(Command):
    """The filings, newest start first, each with its status by the hall's clock."""

    readonly = True
    department: Code | None = None
    """Only this department's filings."""


class SuspensionEntry(BaseModel):
    """One filing as the controller holds it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    suspension: str
    department: str
    services: tuple[str, ...]
    """Every item suspended (the categories' items included)."""
    windows: tuple[str, ...]
    reason: str
    document_no: str
    measures: str = ""
    start: dt.datetime
    end: dt.datetime
    emergency: bool = False
    filed_at: dt.datetime
    filed_by: str | None = None
    status: SuspensionStatus
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    decision_note: str = ""
    notice_id: str | None = None
    """The notice pushed on approval (to screens and kiosks until ``end``)."""
    notice: str = ""
    """The text kiosks show for the items while suspended."""
    applied: bool = False
    """The queue's own suspension of the items was set when the filing started."""
    phase: SuspensionPhase = "pending"
    """Filled in for a reply: where the filing stands at the controller's time."""


class SuspensionResult(BaseModel):
    """The reply to ``queue/file_suspension`` and ``queue/decide_suspension``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    suspension: SuspensionEntry
    earliest_start: dt.date | None = None
    """For a filing: the first day a filing made today could start (5 workdays ahead)."""


class SuspensionsResult(BaseModel):
    """The reply to ``queue/suspensions``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    today: dt.date
    earliest_start: dt.date
    """The first day a filing made today may start (5 workdays ahead, the hall's calendar)."""
    suspensions: tuple[SuspensionEntry, ...]


PHASE_TEXT: dict[str, tuple[str, str]] = {
    "pending": ("待审批", "awaiting approval"),
    "approved": ("已批准", "approved"),
    "rejected": ("已驳回", "rejected"),
    "active": ("停办中", "suspended now"),
    "ended": ("已结束", "ended"),
}
"""Each phase in words, Chinese first."""
