"""Queue operations (RULES.md §2, §5): one model each, for the wire, the engine and the replay.

A command model is the operation itself: ``parse_command`` makes it from what a kiosk,
caller, evaluator or the console sent, the engine (``hallqueue.engine.apply``) applies it as
it is, and ``hall queue replay`` parses a RULES.md §5 line (``{"op": "issue", "service":
"A01"}``) into the same model. Fields carry the §5 names everywhere; the class says the rest
(its ``name``, what a refusal repeats, which fields a node may not send). ``Tick``, time
passing, never crosses the wire. Pure: pydantic and the standard library only, so the pure
engine may import this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from bus.models.base import Command, command_model
from bus.models.limits import Code, Note, StatusToken
from bus.models.mobile import Mobile
from bus.models.users import Pin, StaffNumber, WithSecrets

WindowId = Code

FROM_SCRIPT: Mapping[str, Any] = {"from_script": True}
"""Validation context of a replay script: it plays the whole hall, so it may give the fields
no node may send (``QueueOp.not_on_wire``)."""


def _from_script(context: Any) -> bool:
    return isinstance(context, Mapping) and context.get("from_script") is True


def _wire_schema(schema: dict[str, Any], cls: type[Any]) -> None:
    """The JSON Schema of a command shows what a node may send: not ``not_on_wire``."""
    properties = schema.get("properties", {})
    for name in getattr(cls, "not_on_wire", ()):
        properties.pop(name, None)


class QueueOp(BaseModel):
    """One queue operation: what a node, the console, a replay script or time passing asks."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_wire_schema)

    name: ClassVar[str] = ""
    """The RULES.md §5 name (a script line's ``"op"``); a command's verb is the same."""
    ident_fields: ClassVar[tuple[str, ...]] = ()
    """Fields repeated in the ``<name>.refused`` event so a reader sees what was refused."""
    refusal_names_op: ClassVar[bool] = True
    """False where RULES.md §5 gives the refusal as ``<op>.refused`` with ``reason`` alone
    (``book``, ``checkin``): the identifying fields then go to the event's detail only."""
    not_on_wire: ClassVar[frozenset[str]] = frozenset()
    """The fields declared ``Field(exclude=True)``: no node may send them. The controller
    sets them from who sent the command (the broker's ACL lets only an evaluator rate), or
    only a script has them (its names for bookings). A command carrying one is invalid and
    a dump (the wire, the audit log) leaves them out; a replay script (``FROM_SCRIPT``) may
    give them."""
    wire_only: ClassVar[frozenset[str]] = frozenset()
    """Fields a node sends beyond RULES.md §5 (routing, what the service checks before the
    engine, a note for the audit log): the engine ignores them, a replay warns about them."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.not_on_wire = frozenset(name for name, f in cls.model_fields.items() if f.exclude)

    def ident(self) -> dict[str, Any]:
        """The non-empty ``ident_fields``, for the refusal event and the reply's details."""
        out: dict[str, Any] = {}
        for f in self.ident_fields:
            value = getattr(self, f)
            if value is not None and value != "":
                out[f] = value
        return out

    @model_validator(mode="before")
    @classmethod
    def _not_sent_by_a_node(cls, data: Any, info: ValidationInfo) -> Any:
        if cls.not_on_wire and isinstance(data, Mapping) and not _from_script(info.context):
            sent = sorted(k for k in data if k in cls.not_on_wire)
            if sent:
                raise ValueError(f"{', '.join(sent)}: not sent by a node (the controller's to set)")
        return data


class _QueueCommand(QueueOp, Command):
    """A queue operation as a node sends it: its fields in the envelope (``v``, ``id``)."""


OPERATIONS: dict[str, type[QueueOp]] = {}
"""Every queue operation by its §5 name: what a replay line's ``"op"`` may say."""

OpT = TypeVar("OpT", bound=type[QueueOp])


def queue_op(name: str) -> Callable[[OpT], OpT]:
    """Register an operation under its RULES.md §5 ``name``; a command model is also the
    command ``cmd/queue/<name>``: one name on the wire, in the engine and in scripts."""

    def deco(cls: OpT) -> OpT:
        cls.name = name
        OPERATIONS[name] = cls
        if issubclass(cls, Command):
            command_model("queue", name)(cls)
        return cls

    return deco


@queue_op("issue")
class Issue(_QueueCommand):
    """Take a ticket (Q2, Q3): the kiosk's touch, or staff issuing one."""

    ident_fields = ("service",)
    wire_only = frozenset({"node"})
    service: Code
    priority: bool = False
    """绿色通道: self-declared at the kiosk and confirmed by the guide, or issued by staff."""
    node: Code | None = None
    """The kiosk that asked, to route the print job."""
    status_token: StatusToken | None = Field(default=None, exclude=True)
    """The ticket's status token (its QR code's ``/t/<token>``): random, made by the
    controller's queue service for each ticket, kept with it and sent back to the kiosk in
    the reply, never in the ``ticket.issued`` event. No node sends it."""


class _AtWindow(_QueueCommand):
    ident_fields: ClassVar[tuple[str, ...]] = ("window",)
    window: WindowId


@queue_op("call")
class Call(_AtWindow):
    """Call the next ticket (叫号); a current ticket is finished first."""


@queue_op("recall")
class Recall(_AtWindow):
    """Call the current ticket again (重呼)."""


@queue_op("skip")
class Skip(_AtWindow):
    """The current ticket did not come (过号)."""


@queue_op("finish")
class Finish(_AtWindow):
    """The current ticket is served (办结)."""


@queue_op("hold")
class Hold(_AtWindow):
    """Set the current ticket aside (挂起), e.g. while the citizen fetches a document."""


@queue_op("resume_ticket")
class ResumeTicket(_AtWindow):
    """Serve a held ticket again."""

    ident_fields = ("window", "ticket")
    ticket: Code | None = None
    """Which held ticket to resume; empty means the one held longest at this window."""


@queue_op("pause")
class Pause(_AtWindow):
    """暂停服务: the window calls nobody until it resumes."""


@queue_op("resume")
class Resume(_AtWindow):
    """Resume a paused window."""


@queue_op("reactivate")
class Reactivate(_QueueCommand):
    """Put a skipped ticket back in the queue."""

    ident_fields = ("ticket",)
    ticket: Code
    """Ticket number of the current hall day (A001) or a ticket key (2026-11-23/A001)."""


@queue_op("transfer")
class Transfer(_AtWindow):
    """Send the current ticket to another service (转办)."""

    ident_fields = ("window", "service")
    service: Code


@queue_op("login")
class Login(WithSecrets, _AtWindow):
    """A staff member signs in at the window (the evaluator shows them, Q6).

    The console and the manager name the staff member by ``staff``; a caller's keypad sends
    the staff number (工号) or id with the staff member's PIN, which the controller checks
    like ``users/authenticate_pin`` before the login (a caller's login without one is
    refused). The PIN is masked in every dump but the wire's (the audit log keeps
    ``**********``)."""

    ident_fields = ("window", "staff")
    wire_only = frozenset({"staff_number", "pin"})
    secret_fields = frozenset({"pin"})
    staff: Code | None = None
    """The staff member's id in the hall config (S001)."""
    staff_number: StaffNumber | None = None
    """The staff number (工号) typed on the keypad, instead of ``staff``; only with ``pin``."""
    pin: Pin | None = None
    """The staff member's keypad PIN (4 to 8 digits), checked by the controller."""

    @model_validator(mode="after")
    def _names_the_staff_member(self) -> Login:
        if (self.staff is None) == (self.staff_number is None):
            raise ValueError('give "staff" (staff id) or "staff_number" (工号 with "pin")')
        if self.staff_number is not None and self.pin is None:
            raise ValueError('"staff_number" signs in with the staff member\'s "pin"')
        return self


@queue_op("logout")
class Logout(_AtWindow):
    """The staff member leaves the window; leaving pauses it (Q5)."""


RATING_LABELS: dict[int, str] = {
    5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意",
}  # fmt: skip
"""The evaluator's five levels (Q6)."""
SATISFIED_LEVELS = frozenset({3, 4, 5})
"""基本满意 and better: what the satisfaction rate counts (Q15)."""
BAD_LEVELS = frozenset({1, 2})
"""差评: a rating that opens a work order (Q7)."""


@queue_op("rate")
class Rate(_AtWindow):
    """好差评 (Q6): the citizen's rating of the ticket just finished at the window."""

    wire_only = frozenset({"ticket"})
    level: int
    """1 (非常不满意) to 5 (非常满意); any other level is refused ``bad_level``."""
    ticket: Code | None = None
    """The ticket the evaluator showed; a rating for any other ticket is refused."""
    source: Code = Field(default="evaluator", exclude=True)
    """Where the rating came from; anything but the evaluator is refused (000 第二十条(二)).
    The controller sets it: the broker's ACL lets only evaluators send ``cmd/queue/rate``."""


@queue_op("suspend")
class Suspend(_QueueCommand):
    """业务临时停办 (Q10), from now or announced ahead."""

    ident_fields = ("service",)
    service: Code
    notice: Note = ""
    """业务临时停办 text shown on kiosks and screens."""
    start: dt.datetime | None = None
    """When the suspension begins (announced ahead, Q10); empty means now."""
    end: dt.datetime | None = None


@queue_op("unsuspend")
class Unsuspend(_QueueCommand):
    """End a suspension."""

    ident_fields = ("service",)
    service: Code


@queue_op("book")
class Book(_QueueCommand):
    """Book an appointment slot (Q12): a service, a workday slot, the citizen's mobile number.

    The mobile number is required from every node (the hall tells the citizen on it if it
    cancels the slot, 002 四(七)7, and at most ``appointments.max_active_per_mobile`` bookings
    not yet used may share one); a replay script may leave it out. It is masked in every
    dump but the wire's (``bus.models.mobile``)."""

    ident_fields = ("service",)
    refusal_names_op = False
    service: Code
    slot: dt.datetime
    mobile: Mobile | None = None
    """The citizen's mobile number (11 digits), kept for the hall's notice of a cancellation."""
    ref: Code | None = Field(default=None, exclude=True)
    """A name a replay script uses for the booking later; the engine only echoes it."""

    @model_validator(mode="after")
    def _names_a_mobile(self, info: ValidationInfo) -> Book:
        if self.mobile is None and not _from_script(info.context):
            raise ValueError('missing "mobile": a booking needs the citizen\'s mobile number')
        return self


@queue_op("checkin")
class Checkin(_QueueCommand):
    """Check in with a booking code at the kiosk: issues its priority ticket (Q12)."""

    refusal_names_op = False
    code: Code = ""
    ref: Code | None = Field(default=None, exclude=True)
    """The script's name for the booking (replay only); the code is what the kiosk scans."""
    status_token: StatusToken | None = Field(default=None, exclude=True)
    """The ticket's status token, as ``Issue.status_token``: the controller's to set."""

    @model_validator(mode="after")
    def _names_a_booking(self) -> Checkin:
        if not self.model_fields_set & {"code", "ref"}:
            raise ValueError('missing "code" (booking code) or "ref" (its script name)')
        return self

    def ident(self) -> dict[str, Any]:
        """What a ``checkin.refused`` event repeats of the booking."""
        # A refusal names the booking by code, or by the script's name when it has no code.
        return {"code": self.code} if self.code else {"ref": self.ref} if self.ref else {}


@queue_op("cancel_booking")
class CancelBooking(_QueueCommand):
    """Cancel a booking: a citizen any time before the slot, the hall 8 hours ahead (Q12).

    The citizen names the booking by its code and the mobile number it was made with (a
    guessed code alone cancels nothing); the hall (the manager, with no number) by its
    code alone."""

    ident_fields = ("code",)
    wire_only = frozenset({"reason"})
    code: Code
    mobile: Mobile | None = None
    """The booking's mobile number: the citizen's cancellation. Without it the hall cancels."""
    reason: Note = ""
    """Why (申请人改期), kept with the command in the audit log."""
    by_hall: bool = Field(default=False, exclude=True)
    """The hall cancels (at least 8 hours ahead), not the citizen. The controller sets it,
    for a cancellation without the mobile number: which only the manager may send."""


@queue_op("cancel_slot")
class CancelSlot(_QueueCommand):
    """The hall cancels an appointment slot of a service (Q12): at least
    ``appointments.cancel_notice_hours`` (8) before it starts (002 四(七)7). Its bookings are
    cancelled, nobody may book it again, and the reply lists whom to tell."""

    ident_fields = ("service",)
    service: Code
    slot: dt.datetime
    """A time within the slot (its start, usually)."""
    reason: Note = ""
    """Why (系统升级), shown to whoever tries to book the slot and kept with the bookings."""


@queue_op("close_window")
class CloseWindow(_AtWindow):
    """Close a window temporarily (临时关闭, Q11)."""

    reason: Note = ""
    until: dt.datetime | None = None


@queue_op("open_window")
class OpenWindow(_AtWindow):
    """Open a closed window again."""


WORKORDER_STEPS = ("verify", "rectify", "reply", "appeal", "appeal_upheld", "appeal_rejected")
"""The steps of a work order (RULES §5): 回访核实, 整改 or 解释说明, 答复; 申诉 and its decision."""
APPEAL_DECISIONS = frozenset({"appeal_upheld", "appeal_rejected"})
"""The steps only the hall manager gives (the hall centre decides an appeal, Q7)."""


@queue_op("update_workorder")
class UpdateWorkorder(_QueueCommand):
    """差评工单 follow-up (Q7): a step towards closing the work order of a bad review."""

    ident_fields = ("workorder",)
    workorder: Code
    step: Code
    """``verify`` (回访核实: the call-back, what the citizen said), ``rectify`` (整改 of a
    verified complaint, else 解释说明), ``reply`` (答复), ``appeal`` (申诉复核: the department
    finds the rating mistaken or malicious; ``note`` says why), ``appeal_upheld`` or
    ``appeal_rejected`` (the hall manager's decision); another step is refused ``bad_step``."""
    note: Note = ""
    verified: bool | None = None
    """For ``verify``: whether the bad review was confirmed (two confirmed → 不合格, Q7)."""


@queue_op("close_workorder")
class CloseWorkorder(_QueueCommand):
    """Close a work order once its call-back, reply and (if verified) rectification are in;
    after an upheld appeal the reply alone; never while an appeal awaits its decision."""

    ident_fields = ("workorder",)
    workorder: Code
    note: Note = ""


@queue_op("tick")
class Tick(QueueOp):
    """Time passes: rating timeouts, forfeited bookings, ended closures, day rollover. The
    controller applies it on each tick of its clock, a replay on a ``tick`` line; no node
    sends it."""


@command_model("queue", "today")
class TodayQuery(Command):
    """The hall day's tickets as they stand, with the last event sequence they include: what
    the console loads when it starts or reconnects, then keeps current from the events."""

    readonly = True


class _DayRange(Command):
    """A query over hall days ``from``/``to`` (both included)."""

    # ``from`` is a Python keyword: the fields have Python names, the wire has the short ones,
    # and a sender that builds the model by name still sends ``from``/``to``.
    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    readonly = True
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")


@command_model("queue", "slots")
class SlotsQuery(_DayRange):
    """The appointment slots of a service, workday by workday between two days (at most
    ``SLOT_DAYS_MAX``): each slot's capacity, bookings left, and whether it may be booked now
    (the lead time, the hall's cancellations, a full slot), so a booking page greys out the
    rest. Nothing about who booked."""

    service: Code


@command_model("queue", "bookings")
class BookingsQuery(_DayRange):
    """The bookings whose slots fall between two days, with the slots the hall cancelled: what
    the manager's bookings page lists. Mobile numbers come masked; ``full_numbers`` (the
    manager's alone) gives them whole, to tell the citizens of a cancelled slot."""

    service: Code | None = None
    full_numbers: bool = False


WorkorderListStatus = Literal["open", "closed"]


@command_model("queue", "workorders")
class WorkordersQuery(Command):
    """The bad-review work orders (差评工单, Q7): each with its due date and the workdays left
    (counted by the controller's workday calendar), its steps and its appeal, and the review
    grades of the year of its staff. Open and closed ones unless ``status`` says which; made
    from ``from`` to ``to`` (hall days, both included) when given. A chief names their
    department (``controller/permissions.py`` refuses any other), and gets its orders only."""

    model_config = ConfigDict(validate_by_name=True, serialize_by_alias=True)

    readonly = True
    status: WorkorderListStatus | None = None
    date_from: dt.date | None = Field(default=None, alias="from")
    date_to: dt.date | None = Field(default=None, alias="to")
    department: Code | None = None
    """Only the orders of this department's items (a chief's own)."""


@command_model("queue", "ticket_status")
class TicketStatusQuery(Command):
    """One ticket of the hall day by its status token (the QR code's ``/t/<token>``): what
    the citizens' status page shows. Only the console asks, as itself; a token that is not
    of a ticket of the current hall day is ``unknown_ticket`` (a token expires with its day)."""

    readonly = True
    token: StatusToken


@command_model("queue", "stats")
class StatsQuery(_DayRange):
    """The statistics of Q15 over a range of hall days (``from``/``to`` inclusive)."""
