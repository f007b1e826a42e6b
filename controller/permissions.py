"""Who may do what: ``may(actor, command, target)``, pure (no clock, store or bus).

The controller asks it for every command the console sends as a signed-in user (its
``acting_user``); the console asks it too, to show only the buttons that will work. The
roles (``bus.models.users.UserRole``):

- 中心管理员 ``manager``: everything; the only one who sees citizens' mobile numbers whole
  (``queue/bookings`` with ``full_numbers``, to tell them of a cancelled slot).
- 首席代表 ``chief``: the windows and service items of their department (window commands,
  open/close, suspend/unsuspend, cancelling an appointment slot), the approvals of their
  department's staff and requests filed for them, their department's month of attendance
  (``att/month``), the work orders (差评工单) of their department's items (their steps and
  the appeal, 申诉复核, but not its decision, which is the hall centre's), the 业务临时停办
  filings of their department's items and windows (not an emergency one, not the decision:
  the manager's); read-only queries (mobile numbers masked; the work-order list of their own
  department only).
- 窗口人员 ``staff``: only window commands (call, recall, skip, reactivate, transfer, hold,
  resume_ticket, finish, pause, resume, login as themselves, logout) at the windows they are
  bound to; their own write-off requests (leave, trip, punch correction) and their list, and
  their own month of attendance (``att/month`` naming themselves).
- 巡查员 ``patrol``: patrol records (``patrol/record``, 巡查记录, seed 001 巡查制度) and
  device-failure registration (a ``device_failure`` write-off request, which only the patrol
  and the manager file); read-only queries (every department's findings). Marking a finding
  handled is its department's chief's (or the manager's), not the patrol's.
- 首席代表 ``chief`` also sees the patrol's findings of their own department only (the list
  names it, a photo must be of one of them) and marks them handled (``patrol/handle``).
- 只读 ``auditor``: read-only queries only (statistics, lists).

The audit log (``audit/search``) is the manager's and the auditor's only; the devices'
history (``devices/history``) also a chief's: not staff's, not patrol's.

Everyone may change their own password and PIN (the users service asks for the old
password then). ``target_of`` says what a command acts on, from the hall config and what
the controller looked up in its state (a request's staff member, a work order's item).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bus.models.base import Command
from bus.models.queue import APPEAL_DECISIONS
from bus.models.suspensions import FileSuspension
from config.schema import HallConfig

WINDOW_VERBS = frozenset(
    {
        "call",
        "recall",
        "skip",
        "reactivate",
        "transfer",
        "hold",
        "resume_ticket",
        "finish",
        "pause",
        "resume",
        "login",
        "logout",
    }
)
"""The ``queue/…`` commands of a window's caller: what window staff may do."""
CHIEF_QUEUE_VERBS = WINDOW_VERBS | {
    "open_window",
    "close_window",
    "suspend",
    "unsuspend",
    "update_workorder",
    "close_workorder",
    "cancel_slot",
    "file_suspension",
}
"""The ``queue/…`` commands a chief may give for their department."""
CHIEF_ATT_VERBS = frozenset({"approve", "reject", "request"})
"""The ``att/…`` commands a chief may give for their department's staff (the steps a chief
signs are the attendance service's to decide: ``attendance/approvers.py``)."""
DEVICE_FAILURE = "device_failure"
"""The write-off kind only the patrol (and the manager) registers (RULES A4)."""
MONTH_VIEW = ("att", "month")
"""The month view of attendance: everyone may read some of it (see ``_month_view``)."""
SELF_SERVICE = frozenset({("users", "passwd"), ("users", "set_pin")})
"""What every user may do to their own account."""
PATROL_AREAS = frozenset({"patrol"})
"""The patrol's own records (巡查记录, ``controller/patrol.py``)."""
PATROL_HANDLE = ("patrol", "handle")
"""Marking a finding handled: the chief of its department's, or the manager's."""


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in user as ``may`` needs them: role, department, staff id, bound windows."""

    user: str
    role: str
    department: str | None = None
    staff_id: str | None = None
    windows: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Target:
    """What a command acts on."""

    windows: frozenset[str] = frozenset()
    """A window command's window; for a ticket, the windows that serve its category."""
    department: str | None = None
    """The department owning the window, item, ticket, work order or request's staff."""
    user: str | None = None
    """The user a ``users/…`` command changes."""
    staff: str | None = None
    """The staff member the command names (a login's, a request's)."""


@dataclass(frozen=True, slots=True)
class Allowed:
    """``may`` says yes."""

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Refusal:
    """``may`` says no, and why, in Chinese and in English (the ``forbidden`` reply)."""

    reason_zh: str
    reason_en: str
    code: str = "forbidden"

    def __bool__(self) -> bool:
        return False

    @property
    def message(self) -> str:
        """The reply's message: Chinese first."""
        return f"{self.reason_zh} / {self.reason_en}"


ALLOWED = Allowed()


def may(actor: Actor, command: Command, target: Target) -> Allowed | Refusal:
    """Whether ``actor`` may give ``command`` acting on ``target``."""
    area, verb = command.area, command.verb
    if actor.role == "manager":
        return ALLOWED
    if (area, verb) == MONTH_VIEW:
        return _month_view(actor, command, target)
    if (area, verb) in SELF_SERVICE and target.user == actor.user:
        return ALLOWED
    if getattr(command, "full_numbers", False) is True:
        return Refusal(
            "只有中心管理员可以查看完整手机号", "only the hall manager sees mobile numbers whole"
        )
    if (area, verb) == ("queue", "update_workorder") and (
        getattr(command, "step", None) in APPEAL_DECISIONS
    ):
        return Refusal("只有中心管理员可以决定申诉", "only the hall manager decides an appeal")
    if (area, verb) == ("queue", "decide_suspension"):
        return Refusal(
            "只有中心管理员可以审批业务临时停办登记",
            "only the hall manager approves or rejects a suspension filing",
        )
    if (area, verb) == ("queue", "file_suspension") and getattr(command, "emergency", False):
        return Refusal(
            "只有中心管理员可以紧急停办业务", "only the hall manager suspends a service at once"
        )
    chief_lists_another = actor.role == "chief" and getattr(command, "department", None) != (
        actor.department
    )
    if (area, verb) == ("queue", "workorders") and chief_lists_another:
        return Refusal(
            f"首席代表只能查看本部门（{actor.department}）的工单",
            f"a chief lists their own department's ({actor.department}) work orders only",
        )
    if (area, verb) == ("patrol", "findings") and chief_lists_another:
        return Refusal(
            f"首席代表只能查看本部门（{actor.department}）的巡查记录",
            f"a chief sees their own department's ({actor.department}) patrol findings only",
        )
    if (area, verb) == ("patrol", "photo") and actor.role == "chief" and (
        target.department is None or target.department != actor.department
    ):
        return Refusal(
            f"首席代表只能查看本部门（{actor.department}）巡查记录的照片",
            f"a chief sees photos of their own department's ({actor.department}) findings only",
        )
    if area == "att" and verb == "request" and getattr(command, "kind", None) == DEVICE_FAILURE:
        if actor.role == "patrol":
            return ALLOWED
        return Refusal("设备故障由巡查员登记", "a device failure is registered by the patrol")
    if area == "audit" and actor.role != "auditor":
        return Refusal(
            "只有中心管理员和审计人员可以查询操作日志",
            "only the hall manager and the auditor search the audit log",
        )
    if area == "devices" and actor.role not in ("chief", "auditor"):
        return Refusal(
            "只有中心管理员、首席代表和审计人员可以查看设备记录",
            "only the hall manager, the chiefs and the auditor see the devices' history",
        )
    if actor.role == "staff":
        if area == "att":
            return _staff_own_requests(actor, verb, target)
        return _staff(actor, area, verb, target)
    if command.readonly and actor.role in ("chief", "patrol", "auditor"):
        return ALLOWED
    if actor.role == "chief":
        return _chief(actor, area, verb, target)
    if actor.role == "patrol":
        if (area, verb) == PATROL_HANDLE:
            return Refusal(
                "巡查记录由所属部门首席代表或中心管理员标记处理",
                "a finding is marked handled by its department's chief or the hall manager",
            )
        if area in PATROL_AREAS:
            return ALLOWED
        return Refusal(
            "巡查员只能登记巡查记录和设备故障，或查询",
            "patrol may record patrols and device failures, and query",
        )
    if actor.role == "auditor":
        return Refusal("只读用户只能查询", "an auditor may only query")
    return Refusal(f"未知角色 {actor.role}", f"unknown role {actor.role}")


def _month_view(actor: Actor, command: Command, target: Target) -> Allowed | Refusal:
    """``att/month``: a chief reads their department's people, window staff themselves,
    the patrol and the auditor everyone (attendance is evidence they check)."""
    if actor.role in ("patrol", "auditor"):
        return ALLOWED
    staff_id = getattr(command, "staff_id", None)
    department = getattr(command, "department", None)
    if actor.role == "chief":
        if department is not None:
            theirs = department == actor.department
        else:
            theirs = staff_id is not None and target.department == actor.department
        if theirs:
            return ALLOWED
        return Refusal(
            f"首席代表只能查看本部门（{actor.department}）的考勤",
            f"a chief sees their own department's ({actor.department}) attendance only",
        )
    if actor.role == "staff":
        if department is None and staff_id is not None and staff_id == actor.staff_id:
            return ALLOWED
        return Refusal("窗口人员只能查看本人的考勤", "window staff see their own attendance only")
    return Refusal(f"未知角色 {actor.role}", f"unknown role {actor.role}")


def _staff(actor: Actor, area: str, verb: str, target: Target) -> Allowed | Refusal:
    if area != "queue" or verb not in WINDOW_VERBS:
        return Refusal(
            "窗口人员只能在本人窗口叫号、办理", "window staff may only work their windows"
        )
    if not target.windows & actor.windows:
        bound = "、".join(sorted(actor.windows)) or "无"
        return Refusal(
            f"只能操作本人绑定的窗口（{bound}）",
            f"staff act only at their windows ({', '.join(sorted(actor.windows)) or 'none'})",
        )
    if verb == "login" and target.staff != actor.staff_id:
        return Refusal("只能以本人身份签到", "staff sign in as themselves only")
    return ALLOWED


def _staff_own_requests(actor: Actor, verb: str, target: Target) -> Allowed | Refusal:
    """Window staff file their own write-off requests and list them; they approve none."""
    if verb in ("approve", "reject"):
        return Refusal("窗口人员不能审批核销申请", "window staff approve no write-off request")
    if verb not in ("request", "list"):
        return Refusal("窗口人员不能执行此操作", "window staff may not do this")
    if actor.staff_id is None or target.staff != actor.staff_id:
        return Refusal("只能提交、查看本人的核销申请", "staff file and see their own requests only")
    return ALLOWED


def _chief(actor: Actor, area: str, verb: str, target: Target) -> Allowed | Refusal:
    theirs = (
        (area == "queue" and verb in CHIEF_QUEUE_VERBS)
        or (area == "att" and verb in CHIEF_ATT_VERBS)
        or (area, verb) == PATROL_HANDLE
    )
    if not theirs:
        return Refusal("首席代表不能执行此操作", "a chief may not do this")
    if target.department is None or target.department != actor.department:
        return Refusal(
            f"首席代表只能处理本部门（{actor.department}）的事务",
            f"a chief acts for their own department ({actor.department}) only",
        )
    return ALLOWED


def _filing_department(command: FileSuspension, hall: HallConfig) -> str | None:
    """The department a 业务临时停办 filing acts for: the one it names, when every item,
    category and window it names is that department's (a 综合窗口 is anyone's); else None."""
    owners: set[str | None] = {command.department}
    for code in command.services:
        item = hall.item(code)
        category = hall.category(item.category) if item else None
        owners.add(category.department if category else None)
    for prefix in command.categories:
        category = hall.category(prefix)
        owners.add(category.department if category else None)
    for window_id in command.windows:
        window = hall.window(window_id)
        if window is None or window.department is not None:
            owners.add(window.department if window else None)
    return command.department if owners == {command.department} else None


_TICKET = re.compile(r"^(?:\d{4}-\d{2}-\d{2}/)?([A-Z]{1,2})\d+$")
"""``A005`` or its key ``2026-11-24/A005``: the prefix names the category."""


def target_of(
    command: Command,
    hall: HallConfig,
    *,
    staff: str | None = None,
    service: str | None = None,
    department: str | None = None,
) -> Target:
    """What ``command`` acts on, from its fields and the hall config.

    ``staff``, ``service`` and ``department`` are what the controller found in its state for
    a command that names none itself: the staff member of a write-off request being
    approved, the item of a work order, the department of a patrol finding."""
    user = getattr(command, "user", None) if command.area == "users" else None
    if isinstance(command, FileSuspension):
        return Target(department=_filing_department(command, hall))
    named_staff = getattr(command, "staff", None) or getattr(command, "staff_id", None)
    staff = staff or (named_staff if isinstance(named_staff, str) else None)
    if department is not None:
        return Target(department=department, user=user, staff=staff)
    window_id = getattr(command, "window", None)
    if isinstance(window_id, str):
        window = hall.window(window_id)
        return Target(
            windows=frozenset({window_id}),
            department=window.department if window else None,
            user=user,
            staff=staff,
        )
    code = service or getattr(command, "service", None)
    if isinstance(code, str):
        item = hall.item(code)
        category = hall.category(item.category) if item else None
        return Target(
            windows=frozenset(w.id for w in hall.windows_for(category.prefix))
            if category
            else frozenset(),
            department=category.department if category else None,
            user=user,
            staff=staff,
        )
    ticket = getattr(command, "ticket", None)
    match = _TICKET.match(ticket) if isinstance(ticket, str) else None
    if match is not None:
        category = hall.category(match.group(1))
        if category is not None:
            return Target(
                windows=frozenset(w.id for w in hall.windows_for(category.prefix)),
                department=category.department,
                user=user,
                staff=staff,
            )
    member = hall.staff_member(staff) if staff else None
    return Target(department=member.department if member else None, user=user, staff=staff)
