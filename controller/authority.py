"""What a sender may act for: the controller's check of every command against its sender.

The sender is the node id in the command's topic (``cmd/<node>/<area>/<verb>``), which the
broker's ACL lets only that node's user write; nothing a payload says about who sent it is
believed. From the hall config, a node has a role, perhaps a window (callers, evaluators,
displays) and its devices. A command is allowed when the sender's role may send it (the
same table the broker's ACL is generated from) and every field that names a window, a node
or a device names the sender's own:

- a caller operates only its own window (call, recall, skip, finish, hold, resume_ticket,
  transfer, pause, resume, login, logout); ``reactivate`` names a ticket, not a window: a
  caller may put back only tickets of the categories its window serves; its ``login`` carries
  the staff member's PIN (``pin_required`` without one), which the controller checks against
  the users (``controller/window_login.py``), so no caller signs in whom it names;
- an evaluator rates only its own window;
- a kiosk issues, checks in and books only as itself (``Issue.node``, when sent, is the
  kiosk: the print job goes to its own printer);
- a terminal punches only as itself (``Punch.device`` is the terminal's node id), never a
  ``manual`` punch, which only the manager's console may register;
- the ``console`` node sends every command a user may give through it, always as its
  signed-in user (``acting_user``, checked by ``controller/acting.py`` against that user's
  role, department and windows); only the console may name an acting user, and only the
  sign-ins (``users/authenticate``, ``users/authenticate_pin``), its start-up load of
  the day's tickets (``queue/today``) and the citizens' status page's look-up of a ticket
  by its token (``queue/ticket_status``, sent by no other node) go without one;
- the citizens' booking pages, served by the console with nobody signed in, may ask for a
  service's free slots, book (with the citizen's mobile number) and cancel a booking by its
  code and that mobile number, never without it (``CITIZENS_BOOKING``: the hall's own
  cancellation names no number and is the manager's);
- the ``manager`` user (the ``hall`` command line) may send every command.

Pure: the hall config and a command in, a refusal or None out (no clock, store or bus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from attendance.service import MANUAL_DEVICE
from bus.models.attendance import Punch
from bus.models.base import Command
from bus.models.queue import CancelBooking, Issue, Login, Reactivate
from bus.remote import MANAGER_USER
from config.schema import HallConfig, Node

__all__ = [
    "CITIZENS_BOOKING",
    "CONSOLE_OWN",
    "CONSOLE_ROLE",
    "FORBIDDEN",
    "MANAGER_USER",
    "MANUAL_DEVICE",
    "PIN_REQUIRED",
    "ROLE_COMMANDS",
    "SIGN_INS",
    "Authority",
    "Refusal",
]

FORBIDDEN = "forbidden"
"""The reply code of a command its sender may not send, or not for what it names."""
PIN_REQUIRED = "pin_required"
"""The reply code of a caller's ``queue/login`` without the staff member's PIN."""

ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "kiosk": ("queue/issue", "queue/checkin", "queue/book"),
    "caller": (
        "queue/call",
        "queue/recall",
        "queue/skip",
        "queue/finish",
        "queue/hold",
        "queue/resume_ticket",
        "queue/transfer",
        "queue/pause",
        "queue/resume",
        "queue/reactivate",
        "queue/login",
        "queue/logout",
    ),
    "evaluator": ("queue/rate",),
    "terminal": ("att/punch",),
    "screen": (),
    "display": (),
    "controller": (),
}
"""What each node role may send to the controller (``area/verb``); the broker's ACL is
generated from this table and the controller checks it again (an anonymous development
broker lets anyone write anything). The console is not in it: it may write every command
under its own ``cmd/<node>/``, each as its signed-in user."""

CONSOLE_ROLE = "console"
CITIZENS_BOOKING = frozenset({("queue", "slots"), ("queue", "book"), ("queue", "cancel_booking")})
"""What the citizens' booking pages send through the console with no user signed in: a
service's free slots, a booking, and a cancellation naming the booking's mobile number."""
SIGN_INS = frozenset({("users", "authenticate"), ("users", "authenticate_pin")})
"""What the console sends before anyone is signed in: without an acting user."""
CONSOLE_OWN = SIGN_INS | {("queue", "today"), ("queue", "ticket_status")}
"""What the console sends as itself, without an acting user: the sign-ins, the day's
tickets it loads on start (ticket numbers and services: nothing about a person), and the
ticket behind a status token, for a citizen's status page (no user is signed in there)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a sender may not send a command: Chinese first, then English."""

    message_zh: str
    message_en: str
    code: str = FORBIDDEN

    @property
    def message(self) -> str:
        """The bilingual message of the ``ok: false`` reply."""
        return f"{self.message_zh} / {self.message_en}"


_TICKET_PREFIX = re.compile(r"^([A-Z]{1,2})\d+$")


def ticket_category(ticket: str) -> str | None:
    """The category prefix of a ticket number (``A001``) or key (``2026-11-23/A001``)."""
    m = _TICKET_PREFIX.match(ticket.rsplit("/", 1)[-1])
    return m.group(1) if m else None


class Authority:
    """The hall's answer to "may this sender send this command?"."""

    def __init__(self, hall: HallConfig) -> None:
        self.hall = hall

    def role_of(self, sender: str) -> str | None:
        """The sender's role: its node's, ``manager`` for the manager, None if unknown."""
        if sender == MANAGER_USER:
            return MANAGER_USER
        node = self.hall.node(sender)
        return node.role if node is not None else None

    def check(self, sender: str, cmd: Command) -> Refusal | None:
        """None if ``sender`` may send ``cmd``; else what was refused.

        The acting user a console command names is checked after this, by the controller,
        which knows the users (``controller/acting.py``)."""
        node = self.hall.node(sender) if sender != MANAGER_USER else None
        if cmd.acting_user is not None and (node is None or node.role != CONSOLE_ROLE):
            return Refusal(
                "只有控制台可以代表用户",
                "only the console acts for a user",
            )
        if sender == MANAGER_USER:
            return None
        if node is None:
            return Refusal(
                f"未登记的节点 {sender}，命令未执行",
                f"unknown node {sender!r}: command not applied",
            )
        if node.role == CONSOLE_ROLE:
            if cmd.acting_user is None and (cmd.area, cmd.verb) in CITIZENS_BOOKING:
                return _citizens_booking(cmd)
            if cmd.acting_user is None and (cmd.area, cmd.verb) not in CONSOLE_OWN:
                return Refusal(
                    "控制台的命令必须注明操作用户，命令未执行",
                    "a command from the console must name its acting user: not applied",
                )
            return None
        command = f"{cmd.area}/{cmd.verb}"
        if command not in ROLE_COMMANDS.get(node.role, ()):
            return Refusal(
                f"{sender}（{node.role}）不能发送 {command}",
                f"{sender} ({node.role}) may not send {command}",
            )
        refusal = self._names_its_own(node, cmd)
        if refusal is None and node.role == "caller" and isinstance(cmd, Login) and not cmd.pin:
            return Refusal(
                "叫号器登录须输入工号和密码，未登录",
                "a caller signs in with the staff number and PIN: not signed in",
                PIN_REQUIRED,
            )
        return refusal

    def _names_its_own(self, node: Node, cmd: Command) -> Refusal | None:
        """Every field naming a window, node or device must name the sender's own."""
        window = getattr(cmd, "window", None)
        if window is not None and window != node.window:
            return _only_window(node)
        if isinstance(cmd, Issue) and cmd.node is not None and cmd.node != node.id:
            return Refusal(
                f"只能以本机 {node.id} 取号，不能代 {cmd.node} 取号",
                f"may issue only as {node.id}, not as {cmd.node}",
            )
        if isinstance(cmd, Reactivate):
            return self._own_category(node, cmd.ticket)
        if isinstance(cmd, Punch):
            if cmd.device == MANUAL_DEVICE or cmd.source == MANUAL_DEVICE:
                return Refusal(
                    "人工补录打卡只能由管理端登记",
                    "a manual punch may be registered only at the manager's console",
                )
            if cmd.device != node.id:
                return Refusal(
                    f"只能记录本终端 {node.id} 的打卡，不能代 {cmd.device} 打卡",
                    f"may punch only from its own device {node.id}, not {cmd.device}",
                )
        return None

    def _own_category(self, node: Node, ticket: str) -> Refusal | None:
        window = self.hall.window(node.window) if node.window else None
        if window is None:
            return _only_window(node)
        category = ticket_category(ticket)
        if category is None or category not in window.categories:
            served = "、".join(window.categories)
            return Refusal(
                f"只能恢复本窗口 {window.id} 所办类别（{served}）的号，{ticket} 不是",
                f"may reactivate only tickets of the categories window {window.id} serves "
                f"({', '.join(window.categories)}), not {ticket}",
            )
        return None


def _citizens_booking(cmd: Command) -> Refusal | None:
    """A citizen cancels only with the booking's mobile number (a guessed code cancels
    nothing); without it a cancellation is the hall's, which no citizen may send."""
    if isinstance(cmd, CancelBooking) and cmd.mobile is None:
        return Refusal(
            "取消预约须提供预约时填写的手机号，未取消",
            "a booking is cancelled with the mobile number it was made with: not cancelled",
        )
    return None


def _only_window(node: Node) -> Refusal:
    if node.window is None:
        return Refusal(
            f"{node.id} 未配置窗口，不能操作任何窗口",
            f"{node.id} has no window in the hall config: may act for none",
        )
    return Refusal(f"只能操作本窗口 {node.window}", f"may act only for window {node.window}")
