"""The pure part of console users: sign-in policy, the in-memory user record, refusals.

``MAX_FAILED_ATTEMPTS`` failed sign-ins in a row lock a user for ``LOCK_DURATION``; a new
password needs ``MIN_PASSWORD_LENGTH`` characters and must not be the user name. Nothing here
touches the store or a hasher: ``controller.users.UsersService`` applies the commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bus.models.base import RefusalDetails
from bus.models.replies import UserInfo
from bus.models.users import ROLE_NAMES
from config.schema import HallConfig
from store.service import Outcome

MAX_FAILED_ATTEMPTS = 5
"""Failed sign-ins in a row (password or PIN) that lock a user."""
LOCK_DURATION = dt.timedelta(minutes=15)
"""How long a locked user is kept out; ``enable`` or a new password lifts it at once."""
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One row of ``users`` as the service holds it in memory."""

    user: str
    display_name: str
    role: str
    department: str | None
    staff_id: str | None
    windows: tuple[str, ...]
    password_hash: str
    pin_hash: str | None
    disabled: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def locked(self, now: dt.datetime) -> bool:
        """Whether failed sign-ins keep the user out at ``now``."""
        return self.locked_until is not None and now < self.locked_until

    def failures(self, now: dt.datetime) -> int:
        """Failures that count towards a lock: none once a lock has run out."""
        if self.locked_until is not None and now >= self.locked_until:
            return 0
        return self.failed_attempts

    def info(self) -> UserInfo:
        """What a reply may show of the user: no hash."""
        return UserInfo(
            user=self.user,
            display_name=self.display_name,
            role=self.role,
            department=self.department,
            staff_id=self.staff_id,
            windows=self.windows,
            has_pin=self.pin_hash is not None,
            disabled=self.disabled,
            failed_attempts=self.failed_attempts,
            locked_until=self.locked_until,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )

    def row(self) -> dict[str, Any]:
        """The ``users`` columns of this record."""
        return {
            "user_name": self.user,
            "display_name": self.display_name,
            "role": self.role,
            "department": self.department,
            "staff_id": self.staff_id,
            "windows": list(self.windows),
            "password_hash": self.password_hash,
            "pin_hash": self.pin_hash,
            "disabled": self.disabled,
            "failed_attempts": self.failed_attempts,
            "locked_until": self.locked_until,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def password_problem(user: str, password: str) -> tuple[str, str] | None:
    """Why a new password is refused (Chinese, English), or None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符",
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
        )
    if password.strip().casefold() == user.casefold():
        return "密码不能与用户名相同", "the password must not be the user name"
    return None


def refused(
    code: str,
    zh: str,
    en: str,
    on_commit: Callable[[], None] | None = None,
    events: list[dict[str, Any]] | None = None,
    **names: Any,
) -> Outcome:
    return Outcome(
        error=(code, f"{zh} / {en}"),
        details=RefusalDetails(message_en=en, **names),
        on_commit=on_commit,
        events=events or [],
    )


def bad_credentials() -> Outcome:
    return refused("bad_credentials", "用户名或密码错误", "wrong user name or password")


def role_name(role: str) -> str:
    """The role in the words the hall uses: 中心管理员 (manager)."""
    return f"{ROLE_NAMES.get(role, role)} ({role})"


def aware(value: dt.datetime | None, hall: HallConfig) -> dt.datetime | None:
    """SQLite gives back naive times: they were stored as the hall's."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=hall.tz)
