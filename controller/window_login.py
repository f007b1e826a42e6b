"""A window sign-in with the staff member's PIN: ``queue/login`` from a keypad caller.

A caller node may not say who signs in at its window on its own word: its ``login`` carries
the staff number (工号) or id and the staff member's PIN (``controller/authority.py`` refuses
one without, ``pin_required``). Before the queue applies it, the PIN is checked by the users
service exactly as ``users/authenticate_pin`` checks it, in the same transaction: the user
must exist with a PIN, be bound to that window, be enabled, not be locked; a wrong PIN is
counted and five lock the user for 15 minutes. Only then does the queue sign in the staff
member the PIN belongs to. A login from the console or the manager names ``staff`` and needs
no PIN (the console's user signed in with a password, and ``controller/acting.py`` lets
window staff sign in only as themselves); a PIN it does carry is checked all the same.

The PIN is a ``SecretStr`` of the command: the audit log and the stored reply keep
``**********``, and the engine gets the login without it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping

from sqlalchemy.engine import Connection

from bus.models.base import Command, RefusalDetails
from bus.models.queue import Login
from bus.models.replies import AuthResult
from bus.models.users import AuthenticatePin
from controller.user_policy import refused
from controller.users import UsersService
from store.service import Outcome, Service

Apply = Callable[[Connection, Command, dt.datetime], Outcome]
"""A service's ``handle``: what applies the command once it may be applied."""

BAD_PIN = "bad_pin"
"""The reply code of a keypad login whose staff number or PIN is wrong (which of the two is
not said, so that a keypad cannot find out which staff numbers exist)."""


class WindowLogins:
    """The controller's PIN check of ``queue/login`` before the queue applies it."""

    def __init__(self, services: Mapping[str, Service]) -> None:
        self.services = services

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime, apply: Apply) -> Outcome:
        """``apply(conn, cmd, now)``; for a login with a PIN, only once the PIN is right, and
        as the staff member it belongs to."""
        if not isinstance(cmd, Login) or cmd.pin is None:
            return apply(conn, cmd, now)
        users = self.services.get("users")
        if not isinstance(users, UsersService):
            return refused("no_users", "本控制器没有用户，无法核对密码", "no users to check a PIN")
        number = cmd.staff_number or cmd.staff or ""
        check = AuthenticatePin(id=cmd.id, staff_number=number, pin=cmd.pin, window=cmd.window)
        checked = users.handle(conn, check, now)
        if checked.error is not None:
            return _in_keypad_words(checked)
        assert isinstance(checked.result, AuthResult)
        staff = checked.result.staff_id
        if staff is None or (cmd.staff is not None and cmd.staff != staff):
            # A PIN user who is no staff member of the hall (or another one than named).
            return _with(checked, refused("forbidden", "不是本窗口工作人员", "not window staff"))
        signed_in = cmd.model_copy(update={"staff": staff, "staff_number": None, "pin": None})
        return _with(checked, apply(conn, signed_in, now))


def _in_keypad_words(checked: Outcome) -> Outcome:
    """The users service's refusal as a keypad says it: ``bad_pin`` for wrong credentials."""
    if checked.error is None or checked.error[0] != "bad_credentials":
        return checked
    zh, en = "工号或密码错误", "wrong staff number or PIN"
    return dataclasses.replace(
        checked, error=(BAD_PIN, f"{zh} / {en}"), details=RefusalDetails(message_en=en)
    )


def _with(checked: Outcome, then: Outcome) -> Outcome:
    """``then``, keeping what the PIN check wrote (a reset failure count, a fresher hash) and
    said (``user.signed_in``): its rows are in this transaction whatever ``then`` decides."""
    commits = [f for f in (checked.on_commit, then.on_commit) if f is not None]

    def commit() -> None:
        for f in commits:
            f()

    return dataclasses.replace(
        then, events=[*checked.events, *then.events], on_commit=commit if commits else None
    )
