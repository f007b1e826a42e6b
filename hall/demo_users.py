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
from config.schema import HallConfig

Send = Callable[[AddUser], Reply | None]
"""Sends ``users/add``; the reply, or None when none came."""


DEMO_PIN = "1234"
DEMO_STAFF_WINDOW = "W03"
"""The window of the demo's window-staff login (the first window in a hall without it)."""


def demo_accounts(hall: HallConfig) -> list[dict[str, Any]]:
    """One user per role, from the hall config: the chief of ``DEMO_STAFF_WINDOW``'s
    department, a staff member of that department bound to that window (the demo's simulated
    staff work it too, so 叫号 in the console calls there at once)."""
    window = hall.window(DEMO_STAFF_WINDOW) or hall.windows[0]
    department = window.department or hall.departments[0].code
    accounts: list[dict[str, Any]] = [
        {"user": "manager", "role": "manager", "display_name": "中心管理员"},
        {"user": f"chief-{department}", "role": "chief", "department": department,
         "display_name": f"首席代表（{department}）"},
        {"user": "patrol", "role": "patrol", "display_name": "巡查员"},
        {"user": "auditor", "role": "auditor", "display_name": "只读审计"},
    ]  # fmt: skip
    if hall.staff:
        same = [s for s in hall.staff if s.department == window.department]
        staff = (same or hall.staff)[0]
        accounts.insert(2, {
            "user": f"staff-{window.id.lower()}", "role": "staff", "staff_id": staff.id,
            "windows": [window.id], "display_name": staff.name, "pin": DEMO_PIN,
        })  # fmt: skip
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
        pin = f", PIN {account['pin']}" if "pin" in account else ""
        lines.append(f"  {account['user']} / {account['password']}{pin}  {role}  ({state})")
    return lines
