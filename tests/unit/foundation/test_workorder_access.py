"""Who may work a bad-review work order and see the list (Q7), through the real controller
on a FakeBroker: window staff may not, a chief only for their department's items (and may
appeal, not decide), only the hall manager decides an appeal; the list a chief gets is their
department's, and an upheld appeal leaves the review grades' count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bus.remote import MANAGER_USER
from config.schema import HallConfig
from tests.unit.foundation.test_acting import APP, NOW, REFUSED, USERS, Hall, start_hall

CHIEF_QIYE: dict[str, Any] = {"user": "chief-qiye", "role": "chief", "department": "qiye",
                              "password": "chief-pass-2"}  # fmt: skip


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = start_hall(hall, tmp_path, (*USERS, CHIEF_QIYE))
    yield h
    h.controller.engine.dispose()


def bad_review(h: Hall, window: str, staff: str, service: str) -> str:
    """A citizen served at ``window`` by ``staff`` rates 2; the work order's key."""
    assert h.send(MANAGER_USER, "queue", "login", window=window, staff=staff)["ok"]
    issued = h.send("kiosk-1", "queue", "issue", service=service)
    assert issued["ok"], issued
    assert h.send(MANAGER_USER, "queue", "call", window=window)["ok"]
    assert h.send(MANAGER_USER, "queue", "finish", window=window)["ok"]
    rated = h.send(f"evaluator-{window}", "queue", "rate", window=window, level=2)
    assert rated["ok"], rated
    return str(rated["result"]["workorder"])


def _forbidden(reply: dict[str, Any], text: str) -> None:
    assert reply["ok"] is False, reply
    assert reply["error"]["code"] == "forbidden", reply
    assert text in reply["error"]["message"], reply


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_window_staff_neither_work_nor_list_work_orders(h: Hall) -> None:
    order = bad_review(h, "W03", "S003", "B01")
    _forbidden(
        h.as_user("wang", "queue", "update_workorder", workorder=order, step="reply", note="x"),
        "窗口人员只能在本人窗口叫号、办理",
    )
    _forbidden(h.as_user("wang", "queue", "workorders"), "窗口人员只能在本人窗口叫号、办理")


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_a_chief_works_and_appeals_their_departments_orders_only(h: Hall) -> None:
    theirs = bad_review(h, "W03", "S003", "B01")  # 不动产登记: chief-bdc's
    verify = {"step": "verify", "verified": True, "note": "回访属实"}
    assert h.as_user("chief-bdc", "queue", "update_workorder", workorder=theirs, **verify)["ok"]
    _forbidden(
        h.as_user("chief-qiye", "queue", "update_workorder", workorder=theirs, **verify),
        "首席代表只能处理本部门（qiye）的事务",
    )
    appealed = h.as_user("chief-bdc", "queue", "update_workorder", workorder=theirs,
                         step="appeal", note="监控显示系误按")  # fmt: skip
    assert appealed["ok"] and appealed["result"]["appeal"] == "pending", appealed
    _forbidden(
        h.as_user("chief-bdc", "queue", "update_workorder", workorder=theirs,
                  step="appeal_upheld", note="成立"),
        "只有中心管理员可以决定申诉",
    )  # fmt: skip


def test_only_the_manager_decides_and_an_upheld_appeal_leaves_the_count(h: Hall) -> None:
    orders = [bad_review(h, "W03", "S003", "B01") for _ in range(2)]
    for order in orders:
        verify = {"step": "verify", "verified": True, "note": "属实"}
        assert h.as_user("chief-bdc", "queue", "update_workorder", workorder=order, **verify)["ok"]
    listed = h.as_user("admin", "queue", "workorders")
    assert listed["ok"], listed
    assert listed["result"]["review_grades"]["staff"]["S003"]["unqualified"] is True
    assert h.as_user("chief-bdc", "queue", "update_workorder", workorder=orders[1],
                     step="appeal", note="恶意差评")["ok"]  # fmt: skip
    decided = h.as_user("admin", "queue", "update_workorder", workorder=orders[1],
                        step="appeal_upheld", note="申诉成立")  # fmt: skip
    assert decided["ok"] and decided["result"]["appeal"] == "upheld", decided
    grade = h.as_user("admin", "queue", "workorders")["result"]["review_grades"]["staff"]["S003"]
    assert grade == {"bad_reviews": 1, "verified": 1, "unqualified": False,
                     "excellent_barred": True, "appeals_upheld": 1}  # fmt: skip
    day = NOW.date().isoformat()
    stats = h.send(MANAGER_USER, "queue", "stats", **{"from": day, "to": day})
    assert stats["result"]["review_grades"]["staff"]["S003"] == grade  # `hall stats` agrees
    again = h.as_user("admin", "queue", "update_workorder", workorder=orders[1],
                      step="appeal_rejected", note="改判")  # fmt: skip
    assert again["ok"] is False and again["error"]["code"] == "appeal_decided", again


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_a_chiefs_list_is_their_departments_and_counts_down_in_workdays(h: Hall) -> None:
    bdc = bad_review(h, "W03", "S003", "B01")
    bad_review(h, "W05", "S005", "C01")  # 企业开办: chief-qiye's
    _forbidden(h.as_user("chief-bdc", "queue", "workorders"), "首席代表只能查看本部门")
    mine = h.as_user("chief-bdc", "queue", "workorders", department="budongchan")
    assert mine["ok"], mine
    (order,) = mine["result"]["workorders"]
    assert order["workorder"] == bdc
    assert (order["due"], order["workdays_left"], order["overdue"]) == ("2026-12-08", 10, False)
    assert list(mine["result"]["review_grades"]["staff"]) == ["S003"]
    assert len(h.as_user("admin", "queue", "workorders")["result"]["workorders"]) == 2
