"""Who may book, cancel and see the numbers (Q12), through the real controller on a FakeBroker.

The citizens' pages go through the console with nobody signed in: they may list a service's
slots, book with a mobile number and cancel by code and that number, never cancel without
it. The hall cancels a slot as the manager or the item's chief; only the manager sees the
numbers whole. Every reply, event and audit row keeps the number masked (138****5678).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bus import topics
from bus.testing import FakeBroker
from config.schema import HallConfig
from hall.compose import build_controller
from store import tables
from store.database import open_engine
from tests.unit.foundation.test_acting import APP, NOW, REFUSED, USERS, Hall

MOBILE = "13812345678"
FRIDAY_1000 = "2026-11-27T10:00:00+08:00"
"""Three days after the controller's Tuesday: 城东's lead time."""


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    engine = open_engine(tmp_path)
    controller = build_controller(hall, engine, bus, lambda: NOW)
    controller.start()
    bus.start()
    h = Hall(hall, controller, broker)
    for account in USERS:
        assert h.send("manager", "users", "add", **account)["ok"], account
    yield h
    engine.dispose()


def _forbidden(reply: dict[str, object], text: str) -> None:
    assert reply["ok"] is False, reply
    error = reply["error"]
    assert isinstance(error, dict) and error["code"] == "forbidden", reply
    assert text in error["message"], reply


def _book(h: Hall, service: str = "B01", mobile: str = MOBILE) -> str:
    reply = h.send("console", "queue", "book", service=service, slot=FRIDAY_1000, mobile=mobile)
    assert reply["ok"], reply
    assert reply["result"]["mobile"] == mobile[:3] + "****" + mobile[-4:]
    return str(reply["result"]["code"])


def _audited(h: Hall) -> str:
    a = tables.audit_log.c
    c = tables.commands.c
    with h.controller.engine.connect() as conn:
        rows = [
            json.dumps([r.command, r.events], ensure_ascii=False)
            for r in conn.execute(sa.select(a.command, a.events))
        ]
        rows += [json.dumps(r.reply, ensure_ascii=False) for r in conn.execute(sa.select(c.reply))]
    return "\n".join(rows)  # fmt: skip


def test_a_citizen_books_and_cancels_through_the_console_with_nobody_signed_in(
    h: Hall, caplog: pytest.LogCaptureFixture
) -> None:
    slots = h.send("console", "queue", "slots", service="B01", **{"from": "2026-11-24"},
                   to="2026-11-27")  # fmt: skip
    assert slots["ok"], slots
    days = {d["date"]: d["slots"] for d in slots["result"]["days"]}
    assert days["2026-11-26"][0]["status"] == "lead_time"
    assert days["2026-11-27"][2]["status"] == "open" and days["2026-11-27"][2]["left"] == 4
    events = h.buses["console"]
    seen: list[bytes] = []
    events.subscribe(
        topics.event(h.hall.hall_id, "appointment.booked"), lambda m: seen.append(m.payload)
    )
    code = _book(h)
    wrong = h.send("console", "queue", "cancel_booking", code=code, mobile="13900000000")
    assert wrong["ok"] is False and wrong["error"]["code"] == "unknown"
    cancelled = h.send("console", "queue", "cancel_booking", code=code, mobile=MOBILE)
    assert cancelled["ok"], cancelled
    assert seen, "the booked event reached the console"
    said = _audited(h) + "".join(p.decode() for p in seen) + caplog.text
    assert "138****5678" in said and MOBILE not in said
    qr = tables.queue_records.c
    with h.controller.engine.connect() as conn:
        kept = conn.execute(sa.select(qr.data).where(qr.key == code)).scalar_one()
    assert kept["mobile"] == MOBILE  # the store keeps it whole, for the manager


@pytest.mark.expect_log("WARNING", REFUSED + "取消预约须提供预约时填写的手机号", logger=APP)
def test_the_console_without_a_user_cannot_cancel_as_the_hall(h: Hall) -> None:
    code = _book(h)
    _forbidden(h.send("console", "queue", "cancel_booking", code=code), "手机号")
    listed = h.as_user("admin", "queue", "bookings", **{"from": "2026-11-27"}, to="2026-11-27")
    assert [b["status"] for b in listed["result"]["bookings"]] == ["booked"]


@pytest.mark.expect_log("WARNING", REFUSED + "只有中心管理员可以查看完整手机号", logger=APP)
def test_only_the_manager_sees_the_numbers_whole(h: Hall) -> None:
    _book(h)
    week = {"from": "2026-11-24", "to": "2026-11-30"}
    whole = h.as_user("admin", "queue", "bookings", full_numbers=True, **week)
    assert [b["mobile"] for b in whole["result"]["bookings"]] == [MOBILE]
    masked = h.as_user("chief-bdc", "queue", "bookings", **week)
    assert [b["mobile"] for b in masked["result"]["bookings"]] == ["138****5678"]
    _forbidden(h.as_user("chief-bdc", "queue", "bookings", full_numbers=True, **week), "中心管理员")


@pytest.mark.expect_log("WARNING", REFUSED + "(首席代表只能处理本部门|窗口人员只能)", logger=APP)
def test_the_hall_cancels_a_slot_as_the_manager_or_the_items_chief(h: Hall) -> None:
    a01 = _book(h, "A01")
    b01 = _book(h, "B01", "13987654321")
    _forbidden(
        h.as_user("chief-bdc", "queue", "cancel_slot", service="A01", slot=FRIDAY_1000), "本部门"
    )
    _forbidden(
        h.as_user("wang", "queue", "cancel_slot", service="B01", slot=FRIDAY_1000), "窗口人员"
    )
    reply = h.as_user(
        "chief-bdc", "queue", "cancel_slot", service="B01", slot=FRIDAY_1000, reason="系统升级"
    )
    assert reply["ok"], reply
    assert reply["result"]["cancelled"] == [{"code": b01, "mobile": "139****4321"}]
    assert h.as_user("admin", "queue", "cancel_slot", service="A01", slot=FRIDAY_1000)["ok"]
    listed = h.as_user("admin", "queue", "bookings", full_numbers=True, **{"from": "2026-11-27"},
                       to="2026-11-27")  # fmt: skip
    notify = {(b["code"], b["mobile"], b["cancel_reason"]) for b in listed["result"]["bookings"]
              if b["cancelled_by_hall"]}  # fmt: skip
    assert notify == {(a01, MOBILE, ""), (b01, "13987654321", "系统升级")}


@pytest.mark.expect_log("WARNING", r"^refused .* from kiosk-1: .*不能发送", logger=APP)
def test_a_kiosk_may_not_cancel_slots_nor_list_bookings(h: Hall) -> None:
    _forbidden(
        h.send("kiosk-1", "queue", "cancel_slot", service="B01", slot=FRIDAY_1000), "kiosk-1"
    )
    _forbidden(
        h.send("kiosk-1", "queue", "bookings", **{"from": "2026-11-27"}, to="2026-11-27"),
        "kiosk-1",
    )
