"""Console users (``cmd/users/…``): roles, Argon2id password and PIN hashes, sign-in checks.

The controller holds the users as it holds everything else: the console and ``hall users``
change them only through commands, applied by the single writer, stored with their reply and
audited. A password or PIN is never stored, logged or put in a reply: the commands carry them
as ``SecretStr`` (so the audit log keeps ``**********``) and the table keeps Argon2id hashes
(argon2-cffi's ``PasswordHasher`` with its defaults).

A failed sign-in is counted and ``MAX_FAILED_ATTEMPTS`` of them lock the user for
``LOCK_DURATION``; a success resets the count. Unlike other refusals, a refused sign-in does
change something (the count): its ``Outcome`` carries both the error and the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import SecretStr
from sqlalchemy.engine import Connection

from bus.models.base import Command
from bus.models.replies import AuthResult, UserList, UserResult
from bus.models.users import (
    AddUser,
    Authenticate,
    AuthenticatePin,
    DisableUser,
    EnableUser,
    ListUsers,
    SetPassword,
    SetPin,
    SetRole,
)
from config.schema import HallConfig
from controller.user_policy import (
    LOCK_DURATION,
    MAX_FAILED_ATTEMPTS,
    UserRecord,
    aware,
    bad_credentials,
    password_problem,
    refused,
)
from store import tables
from store.service import Outcome, Publication


class UsersService:
    """The ``users`` area: add, passwd, set_pin, disable, enable, set_role, list, sign-ins."""

    area = "users"

    def __init__(self, hall: HallConfig, hasher: PasswordHasher | None = None) -> None:
        self.hall = hall
        self.hasher = hasher or PasswordHasher()
        self.users: dict[str, UserRecord] = {}
        self._dummy: str | None = None
        """A hash to check unknown users against, so that they take as long as known ones."""

    # Lifecycle ----------------------------------------------------------------------------

    def load(self, conn: Connection, now: dt.datetime) -> None:
        self.users = {}
        for row in conn.execute(sa.select(tables.users)).mappings():
            record = UserRecord(
                user=row["user_name"],
                display_name=row["display_name"],
                role=row["role"],
                department=row["department"],
                staff_id=row["staff_id"],
                windows=tuple(row["windows"]),
                password_hash=row["password_hash"],
                pin_hash=row["pin_hash"],
                disabled=row["disabled"],
                failed_attempts=row["failed_attempts"],
                locked_until=aware(row["locked_until"], self.hall),
                created_at=aware(row["created_at"], self.hall) or now,
                updated_at=aware(row["updated_at"], self.hall) or now,
            )
            self.users[record.user] = record

    def startup(self, now: dt.datetime) -> list[Publication]:
        return []

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        return None  # a lock runs out when the next sign-in reads it

    def user(self, name: str) -> UserRecord | None:
        """The user of that name, as last committed."""
        return self.users.get(name)

    # Commands -----------------------------------------------------------------------------

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        if isinstance(cmd, Authenticate):
            return self._authenticate(conn, cmd, now)
        if isinstance(cmd, AuthenticatePin):
            return self._authenticate_pin(conn, cmd, now)
        if isinstance(cmd, ListUsers):
            return Outcome(result=UserList(users=tuple(u.info() for u in self._sorted())))
        if isinstance(cmd, AddUser):
            return self._add(conn, cmd, now)
        record = self.users.get(getattr(cmd, "user", ""))
        if record is None:
            name = getattr(cmd, "user", "")
            return refused("unknown_user", f"没有用户 {name}", f"no user {name}")
        if isinstance(cmd, SetPassword):
            return self._passwd(conn, cmd, record, now)
        if isinstance(cmd, SetPin):
            return self._set_pin(conn, cmd, record, now)
        if isinstance(cmd, DisableUser):
            if self._last_manager(record):
                return refused(
                    "last_manager",
                    "不能停用最后一个中心管理员",
                    "the last enabled manager cannot be disabled",
                )
            changed = replace(record, disabled=True, updated_at=now)
            return self._store(conn, changed, "user.disabled")
        if isinstance(cmd, EnableUser):
            changed = replace(
                record, disabled=False, failed_attempts=0, locked_until=None, updated_at=now
            )
            return self._store(conn, changed, "user.enabled")
        if isinstance(cmd, SetRole):
            return self._set_role(conn, cmd, record, now)
        return refused("unknown_command", "未知命令", f"unknown users/{cmd.verb}")

    def _sorted(self) -> list[UserRecord]:
        return sorted(self.users.values(), key=lambda u: u.user)

    def _last_manager(self, record: UserRecord) -> bool:
        """Whether ``record`` is the only enabled manager (who could then add the next?)."""
        if record.role != "manager" or record.disabled:
            return False
        return not any(
            u.role == "manager" and not u.disabled and u.user != record.user
            for u in self.users.values()
        )

    def _store(
        self, conn: Connection, record: UserRecord, event: str, *, new: bool = False
    ) -> Outcome:
        """Write the record; memory follows on commit; the reply shows it without hashes."""
        row = record.row()
        if new:
            conn.execute(tables.users.insert().values(**row))
        else:
            del row["user_name"], row["created_at"]
            conn.execute(
                tables.users.update().where(tables.users.c.user_name == record.user).values(**row)
            )

        def commit() -> None:
            self.users[record.user] = record

        return Outcome(
            result=UserResult(user=record.info()),
            events=[{"event": event, "user": record.user}],
            on_commit=commit,
        )

    def _assignment(
        self,
        user: str,
        role: str,
        department: str | None,
        staff_id: str | None,
        windows: list[str],
    ) -> Outcome | None:
        """A refusal when role, department, staff id and windows do not fit the hall."""
        if department is not None and self.hall.department(department) is None:
            return refused(
                "unknown_department", f"没有部门 {department}", f"no department {department}"
            )
        if role == "chief" and department is None:
            return refused("invalid", "首席代表须指定部门", "a chief needs a department")
        if staff_id is not None:
            if self.hall.staff_member(staff_id) is None:
                return refused(
                    "unknown_staff",
                    f"员工名册中没有 {staff_id}",
                    f"no staff {staff_id}",
                    staff=staff_id,
                )
            other = next(
                (u for u in self.users.values() if u.staff_id == staff_id and u.user != user),
                None,
            )
            if other is not None:
                return refused(
                    "staff_taken",
                    f"员工 {staff_id} 已绑定用户 {other.user}",
                    f"staff {staff_id} already belongs to user {other.user}",
                    staff=staff_id,
                )
        for window in windows:
            if self.hall.window(window) is None:
                return refused(
                    "unknown_window", f"没有窗口 {window}", f"no window {window}", window=window
                )
        if role == "staff" and (staff_id is None or not windows):
            return refused(
                "invalid",
                "窗口人员须指定员工编号和可签到的窗口",
                "window staff need a staff id and the windows they may sign in at",
            )
        return None

    def _add(self, conn: Connection, cmd: AddUser, now: dt.datetime) -> Outcome:
        if cmd.user in self.users:
            return refused("user_exists", f"用户 {cmd.user} 已存在", f"user {cmd.user} exists")
        refusal = self._assignment(cmd.user, cmd.role, cmd.department, cmd.staff_id, cmd.windows)
        if refusal is not None:
            return refusal
        password = cmd.password.get_secret_value()
        problem = password_problem(cmd.user, password)
        if problem is not None:
            return refused("weak_password", *problem)
        record = UserRecord(
            user=cmd.user,
            display_name=cmd.display_name or cmd.user,
            role=cmd.role,
            department=cmd.department,
            staff_id=cmd.staff_id,
            windows=tuple(dict.fromkeys(cmd.windows)),
            password_hash=self.hasher.hash(password),
            pin_hash=self._pin_hash(cmd.pin),
            disabled=False,
            failed_attempts=0,
            locked_until=None,
            created_at=now,
            updated_at=now,
        )
        return self._store(conn, record, "user.added", new=True)

    def _pin_hash(self, pin: SecretStr | None) -> str | None:
        return None if pin is None else self.hasher.hash(pin.get_secret_value())

    def _passwd(
        self, conn: Connection, cmd: SetPassword, record: UserRecord, now: dt.datetime
    ) -> Outcome:
        if cmd.old_password is not None:
            wrong = self._check_secret(conn, record, record.password_hash, cmd.old_password, now)
            if wrong is not None:
                return wrong
        password = cmd.password.get_secret_value()
        problem = password_problem(record.user, password)
        if problem is not None:
            return refused("weak_password", *problem)
        changed = replace(
            record,
            password_hash=self.hasher.hash(password),
            failed_attempts=0,
            locked_until=None,
            updated_at=now,
        )
        return self._store(conn, changed, "user.password_set")

    def _set_pin(
        self, conn: Connection, cmd: SetPin, record: UserRecord, now: dt.datetime
    ) -> Outcome:
        if cmd.password is not None:
            wrong = self._check_secret(conn, record, record.password_hash, cmd.password, now)
            if wrong is not None:
                return wrong
        changed = replace(record, pin_hash=self._pin_hash(cmd.pin), updated_at=now)
        return self._store(conn, changed, "user.pin_set" if cmd.pin else "user.pin_removed")

    def _set_role(
        self, conn: Connection, cmd: SetRole, record: UserRecord, now: dt.datetime
    ) -> Outcome:
        if cmd.role != "manager" and self._last_manager(record):
            return refused(
                "last_manager",
                "不能更改最后一个中心管理员的角色",
                "the last enabled manager keeps the manager role",
            )
        refusal = self._assignment(cmd.user, cmd.role, cmd.department, cmd.staff_id, cmd.windows)
        if refusal is not None:
            return refusal
        changed = replace(
            record,
            role=cmd.role,
            department=cmd.department,
            staff_id=cmd.staff_id,
            windows=tuple(dict.fromkeys(cmd.windows)),
            updated_at=now,
        )
        return self._store(conn, changed, "user.role_set")

    # Sign-ins -----------------------------------------------------------------------------

    def _authenticate(self, conn: Connection, cmd: Authenticate, now: dt.datetime) -> Outcome:
        record = self.users.get(cmd.user)
        if record is None:
            self._verify(self._dummy_hash(), cmd.password)  # as slow as for a known user
            return bad_credentials()
        return self._sign_in(conn, record, "password_hash", cmd.password, now)

    def _authenticate_pin(
        self, conn: Connection, cmd: AuthenticatePin, now: dt.datetime
    ) -> Outcome:
        record = self._by_staff_number(cmd.staff_number)
        if record is None or record.pin_hash is None:
            self._verify(self._dummy_hash(), cmd.pin)
            return bad_credentials()
        return self._sign_in(conn, record, "pin_hash", cmd.pin, now, window=cmd.window)

    def _by_staff_number(self, number: str) -> UserRecord | None:
        """The user of the staff member whose 工号 (or staff id) this is; digits alone, as a
        numeric keypad types them, name the one staff member whose 工号 has that number
        (``3`` or ``003`` for CD003), and nobody when two have."""
        staff = next(
            (s for s in self.hall.staff if s.staff_number == number or s.id == number), None
        )
        if staff is None and number.isascii() and number.isdigit():
            same = [s for s in self.hall.staff if _number_of(s.staff_number or s.id) == int(number)]
            staff = same[0] if len(same) == 1 else None
        if staff is None:
            return None
        return next((u for u in self.users.values() if u.staff_id == staff.id), None)

    def _sign_in(
        self,
        conn: Connection,
        record: UserRecord,
        which: Literal["password_hash", "pin_hash"],
        secret: SecretStr,
        now: dt.datetime,
        *,
        window: str | None = None,
    ) -> Outcome:
        """Check ``secret``, then (with ``window``) that the user may sign in there: only
        after the secret, so that a keypad typing a 工号 without its PIN learns no name."""
        stored_hash = getattr(record, which)
        wrong = self._check_secret(conn, record, stored_hash, secret, now)
        if wrong is not None:
            return wrong
        if window is not None and window not in record.windows:
            return refused(
                "forbidden",
                f"{record.display_name} 不能在窗口 {window} 签到",
                f"{record.user} may not sign in at window {window}",
                window=window,
            )
        if record.disabled:
            return refused("disabled", "账号已停用", "this user is disabled")
        changed = record
        if record.failed_attempts or record.locked_until is not None:
            changed = replace(record, failed_attempts=0, locked_until=None)
        if self.hasher.check_needs_rehash(stored_hash):
            # Parameters raised since the hash was made: keep the stronger one from now on.
            fresh = self.hasher.hash(secret.get_secret_value())
            if which == "password_hash":
                changed = replace(changed, password_hash=fresh)
            else:
                changed = replace(changed, pin_hash=fresh)
        outcome = Outcome(
            result=AuthResult(
                user=record.user,
                display_name=record.display_name,
                role=record.role,
                department=record.department,
                staff_id=record.staff_id,
                windows=record.windows,
            ),
            events=[{"event": "user.signed_in", "user": record.user, "role": record.role}],
        )
        if changed is not record:
            stored = self._store(conn, changed, "user.signed_in")
            outcome.on_commit = stored.on_commit
        return outcome

    def _check_secret(
        self,
        conn: Connection,
        record: UserRecord,
        stored_hash: str,
        secret: SecretStr,
        now: dt.datetime,
    ) -> Outcome | None:
        """None when the secret matches; else the refusal, counting the failure (and locking
        at ``MAX_FAILED_ATTEMPTS``) in the same transaction as the refusal's reply."""
        if record.locked(now):
            assert record.locked_until is not None
            until = record.locked_until.astimezone(self.hall.tz)
            return refused(
                "locked",
                f"登录失败次数过多，账号锁定至 {until:%H:%M}",
                f"too many failed sign-ins: locked until {until:%H:%M}",
            )
        if self._verify(stored_hash, secret):
            return None
        failures = record.failures(now) + 1
        locked_until = now + LOCK_DURATION if failures >= MAX_FAILED_ATTEMPTS else None
        changed = replace(record, failed_attempts=failures, locked_until=locked_until)
        stored = self._store(conn, changed, "user.sign_in_failed")
        events: list[dict[str, Any]] = [
            {"event": "user.sign_in_failed", "user": record.user, "failures": failures}
        ]
        if locked_until is not None:
            events.append(
                {"event": "user.locked", "user": record.user, "until": locked_until.isoformat()}
            )
        outcome = bad_credentials()
        outcome.on_commit = stored.on_commit
        outcome.events = events
        return outcome

    def _verify(self, stored_hash: str, secret: SecretStr) -> bool:
        try:
            return self.hasher.verify(stored_hash, secret.get_secret_value())
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash("servicehall-no-such-user")
        return self._dummy


def _number_of(staff_number: str) -> int | None:
    """The number in a 工号 (``CD003`` → 3), None when it has no digits."""
    digits = "".join(c for c in staff_number if c.isascii() and c.isdigit())
    return int(digits) if digits else None
