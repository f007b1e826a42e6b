"""One channel per event model of ``bus.models.events.EVENTS``."""

from __future__ import annotations

from bus.contract.registry import EventChannel, Role
from bus.models import events

_TICKET = {
    "ticket": "A012",
    "key": "2026-11-24/A012",
    "category": "A",
    "service_name": "社保卡补换",
    "department": "shebao",
    "department_name": "社保医保",
    "windows": [1, 2],
    "priority": False,
}
_AT_WINDOW = {"window": "W01", "window_number": 1, "staff": "S001", "staff_name": "张敏"}
_VOICE = "请A零一二号到一号窗口办理"
_WRITEOFF = {"request_id": "r-0031", "staff_id": "S002", "status": "pending"}
_SCREEN = (Role.SCREEN, Role.CONSOLE)

EVENT_CHANNELS: list[EventChannel] = [
    EventChannel(
        events.TicketIssued,
        {
            **_TICKET,
            "ticket": "A013",
            "key": "2026-11-24/A013",
            "service": "A01",
            "ahead": 7,
            "issued_at": "2026-11-24T09:30:00+08:00",
            "estimated_wait_minutes": 28,
            "booking": None,
        },
    ),
    EventChannel(
        events.TicketCalled,
        {**_TICKET, **_AT_WINDOW, "called_at": "2026-11-24T09:30:00+08:00", "announcement": _VOICE},
        _SCREEN,
        "A ticket was called to a window: the hall screen shows it and speaks `announcement`.",
    ),
    EventChannel(
        events.TicketResumed,
        {**_TICKET, **_AT_WINDOW, "called_at": "2026-11-24T09:30:00+08:00", "announcement": _VOICE},
        _SCREEN,
        "A held ticket was taken back at a window: the hall screen calls it again.",
    ),
    EventChannel(
        events.TicketRecalled,
        {**_TICKET, **_AT_WINDOW, "recalls": 1, "recalls_left": 1, "announcement": _VOICE},
        _SCREEN,
        "The current ticket was called again (Q5): the hall screen repeats the call.",
    ),
    EventChannel(
        events.TicketFinished,
        {
            **_TICKET,
            **_AT_WINDOW,
            "finished_at": "2026-11-24T09:38:00+08:00",
            "rating_until": "2026-11-24T09:40:00+08:00",
        },
    ),
    EventChannel(events.TicketSkipped, {**_TICKET, "window": "W01"}),
    EventChannel(events.TicketHeld, {**_TICKET, "window": "W01"}),
    EventChannel(events.TicketReactivated, {**_TICKET, "ahead": 2}),
    EventChannel(
        events.TicketTransferred,
        {
            **_TICKET,
            "service": "B01",
            "from_service": "A01",
            "from_window": "W01",
            "ahead": 4,
        },
    ),
    EventChannel(
        events.TicketExpired, {"ticket": "A031", "key": "2026-11-23/A031", "day": "2026-11-23"}
    ),
    EventChannel(
        events.TicketNotRated,
        {"ticket": "A012", "window": "W01", "key": "2026-11-24/A012", "staff": "S001"},
    ),
    EventChannel(
        events.TicketRated,
        {
            **_AT_WINDOW,
            "ticket": "A012",
            "level": 5,
            "key": "2026-11-24/A012",
            "label": "非常满意",
            "service": "A01",
            "category": "A",
        },
    ),
    EventChannel(events.CallEmpty, dict(_AT_WINDOW)),
    EventChannel(
        events.WindowPaused,
        {**_AT_WINDOW, "reason": "", "display": "暂停服务", "evaluator": "停止服务"},
    ),
    EventChannel(events.WindowResumed, dict(_AT_WINDOW)),
    EventChannel(events.WindowLogin, {**_AT_WINDOW, "staff_number": "CD001"}),
    EventChannel(events.WindowLogout, dict(_AT_WINDOW)),
    EventChannel(
        events.WindowClosed,
        {
            "window": "W03",
            "reason": "设备维修",
            "until": "2026-11-24T13:00:00+08:00",
            "returns_to_pool": True,
            "closure": "cl-0004",
        },
    ),
    EventChannel(events.WindowOpened, {"window": "W03", "closure": "cl-0004"}),
    EventChannel(events.WindowReopened, {"window": "W03", "closure": "cl-0004"}),
    EventChannel(
        events.ServiceSuspended,
        {
            "service": "B02",
            "notice": "系统升级，抵押登记暂停办理",
            "start": "2026-11-24T14:00:00+08:00",
            "end": "2026-11-24T15:00:00+08:00",
            "announced_ahead": True,
        },
    ),
    EventChannel(events.ServiceUnsuspended, {"service": "B02"}),
    EventChannel(events.ServiceResumedBySchedule, {"service": "B02"}),
    EventChannel(events.DayStarted, {"day": "2026-11-24"}),
    EventChannel(
        events.AppointmentBooked,
        {
            "code": "B7K2Q9",
            "slot": "2026-11-24T10:30:00+08:00",
            "service": "B01",
            "ref": None,
            "category": "B",
            "mobile": "138****5678",
        },
    ),
    EventChannel(
        events.AppointmentCancelled,
        {
            "code": "B7K2Q9",
            "by_hall": True,
            "slot": "2026-11-24T10:30:00+08:00",
            "service": "B01",
            "mobile": "138****5678",
            "reason": "系统升级，抵押登记暂停办理",
        },
    ),
    EventChannel(
        events.AppointmentForfeited,
        {"code": "B7K2Q9", "service": "B01", "slot": "2026-11-24T10:30:00+08:00"},
    ),
    EventChannel(
        events.SlotCancelled,
        {
            "service": "B01",
            "slot": "2026-11-24T10:30:00+08:00",
            "reason": "系统升级，抵押登记暂停办理",
            "bookings": 1,
        },
    ),
    EventChannel(
        events.WorkorderCreated,
        {
            "ticket": "A012",
            "due": "2026-12-08",
            "workorder": "WO-2026-11-24/A012",
            "level": 1,
            "staff": "S001",
            "window": "W01",
            "department": "shebao",
        },
    ),
    EventChannel(
        events.WorkorderUpdated,
        {
            "workorder": "WO-2026-11-24/A012",
            "step": "verify",
            "verified": True,
            "staff": "S001",
            "appeal": "none",
            "by": "chief-shebao",
        },
    ),
    EventChannel(
        events.WorkorderClosed,
        {
            "workorder": "WO-2026-11-24/A012",
            "ticket": "A012",
            "verified": True,
            "overdue": False,
            "staff": "S001",
            "by": "chief-shebao",
        },
    ),
    EventChannel(
        events.NoticePushed,
        {
            "notice_id": "n-20261124-01",
            "text": "今日下午14:00至15:00系统维护，暂停办理不动产业务",
            "targets": ["screens", "kiosks"],
            "start": "2026-11-24T09:00:00+08:00",
            "until": "2026-11-24T15:00:00+08:00",
            "priority": "high",
            "created_at": "2026-11-24T08:50:00+08:00",
        },
        description="A notice was pushed: `data` is the notice itself (also on `notice/<id>`).",
    ),
    EventChannel(events.NoticeRevoked, {"notice_id": "n-20261124-01"}),
    EventChannel(events.NoticeEnded, {"notice_id": "n-20261124-01"}),
    EventChannel(
        events.PunchAccepted,
        {
            "staff_id": "S001",
            "seq": 381,
            "device": "terminal-1",
            "slot": "morning_in",
            "status": "normal",
            "minutes": 0,
            "flags": [],
        },
    ),
    EventChannel(events.WriteoffRequested, {**_WRITEOFF, "next_role": "section_chief"}),
    EventChannel(
        events.WriteoffSigned,
        {**_WRITEOFF, "status": "pending", "next_role": "centre_director"},
    ),
    EventChannel(events.WriteoffApproved, {**_WRITEOFF, "status": "approved", "next_role": None}),
    EventChannel(events.WriteoffRejected, {**_WRITEOFF, "status": "rejected", "next_role": None}),
    EventChannel(
        events.CalendarOverridden, {"date": "2026-12-31", "kind": "holiday", "workday": False}
    ),
]
"""One entry per event model of ``bus.models.events.EVENTS``."""
