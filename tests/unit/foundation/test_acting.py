"""The console acts as its signed-in user (``acting_user``), and only the console may.

controller/authority.py refuses an acting user from any other sender and a console command
without one; controller/acting.py checks the user (exists, enabled) and what their role,
department and windows allow (``permissions.may``); the audit log names the user.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bus import topics
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from controller.app import Controller
from hall.compose import build_controller
from store import tables
from store.database import open_engine

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
REFUSED = r"^refused .* from (console|kiosk-1|manager): "
APP = "controller.app"

USERS: list[dict[str, Any]] = [
    {"user": "admin", "role": "manager", "password": "admin-pass-1"},
    {"user": "wang", "role": "staff", "staff_id": "S003", "windows": ["W03"],
     "password": "wang-pass-1"},
    {"user": "chief-bdc", "role": "chief", "department": "budongchan", "password": "chief-pass-1"},
    {"user": "gone", "role": "staff", "staff_id": "S004", "windows": ["W04"],
     "password": "gone-pass-1"},
]  # fmt: skip


class Hall:
    def __init__(self, hall: HallConfig, controller: Controller, broker: FakeBroker) -> None:
        self.hall = hall
        self.controller = controller
        self.broker = broker
        self.buses: dict[str, FakeBus] = {}
        self.sent = 0

    def send(self, node: str, area: str, verb: str, **fields: Any) -> dict[str, Any]:
        if node not in self.buses:
            self.buses[node] = self.broker.client(self.hall.hall_id, node)
            self.buses[node].start()
        self.sent += 1
        payload = {"v": 1, "id": f"{node}-{self.sent}", **fields}
        reply = self.buses[node].request(
            topics.command(self.hall.hall_id, node, area, verb), payload
        )
        return json.loads(reply.result(0).payload)  # type: ignore[no-any-return]

    def as_user(self, actor: str, area: str, verb: str, /, **fields: Any) -> dict[str, Any]:
        return self.send("console", area, verb, acting_user=actor, **fields)

    def window(self, w: str) -> dict[str, Any]:
        topic = topics.window_state(self.hall.hall_id, w)
        return json.loads(self.broker.retained[topic])  # type: ignore[no-any-return]

    def audit(self) -> list[Any]:
        a = tables.audit_log.c
        with self.controller.engine.connect() as conn:
            query = sa.select(a.sender, a.acting_user, a.area, a.verb, a.ok).order_by(a.seq)
            return list(conn.execute(query))


def start_hall(hall: HallConfig, tmp_path: Path, accounts: Iterable[dict[str, Any]]) -> Hall:
    """The controller on a FakeBroker at ``NOW`` with these console users, added by the
    manager (``hall users add``); dispose of ``h.controller.engine`` after."""
    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    controller = build_controller(hall, open_engine(tmp_path), bus, lambda: NOW)
    controller.start()
    bus.start()
    h = Hall(hall, controller, broker)
    for account in accounts:
        assert h.send("manager", "users", "add", **account)["ok"], account
    return h


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = start_hall(hall, tmp_path, USERS)
    assert h.send("manager", "users", "disable", user="gone")["ok"]
    assert h.send("kiosk-1", "queue", "issue", service="B01")["ok"]
    assert h.send("kiosk-1", "queue", "issue", service="C01")["ok"]
    yield h
    h.controller.engine.dispose()


def _forbidden(reply: dict[str, Any], text: str) -> None:
    assert reply["ok"] is False, reply
    assert reply["error"]["code"] == "forbidden", reply
    assert text in reply["error"]["message"], reply


def test_staff_at_w03_calls_at_w03_and_the_audit_row_names_them(h: Hall) -> None:
    assert h.as_user("wang", "queue", "login", window="W03", staff="S003")["ok"]
    reply = h.as_user("wang", "queue", "call", window="W03")
    assert reply["ok"], reply
    assert h.window("W03")["data"]["current"]["ticket"] == reply["result"]["ticket"]
    assert h.audit()[-1] == ("console", "wang", "queue", "call", True)


@pytest.mark.expect_log("WARNING", REFUSED + "只能操作本人绑定的窗口", logger=APP)
def test_staff_bound_to_w03_naming_w05_is_refused_and_nothing_changes(h: Hall) -> None:
    before = h.window("W05")
    _forbidden(h.as_user("wang", "queue", "call", window="W05"), "只能操作本人绑定的窗口")
    _forbidden(h.as_user("wang", "queue", "pause", window="W05"), "W03")
    assert h.window("W05") == before
    assert h.audit()[-1] == ("console", "wang", "queue", "pause", False)


@pytest.mark.expect_log("WARNING", REFUSED + "只能操作本人绑定的窗口", logger=APP)
def test_the_audit_log_says_who_paused_w03(h: Hall) -> None:
    assert h.as_user("chief-bdc", "queue", "pause", window="W03")["ok"]
    _forbidden(h.as_user("wang", "queue", "resume", window="W04"), "W03")
    rows = [r for r in h.audit() if r.verb in ("pause", "resume")]
    assert rows == [
        ("console", "chief-bdc", "queue", "pause", True),
        ("console", "wang", "queue", "resume", False),
    ]


@pytest.mark.expect_log("WARNING", REFUSED + "只有控制台可以代表用户", logger=APP)
def test_only_the_console_may_name_an_acting_user(h: Hall) -> None:
    reply = h.send("kiosk-1", "queue", "issue", service="A01", acting_user="admin")
    _forbidden(reply, "只有控制台可以代表用户 / only the console acts for a user")
    _forbidden(
        h.send("manager", "queue", "pause", window="W03", acting_user="admin"),
        "only the console acts for a user",
    )
    assert h.window("W03")["data"]["paused"] is False


@pytest.mark.expect_log("WARNING", REFUSED + "控制台的命令必须注明操作用户", logger=APP)
def test_a_console_command_without_an_acting_user_is_refused(h: Hall) -> None:
    _forbidden(h.send("console", "queue", "pause", window="W03"), "must name its acting user")
    assert h.window("W03")["data"]["paused"] is False


def test_the_console_signs_people_in_without_an_acting_user(h: Hall) -> None:
    reply = h.send("console", "users", "authenticate", user="wang", password="wang-pass-1")
    assert reply["ok"], reply
    assert reply["result"]["role"] == "staff"


@pytest.mark.expect_log(
    "WARNING", r"^refused .* from caller-W03: .*不能发送 queue/today", logger=APP
)
def test_the_console_loads_the_days_tickets_as_itself_and_no_other_node_may(h: Hall) -> None:
    reply = h.send("console", "queue", "today")
    assert reply["ok"], reply
    assert [t["ticket"] for t in reply["result"]["tickets"]] == ["B001", "C001"]
    assert reply["result"]["seq"] > 0
    _forbidden(h.send("caller-W03", "queue", "today"), "may not send queue/today")


@pytest.mark.expect_log("WARNING", REFUSED + "(用户 gone 已停用|没有用户 nobody)", logger=APP)
def test_a_disabled_or_unknown_user_is_refused(h: Hall) -> None:
    _forbidden(h.as_user("gone", "queue", "call", window="W04"), "已停用")
    _forbidden(h.as_user("nobody", "queue", "call", window="W04"), "没有用户 nobody")


@pytest.mark.expect_log("WARNING", REFUSED + "首席代表只能处理本部门", logger=APP)
def test_a_chief_acts_on_their_departments_windows_only(h: Hall) -> None:
    assert h.as_user("chief-bdc", "queue", "pause", window="W04")["ok"]
    _forbidden(h.as_user("chief-bdc", "queue", "pause", window="W05"), "本部门")
    assert h.window("W05")["data"]["paused"] is False


@pytest.mark.expect_log("WARNING", REFUSED + "修改本人密码须提供原密码", logger=APP)
def test_own_password_through_the_console_needs_the_old_one_unless_a_manager(h: Hall) -> None:
    _forbidden(h.as_user("wang", "users", "passwd", user="wang", password="new-pass-99"), "原密码")
    changed = h.as_user(
        "wang", "users", "passwd", user="wang", password="new-pass-99", old_password="wang-pass-1"
    )
    assert changed["ok"], changed
    assert h.as_user("admin", "users", "passwd", user="wang", password="other-pass-9")["ok"]
