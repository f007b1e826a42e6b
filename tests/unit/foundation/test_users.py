"""Console users held by the controller: Argon2id hashes, sign-in, lockout, and no secret in
the store beyond its hash (DESIGN.md, Security)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from bus.models.base import Command, Reply
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
from bus.testing import FakeBroker
from config.schema import HallConfig
from controller.app import Controller
from controller.user_policy import LOCK_DURATION, MAX_FAILED_ATTEMPTS
from hall.compose import build_controller
from store import tables
from store.database import DB_FILENAME, open_engine

NOW = dt.datetime(2026, 11, 24, 10, 2, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
PASSWORD = "Zhang-Min-2026!"
PIN = "482913"


class Hall:
    """The controller on a real SQLite store, with a clock the test moves."""

    def __init__(self, hall: HallConfig, tmp_path: Path) -> None:
        self.now = NOW
        self.path = tmp_path
        self.engine = open_engine(tmp_path)
        bus = FakeBroker().client(hall.hall_id, "controller", role="controller")
        self.controller: Controller = build_controller(hall, self.engine, bus, lambda: self.now)
        self.controller.start()
        self.n = 0

    def run(self, cmd: Command) -> Reply:
        return self.controller.execute(cmd)

    def next_id(self) -> str:
        self.n += 1
        return f"t-{self.n}"

    def sign_in(self, user: str, password: str) -> Reply:
        return self.run(Authenticate(id=self.next_id(), user=user, password=SecretStr(password)))


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = Hall(hall, tmp_path)
    reply = h.run(
        AddUser(
            id="add-zhang",
            user="zhangmin",
            display_name="张敏",
            role="staff",
            staff_id="S001",
            windows=["W01", "W02"],
            password=SecretStr(PASSWORD),
            pin=SecretStr(PIN),
        )
    )
    assert reply.ok, reply.error
    yield h
    h.engine.dispose()


def test_a_user_is_added_and_signs_in_with_role_staff_id_and_windows(h: Hall) -> None:
    reply = h.sign_in("zhangmin", PASSWORD)
    assert reply.ok, reply.error
    result = reply.result_as(AuthResult)
    assert (result.role, result.staff_id, result.windows) == ("staff", "S001", ("W01", "W02"))
    assert result.display_name == "张敏"


def test_a_wrong_password_is_refused_and_counted_a_success_resets_the_count(h: Hall) -> None:
    reply = h.sign_in("zhangmin", "not-the-password")
    assert not reply.ok and reply.error is not None
    assert reply.error.code == "bad_credentials"
    assert reply.error.message.startswith("用户名或密码错误 / ")
    listed = h.run(ListUsers(id="l1")).result_as(UserList).users
    assert listed[0].failed_attempts == 1
    assert h.sign_in("zhangmin", PASSWORD).ok
    assert h.run(ListUsers(id="l2")).result_as(UserList).users[0].failed_attempts == 0


def test_an_unknown_user_is_refused_like_a_wrong_password(h: Hall) -> None:
    """The reply does not tell which user names exist."""
    reply = h.sign_in("nobody", PASSWORD)
    assert reply.error is not None and reply.error.code == "bad_credentials"


def test_five_failures_lock_the_user_for_fifteen_minutes_even_with_the_right_password(
    h: Hall,
) -> None:
    for _ in range(MAX_FAILED_ATTEMPTS):
        reply = h.sign_in("zhangmin", "guess-guess")
        assert reply.error is not None and reply.error.code == "bad_credentials"
    reply = h.sign_in("zhangmin", PASSWORD)
    assert reply.error is not None and reply.error.code == "locked"
    assert "10:17" in reply.error.message  # 10:02 + 15 minutes, hall time
    h.now = NOW + LOCK_DURATION - dt.timedelta(seconds=1)
    assert h.sign_in("zhangmin", PASSWORD).error is not None
    h.now = NOW + LOCK_DURATION
    assert h.sign_in("zhangmin", PASSWORD).ok
    user = h.run(ListUsers(id="l")).result_as(UserList).users[0]
    assert (user.failed_attempts, user.locked_until) == (0, None)


def test_a_lock_that_ran_out_starts_the_count_again(h: Hall) -> None:
    for _ in range(MAX_FAILED_ATTEMPTS):
        h.sign_in("zhangmin", "guess-guess")
    h.now = NOW + LOCK_DURATION
    reply = h.sign_in("zhangmin", "guess-again")
    assert reply.error is not None and reply.error.code == "bad_credentials"
    assert h.run(ListUsers(id="l")).result_as(UserList).users[0].failed_attempts == 1


def test_the_count_and_the_lock_survive_a_restart(h: Hall, hall: HallConfig) -> None:
    for _ in range(MAX_FAILED_ATTEMPTS):
        h.sign_in("zhangmin", "guess-guess")
    again = Hall(hall, h.path)
    again.n = 100  # fresh command ids: a reused one would be answered from the store
    try:
        reply = again.sign_in("zhangmin", PASSWORD)
        assert reply.error is not None and reply.error.code == "locked"
    finally:
        again.engine.dispose()


def test_a_disabled_user_is_refused_and_enable_lets_them_in_again(h: Hall) -> None:
    assert h.run(DisableUser(id="d", user="zhangmin")).ok
    reply = h.sign_in("zhangmin", PASSWORD)
    assert reply.error is not None and reply.error.code == "disabled"
    assert h.run(EnableUser(id="e", user="zhangmin")).ok
    assert h.sign_in("zhangmin", PASSWORD).ok


def test_a_resent_sign_in_is_answered_from_the_store_and_counted_once(h: Hall) -> None:
    first = h.run(Authenticate(id="same", user="zhangmin", password=SecretStr("guess-guess")))
    again = h.run(Authenticate(id="same", user="zhangmin", password=SecretStr("guess-guess")))
    assert first == again
    assert h.run(ListUsers(id="l")).result_as(UserList).users[0].failed_attempts == 1


def test_password_rules_in_chinese_then_english(h: Hall) -> None:
    short = h.run(SetPassword(id="p1", user="zhangmin", password=SecretStr("short")))
    assert short.error is not None and short.error.code == "weak_password"
    assert short.error.message == "密码至少 8 个字符 / a password needs at least 8 characters"
    same = h.run(SetPassword(id="p2", user="zhangmin", password=SecretStr("ZhangMin")))
    assert same.error is not None
    assert same.error.message.startswith("密码不能与用户名相同 / ")


def test_own_password_change_needs_the_old_one_and_a_wrong_one_counts(h: Hall) -> None:
    wrong = h.run(
        SetPassword(
            id="p1",
            user="zhangmin",
            password=SecretStr("new-password-1"),
            old_password=SecretStr("nope-nope"),
        )
    )
    assert wrong.error is not None and wrong.error.code == "bad_credentials"
    assert h.run(ListUsers(id="l")).result_as(UserList).users[0].failed_attempts == 1
    ok = h.run(
        SetPassword(
            id="p2",
            user="zhangmin",
            password=SecretStr("new-password-1"),
            old_password=SecretStr(PASSWORD),
        )
    )
    assert ok.ok, ok.error
    assert h.sign_in("zhangmin", "new-password-1").ok
    assert h.sign_in("zhangmin", PASSWORD).error is not None


def test_a_keypad_signs_in_with_staff_number_and_pin_at_a_bound_window_only(h: Hall) -> None:
    reply = h.run(AuthenticatePin(id="k1", staff_number="CD001", pin=SecretStr(PIN), window="W01"))
    assert reply.ok, reply.error
    assert reply.result_as(AuthResult).user == "zhangmin"
    other = h.run(AuthenticatePin(id="k2", staff_number="CD001", pin=SecretStr(PIN), window="W05"))
    assert other.error is not None and other.error.code == "forbidden"
    wrong = h.run(AuthenticatePin(id="k3", staff_number="CD001", pin=SecretStr("000000")))
    assert wrong.error is not None and wrong.error.code == "bad_credentials"
    assert h.run(SetPin(id="k4", user="zhangmin", pin=None)).ok
    gone = h.run(AuthenticatePin(id="k5", staff_number="CD001", pin=SecretStr(PIN)))
    assert gone.error is not None and gone.error.code == "bad_credentials"


def test_a_numeric_keypad_names_the_staff_number_by_its_digits(
    h: Hall, hall: HallConfig
) -> None:
    """CD001 cannot be typed on a numeric keypad: 1 or 001 name it; digits that two staff
    numbers share name nobody (the same refusal as a wrong PIN)."""
    for number in ("1", "001", "CD001", "S001"):
        reply = h.run(AuthenticatePin(id=h.next_id(), staff_number=number, pin=SecretStr(PIN)))
        assert reply.ok, (number, reply.error)
    twins = hall.model_copy(update={"staff": [
        *hall.staff, hall.staff[1].model_copy(update={"id": "S099", "staff_number": "BJ001"})
    ]})  # fmt: skip
    ambiguous = Hall(twins, h.path / "twins")
    try:
        add = AddUser(id="a", user="zhang", role="staff", staff_id="S001", windows=["W01"],
                      password=SecretStr(PASSWORD), pin=SecretStr(PIN))  # fmt: skip
        assert ambiguous.run(add).ok
        one = ambiguous.run(AuthenticatePin(id="k", staff_number="1", pin=SecretStr(PIN)))
        assert one.error is not None and one.error.code == "bad_credentials"
        assert ambiguous.run(AuthenticatePin(id="k2", staff_number="CD001", pin=SecretStr(PIN))).ok
    finally:
        ambiguous.engine.dispose()


def test_roles_are_checked_against_the_hall_config(h: Hall) -> None:
    chief = h.run(
        AddUser(id="a1", user="chief-a", role="chief", password=SecretStr("chief-pass-1"))
    )
    assert chief.error is not None and chief.error.message.startswith("首席代表须指定部门")
    ghost = h.run(
        AddUser(
            id="a2",
            user="ghost",
            role="chief",
            department="nowhere",
            password=SecretStr("ghost-pass"),
        )
    )
    assert ghost.error is not None and ghost.error.code == "unknown_department"
    taken = h.run(
        AddUser(
            id="a3",
            user="li",
            role="staff",
            staff_id="S001",
            windows=["W01"],
            password=SecretStr("li-pass-1"),
        )
    )
    assert taken.error is not None and taken.error.code == "staff_taken"
    moved = h.run(SetRole(id="a4", user="zhangmin", role="chief", department="shebao"))
    assert moved.result_as(UserResult).user.role == "chief"


def test_the_last_manager_can_be_neither_disabled_nor_demoted(h: Hall) -> None:
    assert h.run(
        AddUser(id="m", user="admin", role="manager", password=SecretStr("admin-pass-1"))
    ).ok
    disabled = h.run(DisableUser(id="d", user="admin"))
    assert disabled.error is not None and disabled.error.code == "last_manager"
    demoted = h.run(SetRole(id="r", user="admin", role="auditor"))
    assert demoted.error is not None and demoted.error.code == "last_manager"


def test_no_password_pin_or_hash_in_replies_audit_log_or_anywhere_in_the_database(
    h: Hall,
) -> None:
    """The list shows no hash; the stored replies and the audit log keep the commands with
    their secrets masked; the database file holds the password and PIN nowhere, in any form
    but their Argon2id hashes, which only the users table has."""
    h.sign_in("zhangmin", PASSWORD)
    h.sign_in("zhangmin", "wrong-password-77")
    h.run(
        SetPassword(
            id="p",
            user="zhangmin",
            password=SecretStr("second-pass-88"),
            old_password=SecretStr(PASSWORD),
        )
    )
    h.run(SetPin(id="k", user="zhangmin", pin=SecretStr("735109")))
    h.run(AuthenticatePin(id="kp", staff_number="CD001", pin=SecretStr("735109")))
    listed = h.run(ListUsers(id="l"))
    text = listed.model_dump_json()
    assert "argon2" not in text and "hash" not in text
    with h.engine.connect() as conn:
        hashes = conn.execute(sa.select(tables.users.c.password_hash)).scalars().all()
        audit = conn.execute(sa.select(tables.audit_log.c.command)).scalars().all()
        replies = conn.execute(sa.select(tables.commands.c.reply)).scalars().all()
    assert hashes[0].startswith("$argon2id$")
    add = next(a for a in audit if a.get("role") == "staff")
    assert (add["password"], add["pin"]) == ("**********", "**********")
    for row in [*audit, *replies]:
        assert "argon2" not in str(row)
    h.engine.dispose()  # the WAL is checkpointed into the file
    raw = b"".join(p.read_bytes() for p in h.path.glob(f"{DB_FILENAME}*"))
    for secret in (PASSWORD, "wrong-password-77", "second-pass-88", PIN, "735109"):
        assert secret.encode() not in raw, secret


def test_the_demo_adds_one_user_per_role_who_can_sign_in_and_a_rerun_keeps_them(
    hall: HallConfig, tmp_path: Path
) -> None:
    """One user per role, and window staff for every window the demo's simulated staff
    work, each with the PIN their keypad signs in with (printed with the logins)."""
    from hall.demo_users import DEMO_PIN, demo_accounts, demo_staffing, seed_demo_users

    h = Hall(hall, tmp_path)
    try:
        first = seed_demo_users(hall, h.run, h.next_id)
        assert all("已添加 / added" in line for line in first[1:]), first
        accounts = demo_accounts(hall)
        assert {a["role"] for a in accounts} == {"manager", "chief", "staff", "patrol", "auditor"}
        staff = [a for a in accounts if a["role"] == "staff"]
        assert staff[0]["windows"] == ["W03"]  # the console's window-staff login
        assert sorted((a["windows"][0], a["staff_id"]) for a in staff) == sorted(
            (w, s.id) for w, s in demo_staffing(hall)
        )
        assert len(staff) == len(hall.windows) == 11
        assert "  staff-w03 / demo-staff-w03, 键盘 / keypad: 工号 CD003 = 3, PIN 1234  " in (
            "\n".join(first)
        )
        for account in accounts:
            assert h.sign_in(account["user"], account["password"]).ok, account["user"]
        for w, member in demo_staffing(hall):
            number = member.staff_number
            pin = AuthenticatePin(id=h.next_id(), staff_number=number, pin=SecretStr(DEMO_PIN),
                                  window=w)  # fmt: skip
            assert h.run(pin).ok, (w, number)
        again = seed_demo_users(hall, h.run, h.next_id)
        assert all("已存在 / kept from an earlier run" in line for line in again[1:]), again
    finally:
        h.engine.dispose()
