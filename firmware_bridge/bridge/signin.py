"""A staff member signs in at a caller keypad: 登录, 工号, Enter, PIN, Enter. Pure.

The keypad's 登录 key (``login``) starts the sign-in and the window's LED shows 请输入工号;
the digits type the staff number (工号), Enter (``enter``) confirms it and the LED asks
请输入密码, showing the PIN as ``****``; Enter sends ``queue/login`` with the window, the
staff number and the PIN, which the controller checks like ``users/authenticate_pin``. Its
answer (欢迎 王芳, 工号或密码错误, 账号锁定至 10:17, …) stays on the LED for a few seconds,
then the window view is back. ``.`` or Backspace (``clear``) empties the field being typed,
and on an empty field gives the sign-in up; so does ``SIGN_IN_TIMEOUT_S`` without a key.
While a sign-in is being typed the keys type: no digit calls a ticket, no action key acts.

Functions of the key, the sign-in so far and the time (monotonic seconds), unit-tested
without a broker like ``logic.caller_command``; the bridge keeps the state
(``bridge/inputs.py``) and the LED shows ``SignIn.lines()`` (``bridge/display.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import SecretStr, ValidationError

from bus.models.base import Reply
from bus.models.replies import LoginResult
from firmware_bridge.bridge.logic import QueueCommand

SIGN_IN_TIMEOUT_S = 30.0
"""A sign-in with no key for this long is given up (the LED shows the window again)."""
ANSWER_S = 4.0
"""How long the LED shows the controller's answer to a sign-in."""
NUMBER_MAX = 16
"""Digits of a staff number, at most (the keys after it are ignored)."""
PIN_MIN, PIN_MAX = 4, 8
"""A PIN is 4 to 8 digits (``bus.models.users.Pin``)."""

ENTER_NUMBER = "请输入工号"
ENTER_PIN = "请输入密码"
SIGNING_IN = "正在登录…"
FAILED = "登录失败"

Step = Literal["number", "pin", "sent"]
Lines = tuple[str, str]
"""The two lines of a window LED (a one-line board shows them on one: ``board_lines``)."""


@dataclass(frozen=True, slots=True)
class SignIn:
    """A sign-in being typed: the step, what was typed, and when the last key came."""

    at: float
    """Monotonic seconds of the last key; ``SIGN_IN_TIMEOUT_S`` later it is given up."""
    step: Step = "number"
    number: str = ""
    pin: str = field(default="", repr=False)
    """Typed digits of the PIN; never shown, logged or published, only sent in the login."""
    hint: str = ""
    """Said under the prompt instead of what was typed (a PIN too short)."""

    def lines(self) -> Lines:
        """What the LED shows: the prompt and what was typed (the PIN as ``*``)."""
        if self.step == "sent":
            return SIGNING_IN, ""
        if self.step == "pin":
            return ENTER_PIN, self.hint or "*" * len(self.pin)
        return ENTER_NUMBER, self.number

    def expired(self, now: float, timeout: float = SIGN_IN_TIMEOUT_S) -> bool:
        return now - self.at >= timeout


@dataclass(frozen=True, slots=True)
class Keyed:
    """What one key did to the sign-in: the sign-in after it (None: given up), and the
    ``queue/login`` to send when the key was the last Enter."""

    sign_in: SignIn | None
    command: QueueCommand | None = None


def sign_in_key(
    current: SignIn | None, action: str | None, entry: str | None, window: str, now: float
) -> Keyed | None:
    """The sign-in after a key with ``action`` (``login``, ``next``, …) and ``entry`` (what it
    types: a digit, ``enter``, ``clear``) at ``now``; None when the key is no sign-in's, so
    it is a caller key as before (``logic.caller_command``).

    ``current`` must not have expired (``SignIn.expired``): the bridge gives it up first."""
    if action == "login" and (current is None or entry is None):
        return Keyed(SignIn(at=now))  # 登录 starts a sign-in, or starts it again
    if current is None:
        return None
    if current.step == "sent":
        return Keyed(current)  # waiting for the controller: keys do nothing
    if entry == "clear":
        typed = current.number if current.step == "number" else current.pin
        if not typed and not current.hint:
            return Keyed(None)
        if current.step == "number":
            return Keyed(_replace(current, now, number=""))
        return Keyed(_replace(current, now, pin=""))
    if entry == "enter":
        return _enter(current, window, now)
    if entry is not None and entry.isdigit():
        if current.step == "number":
            if len(current.number) >= NUMBER_MAX:
                return Keyed(_replace(current, now))
            return Keyed(_replace(current, now, number=current.number + entry))
        if len(current.pin) >= PIN_MAX:
            return Keyed(_replace(current, now))
        return Keyed(_replace(current, now, pin=current.pin + entry))
    return Keyed(_replace(current, now))  # an action key without a digit: taken, ignored


def _enter(current: SignIn, window: str, now: float) -> Keyed:
    if current.step == "number":
        if not current.number:
            return Keyed(_replace(current, now))
        return Keyed(_replace(current, now, step="pin"))
    if not PIN_MIN <= len(current.pin) <= PIN_MAX:
        return Keyed(_replace(current, now, pin="", hint=f"须{PIN_MIN}至{PIN_MAX}位数字"))
    login = QueueCommand(
        "login",
        {"window": window, "staff_number": current.number, "pin": SecretStr(current.pin)},
    )
    return Keyed(SignIn(at=now, step="sent", number=current.number), login)


def _replace(
    current: SignIn,
    now: float,
    *,
    step: Step | None = None,
    number: str | None = None,
    pin: str | None = None,
    hint: str = "",
) -> SignIn:
    """``current`` after a key at ``now``; a hint lasts until the next key."""
    return SignIn(
        at=now,
        step=step or current.step,
        number=current.number if number is None else number,
        pin=current.pin if pin is None else pin,
        hint=hint,
    )


ANSWERS: Mapping[str, str] = {
    "bad_pin": "工号或密码错误",
    "bad_credentials": "工号或密码错误",
    "disabled": "账号已停用",
    "forbidden": "不能在本窗口登录",
    "window_busy": "请先办结当前号",
    "window_closed": "窗口已关闭",
    "pin_required": "请输入密码",
    "unknown_staff": "工号或密码错误",
}
"""What the LED says for a refused sign-in, by reply code (short: a line has 16 cells)."""

_LOCKED_UNTIL = re.compile(r"(\d{1,2}:\d{2})")


def answer_lines(reply: Reply | None) -> Lines:
    """The controller's answer to a sign-in as the LED says it: 欢迎 王芳 / 登录成功, or
    登录失败 and why (a locked user: until when)."""
    if reply is None:
        return FAILED, "控制器无应答"
    if reply.ok:
        try:
            name = reply.result_as(LoginResult).name or ""
        except (ValidationError, TypeError, ValueError):
            name = ""
        return f"欢迎 {name}".strip(), "登录成功"
    if reply.error is None:
        return FAILED, ""
    code, message = reply.error.code, reply.error.message
    if code == "locked":
        until = _LOCKED_UNTIL.search(message)
        return FAILED, f"账号锁定至{until.group(1)}" if until else "账号已锁定"
    return FAILED, ANSWERS.get(code) or message.split(" / ", 1)[0][:16]


def board_lines(lines: Sequence[str], count: int) -> list[str]:
    """``lines`` on a board of ``count`` lines: a one-line board shows them on one."""
    count = max(count, 1)
    if count == 1:
        return [" ".join(line for line in lines if line)]
    return (list(lines) + [""] * count)[:count]
