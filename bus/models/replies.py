"""Typed results of the replies (``Reply.result``): one model per command, in ``COMMAND_RESULTS``.

The reply envelope stays ``{"v": 1, "id", "ok", "result"}``; the controller builds ``result``
from its command's model and a node that sent a command reads it with that model
(``reply.result_as(IssueResult)``). ``reply_model(Model)`` is the typed reply the contract shows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from bus.models.attendance import WriteoffKind
from bus.models.base import Reply, ResultData
from bus.models.events import IssuedData, RecallData
from bus.models.notices import NOTICE_STATUS_TEXT, Notice, NoticeStatus
from bus.models.suspensions import SuspensionResult, SuspensionsResult


class Result(BaseModel):
    """A command's result: frozen; a node ignores fields a newer controller added."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class SparseResult(Result):
    """A result whose optional fields go on the wire only when the controller set them (an
    empty call has no ticket details, a logout no name): the JSON stays as it was sent."""

    @model_serializer(mode="wrap")
    def _only_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {k: v for k, v in dumped.items() if k in self.model_fields_set}


# Queue -----------------------------------------------------------------------------------


class IssueResult(IssuedData):
    """The reply to ``queue/issue``: the ticket the kiosk shows and prints (Q1)."""

    status_token: str | None = None
    """The ticket's status token: its QR code is ``<public_url>/t/<token>``. Only in this
    reply (and the store's): the ``ticket.issued`` event, which every node reads, has none."""


class CheckinResult(IssueResult):
    """The reply to ``queue/checkin``: the priority ticket the booking turned into (Q12)."""

    code: str
    """The booking's code (``booking`` names it too)."""


class CallResult(SparseResult):
    """The reply to ``queue/call`` and ``queue/resume_ticket``: the ticket now at the window
    with what screens show of it, or only ``ticket: null`` and the window when nobody waits."""

    ticket: str | None
    window: str
    key: str | None = None
    category: str | None = None
    service_name: str | None = None
    department: str | None = None
    department_name: str | None = None
    windows: tuple[int, ...] | None = None
    priority: bool | None = None
    window_number: int | None = None
    staff: str | None = None
    staff_name: str | None = None
    called_at: dt.datetime | None = None
    announcement: str | None = None
    """The line as it is spoken (A零零一 请到 三 号窗口)."""


class RecallResult(RecallData):
    """The reply to ``queue/recall``: the ticket called again and the recalls left (Q5)."""


class WindowTicketResult(Result):
    """The reply to ``skip``, ``hold`` and ``finish``: the ticket that left the window."""

    ticket: str
    window: str


class PauseResult(Result):
    """The reply to ``queue/pause`` and ``queue/resume``: whether the window is paused now."""

    window: str
    paused: bool


class WindowResult(Result):
    """The reply to ``queue/open_window``: the window open again."""

    window: str


class CloseWindowResult(Result):
    """The reply to ``queue/close_window`` (Q11)."""

    window: str
    closure: str
    """The closure's key (window and start), which ``open_window`` ends."""
    returns_to_pool: bool
    """Closed for over a month: the window's numbers go back to the pool."""


class LoginResult(SparseResult):
    """The reply to ``queue/login`` (staff and name) and ``queue/logout`` (``staff: null``)."""

    window: str
    staff: str | None
    name: str | None = None
    """The staff member's name; a logout has none."""


class ReactivateResult(Result):
    """The reply to ``queue/reactivate``: the skipped ticket waits again, ``ahead`` before it."""

    ticket: str
    ahead: int


class TransferResult(Result):
    """The reply to ``queue/transfer``: the ticket in the other service's queue."""

    ticket: str
    service: str
    window: str
    """The window it left."""
    ahead: int


class RateResult(SparseResult):
    """The reply to ``queue/rate``; a 1 or 2 opened a work order due on ``due`` (Q6, Q7)."""

    ticket: str
    level: int
    window: str
    staff: str | None
    workorder: str | None = None
    due: dt.date | None = None


class SuspendResult(Result):
    """The reply to ``queue/suspend``: the notice the kiosk shows for the item (Q10)."""

    service: str
    notice: str


class ServiceResult(Result):
    """The reply to ``queue/unsuspend``: the item issues tickets again."""

    service: str


class BookResult(Result):
    """The reply to ``queue/book``: the booking's code for its slot (Q12)."""

    code: str
    slot: dt.datetime
    service: str
    mobile: str | None = None
    """The mobile number it was booked with, masked (``138****1234``)."""


class BookingResult(Result):
    """The reply to ``queue/cancel_booking``: the booking cancelled."""

    code: str
    slot: dt.datetime | None = None
    service: str | None = None


SlotStatus = Literal["open", "full", "lead_time", "past", "cancelled"]
"""Whether a slot may be booked now: ``open``; ``full``; ``lead_time``, closer than the lead
time allows (城东: 须提前3天预约); ``past``, begun; ``cancelled`` by the hall."""


class SlotEntry(Result):
    """One appointment slot of a service on one workday, as a booking page shows it."""

    start: dt.datetime
    end: dt.datetime
    capacity: int
    booked: int
    """Bookings holding it (booked or checked in)."""
    left: int
    status: SlotStatus
    reason: str = ""
    """Why it may not be booked, ``中文 / English`` as a refusal says it; empty when open."""


class SlotDay(Result):
    """A workday's slots, in order."""

    date: dt.date
    slots: tuple[SlotEntry, ...]


class SlotsResult(Result):
    """The reply to ``queue/slots``: a service's slots on the workdays asked for (rest days and
    the hall's closed days left out), each with what is left and whether it may be booked."""

    service: str
    lead_days: int
    """The slot's date must be at least this many calendar days after the booking's."""
    first_day: dt.date
    """The first day whose slots the lead time lets a citizen book today."""
    days: tuple[SlotDay, ...]


class BookingEntry(Result):
    """One booking in the manager's list (``queue/bookings``)."""

    code: str
    service: str
    slot: dt.datetime
    status: str
    """``booked``, ``checked_in``, ``forfeited`` or ``cancelled``."""
    mobile: str
    """Masked (``138****1234``) unless the query asked the manager's ``full_numbers``; empty
    for a booking without one (a replay's)."""
    booked_at: dt.datetime
    ticket: str | None
    """The ticket a check-in gave."""
    cancelled_at: dt.datetime | None
    cancelled_by_hall: bool
    cancel_reason: str


class CancelledSlotEntry(Result):
    """A slot the hall cancelled, with the bookings it cancelled (whom to tell)."""

    service: str
    slot: dt.datetime
    reason: str
    cancelled_at: dt.datetime
    bookings: tuple[str, ...]
    """Booking codes."""


class BookingsResult(Result):
    """The reply to ``queue/bookings``: the bookings of the days asked for, by slot, and the
    slots the hall cancelled."""

    full_numbers: bool
    """Whether ``mobile`` is whole (the manager's query) or masked."""
    bookings: tuple[BookingEntry, ...]
    cancelled_slots: tuple[CancelledSlotEntry, ...]


class Notified(Result):
    """A citizen the hall must tell of a cancelled slot: the booking and its masked number
    (the manager's bookings page shows it whole)."""

    code: str
    mobile: str


class CancelSlotResult(Result):
    """The reply to ``queue/cancel_slot``: the slot cancelled and the bookings it cancelled."""

    service: str
    slot: dt.datetime
    """The slot's start."""
    reason: str
    cancelled: tuple[Notified, ...]


class WorkorderUpdateResult(Result):
    """The reply to ``queue/update_workorder``: the step recorded (Q7)."""

    workorder: str
    step: str
    verified: bool | None
    appeal: str = "none"
    """申诉复核 after the step: ``none``, ``pending``, ``upheld`` or ``rejected``."""


class WorkorderCloseResult(Result):
    """The reply to ``queue/close_workorder``: closed, and whether past its due day (Q7)."""

    workorder: str
    ticket: str
    """The ticket's number."""
    verified: bool | None
    overdue: bool


# Statistics (Q15) ------------------------------------------------------------------------


class GroupStats(Result):
    """The ticket counts and times of one group: a day, a category, a window, staff, an hour.

    Times are minutes, rounded to one decimal; None where no ticket gave one."""

    issued: int
    served: int
    skipped: int
    """Tickets skipped at least once (过号), whatever became of them."""
    transferred: int = 0
    """Tickets transferred at least once (转移); a group by category counts them under the
    category they were transferred to."""
    expired: int
    wait_mean_min: float | None
    """Issue to first call."""
    wait_p90_min: float | None
    service_mean_min: float | None
    """(Last) call to finish."""
    service_p90_min: float | None
    rated: int
    not_rated: int
    satisfaction_rate: float | None
    """Ratings of 3 and better (基本满意) over all ratings, three decimals."""


class StatsBlock(GroupStats):
    """All statistics of one scope (the whole range, or one day): totals, peaks, groups."""

    peak_hours: tuple[str, ...]
    """The busiest issue hours (``"09"``), most tickets first."""
    by_category: dict[str, GroupStats]
    """By category prefix (``A``)."""
    by_window: dict[str, GroupStats]
    """By the window that last had the ticket; ``-`` for none."""
    by_staff: dict[str, GroupStats]
    """By staff id; ``-`` for none."""
    by_hour: dict[str, GroupStats]
    """By issue hour, ``"09"``."""
    by_weekday_hour: dict[str, GroupStats] = Field(default_factory=dict)
    """By the weekday and hour a ticket was taken, ``"1-09"`` (ISO weekday, 1 = Monday): the
    peak hours as an hour × weekday heat map."""


class WorkorderStats(Result):
    """The bad-review work orders (差评工单, Q7): open and overdue today, made in the range."""

    open: int
    overdue: tuple[str, ...]
    """Keys of the open work orders past their due day."""
    created_in_range: int
    closed_in_range: int
    by_staff: dict[str, int]
    """Work orders created in the range per staff id (``-`` for none)."""


class ReviewGrade(Result):
    """One staff member's bad reviews of the year and what they mean for the grade (Q7)."""

    bad_reviews: int
    """Bad reviews of the year, those whose appeal was upheld left out."""
    verified: int
    """Bad reviews the work order verified (an upheld appeal takes one out)."""
    unqualified: bool
    """不合格: two verified bad reviews in the year."""
    excellent_barred: bool
    """No 优秀 after any bad review."""
    appeals_upheld: int = 0
    """Bad reviews taken out of the count by an upheld appeal (申诉复核, Q7)."""


class ReviewGrades(Result):
    """The Q7 review grades of the year the range ends in."""

    year: int
    staff: dict[str, ReviewGrade]
    """By staff id; staff without a bad review are not listed."""



class WorkorderStepEntry(Result):
    """One recorded step of a work order, in the ``queue/workorders`` reply."""

    step: str
    """``verify``, ``rectify``, ``reply``, ``appeal``, ``appeal_upheld``, ``appeal_rejected``
    or ``close``."""
    at: dt.datetime
    by: str | None
    """The console user who recorded it; none from the hall's own tools or a replay."""
    note: str
    verified: bool | None = None
    """For ``verify``: whether the call-back found the complaint justified."""


class WorkorderEntry(Result):
    """One bad-review work order (差评工单, Q7) as the work-order list shows it."""

    workorder: str
    ticket: str
    """The ticket's number (A007)."""
    day: dt.date
    """The hall day of the rating."""
    service: str
    department: str | None
    window: str | None
    staff: str | None
    level: int
    """The rating: 2 不满意 or 1 非常不满意."""
    created_at: dt.datetime
    due: dt.date
    """The N-th workday after the rating (Q7: 10 workdays, 002 四(六)6)."""
    status: Literal["open", "closed"]
    workdays_left: int | None
    """An open order: workdays after today up to its due day (0: due today; below 0: that
    many workdays overdue), by the controller's workday calendar. None once closed."""
    overdue: bool
    """Open past its due day, or closed after it."""
    verified: bool | None
    """回访核实: None before the call-back; True when the complaint was found justified."""
    visit_note: str
    rectification: str
    """整改 of a verified complaint, or the 解释说明 given otherwise."""
    reply: str
    appeal: Literal["none", "pending", "upheld", "rejected"]
    appeal_note: str
    decision_note: str
    counts: bool
    """Counts toward 不合格: verified, and no appeal upheld."""
    closed_at: dt.datetime | None
    steps: tuple[WorkorderStepEntry, ...]


class WorkordersResult(Result):
    """The reply to ``queue/workorders``: the work orders asked for, open ones first (soonest
    due first), then the closed (last closed first); and the review grades of this year of
    the staff they name (不合格 after two verified bad reviews, an upheld appeal left out)."""

    today: dt.date
    """The controller's hall day, which ``workdays_left`` counts from."""
    workorders: tuple[WorkorderEntry, ...]
    review_grades: ReviewGrades


class StatsResult(Result):
    """The reply to ``queue/stats`` and the output of ``hall stats``: the statistics of Q15
    over a range of hall days, in total and per day, with work orders and review grades."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", validate_by_name=True, serialize_by_alias=True
    )

    date_from: dt.date = Field(validation_alias="from", serialization_alias="from")
    """The first day (``from`` on the wire)."""
    date_to: dt.date = Field(validation_alias="to", serialization_alias="to")
    """The last day, included (``to`` on the wire)."""
    total: StatsBlock
    days: dict[dt.date, StatsBlock]
    """Each hall day that issued a ticket."""
    workorders: WorkorderStats
    review_grades: ReviewGrades


class TodayTicket(Result):
    """One ticket of the hall day in the ``queue/today`` reply: what the console's caller and
    live hall show of it, and what their counters count (as ``queue/stats`` counts them)."""

    ticket: str
    category: str
    service: str
    service_name: str
    priority: bool
    issued_at: dt.datetime
    status: str
    """``waiting``, ``called``, ``held``, ``skipped``, ``done`` or ``expired``."""
    window: str | None
    first_called_at: dt.datetime | None
    called_at: dt.datetime | None
    finished_at: dt.datetime | None
    skipped: bool
    """Skipped at least once today (the statistics' skipped count)."""
    transferred: bool
    rating: int | None
    """The citizen's rating (1–5) once given."""


class TicketStatusResult(Result):
    """The reply to ``queue/ticket_status``: the ticket a status token belongs to, as the
    citizens' status page first shows it (the console follows it by the events after)."""

    day: dt.date
    ticket: str
    category: str
    service: str
    service_name: str
    status: str
    """``waiting``, ``called``, ``held``, ``skipped``, ``done`` or ``expired``."""
    window: str | None
    """The window calling, serving or holding it (or the last that did)."""
    issued_at: dt.datetime


class OverdueWorkorder(Result):
    """An open work order past its due day, in the ``queue/today`` reply (the live hall's
    alarm: 差评工单逾期, Q7)."""

    workorder: str
    ticket: str
    window: str | None
    staff: str | None
    due: dt.date


class TodayResult(Result):
    """The reply to ``queue/today``: the hall day's tickets, oldest first, and the sequence of
    the last event they include (a listener applies only later events on top); and the open
    work orders past their due day, soonest due first (a ``workorder.closed`` event takes one
    off; a new hall day, which may make more overdue, is loaded again)."""

    day: dt.date
    seq: int
    tickets: tuple[TodayTicket, ...]
    overdue_workorders: tuple[OverdueWorkorder, ...] = ()


# Notices ---------------------------------------------------------------------------------


class ListedNotice(Result):
    """A notice in the ``notice/list`` reply: the retained notice's fields with its status by
    the controller's clock, so every consumer (the CLI, the console) tells in force from
    scheduled the same way."""

    notice_id: str
    text: str
    text_en: str = ""
    targets: tuple[str, ...]
    start: dt.datetime
    until: dt.datetime | None
    priority: str
    created_at: dt.datetime
    status: NoticeStatus
    status_text: str
    """The status in words, Chinese first (``生效中 / in force``)."""

    @classmethod
    def of(cls, notice: Notice, now: dt.datetime, ended: bool = False) -> ListedNotice:
        """``notice`` as listed at ``now`` (``ended``: revoked, whatever its times say)."""
        status: NoticeStatus = "ended" if ended else notice.status_at(now)
        zh, en = NOTICE_STATUS_TEXT[status]
        fields = notice.model_dump(exclude={"v"})
        return cls(**fields, status=status, status_text=f"{zh} / {en}")


class NoticeList(Result):
    """The reply to ``notice/list``: the notices in force, scheduled, and ended on the hall's
    day, each with its status by the controller's clock."""

    notices: tuple[ListedNotice, ...]


class RevokeResult(Result):
    """The reply to ``notice/revoke``: the notices it ended."""

    revoked: tuple[str, ...]


# Attendance ------------------------------------------------------------------------------


class PunchResult(Result):
    """The reply to ``att/punch``: the punch as recorded and how it reads on its own."""

    punch_id: str
    seq: int
    duplicate: bool
    """A resend of a punch already recorded: answered as the first time, recorded once."""
    flags: tuple[str, ...]
    skew_seconds: float | None
    staff_id: str
    name: str
    local_time: str
    """Hall time, ``YYYY-MM-DD HH:MM:SS``."""
    slot: str
    kind: str
    minutes: int | None
    status: str
    text: str
    """What the terminal shows (签到正常 / on time)."""


IsoDatetime = Annotated[
    dt.datetime, PlainSerializer(dt.datetime.isoformat, return_type=str, when_used="json")
]
"""A time as the write-off store keeps it, ``datetime.isoformat()`` (``+00:00``, never ``Z``)."""

ClockTime = Annotated[
    dt.time, PlainSerializer(lambda t: t.strftime("%H:%M:%S"), return_type=str, when_used="json")
]
"""A hall-time clock reading of the monthly report, to the second (``08:52:00``)."""

Points = int | float
"""Assessment points as the profile gives them: ``2`` stays ``2``, ``2.5`` stays ``2.5``."""


class WriteoffSignature(Result):
    """One approver's signature on a write-off request (A5): for or against, and when."""

    role: str
    """The approver's role in the chain (``chief_representative``, ``hall_centre``, …)."""
    approver: str
    approve: bool
    at: IsoDatetime
    note: str


class WriteoffResult(Result):
    """The reply to ``att/request``, ``att/approve`` and ``att/reject``: the write-off request
    (核销申请) as stored, with its signatures and where it stands now (A4, A5)."""

    request_id: str
    staff_id: str
    """Who filed it."""
    staff_ids: tuple[str, ...]
    """Who it writes off: the requester, or everyone a device-failure registration lists."""
    kind: WriteoffKind
    start: IsoDatetime
    end: IsoDatetime
    days: float
    """Its length in workdays (halves for half days); 0 for kinds that excuse no day."""
    substitute: str | None
    """The substitute's staff id (顶岗), once named."""
    emergency: bool
    reported_at: IsoDatetime | None
    """Emergency leave: when it was reported."""
    reason: str
    created_at: IsoDatetime
    approvals: tuple[WriteoffSignature, ...]
    status: Literal["approved", "pending", "rejected"]
    """As the evaluation counts it today (emergency leave past its deadline is rejected)."""
    chain: tuple[str, ...]
    """The roles that sign, in order."""
    next_role: str | None
    """Whose turn it is; None once decided."""
    message: str
    """Where it stands, Chinese and English (待 … 审批 / awaiting)."""


class WriteoffList(Result):
    """The reply to ``att/list``: the requests asked for, oldest first."""

    requests: tuple[WriteoffResult, ...]


class MonthTotals(Result):
    """A staff member's month in numbers (RULES §4 ``totals``)."""

    workdays: int
    late: int
    early: int
    absent_days: int
    converted_absences: int
    """Absences the profile's monthly conversion made of late and early occurrences."""
    leave_days: int


class MonthDeductions(Result):
    """The assessment points a month's attendance costs (A8; 考核办法 第二十一条(三))."""

    late_early: Points
    proxy_punch: Points
    absence: Points
    total: Points
    absences: int
    """Absences counted, monthly conversions included when the profile says so."""
    returned_to_unit: bool
    """退回原单位: the absences reached the profile's limit."""


DayStatus = Literal["normal", "late", "early", "late_early", "absent", "leave", "rest"]
"""The ``status`` of a day (RULES §4; ``attendance.rules.model.DayStatus``)."""

DayFlag = Literal[
    "missing_sign_in", "missing_sign_out", "excused_sign_in", "excused_sign_out",
    "calendar_fallback",
]  # fmt: skip
"""A day's flags (``attendance.rules.model.Flag``)."""


class SlotPunch(Result):
    """One expected punch of a split-day profile (four a day): the punch that counts."""

    punch: ClockTime | None
    minutes: int | None
    """Late (in) or early (out) minutes; None when missing or excused."""
    excused: bool


class MonthDay(SparseResult):
    """One staff member's day as RULES §4 writes it; split-day profiles add their slots."""

    status: DayStatus
    sign_in: ClockTime | None
    sign_out: ClockTime | None
    late_minutes: int | None
    early_minutes: int | None
    flags: tuple[DayFlag, ...]
    slots: dict[str, SlotPunch] | None = None
    """By slot name (``morning_in``, …); only for profiles with more than two punches."""


class StaffMonthResult(SparseResult):
    """One staff member in the monthly report: totals, deductions and, if asked, the days."""

    name: str
    department: str
    totals: MonthTotals
    deductions: MonthDeductions
    days: dict[dt.date, MonthDay] | None = None
    """Only when the query asked for ``days``."""


class MonthReportResult(Result):
    """The reply to ``att/report`` and the output of ``hall attendance report``: the month's
    attendance per staff member with the assessment deductions (A8)."""

    month: str
    """``YYYY-MM``."""
    profile: str
    through: dt.date | None
    """The last day counted while the month is still running; None once it is over."""
    staff: dict[str, StaffMonthResult]
    """By staff id: the hall's roster and anyone with a punch or a write-off."""


ViewStatus = Literal[
    "normal", "late", "early", "late_early", "absent", "leave", "rest", "pending",
]  # fmt: skip
"""A day in the month view: RULES §4's status, or ``pending`` (未判定) for a day not yet over."""

PunchFlag = Literal["clock_not_synced", "clock_skew"]
"""A punch's clock flags (RULES A7: the terminal's clock was not in sync, or far off)."""


class ViewDay(Result):
    """One staff member's day in the month view."""

    status: ViewStatus
    sign_in: ClockTime | None
    sign_out: ClockTime | None
    late_minutes: int | None
    early_minutes: int | None
    flags: tuple[DayFlag, ...]
    """The day's flags; none while ``pending``."""
    punch_flags: tuple[PunchFlag, ...] = ()
    """Clock flags of that day's punches (each once)."""
    writeoffs: tuple[WriteoffKind, ...] = ()
    """Kinds of the approved write-offs touching the day (请假、出差、补卡 …), each once."""


class StaffMonthView(Result):
    """One staff member in the month view: the numbers of ``att/report`` and every day."""

    name: str
    department: str
    totals: MonthTotals
    deductions: MonthDeductions
    days: dict[dt.date, ViewDay]


class CalendarDay(Result):
    """What the hall's calendar says of a date: workday or not, and from where."""

    workday: bool
    source: Literal["statutory", "override", "fallback"]
    """``override``: the manager's or the hall config's date; ``fallback``: no statutory data
    for the year, Monday–Friday assumed."""


class MonthViewResult(Result):
    """The reply to ``att/month``: the staff asked for, day by day."""

    month: str
    profile: str
    through: dt.date | None
    """The last day judged while the month is still running (days after it are ``pending``);
    None once it is over."""
    calendar: dict[dt.date, CalendarDay]
    staff: dict[str, StaffMonthView]


class CalendarEntry(Result):
    """One overridden date."""

    date: dt.date
    kind: Literal["holiday", "workday"]
    source: Literal["manager", "config"]
    """``manager``: set by ``att/calendar_override`` (it may be cleared); ``config``: the hall
    config's ``attendance.holidays`` / ``workdays``."""
    set_at: IsoDatetime | None
    """When the manager set it; None for the hall config's."""
    statutory_workday: bool | None
    """What chinesecalendar says without the override; None for a year it has no data for."""
    in_force: bool
    """False for a hall-config date a manager's override of the same date replaces."""


class CalendarList(Result):
    """The reply to ``att/calendar``: every override, by date."""

    overrides: tuple[CalendarEntry, ...]


class CalendarResult(Result):
    """The reply to ``att/calendar_override``: the day's kind as the calendar now has it."""

    date: dt.date
    kind: str
    workday: bool
    source: str


# Users -----------------------------------------------------------------------------------


class UserInfo(Result):
    """One console user as the controller shows it: never a password or PIN hash."""

    user: str
    display_name: str
    role: str
    """``manager``, ``chief``, ``staff``, ``patrol`` or ``auditor``."""
    department: str | None
    staff_id: str | None
    windows: tuple[str, ...]
    has_pin: bool
    disabled: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    """Set while five failed sign-ins keep the user out."""
    created_at: dt.datetime
    updated_at: dt.datetime


class UserResult(Result):
    """The reply to ``users/add``, ``passwd``, ``set_pin``, ``disable``, ``enable`` and
    ``set_role``: the user as now stored."""

    user: UserInfo


class UserList(Result):
    """The reply to ``users/list``: every user by user name."""

    users: tuple[UserInfo, ...]


class AuthResult(Result):
    """The reply to ``users/authenticate`` and ``authenticate_pin``: who signed in and what
    they may do (the console keeps it in its session)."""

    user: str
    display_name: str
    role: str
    department: str | None
    staff_id: str | None
    windows: tuple[str, ...]


class AuditEntry(Result):
    """One row of the audit log: a command applied or refused, or a tick that changed
    something (``verb`` ``tick``, no sender)."""

    seq: int
    at: dt.datetime
    area: str
    verb: str
    command_id: str | None
    ok: bool
    """False: refused (by the sender's or the acting user's rights, or by the rules)."""
    sender: str | None
    """The node whose topic carried it (``console``, ``caller-W03``); None: the controller."""
    acting_user: str | None
    """The console user it was given as."""
    window: str | None
    ticket: str | None
    """The ticket it named or produced (``A005``), when there is one."""


class AuditSearchResult(Result):
    """The reply to ``audit/search``: one page of rows, newest first; ``next_cursor`` asks for
    the next (older) page, None on the last."""

    entries: tuple[AuditEntry, ...]
    next_cursor: str | None


class DeviceNow(Result):
    """A node (``device`` empty: its own ``online``/``offline``) or a device of it, as the
    controller last heard it."""

    node: str
    device: str
    state: str
    detail: str
    fault: bool
    since: dt.datetime | None
    """When it entered this state, as it said (a device) or the controller saw (a node)."""
    seen_at: dt.datetime
    """When the controller last heard from it (a retained message at restart is not heard)."""


class DeviceChange(Result):
    """A state change: a fault (``fault``), or a recovery (``recovered``: a fault ended)."""

    seq: int
    at: dt.datetime
    node: str
    device: str
    state: str
    previous: str | None
    detail: str
    fault: bool
    recovered: bool


class DeviceHistoryResult(Result):
    """The reply to ``devices/history``: every node and device heard, and the changes asked
    for, newest first."""

    devices: tuple[DeviceNow, ...]
    changes: tuple[DeviceChange, ...]


# The registry ----------------------------------------------------------------------------

COMMAND_RESULTS: dict[tuple[str, str], type[BaseModel]] = {
    ("queue", "issue"): IssueResult,
    ("queue", "checkin"): CheckinResult,
    ("queue", "call"): CallResult,
    ("queue", "resume_ticket"): CallResult,
    ("queue", "recall"): RecallResult,
    ("queue", "skip"): WindowTicketResult,
    ("queue", "hold"): WindowTicketResult,
    ("queue", "finish"): WindowTicketResult,
    ("queue", "pause"): PauseResult,
    ("queue", "resume"): PauseResult,
    ("queue", "open_window"): WindowResult,
    ("queue", "close_window"): CloseWindowResult,
    ("queue", "login"): LoginResult,
    ("queue", "logout"): LoginResult,
    ("queue", "reactivate"): ReactivateResult,
    ("queue", "transfer"): TransferResult,
    ("queue", "rate"): RateResult,
    ("queue", "suspend"): SuspendResult,
    ("queue", "unsuspend"): ServiceResult,
    ("queue", "book"): BookResult,
    ("queue", "cancel_booking"): BookingResult,
    ("queue", "cancel_slot"): CancelSlotResult,
    ("queue", "slots"): SlotsResult,
    ("queue", "bookings"): BookingsResult,
    ("queue", "update_workorder"): WorkorderUpdateResult,
    ("queue", "close_workorder"): WorkorderCloseResult,
    ("queue", "workorders"): WorkordersResult,
    ("queue", "stats"): StatsResult,
    ("queue", "today"): TodayResult,
    ("queue", "ticket_status"): TicketStatusResult,
    ("queue", "file_suspension"): SuspensionResult,
    ("queue", "decide_suspension"): SuspensionResult,
    ("queue", "suspensions"): SuspensionsResult,
    ("notice", "push"): Notice,
    ("notice", "revoke"): RevokeResult,
    ("notice", "list"): NoticeList,
    ("att", "punch"): PunchResult,
    ("att", "calendar_override"): CalendarResult,
    ("att", "request"): WriteoffResult,
    ("att", "approve"): WriteoffResult,
    ("att", "reject"): WriteoffResult,
    ("att", "list"): WriteoffList,
    ("users", "add"): UserResult,
    ("users", "passwd"): UserResult,
    ("users", "set_pin"): UserResult,
    ("users", "disable"): UserResult,
    ("users", "enable"): UserResult,
    ("users", "set_role"): UserResult,
    ("users", "list"): UserList,
    ("users", "authenticate"): AuthResult,
    ("users", "authenticate_pin"): AuthResult,
    ("att", "report"): MonthReportResult,
    ("audit", "search"): AuditSearchResult,
    ("devices", "history"): DeviceHistoryResult,
    ("att", "month"): MonthViewResult,
    ("att", "calendar"): CalendarList,
}
"""``(area, verb)`` → the model of its reply's result: every command's result is typed."""


def result_of(area: str, verb: str, data: Mapping[str, object] | None) -> BaseModel:
    """A service's result as its command's model; a field the model lacks is an error, so the
    JSON of the reply is exactly what the service made."""
    model = COMMAND_RESULTS[(area, verb)]
    data = data or {}
    if model is not ResultData:
        unknown = sorted(set(data) - set(model.model_fields))
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    return model.model_validate(data)


@functools.cache
def reply_model(result: type[BaseModel]) -> type[Reply]:
    """The reply whose ``result`` is ``result``: what the contract shows for a command."""
    name = f"{result.__name__.removesuffix('Result')}Reply"
    namespace = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": f"The reply whose ``result`` is a ``{result.__name__}``.",
        "__annotations__": {"result": result | None},
        "result": None,
        "typed_result": True,
    }
    typed: type[Reply] = type(name, (Reply,), namespace)
    globals()[name] = typed  # found by name, as the models written out here are
    return typed
