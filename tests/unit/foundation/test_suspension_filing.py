"""业务临时停办登记备案 (Q10) through the real controller on a FakeBroker: a chief files for
their own department's items only, inside 5 workdays the filing is refused in words, only the
manager decides, an approval posts the notice to screens and kiosks until the end and is
refused once the notice could no longer go out 4 workdays ahead; on the day the kiosk issues
no ticket for the item (with the reason) and no booking of a slot in the suspension is taken.
Each filing and decision is a row of ``suspensions`` with its audit row, and survives a
restart."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bus import topics
from config.schema import HallConfig
from hall.compose import build_controller
from store import tables
from tests.unit.foundation.test_acting import APP, NOW, REFUSED, USERS, Hall, start_hall

START = dt.datetime(2026, 12, 2, 9, 0, tzinfo=NOW.tzinfo)
"""Wednesday: the 5th workday after the filing day (Tuesday 11-24) is 12-01."""
END = dt.datetime(2026, 12, 2, 17, 0, tzinfo=NOW.tzinfo)
FILING: dict[str, Any] = {
    "department": "budongchan", "services": ["B02"], "windows": ["W03", "W04"],
    "reason": "不动产登记系统升级", "document_no": "城自然资函〔2026〕58号",
    "start": "2026-12-02T09:00", "end": "2026-12-02T17:00",
    "measures": "3号窗口留2名咨询人员，电话 0000-12345",
}  # fmt: skip


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = start_hall(hall, tmp_path, USERS)
    yield h
    h.controller.engine.dispose()


def at(h: Hall, when: dt.datetime) -> None:
    """The hall's clock reads ``when`` from now on; time passing is applied (a tick)."""
    h.controller.clock = lambda: when
    h.controller.tick()


def _refused(reply: dict[str, Any], code: str, text: str) -> None:
    assert reply["ok"] is False, reply
    assert reply["error"]["code"] == code, reply
    assert text in reply["error"]["message"], reply


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_a_chief_files_for_their_department_only_and_never_decides(h: Hall) -> None:
    other = {**FILING, "department": "shebao", "services": ["A01"], "windows": ["W01"]}
    _refused(h.as_user("chief-bdc", "queue", "file_suspension", **other), "forbidden",
             "首席代表只能处理本部门（budongchan）的事务")  # fmt: skip
    mixed = {**FILING, "services": ["B02", "A01"]}
    _refused(h.as_user("chief-bdc", "queue", "file_suspension", **mixed), "forbidden",
             "首席代表只能处理本部门")  # fmt: skip
    _refused(h.as_user("chief-bdc", "queue", "file_suspension", **FILING, emergency=True),
             "forbidden", "只有中心管理员可以紧急停办业务")  # fmt: skip
    filed = h.as_user("chief-bdc", "queue", "file_suspension", **FILING)
    assert filed["ok"], filed
    entry = filed["result"]["suspension"]
    assert (entry["suspension"], entry["status"], entry["phase"]) == (
        "SP0001", "pending", "pending"
    )  # fmt: skip
    assert entry["filed_by"] == "chief-bdc" and entry["start"] == START.isoformat()
    _refused(h.as_user("chief-bdc", "queue", "decide_suspension", suspension="SP0001",
                       decision="approve"), "forbidden", "只有中心管理员可以审批")  # fmt: skip
    _refused(h.as_user("wang", "queue", "file_suspension", **FILING), "forbidden", "窗口人员")
    listed = h.as_user("chief-bdc", "queue", "suspensions")  # a query: every chief reads
    assert listed["ok"] and listed["result"]["earliest_start"] == "2026-12-01", listed


def test_the_manager_files_any_departments_but_the_items_must_be_its(h: Hall) -> None:
    wrong = {**FILING, "services": ["A01"]}
    _refused(h.as_user("admin", "queue", "file_suspension", **wrong), "other_department",
             "A01 不属于不动产登记")  # fmt: skip
    window = {**FILING, "windows": ["W01"]}
    _refused(h.as_user("admin", "queue", "file_suspension", **window), "other_department",
             "窗口 W01 不属于不动产登记")  # fmt: skip
    whole = {**FILING, "services": [], "categories": ["B"]}
    filed = h.as_user("admin", "queue", "file_suspension", **whole)
    assert filed["ok"] and filed["result"]["suspension"]["services"] == ["B01", "B02"], filed
    _refused(h.as_user("admin", "queue", "file_suspension", **FILING), "overlap", "SP0001")


def test_a_filing_inside_five_workdays_is_refused_with_the_rule_in_words(h: Hall) -> None:
    early = {**FILING, "start": "2026-12-01T09:00", "end": "2026-12-01T17:00"}
    assert h.as_user("chief-bdc", "queue", "file_suspension", **early)["ok"]  # the 5th: enough
    late = {**FILING, "start": "2026-11-30T09:00", "end": "2026-11-30T17:00"}
    reply = h.as_user("chief-bdc", "queue", "file_suspension", **late)
    _refused(reply, "lead_time", "业务临时停办须至少提前5个工作日报备（001 业务临时停办 二(二)1）")
    assert "其间只有4个工作日；今日报备最早可于12月1日停办" in reply["error"]["message"]
    assert reply["error"]["details"]["message_en"].startswith("a suspension must be filed")


def test_approval_posts_the_notice_to_screens_and_kiosks_until_the_end(h: Hall) -> None:
    assert h.as_user("chief-bdc", "queue", "file_suspension", **FILING)["ok"]
    approved = h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                         decision="approve")  # fmt: skip
    assert approved["ok"], approved
    entry = approved["result"]["suspension"]
    assert (entry["status"], entry["decided_by"], entry["notice_id"]) == ("approved", "admin",
                                                                          "N0001")  # fmt: skip
    (notice,) = h.send("manager", "notice", "list")["result"]["notices"]
    assert notice["targets"] == ["screens", "kiosks"]
    assert notice["until"] == END.isoformat() and notice["start"] == NOW.isoformat()
    assert notice["text"].startswith(
        "业务临时停办通知：不动产登记（3、4号窗口）「抵押登记」12月2日09:00"
    )
    assert "城自然资函〔2026〕58号" in notice["text"] and "0000-12345" in notice["text"]
    assert notice["text_en"].startswith("Temporary suspension: Real Estate Registration")
    retained = json.loads(h.broker.retained[topics.notice(h.hall.hall_id, "N0001")])
    assert retained["notice_id"] == "N0001"
    again = h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                      decision="reject", note="x")  # fmt: skip
    _refused(again, "decided", "该登记已审批")
    a = tables.audit_log.c
    with h.controller.engine.connect() as conn:
        verbs = [r.verb for r in conn.execute(sa.select(a.verb, a.ok).where(a.ok.is_(True)))]
        rows = conn.execute(sa.select(tables.suspensions.c.status)).all()
    assert verbs[-2:] == ["file_suspension", "decide_suspension"] and rows == [("approved",)]


def test_an_approval_that_leaves_the_notice_under_four_workdays_is_refused(h: Hall) -> None:
    assert h.as_user("chief-bdc", "queue", "file_suspension", **FILING)["ok"]
    at(h, NOW + dt.timedelta(days=2))  # Thursday 11-26: 27, 30, 1, 2 — four, still in time
    at(h, NOW + dt.timedelta(days=3))  # Friday 11-27: only 30, 1, 2
    reply = h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                      decision="approve")  # fmt: skip
    _refused(reply, "notice_lead_time", "停办通知须至少提前4个工作日向社会公告")
    assert "最迟应于11月26日批准" in reply["error"]["message"]
    _refused(h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                       decision="reject"), "note_required", "驳回须说明理由")  # fmt: skip
    rejected = h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                         decision="reject", note="逾期未能公告，请重新报备")  # fmt: skip
    assert rejected["ok"] and rejected["result"]["suspension"]["phase"] == "rejected"
    assert h.send("manager", "notice", "list")["result"]["notices"] == []


def test_on_the_day_the_kiosk_issues_no_ticket_and_takes_no_booking(h: Hall) -> None:
    slot = "2026-12-02T10:00:00+08:00"
    assert h.as_user("chief-bdc", "queue", "file_suspension", **FILING)["ok"]
    # A booking before approval is still taken; once approved, none for a slot in it.
    assert h.send("console", "queue", "book", service="B02", slot=slot,
                  mobile="13800000001")["ok"]  # fmt: skip
    assert h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                     decision="approve")["ok"]  # fmt: skip
    booked = h.send("console", "queue", "book", service="B02", slot=slot, mobile="13800000002")
    _refused(booked, "suspended", "该业务临时停办：不动产登记系统升级（城自然资函〔2026〕58号）")
    h.controller.clock = lambda: START + dt.timedelta(minutes=30)  # before any tick
    issued = h.send("kiosk-1", "queue", "issue", service="B02")
    _refused(issued, "suspended", "该业务临时停办：不动产登记系统升级（城自然资函〔2026〕58号），"
             "12月2日17:00起恢复办理")  # fmt: skip
    assert issued["error"]["details"]["service"] == "B02"
    assert h.send("kiosk-1", "queue", "issue", service="B01")["ok"]  # the other item serves
    at(h, START + dt.timedelta(minutes=31))  # the tick sets the queue's own suspension
    catalog = json.loads(h.broker.retained[topics.catalog_state(h.hall.hall_id)])
    b02 = catalog["data"]["items"]["B02"]
    assert b02["status"] == "suspended" and "城自然资函〔2026〕58号" in b02["notice"]
    _refused(h.send("kiosk-1", "queue", "issue", service="B02"), "suspended", "不动产登记系统升级")
    listed = h.as_user("admin", "queue", "suspensions")["result"]["suspensions"]
    assert [(e["phase"], e["applied"]) for e in listed] == [("active", True)]
    at(h, END)
    assert h.as_user("admin", "queue", "suspensions")["result"]["suspensions"][0]["phase"] == (
        "ended"
    )


def test_an_emergency_suspension_by_the_manager_takes_effect_at_once(h: Hall) -> None:
    now = {"start": NOW.replace(tzinfo=None).isoformat(), "end": "2026-11-24T17:30"}
    filed = h.as_user("admin", "queue", "file_suspension", **{**FILING, **now}, emergency=True)
    assert filed["ok"], filed
    entry = filed["result"]["suspension"]
    assert (entry["status"], entry["phase"], entry["emergency"]) == ("approved", "active", True)
    assert entry["notice_id"] == "N0001"
    _refused(h.send("kiosk-1", "queue", "issue", service="B02"), "suspended", "不动产登记系统升级")


def test_filings_survive_a_restart(h: Hall, hall: HallConfig) -> None:
    assert h.as_user("chief-bdc", "queue", "file_suspension", **FILING)["ok"]
    assert h.as_user("admin", "queue", "decide_suspension", suspension="SP0001",
                     decision="approve")["ok"]  # fmt: skip
    again = build_controller(hall, h.controller.engine, h.controller.bus, lambda: START)
    again.start()
    queue = again.services["queue"]
    assert [e.status for e in queue.suspensions.entries.values()] == ["approved"]  # type: ignore[attr-defined]
