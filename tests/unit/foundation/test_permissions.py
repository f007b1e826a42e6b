"""``may()``, the roles as a table: role × command × their own target or another's."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import SecretStr

from bus.models import attendance, notices, queue, users
from bus.models.base import Command
from config.schema import HallConfig
from controller.permissions import Actor, Allowed, Refusal, Target, may, target_of

ACTORS = {
    "manager": Actor("admin", "manager"),
    "chief": Actor("chief-a", "chief", department="shebao"),
    "staff": Actor("staff-w01", "staff", staff_id="S001", windows=frozenset({"W01", "W02"})),
    "patrol": Actor("patrol", "patrol"),
    "auditor": Actor("auditor", "auditor"),
}

# Own targets: window W01 and item A01 belong to shebao (the chief's department, the staff
# member's bound window); W05 and C01 to qiye, nobody's here but the manager's.
OWN, OTHER = "own", "other"
COMMANDS: dict[str, tuple[Command, Command]] = {
    "call": (queue.Call(id="1", window="W01"), queue.Call(id="1", window="W05")),
    "recall": (queue.Recall(id="1", window="W02"), queue.Recall(id="1", window="W05")),
    "skip": (queue.Skip(id="1", window="W01"), queue.Skip(id="1", window="W05")),
    "finish": (queue.Finish(id="1", window="W01"), queue.Finish(id="1", window="W05")),
    "hold": (queue.Hold(id="1", window="W01"), queue.Hold(id="1", window="W05")),
    "resume_ticket": (
        queue.ResumeTicket(id="1", window="W01", ticket="A009"),
        queue.ResumeTicket(id="1", window="W05", ticket="C009"),
    ),
    "pause": (queue.Pause(id="1", window="W01"), queue.Pause(id="1", window="W05")),
    "resume": (queue.Resume(id="1", window="W01"), queue.Resume(id="1", window="W05")),
    "transfer": (
        queue.Transfer(id="1", window="W01", service="C01"),
        queue.Transfer(id="1", window="W05", service="A01"),
    ),
    "reactivate": (
        queue.Reactivate(id="1", ticket="A005"),
        queue.Reactivate(id="1", ticket="C005"),
    ),
    "login": (
        queue.Login(id="1", window="W01", staff="S001"),
        queue.Login(id="1", window="W05", staff="S001"),
    ),
    "logout": (queue.Logout(id="1", window="W01"), queue.Logout(id="1", window="W05")),
    "close_window": (
        queue.CloseWindow(id="1", window="W01"),
        queue.CloseWindow(id="1", window="W05"),
    ),
    "suspend": (queue.Suspend(id="1", service="A01"), queue.Suspend(id="1", service="C01")),
    "approve": (
        attendance.Approve(id="1", request_id="R1", approver_role="chief_representative"),
        attendance.Approve(id="1", request_id="R2", approver_role="chief_representative"),
    ),
    "update_workorder": (
        queue.UpdateWorkorder(id="1", workorder="wo-1", step="reply"),
        queue.UpdateWorkorder(id="1", workorder="wo-2", step="reply"),
    ),
    "appeal": (
        queue.UpdateWorkorder(id="1", workorder="wo-1", step="appeal", note="恶意差评"),
        queue.UpdateWorkorder(id="1", workorder="wo-2", step="appeal", note="恶意差评"),
    ),
    "decide_appeal": (
        queue.UpdateWorkorder(id="1", workorder="wo-1", step="appeal_upheld"),
        queue.UpdateWorkorder(id="1", workorder="wo-2", step="appeal_rejected"),
    ),
    "workorders": (
        queue.WorkordersQuery(id="1", department="shebao"),
        queue.WorkordersQuery(id="1"),
    ),
    "device_failure": (
        attendance.WriteoffRequest.model_validate(
            {
                "id": "1",
                "staff_id": "S001",
                "kind": "device_failure",
                "start": "2026-11-24T09:00:00+08:00",
                "end": "2026-11-24T09:00:00+08:00",
            }
        ),
        attendance.WriteoffRequest.model_validate(
            {
                "id": "1",
                "staff_id": "S005",
                "kind": "sick",
                "start": "2026-11-24T09:00:00+08:00",
                "end": "2026-11-24T17:00:00+08:00",
            }
        ),
    ),
    "leave": (
        attendance.WriteoffRequest.model_validate(
            {
                "id": "1",
                "staff_id": "S001",
                "kind": "personal",
                "start": "2026-11-24T09:00:00+08:00",
                "end": "2026-11-24T17:00:00+08:00",
            }
        ),
        attendance.WriteoffRequest.model_validate(
            {
                "id": "1",
                "staff_id": "S005",
                "kind": "business_trip",
                "start": "2026-11-24T09:00:00+08:00",
                "end": "2026-11-24T17:00:00+08:00",
            }
        ),
    ),
    "list_requests": (
        attendance.ListRequests(id="1", staff_id="S001"),
        attendance.ListRequests(id="1", status="pending"),
    ),
    "stats": (
        queue.StatsQuery.model_validate({"id": "1", "from": "2026-11-01", "to": "2026-11-24"}),
        attendance.MonthReportQuery(id="1", month="2026-11"),
    ),
    "month_staff": (
        attendance.MonthViewQuery(id="1", month="2026-11", staff_id="S001"),
        attendance.MonthViewQuery(id="1", month="2026-11", staff_id="S005"),
    ),
    "month_dept": (
        attendance.MonthViewQuery(id="1", month="2026-11", department="shebao"),
        attendance.MonthViewQuery(id="1", month="2026-11", department="qiye"),
    ),
    "month_hall": (
        attendance.MonthViewQuery(id="1", month="2026-11"),
        attendance.MonthViewQuery(id="1", month="2026-10"),
    ),
    "calendar": (
        attendance.CalendarOverride(id="1", date=dt.date(2026, 12, 31), kind="holiday"),
        attendance.CalendarQuery(id="1"),
    ),
    "notice": (notices.PushNotice(id="1", text="系统维护"), notices.ListNotices(id="1")),
    "issue": (queue.Issue(id="1", service="A01"), queue.Issue(id="1", service="C01")),
    "passwd": (
        users.SetPassword(id="1", user="SELF", password=SecretStr("new-password")),
        users.SetPassword(id="1", user="someone-else", password=SecretStr("new-password")),
    ),
    "add_user": (
        users.AddUser(id="1", user="new", role="auditor", password=SecretStr("new-password")),
        users.ListUsers(id="1"),
    ),
}
"""Per row: (the act on the actor's own target, the act on another's)."""

# Which of (own, other) each role may do, per row: Y yes, n no.
TABLE = """
               manager  chief  staff  patrol  auditor
call             YY      Yn     Yn     nn      nn
recall           YY      Yn     Yn     nn      nn
skip             YY      Yn     Yn     nn      nn
finish           YY      Yn     Yn     nn      nn
hold             YY      Yn     Yn     nn      nn
resume_ticket    YY      Yn     Yn     nn      nn
pause            YY      Yn     Yn     nn      nn
resume           YY      Yn     Yn     nn      nn
transfer         YY      Yn     Yn     nn      nn
reactivate       YY      Yn     Yn     nn      nn
login            YY      Yn     Yn     nn      nn
logout           YY      Yn     Yn     nn      nn
close_window     YY      Yn     nn     nn      nn
suspend          YY      Yn     nn     nn      nn
approve          YY      Yn     nn     nn      nn
update_workorder YY      Yn     nn     nn      nn
appeal           YY      Yn     nn     nn      nn
decide_appeal    YY      nn     nn     nn      nn
workorders       YY      Yn     nn     YY      YY
device_failure   YY      nn     nn     Yn      nn
leave            YY      Yn     Yn     nn      nn
list_requests    YY      YY     Yn     YY      YY
stats            YY      YY     nn     YY      YY
month_staff      YY      Yn     Yn     YY      YY
month_dept       YY      Yn     nn     YY      YY
month_hall       YY      nn     nn     YY      YY
calendar         YY      nY     nn     nY      nY
notice           YY      nY     nn     nY      nY
issue            YY      nn     nn     nn      nn
passwd           YY      Yn     Yn     Yn      Yn
add_user         YY      nY     nn     nY      nY
"""

# What the controller looked up in its state for the rows whose command does not say it:
# request R1 is S001's (shebao), R2 S005's (qiye); work order wo-1 is of A01, wo-2 of C01.
LOOKED_UP = {"R1": {"staff": "S001"}, "R2": {"staff": "S005"},
             "wo-1": {"service": "A01"}, "wo-2": {"service": "C01"}}  # fmt: skip


def _cases() -> list[tuple[str, str, str, bool]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    roles = lines[0]
    cases = []
    for row, *cells in lines[1:]:
        for role, cell in zip(roles, cells, strict=True):
            for which, mark in zip((OWN, OTHER), cell, strict=True):
                cases.append((row, role, which, mark == "Y"))
    return cases


@pytest.mark.parametrize(("row", "role", "which", "allowed"), _cases())
def test_the_role_table(hall: HallConfig, row: str, role: str, which: str, allowed: bool) -> None:
    actor = ACTORS[role]
    command = COMMANDS[row][0 if which == OWN else 1]
    if isinstance(command, users.SetPassword) and command.user == "SELF":
        command = command.model_copy(update={"user": actor.user})
    key = getattr(command, "request_id", None) or getattr(command, "workorder", None)
    target = target_of(command, hall, **LOOKED_UP.get(key or "", {}))
    verdict = may(actor, command, target)
    assert bool(verdict) is allowed, (row, role, which, verdict)
    assert isinstance(verdict, Allowed if allowed else Refusal)


def test_a_refusal_says_why_in_chinese_then_english(hall: HallConfig) -> None:
    command = queue.Pause(id="1", window="W05")
    verdict = may(ACTORS["staff"], command, target_of(command, hall))
    assert isinstance(verdict, Refusal) and verdict.code == "forbidden"
    assert verdict.message == (
        "只能操作本人绑定的窗口（W01、W02） / staff act only at their windows (W01, W02)"
    )


def test_staff_sign_in_as_themselves_only(hall: HallConfig) -> None:
    command = queue.Login(id="1", window="W01", staff="S002")
    verdict = may(ACTORS["staff"], command, target_of(command, hall))
    assert isinstance(verdict, Refusal) and verdict.reason_zh == "只能以本人身份签到"


def test_a_chief_has_no_say_over_a_comprehensive_window(hall: HallConfig) -> None:
    """W09 serves every category and belongs to no department."""
    command = queue.Pause(id="1", window="W09")
    assert not may(ACTORS["chief"], command, target_of(command, hall))


def test_the_windows_of_a_ticket_are_those_serving_its_category(hall: HallConfig) -> None:
    target = target_of(queue.Reactivate(id="1", ticket="2026-11-24/B007"), hall)
    assert target == Target(
        windows=frozenset({"W03", "W04", "W09", "W10"}), department="budongchan"
    )


def test_only_the_hall_manager_decides_an_appeal_even_of_the_chiefs_own_department(
    hall: HallConfig,
) -> None:
    command = queue.UpdateWorkorder(id="1", workorder="wo-1", step="appeal_upheld")
    verdict = may(ACTORS["chief"], command, target_of(command, hall, service="A01"))
    assert isinstance(verdict, Refusal)
    assert verdict.message == "只有中心管理员可以决定申诉 / only the hall manager decides an appeal"


def test_window_staff_approve_nothing_even_of_their_own(hall: HallConfig) -> None:
    command = attendance.Approve(id="1", request_id="R1")
    verdict = may(ACTORS["staff"], command, target_of(command, hall, staff="S001"))
    assert isinstance(verdict, Refusal)
    assert verdict.message == (
        "窗口人员不能审批核销申请 / window staff approve no write-off request"
    )


def test_a_chief_lists_the_work_orders_of_their_own_department_only(hall: HallConfig) -> None:
    command = queue.WorkordersQuery(id="1", department="qiye")
    verdict = may(ACTORS["chief"], command, target_of(command, hall))
    assert isinstance(verdict, Refusal)
    assert verdict.reason_zh == "首席代表只能查看本部门（shebao）的工单"
