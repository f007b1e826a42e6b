"""The demo's console users: one per role, added through the controller at demo start.

Their passwords are fixed and printed: the demo runs on this machine's loopback, with a data
directory kept between runs (a user added by an earlier run stays, with the same password).
A hall in service gets its users from ``hall users add`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bus.models.base import Reply
from bus.models.users import ROLE_NAMES, AddUser
from config.schema import HallConfig, Staff

Send = Callable[[AddUser], Reply | None]
"""Sends ``users/add``; the reply, or None when none came."""


DEMO_PIN = "1234"
"""The keypad PIN of every demo staff user (the simulated windows sign in with it)."""
DEMO_STAFF_WINDOW = "W03"
"""The window of the demo's window-staff login (the first window in a hall without it)."""


def demo_staffing(hall: HallConfig) -> list[tuple[str, Staff]]:
    """Who works which window in the demo: the hall's staff in order, one a window, while
    they last (a window left without one stays unstaffed: it may not call, Q5)."""
    return list(zip((w.id for w in hall.windows), hall.staff, strict=False))


def demo_accounts(hall: HallConfig) -> list[dict[str, Any]]:
    """One user per role, from the hall config: the chief of ``DEMO_STAFF_WINDOW``'s
    department, and a staff user with the keypad PIN ``DEMO_PIN`` for each window the
    demo's simulated staff work (``demo_staffing``), bound to it; their caller signs them in
    with it, and ``DEMO_STAFF_WINDOW``'s comes first (叫号 in the console calls there)."""
    window = hall.window(DEMO_STAFF_WINDOW) or hall.windows[0]
    department = window.department or hall.departments[0].code
    accounts: list[dict[str, Any]] = [
        {"user": "manager", "role": "manager", "display_name": "中心管理员"},
        {"user": f"chief-{department}", "role": "chief", "department": department,
         "display_name": f"首席代表（{department}）"},
        {"user": "patrol", "role": "patrol", "display_name": "巡查员"},
        {"user": "auditor", "role": "auditor", "display_name": "只读审计"},
    ]  # fmt: skip
    staffing = sorted(demo_staffing(hall), key=lambda pair: pair[0] != window.id)
    accounts[2:2] = [
        {"user": f"staff-{w.lower()}", "role": "staff", "staff_id": staff.id, "windows": [w],
         "display_name": staff.name, "pin": DEMO_PIN}
        for w, staff in staffing
    ]  # fmt: skip
    for account in accounts:
        account["password"] = f"demo-{account['user']}"
    return accounts


def seed_demo_users(hall: HallConfig, send: Send, new_id: Callable[[], str]) -> list[str]:
    """Add the demo's users; the lines to print (user, role, password; "already there").

    Each ``users/add`` is built with a fresh id from ``new_id``."""
    lines = ["演示用户 / demo console users (user / password):"]
    for account in demo_accounts(hall):
        reply = send(AddUser.model_validate({"id": new_id(), **account}))
        if reply is None:
            state = "未答复 / no reply"
        elif reply.ok:
            state = "已添加 / added"
        elif reply.error is not None and reply.error.code == "user_exists":
            state = "已存在 / kept from an earlier run"
        else:
            state = f"未添加 / refused: {reply.error.message if reply.error else '?'}"
        role = f"{ROLE_NAMES[account['role']]} {account['role']}"
        pin = ""
        if "pin" in account:
            staff = hall.staff_member(account["staff_id"])
            number = (staff.staff_number if staff is not None else "") or account["staff_id"]
            digits = "".join(c for c in number if c.isdigit())
            typed = f" = {int(digits)}" if digits and not number.isdigit() else ""
            pin = f", 键盘 / keypad: 工号 {number}{typed}, PIN {account['pin']}"
        lines.append(f"  {account['user']} / {account['password']}{pin}  {role}  ({state})")
    return lines
