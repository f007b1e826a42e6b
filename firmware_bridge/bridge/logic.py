"""What the bridge decides, without I/O: keys → queue commands, window view → LED lines.

Pure functions of the key and the window's retained view (``state/window/<w>``,
``bus.models.views.WindowData``), so they are unit-tested without a broker. The
controller still decides whether a command is allowed; these only choose which command a
key means and refuse what cannot mean anything (a rating with no ticket to rate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bus.models.devices import DeviceState
from bus.models.views import (
    STATUS_DISPLAY,
    EvaluatorRating,
    WindowData,
    WindowStatus,
    not_serving_display,
)

CALLER_VERBS: Mapping[str, str] = {
    "next": "call",
    "recall": "recall",
    "skip": "skip",
    "hold": "hold",
    "pause": "pause",
    "finish": "finish",
    "logout": "logout",
}
"""Caller key action → ``cmd/<node>/queue/<verb>``; ``resume`` and ``transfer`` need the view,
``login`` is a sign-in typed on the keypad (``bridge/signin.py``)."""

RATING_LEVELS = range(1, 6)

IDLE_TEXT = "欢迎光临"
PAUSED_TEXT = STATUS_DISPLAY[WindowStatus.PAUSED]

STATE_TEXT: Mapping[DeviceState, str] = {
    DeviceState.OK: "设备正常 / ok",
    DeviceState.PAPER_NEAR_END: "纸将用完 / paper near end",
    DeviceState.PAPER_OUT: "缺纸 / paper out",
    DeviceState.COVER_OPEN: "盖未关 / cover open",
    DeviceState.OFFLINE: "设备未连接 — 检查线缆和电源 / not connected: check cable and power",
    DeviceState.ERROR: "设备故障 — 查看日志 / device error: see the bridge log",
}
"""``DeviceStatus.detail`` for devices without their own hints (the printer has HINTS)."""


@dataclass(frozen=True, slots=True)
class QueueCommand:
    """``cmd/<node>/queue/<verb>`` with these fields (the envelope's ``v`` and ``id`` added
    later)."""

    verb: str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoCommand:
    """Why a key sends nothing, for the log: Chinese first, then English."""

    reason: str


def caller_command(action: str, window: str, view: WindowData | None) -> QueueCommand | NoCommand:
    """The queue command a caller key means at ``window``.

    ``resume`` means "resume service" while the window is paused, and "take back the held
    ticket" while it is open, serving nobody and has one held (the keypad has one 恢复 key).
    """
    verb = CALLER_VERBS.get(action)
    if verb is not None:
        return QueueCommand(verb, {"window": window})
    if action == "resume":
        if view is not None and view.status.serving and view.held and view.current is None:
            return QueueCommand("resume_ticket", {"window": window})
        return QueueCommand("resume", {"window": window})
    if action == "login":
        return NoCommand("登录需在键盘上输入工号和密码 / sign in by typing staff number and PIN")
    if action == "transfer":
        return NoCommand(
            "转移需在窗口控制台选择目标业务 / transfer needs a target service: use the console"
        )
    return NoCommand(f"未知按键动作 {action!r} / unknown key action {action!r}")


def rating_command(
    level: int, window: str, view: WindowData | None, already_rated: str | None = None
) -> QueueCommand | NoCommand:
    """``queue/rate`` for the ticket the window has just finished, if it may be rated now.

    The ticket comes from the retained view, so a rating is always for the ticket the
    citizen was served with, never a guess; ``already_rated`` stops a second press of the
    same citizen from sending again.
    """
    if level not in RATING_LEVELS:
        return NoCommand(f"评价等级 {level} 无效 / rating {level} is not 1..5")
    if view is None:
        return NoCommand("窗口状态未知，稍后再评 / window state not known yet")
    if not isinstance(view.evaluator, EvaluatorRating):
        return NoCommand("当前没有待评价的业务 / nothing to rate at this window now")
    ticket = view.evaluator.ticket
    if ticket == already_rated:
        return NoCommand(f"{ticket} 已评价 / {ticket} is already rated")
    return QueueCommand("rate", {"window": window, "level": level, "ticket": ticket})


def led_lines(view: WindowData | None, lines: int = 2) -> list[str]:
    """The text of each line of a window's LED display.

    Two lines: ``1号窗口 社保医保`` over ``A012 请到1号窗口`` (or 暂停服务 / 窗口关闭：<reason> /
    无人值守 when the window does not serve, 欢迎光临 when it waits). A one-line board shows
    only the lower line, the one a citizen looks for.
    """
    lines = max(lines, 1)
    if view is None:
        return [""] * lines
    number = view.number
    head = f"{number}号窗口"
    if view.department_name:
        head = f"{head} {view.department_name}"
    if not view.status.serving:
        body = not_serving_display(view.status, view.closure) or PAUSED_TEXT
    elif view.current is not None:
        body = f"{view.current.ticket} 请到{number}号窗口"
    else:
        body = IDLE_TEXT
    if lines == 1:
        return [body]
    return [head, body] + [""] * (lines - 2)


@dataclass
class Backoff:
    """Delays between attempts to open a device: doubling from ``first``, capped at ``cap``.

    Bounded so that a printer plugged in an hour later is found within ``cap`` seconds, and
    doubling so that a missing device does not fill the log.
    """

    first: float = 1.0
    cap: float = 30.0
    attempts: int = field(default=0)

    def next(self) -> float:
        delay: float = min(self.cap, self.first * 2.0 ** min(self.attempts, 16))
        self.attempts += 1
        return delay

    def reset(self) -> None:
        self.attempts = 0
