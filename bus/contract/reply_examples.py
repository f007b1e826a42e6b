"""The typed reply of every command, as the sample hall chengdong answers the command examples.

Each is ``reply_model(Result)`` of the command's result (``bus.models.replies.COMMAND_RESULTS``)
with the ``id`` of its command's example, so the document shows every command's result schema
with a reply that validates against it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from bus.contract.examples import _at
from bus.models.base import Reply
from bus.models.notices import Notice
from bus.models.replies import (
    BookingResult,
    BookResult,
    CalendarResult,
    CallResult,
    CheckinResult,
    CloseWindowResult,
    GroupStats,
    ListedNotice,
    LoginResult,
    MonthDeductions,
    MonthReportResult,
    MonthTotals,
    NoticeList,
    PauseResult,
    PunchResult,
    RateResult,
    ReactivateResult,
    RecallResult,
    ReviewGrade,
    ReviewGrades,
    RevokeResult,
    ServiceResult,
    StaffMonthResult,
    StatsBlock,
    StatsResult,
    SuspendResult,
    TicketStatusResult,
    TodayResult,
    TodayTicket,
    TransferResult,
    WindowResult,
    WindowTicketResult,
    WorkorderCloseResult,
    WorkorderStats,
    WorkorderUpdateResult,
    WriteoffList,
    WriteoffResult,
    WriteoffSignature,
    reply_model,
)


def ok(command_id: str, result: BaseModel) -> Reply:
    """The typed reply carrying ``result``."""
    return reply_model(type(result))(id=command_id, ok=True, result=result)


_A012: dict[str, Any] = {
    "ticket": "A012",
    "key": "2026-11-24/A012",
    "category": "A",
    "service_name": "社保卡补换",
    "department": "shebao",
    "department_name": "社保医保",
    "windows": (1, 2, 9, 10),
    "priority": False,
}
_AT_W01: dict[str, Any] = {
    "window": "W01",
    "window_number": 1,
    "staff": "S001",
    "staff_name": "张敏",
}
_ANNOUNCE = "请A零零一二号到一号窗口办理"

# Queue -----------------------------------------------------------------------------------

CALLED = CallResult(**_A012, **_AT_W01, called_at=_at(9, 29), announcement=_ANNOUNCE)
NOBODY_WAITING = CallResult(ticket=None, window="W01")
RESUMED = CallResult(
    **{**_A012, "ticket": "A009", "key": "2026-11-24/A009"},
    **_AT_W01,
    called_at=_at(10, 12),
    announcement="请A零零九号到一号窗口办理",
)
RECALLED = RecallResult(**_A012, **_AT_W01, recalls=1, recalls_left=2, announcement=_ANNOUNCE)
LEFT_WINDOW = WindowTicketResult(ticket="A012", window="W01")
PAUSED = PauseResult(window="W01", paused=True)
RESUMED_WINDOW = PauseResult(window="W01", paused=False)
REACTIVATED = ReactivateResult(ticket="A005", ahead=3)
TRANSFERRED = TransferResult(ticket="A012", service="B01", window="W01", ahead=4)
SIGNED_IN = LoginResult(window="W01", staff="S001", name="张敏")
SIGNED_OUT = LoginResult(window="W01", staff=None)
RATED = RateResult(ticket="A012", level=5, window="W01", staff="S001")
BAD_REVIEW = RateResult(
    ticket="A012",
    level=1,
    window="W01",
    staff="S001",
    workorder="WO-2026-11-24/A012",
    due=dt.date(2026, 12, 8),
)
SUSPENDED = SuspendResult(service="B02", notice="系统升级，抵押登记暂停办理")
UNSUSPENDED = ServiceResult(service="B02")
BOOKING_CODE = "B01-202611241030-1"
BOOKED = BookResult(code=BOOKING_CODE, slot=_at(10, 30), service="B01", mobile="138****5678")
CHECKED_IN = CheckinResult(
    ticket="B005",
    key="2026-11-24/B005",
    category="B",
    service_name="不动产转移登记",
    department="budongchan",
    department_name="不动产登记",
    windows=(3, 4, 9, 10),
    priority=True,
    service="B01",
    ahead=0,
    issued_at=_at(10, 26),
    estimated_wait_minutes=0,
    booking=BOOKING_CODE,
    code=BOOKING_CODE,
)
CANCELLED = BookingResult(code=BOOKING_CODE, slot=_at(10, 30), service="B01")
CLOSED = CloseWindowResult(
    window="W03", closure="W03/2026-11-24T09:30:00+08:00", returns_to_pool=False
)
OPENED = WindowResult(window="W03")
WORKORDER = "WO-2026-11-20/A007"
VERIFIED = WorkorderUpdateResult(workorder=WORKORDER, step="verify", verified=True)
REPLIED = WorkorderUpdateResult(workorder=WORKORDER, step="reply", verified=None)
WORKORDER_CLOSED = WorkorderCloseResult(
    workorder=WORKORDER, ticket="A007", verified=True, overdue=False
)


def _group(issued: int, served: int, wait: float, service: float, rated: int) -> GroupStats:
    return GroupStats(
        issued=issued,
        served=served,
        skipped=issued - served,
        transferred=1,
        expired=0,
        wait_mean_min=wait,
        wait_p90_min=round(wait * 1.8, 1),
        service_mean_min=service,
        service_p90_min=round(service * 1.6, 1),
        rated=rated,
        not_rated=served - rated,
        satisfaction_rate=1.0 if rated else None,
    )


def _block(a: GroupStats, b: GroupStats) -> StatsBlock:
    total = GroupStats(
        issued=a.issued + b.issued,
        served=a.served + b.served,
        skipped=a.skipped + b.skipped,
        transferred=a.transferred + b.transferred,
        expired=0,
        wait_mean_min=a.wait_mean_min,
        wait_p90_min=b.wait_p90_min,
        service_mean_min=a.service_mean_min,
        service_p90_min=b.service_p90_min,
        rated=a.rated + b.rated,
        not_rated=a.not_rated + b.not_rated,
        satisfaction_rate=1.0,
    )
    return StatsBlock(
        **total.model_dump(),
        peak_hours=("09", "10"),
        by_category={"A": a, "B": b},
        by_window={"W01": a, "W03": b},
        by_staff={"S001": a, "S003": b},
        by_hour={"09": a, "10": b},
        by_weekday_hour={"1-09": a, "1-10": b},
    )


_DAY_1 = _block(_group(38, 36, 12.4, 7.9, 30), _group(21, 20, 18.2, 14.5, 17))
STATS = StatsResult(
    date_from=dt.date(2026, 11, 23),
    date_to=dt.date(2026, 11, 23),
    total=_DAY_1,
    days={dt.date(2026, 11, 23): _DAY_1},
    workorders=WorkorderStats(
        open=1,
        overdue=(),
        created_in_range=1,
        closed_in_range=0,
        by_staff={"S003": 1},
    ),
    review_grades=ReviewGrades(
        year=2026,
        staff={
            "S003": ReviewGrade(bad_reviews=1, verified=1, unqualified=False, excellent_barred=True)
        },
    ),
)

# Attendance ------------------------------------------------------------------------------

PUNCHED = PunchResult(
    punch_id="terminal-1-p-000381",
    seq=381,
    duplicate=False,
    flags=(),
    skew_seconds=0.4,
    staff_id="S001",
    name="张敏",
    local_time="2026-11-24 08:52:00",
    slot="sign_in",
    kind="sign_in",
    minutes=0,
    status="on_time",
    text="签到正常 / on time",
)
_REQUEST = WriteoffResult(
    request_id="R00031",
    staff_id="S002",
    staff_ids=("S002",),
    kind="sick",
    start=_at(9, 0),
    end=_at(17, 30),
    days=1.0,
    substitute=None,
    emergency=False,
    reported_at=None,
    reason="发烧就医",
    created_at=_at(8, 40),
    approvals=(),
    status="pending",
    chain=("chief_representative", "hall_centre"),
    next_role="chief_representative",
    message="待 首席事务代表 / chief representative 审批 / awaiting",
)
REQUESTED = _REQUEST
SIGNED = _REQUEST.model_copy(
    update={
        "approvals": (
            WriteoffSignature(
                role="chief_representative",
                approver="社保首席",
                approve=True,
                at=_at(9, 30),
                note="",
            ),
        ),
        "next_role": "hall_centre",
        "message": "待 政务服务中心 / hall centre 审批 / awaiting",
    }
)
REJECTED = _REQUEST.model_copy(
    update={
        "request_id": "R00032",
        "approvals": (
            WriteoffSignature(
                role="chief_representative",
                approver="社保首席",
                approve=False,
                at=_at(9, 30),
                note="材料不全",
            ),
        ),
        "status": "rejected",
        "next_role": None,
        "message": "已驳回 / rejected",
    }
)
LISTED = WriteoffList(requests=(_REQUEST,))
OVERRIDDEN = CalendarResult(
    date=dt.date(2026, 12, 31), kind="holiday", workday=False, source="override"
)
REPORT = MonthReportResult(
    month="2026-11",
    profile="chengdong",
    through=dt.date(2026, 11, 23),
    staff={
        "S001": StaffMonthResult(
            name="张敏",
            department="shebao",
            totals=MonthTotals(
                workdays=16, late=1, early=0, absent_days=0, converted_absences=0, leave_days=0
            ),
            deductions=MonthDeductions(
                late_early=2, proxy_punch=0, absence=0, total=2, absences=0, returned_to_unit=False
            ),
        ),
        "S002": StaffMonthResult(
            name="李强",
            department="shebao",
            totals=MonthTotals(
                workdays=16, late=0, early=0, absent_days=1, converted_absences=0, leave_days=1
            ),
            deductions=MonthDeductions(
                late_early=0, proxy_punch=0, absence=3, total=3, absences=1, returned_to_unit=False
            ),
        ),
    },
)

# Notices ---------------------------------------------------------------------------------

NOTICE = Notice(
    notice_id="N0012",
    text="今日下午14:00至15:00系统维护，暂停办理不动产业务",
    targets=["screens", "kiosks"],
    start=_at(9, 30),
    until=_at(15, 0),
    priority="high",
    created_at=_at(9, 30),
)
REVOKED = RevokeResult(revoked=("N0012",))
NOTICES = NoticeList(notices=(ListedNotice.of(NOTICE, _at(10, 0)),))


TICKET_STATUS = TicketStatusResult(
    day=dt.date(2026, 11, 24), ticket="A013", category="A", service="A01",
    service_name="社保卡补换", status="called", window="W02", issued_at=_at(9, 12),
)  # fmt: skip
UNKNOWN_TICKET = Reply.failure(
    "console-status-8c22", "unknown_ticket", "未找到该号票 / no such ticket today"
)

TODAY = TodayResult(
    day=dt.date(2026, 11, 24),
    seq=1795487400000,
    tickets=(
        TodayTicket(
            ticket="A001", category="A", service="A01", service_name="企业设立登记",
            priority=False, issued_at=_at(9, 1), status="done", window="W01",
            first_called_at=_at(9, 3), called_at=_at(9, 3), finished_at=_at(9, 14),
            skipped=False, transferred=False, rating=5,
        ),
        TodayTicket(
            ticket="A002", category="A", service="A01", service_name="企业设立登记",
            priority=False, issued_at=_at(9, 5), status="waiting", window=None,
            first_called_at=None, called_at=None, finished_at=None,
            skipped=False, transferred=False, rating=None,
        ),
    ),
)  # fmt: skip
