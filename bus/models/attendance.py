"""Attendance commands: punches from terminals, write-off requests and approvals (§3)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from bus.models import limits
from bus.models.base import Command, command_model
from bus.models.limits import Code, Note

WriteoffKind = Literal[
    "sick",
    "personal",
    "marriage",
    "maternity",
    "bereavement",
    "annual",
    "family_visit",
    "business_trip",
    "official",
    "punch_correction",
    "device_failure",
]


@command_model("att", "punch")
class Punch(Command):
    """One punch; ``id`` is unique per punch so an outbox resend is applied once."""

    punch_id: str | None = Field(default=None, min_length=1, max_length=limits.ID_MAX)
    """The punch's own id when it differs from the command id (a console that resends a
    punch under a new command id); omitted: the command ``id`` is the punch id."""
    staff_id: Code
    time: dt.datetime
    """The terminal's wall-clock time of the punch, with its offset."""
    source: Literal["face", "fingerprint", "manual"]
    device: Code
    """The node id of the terminal."""
    clock_synced: bool = True
    """Whether the terminal's clock was in sync (NTP or the controller's beacon) at the punch."""
    monotonic: float | None = None
    boot_id: Code | None = None


@command_model("att", "request")
class WriteoffRequest(Command):
    """A leave / trip / correction request (核销申请)."""

    max_bytes = limits.LARGE_MAX_BYTES

    staff_id: Code
    kind: WriteoffKind
    start: dt.datetime
    end: dt.datetime
    reason: Note = ""
    emergency: bool = False
    """Emergency leave reported on the day (by 09:30) and completed within 3 workdays. It
    counts as reported when the controller receives this request (the hall clock), never at
    a time the requester types."""
    substitute: Code | None = None
    """顶岗 staff id (required by some profiles before approval)."""
    staff_ids: list[Code] = Field(default=[], max_length=limits.STAFF_LIST_MAX)
    """For device_failure: everyone the patrol's manual registration lists."""


@command_model("att", "approve")
class Approve(Command):
    """An approver's yes to a write-off request at their step of the profile's chain (A5)."""

    request_id: Code
    approver_role: Code | None = None
    """The chain step signed; omitted: the step waiting. The signer is the signed-in user
    (``acting_user``), never a name in the payload: a chief signs the chief representative's
    and window lead's steps of their department, the hall manager the centre's and the
    department leader's; a step named here that the user may not sign is refused."""
    note: Note = ""
    substitute: Code | None = None
    """顶岗 staff id named while approving (衢江: the window lead arranges the substitute)."""


@command_model("att", "reject")
class Reject(Command):
    """An approver's no to a write-off request; the request ends rejected (A5)."""

    request_id: Code
    approver_role: Code | None = None
    """As for ``att/approve``: the step, defaulting to the one waiting; the signer is the
    signed-in user."""
    note: Note = ""


@command_model("att", "list")
class ListRequests(Command):
    """The write-off requests, by staff member and status, for an approver's list."""

    readonly = True
    staff_id: Code | None = None
    status: Literal["pending", "approved", "rejected"] | None = None


@command_model("att", "calendar_override")
class CalendarOverride(Command):
    """The manager's override of one day: a holiday, a workday, or back to the calendar."""

    date: dt.date
    kind: Literal["holiday", "workday", "clear"]


@command_model("att", "report")
class MonthReportQuery(Command):
    """The monthly attendance report with its deductions (RULES §4)."""

    readonly = True
    month: str = Field(pattern=r"^\d{4}-\d{2}$", max_length=7)
    days: bool = False
    """Also every staff member's days (RULES §4); default: totals and deductions only."""


@command_model("att", "month")
class MonthViewQuery(Command):
    """A month day by day as the console's month view shows it: one staff member's calendar
    (``staff_id``), one department's table (``department``), or the whole hall (neither).

    The same evaluation as ``att/report``; days not yet over are ``pending`` (未判定), and each
    day also carries its punches' clock flags and the write-offs that touch it."""

    readonly = True
    month: str = Field(pattern=r"^\d{4}-\d{2}$", max_length=7)
    staff_id: Code | None = None
    department: Code | None = None

    @model_validator(mode="after")
    def _one_scope(self) -> MonthViewQuery:
        if self.staff_id is not None and self.department is not None:
            raise ValueError("staff_id 与 department 只能给一个 / give staff_id or department")
        return self


@command_model("att", "calendar")
class CalendarQuery(Command):
    """The workday overrides in force: the manager's (``att/calendar_override``) and the hall
    config's, each with what the statutory calendar says of that date."""

    readonly = True
