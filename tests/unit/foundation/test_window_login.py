"""A caller keypad signs in with staff number and PIN (controller/window_login.py): the PIN is
checked as ``users/authenticate_pin`` checks it, counted and locked the same, before the
queue applies the login; the console and the manager sign in without one."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from bus import topics
from bus.models.replies import UserList
from bus.models.users import AddUser, Authenticate, DisableUser, ListUsers
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from controller.app import Controller
from controller.user_policy import LOCK_DURATION, MAX_FAILED_ATTEMPTS
from hall.compose import build_controller
from store import tables
from store.database import DB_FILENAME, open_engine

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
PIN = "482913"
REFUSED = r"^refused queue/login \(.*\) from caller-W0[15]: "


class Hall:
    def __init__(self, hall: HallConfig, tmp_path: Path) -> None:
        self.hall = hall
        self.path = tmp_path
        self.now = NOW
        self.broker = FakeBroker()
        self.engine = open_engine(tmp_path)
        bus = self.broker.client(hall.hall_id, "controller", role="controller")
        self.controller: Controller = build_controller(hall, self.engine, bus, lambda: self.now)
        self.controller.start()
        bus.start()
        self.buses: dict[str, FakeBus] = {}
        self.n = 0
        add = AddUser(id="add", user="zhangmin", display_name="张敏", role="staff",
                      staff_id="S001", windows=["W01"], password=SecretStr("Zhang-Min-2026!"),
                      pin=SecretStr(PIN))  # fmt: skip
        assert self.controller.execute(add).ok

    def send(self, node: str, verb: str, **fields: Any) -> dict[str, Any]:
        if node not in self.buses:
            self.buses[node] = self.broker.client(self.hall.hall_id, node)
            self.buses[node].start()
        self.n += 1
        payload = {"v": 1, "id": fields.pop("id", f"{node}-{self.n}"), **fields}
        topic = topics.command(self.hall.hall_id, node, "queue", verb)
        reply = self.buses[node].request(topic, payload)
        return json.loads(reply.result(0).payload)  # type: ignore[no-any-return]

    def keypad(self, pin: str, number: str = "1", window: str = "W01", **more: Any) -> Any:
        """The caller keypad's sign-in, as the bridge sends it."""
        reply = self.send(f"caller-{window}", "login", window=window, staff_number=number,
                          pin=pin, **more)  # fmt: skip
        return reply

    def staff(self, window: str = "W01") -> Any:
        view = json.loads(self.broker.retained[topics.window_state(self.hall.hall_id, window)])
        return view["data"]["staff"]

    def user(self) -> Any:
        listed = self.controller.execute(ListUsers(id=f"l{self.n}")).result_as(UserList)
        return listed.users[0]


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = Hall(hall, tmp_path)
    yield h
    h.engine.dispose()


def test_the_keypad_signs_in_with_the_digits_of_the_staff_number_and_the_pin(h: Hall) -> None:
    """工号 CD001 typed as 1 on a numeric keypad: the window view then shows 张敏."""
    reply = h.keypad(PIN, number="1")
    assert reply["ok"], reply
    assert reply["result"] == {"window": "W01", "staff": "S001", "name": "张敏"}
    assert h.staff()["id"] == "S001"
    for number in ("CD001", "S001", "001"):  # the 工号 itself, the staff id, other digits
        assert h.send("manager", "logout", window="W01")["ok"]
        assert h.keypad(PIN, number=number)["ok"], number


@pytest.mark.expect_log("WARNING", REFUSED + "叫号器登录须输入工号和密码", logger="controller.app")
def test_a_caller_login_without_the_pin_is_refused_and_changes_nothing(h: Hall) -> None:
    reply = h.send("caller-W01", "login", window="W01", staff="S001")
    assert not reply["ok"] and reply["error"]["code"] == "pin_required"
    assert reply["error"]["message"].startswith("叫号器登录须输入工号和密码，未登录 / ")
    assert h.staff() is None
    # The manager (hall CLI) and the console's signed-in user need none.
    assert h.send("manager", "login", window="W01", staff="S001")["ok"]
    assert h.staff()["id"] == "S001"


def test_a_wrong_pin_is_refused_counted_and_changes_nothing_else(h: Hall) -> None:
    before = h.broker.retained[topics.window_state(h.hall.hall_id, "W01")]
    for number in ("1", "CD001", "99"):  # wrong PIN, or a number nobody has: one answer
        reply = h.keypad("000000", number=number)
        assert not reply["ok"] and reply["error"]["code"] == "bad_pin"
        assert reply["error"]["message"] == "工号或密码错误 / wrong staff number or PIN"
    assert h.broker.retained[topics.window_state(h.hall.hall_id, "W01")] == before
    assert h.user().failed_attempts == 2  # the unknown number counts against nobody
    assert h.keypad(PIN)["ok"]
    assert h.user().failed_attempts == 0  # a success resets the count, as a password does


def test_five_wrong_pins_lock_the_user_even_with_the_right_pin_then(h: Hall) -> None:
    for _ in range(MAX_FAILED_ATTEMPTS):
        assert h.keypad("111111")["error"]["code"] == "bad_pin"
    locked = h.keypad(PIN)
    assert locked["error"]["code"] == "locked" and "09:45" in locked["error"]["message"]
    assert h.staff() is None
    # The console's password sign-in is locked as well: one count per user.
    password = Authenticate(id="pw", user="zhangmin", password=SecretStr("Zhang-Min-2026!"))
    signed = h.controller.execute(password)
    assert signed.error is not None and signed.error.code == "locked"
    h.now = NOW + LOCK_DURATION
    assert h.keypad(PIN)["ok"]


@pytest.mark.expect_log("WARNING", REFUSED + "只能操作本窗口 W01", logger="controller.app")
def test_a_caller_signs_in_no_one_who_is_not_bound_to_its_window(h: Hall) -> None:
    """张敏 is bound to W01: the right PIN at W05's keypad signs nobody in, nor counts; and
    caller-W01 may not name W05 at all."""
    reply = h.keypad(PIN, window="W05")
    assert not reply["ok"] and reply["error"]["code"] == "forbidden"
    assert "不能在窗口 W05 签到" in reply["error"]["message"]
    assert h.staff("W05") is None and h.user().failed_attempts == 0
    # A wrong PIN at W05 says only that it is wrong: no name of whose 工号 that was.
    guessed = h.keypad("999999", window="W05")
    assert guessed["error"]["code"] == "bad_pin" and "张敏" not in guessed["error"]["message"]
    assert h.user().failed_attempts == 1
    other = h.send("caller-W01", "login", window="W05", staff_number="1", pin=PIN)
    assert other["error"]["code"] == "forbidden"
    assert h.staff("W05") is None


def test_a_disabled_user_is_not_signed_in_by_the_right_pin(h: Hall) -> None:
    assert h.controller.execute(DisableUser(id="d", user="zhangmin")).ok
    reply = h.keypad(PIN)
    assert reply["error"]["code"] == "disabled" and h.staff() is None


def test_a_resent_login_is_answered_from_the_store_and_not_counted_again(h: Hall) -> None:
    first = h.keypad("000000", id="kp-1")
    again = h.keypad("000000", id="kp-1")
    assert first == again and h.user().failed_attempts == 1


def test_the_pin_is_in_no_audit_row_stored_reply_or_byte_of_the_database(h: Hall) -> None:
    h.keypad("735100")
    assert h.keypad(PIN)["ok"]
    with h.engine.connect() as conn:
        a = tables.audit_log.c
        rows = conn.execute(
            sa.select(a.command, a.events).where(a.verb == "login").order_by(a.seq)
        ).all()
        replies = conn.execute(sa.select(tables.commands.c.reply)).scalars().all()
    assert [r.command["pin"] for r in rows] == ["**********", "**********"]
    assert rows[1].events[0] == {"event": "user.signed_in", "user": "zhangmin", "role": "staff"}
    assert all(PIN not in str(r) for r in [*rows, *replies])
    h.engine.dispose()  # the WAL is checkpointed into the file
    raw = b"".join(p.read_bytes() for p in h.path.glob(f"{DB_FILENAME}*"))
    assert PIN.encode() not in raw and b"735100" not in raw
