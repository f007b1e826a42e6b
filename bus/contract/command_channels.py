"""One channel per command model of ``bus.models.COMMANDS``."""

from __future__ import annotations

import datetime as dt

from pydantic import SecretStr

from bus.contract import reply_examples as rx
from bus.contract.attendance_channels import ATTENDANCE_VIEW_CHANNELS
from bus.contract.audit_channels import AUDIT_CHANNELS
from bus.contract.booking_channels import BOOKING_CHANNELS, EXAMPLE_MOBILE
from bus.contract.examples import _REPLY_OK, _REPLY_REFUSED, _at
from bus.contract.patrol_channels import PATROL_CHANNELS
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.contract.suspension_channels import SUSPENSION_CHANNELS
from bus.contract.user_channels import USER_CHANNELS
from bus.contract.workorder_channels import WORKORDER_CHANNELS
from bus.models import attendance, notices, queue
from bus.models.base import RefusalDetails, Reply

_K, _C, _E, _T, _M = Role.KIOSK, Role.CALLER, Role.EVALUATOR, Role.TERMINAL, Role.CONSOLE


def _id(n: int) -> str:
    return f"c-20261124-{n:04d}"


COMMAND_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        queue.Issue,
        (_K, _M),
        (
            queue.Issue(id="kiosk-1-7f3a2c", service="A01", node="kiosk-1"),
            Example(
                queue.Issue(id="kiosk-1-7f3a2e", service="B01", priority=True, node="kiosk-1"),
                "绿色通道 (green channel)",
            ),
        ),
        "Take a ticket for a service item.",
        reply_examples=(_REPLY_OK, _REPLY_REFUSED),
    ),
    CommandChannel(
        queue.Call,
        (_C, _M),
        (queue.Call(id=_id(1), window="W01"),),
        "Call the next ticket to the window (叫号).",
        reply_examples=(
            ok(_id(1), rx.CALLED),
            Example(ok(_id(1), rx.NOBODY_WAITING), "nobody waiting"),
        ),
    ),
    CommandChannel(
        queue.Recall,
        (_C, _M),
        (queue.Recall(id=_id(2), window="W01"),),
        "Call the current ticket again (重呼), up to the hall's recall limit.",
        reply_examples=(ok(_id(2), rx.RECALLED),),
    ),
    CommandChannel(
        queue.Skip,
        (_C, _M),
        (queue.Skip(id=_id(3), window="W01"),),
        "The called citizen did not come (过号).",
        reply_examples=(ok(_id(3), rx.LEFT_WINDOW),),
    ),
    CommandChannel(
        queue.Finish,
        (_C, _M),
        (queue.Finish(id=_id(4), window="W01"),),
        "The current ticket is served; the evaluator asks for a rating.",
        reply_examples=(ok(_id(4), rx.LEFT_WINDOW),),
    ),
    CommandChannel(
        queue.Hold,
        (_C, _M),
        (queue.Hold(id=_id(5), window="W01"),),
        "Put the current ticket on hold (挂起), e.g. for missing materials.",
        reply_examples=(ok(_id(5), rx.LEFT_WINDOW),),
    ),
    CommandChannel(
        queue.ResumeTicket,
        (_C, _M),
        (queue.ResumeTicket(id=_id(6), window="W01", ticket="A009"),),
        "Serve a held ticket again.",
        reply_examples=(ok(_id(6), rx.RESUMED),),
    ),
    CommandChannel(
        queue.Pause,
        (_C, _M),
        (queue.Pause(id=_id(7), window="W01"),),
        "Pause the window (暂停服务).",
        reply_examples=(ok(_id(7), rx.PAUSED),),
    ),
    CommandChannel(
        queue.Resume,
        (_C, _M),
        (queue.Resume(id=_id(8), window="W01"),),
        "Resume a paused window.",
        reply_examples=(ok(_id(8), rx.RESUMED_WINDOW),),
    ),
    CommandChannel(
        queue.Reactivate,
        (_C, _M),
        (queue.Reactivate(id=_id(9), ticket="A005"),),
        "Put a skipped ticket back in the queue.",
        reply_examples=(ok(_id(9), rx.REACTIVATED),),
    ),
    CommandChannel(
        queue.Transfer,
        (_C, _M),
        (queue.Transfer(id=_id(10), window="W01", service="B01"),),
        "Transfer the current ticket to another service (转办).",
        reply_examples=(ok(_id(10), rx.TRANSFERRED),),
    ),
    CommandChannel(
        queue.Login,
        (_C, _M),
        (
            Example(
                queue.Login(id=_id(11), window="W01", staff_number="1", pin=SecretStr("482913")),
                "叫号器键盘: 工号 and PIN (a caller's login must carry the PIN)",
            ),
            Example(
                queue.Login(id=_id(35), window="W01", staff="S001"),
                "控制台 or manager: the staff id, no PIN",
            ),
        ),
        "A staff member signs in at the window. From a caller keypad with the staff number "
        "(工号, or its digits) and the PIN, checked like `users/authenticate_pin`: a wrong "
        "one is counted, five lock the user for 15 minutes.",
        reply_examples=(
            ok(_id(11), rx.SIGNED_IN),
            Reply.failure(
                _id(11),
                "bad_pin",
                "工号或密码错误 / wrong staff number or PIN",
                RefusalDetails(message_en="wrong staff number or PIN"),
            ),
            Reply.failure(
                _id(11),
                "pin_required",
                "叫号器登录须输入工号和密码，未登录 / a caller signs in with the staff number "
                "and PIN: not signed in",
                RefusalDetails(
                    message_en="a caller signs in with the staff number and PIN: not signed in"
                ),
            ),
        ),
    ),
    CommandChannel(
        queue.Logout,
        (_C, _M),
        (queue.Logout(id=_id(12), window="W01"),),
        "The staff member signs out of the window.",
        reply_examples=(ok(_id(12), rx.SIGNED_OUT),),
    ),
    CommandChannel(
        queue.Rate,
        (_E, _M),
        (queue.Rate(id=_id(13), window="W01", level=5, ticket="A012"),),
        "A citizen's rating (1-5) of the ticket the evaluator showed.",
        reply_examples=(
            ok(_id(13), rx.RATED),
            Example(ok(_id(34), rx.BAD_REVIEW), "差评: a work order opened"),
        ),
    ),
    CommandChannel(
        queue.Suspend,
        (_M,),
        (
            queue.Suspend(
                id=_id(14),
                service="B02",
                notice="系统升级，抵押登记暂停办理",
                start=_at(14, 0),
                end=_at(15, 0),
            ),
        ),
        "Suspend a service item (业务临时停办), now or announced ahead.",
        reply_examples=(ok(_id(14), rx.SUSPENDED),),
    ),
    CommandChannel(
        queue.Unsuspend,
        (_M,),
        (queue.Unsuspend(id=_id(15), service="B02"),),
        "End a service item's suspension.",
        reply_examples=(ok(_id(15), rx.UNSUSPENDED),),
    ),
    CommandChannel(
        queue.Book,
        (_K, _M),
        (queue.Book(id=_id(16), service="B01", slot=_at(10, 30), mobile=EXAMPLE_MOBILE),),
        "Book an appointment slot with the citizen's mobile number (in clear only on the "
        "wire: masked 138****5678 in every reply, event, log line and audit row).",
        reply_examples=(ok(_id(16), rx.BOOKED),),
    ),
    CommandChannel(
        queue.Checkin,
        (_K, _M),
        (queue.Checkin(id=_id(17), code=rx.BOOKING_CODE),),
        "Check in with a booking code: issues its ticket.",
        reply_examples=(ok(_id(17), rx.CHECKED_IN),),
    ),
    CommandChannel(
        queue.CancelBooking,
        (_M,),
        (
            Example(
                queue.CancelBooking(
                    id=_id(18),
                    code=rx.BOOKING_CODE,
                    mobile=EXAMPLE_MOBILE,
                    reason="申请人改期",
                ),
                "the citizen: the code and the booking's mobile number",
            ),
            Example(
                queue.CancelBooking(
                    id="c-20261124-b004", code=rx.BOOKING_CODE, reason="窗口设备故障"
                ),
                "the hall (the manager): the code alone, at least 8 hours ahead",
            ),
        ),
        "Cancel a booking: the citizen by its code and mobile number, the hall by its code.",
        reply_examples=(ok(_id(18), rx.CANCELLED),),
    ),
    *BOOKING_CHANNELS,
    CommandChannel(
        queue.CloseWindow,
        (_M,),
        (queue.CloseWindow(id=_id(19), window="W03", reason="设备维修", until=_at(13, 0)),),
        "Close a window temporarily (临时关闭).",
        reply_examples=(ok(_id(19), rx.CLOSED),),
    ),
    CommandChannel(
        queue.OpenWindow,
        (_M,),
        (queue.OpenWindow(id=_id(20), window="W03"),),
        "Open a closed window again.",
        reply_examples=(ok(_id(20), rx.OPENED),),
    ),
    *WORKORDER_CHANNELS,
    *SUSPENSION_CHANNELS,
    *AUDIT_CHANNELS,
    CommandChannel(
        queue.StatsQuery,
        (_M,),
        (
            queue.StatsQuery.model_validate(
                {"id": _id(22), "from": "2026-11-23", "to": "2026-11-23"}
            ),
        ),
        "Queue statistics between two days (the same as `hall stats`).",
        reply_examples=(ok(_id(22), rx.STATS),),
    ),
    CommandChannel(
        queue.TodayQuery,
        (_M,),
        (queue.TodayQuery(id="console-today-5d1e"),),
        "The hall day's tickets and the sequence of the last event they include: the "
        "console loads them on start and reconnect, then applies later events on top.",
        reply_examples=(ok("console-today-5d1e", rx.TODAY),),
    ),
    CommandChannel(
        queue.TicketStatusQuery,
        (_M,),
        (queue.TicketStatusQuery(id="console-status-8c21", token="q3W8xZp2LmN5vR7t"),),
        "The ticket behind a status token (a ticket's QR code, `<public_url>/t/<token>`), "
        "for the citizens' status page; the console asks once per token and follows the "
        "ticket by the events and `state/queue` after. Only the console, as itself.",
        reply_examples=(
            ok("console-status-8c21", rx.TICKET_STATUS),
            Example(rx.UNKNOWN_TICKET, "a token of no ticket of this hall day"),
        ),
    ),
    CommandChannel(
        attendance.Punch,
        (_T, _M),
        (
            attendance.Punch(
                id="terminal-1-p-000381",
                staff_id="S001",
                time=_at(8, 52),
                source="face",
                device="terminal-1",
                clock_synced=True,
                monotonic=53211.42,
                boot_id="6f1c0d3e9b2a4f57",
            ),
        ),
        reply_examples=(ok("terminal-1-p-000381", rx.PUNCHED),),
    ),
    CommandChannel(
        attendance.WriteoffRequest,
        (_M,),
        (
            attendance.WriteoffRequest(
                id=_id(23),
                staff_id="S002",
                kind="sick",
                start=_at(9, 0),
                end=_at(17, 30),
                reason="发烧就医",
            ),
        ),
        reply_examples=(ok(_id(23), rx.REQUESTED),),
    ),
    CommandChannel(
        attendance.Approve,
        (_M,),
        (
            attendance.Approve(
                id=_id(24),
                request_id="R00031",
                approver_role="chief_representative",
            ),
        ),
        "Approve a write-off request at one step of its approval chain, as the signed-in "
        "user: a chief signs the chief representative's / window lead's step of their "
        "department, the manager the centre's and the department leader's; approver_role "
        "omitted signs the step waiting, one the user may not sign is refused.",
        reply_examples=(ok(_id(24), rx.SIGNED),),
    ),
    CommandChannel(
        attendance.Reject,
        (_M,),
        (
            attendance.Reject(
                id=_id(25),
                request_id="R00032",
                note="材料不全",
            ),
        ),
        "Reject a write-off request.",
        reply_examples=(ok(_id(25), rx.REJECTED),),
    ),
    CommandChannel(
        attendance.ListRequests,
        (_M,),
        (attendance.ListRequests(id=_id(26), status="pending"),),
        "List write-off requests.",
        reply_examples=(ok(_id(26), rx.LISTED),),
    ),
    CommandChannel(
        attendance.CalendarOverride,
        (_M,),
        (attendance.CalendarOverride(id=_id(27), date=dt.date(2026, 12, 31), kind="holiday"),),
        "A manager's workday override (queue and attendance alike); `clear` removes it.",
        reply_examples=(ok(_id(27), rx.OVERRIDDEN),),
    ),
    CommandChannel(
        attendance.MonthReportQuery,
        (_M,),
        (attendance.MonthReportQuery(id=_id(28), month="2026-11"),),
        "The monthly attendance report with assessment deductions.",
        reply_examples=(ok(_id(28), rx.REPORT),),
    ),
    *ATTENDANCE_VIEW_CHANNELS,
    CommandChannel(
        notices.PushNotice,
        (_M,),
        (
            notices.PushNotice(
                id=_id(29),
                text="今日下午14:00至15:00系统维护，暂停办理不动产业务",
                targets=["screens", "kiosks"],
                until=_at(15, 0),
                priority="high",
            ),
        ),
        "Push a notice to screens, kiosks or windows (retained on `notice/<id>`).",
        reply_examples=(ok(_id(29), rx.NOTICE),),
    ),
    CommandChannel(
        notices.RevokeNotice,
        (_M,),
        (notices.RevokeNotice(id=_id(30), notice_id="N0012"),),
        "Revoke a notice: its retained topic is cleared.",
        reply_examples=(ok(_id(30), rx.REVOKED),),
    ),
    CommandChannel(
        notices.ListNotices,
        (_M,),
        (notices.ListNotices(id=_id(31)),),
        "List the notices in force.",
        reply_examples=(ok(_id(31), rx.NOTICES),),
    ),
    *USER_CHANNELS,
    *PATROL_CHANNELS,
]
"""One entry per command model of ``bus.models.COMMANDS``."""
