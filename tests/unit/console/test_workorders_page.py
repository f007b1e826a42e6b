"""The work-order page (差评工单) against the real controller on a FakeBroker: a bad review's
order with its due day and countdown, the steps answered in words, the appeal decided by the
manager, the chief's department only, the auditor reading only, window staff refused; and
the live hall's alarm of an overdue order, loaded with the day and cleared by its closing."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bus import topics
from bus.models.base import Reply
from config.schema import HallConfig
from console.auth import SignedIn
from console.pages import hall_context
from tests.unit.console.test_bookings_page import CHIEF, MANAGER, STAFF, Office
from tests.unit.kiosk.conftest import SHANGHAI

AUDITOR = SignedIn("audit", "auditor", "审计员")
BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 30, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    o = Office(hall, tmp_path / "data", (MANAGER, CHIEF, STAFF, AUDITOR), BEFORE_NATIONAL_DAY)
    yield o
    o.h.close()


def bad_review(office: Office, window: str = "W03", service: str = "B01") -> str:
    """A citizen served at ``window`` rates 2 on the evaluator: the work order's key."""
    h = office.h
    if window not in h.signed_in:
        h.staff_in(window)
    h.ok("queue", "issue", service=service)
    h.ok("queue", "call", window=window)
    h.ok("queue", "finish", window=window)
    evaluator = h.broker.client(h.hall.hall_id, f"evaluator-{window}", role="evaluator")
    evaluator.start()
    topic = topics.command(h.hall.hall_id, evaluator.node, "queue", "rate")
    payload = {"v": 1, "id": uuid.uuid4().hex, "window": window, "level": 2}
    reply = Reply.model_validate_json(evaluator.request(topic, payload).result(0).payload)
    assert reply.ok and reply.result is not None, reply.error
    return str(reply.result.model_dump()["workorder"])


def _cid(html: str) -> str:
    found = re.search(r'name="cid" value="(\w+)"', html)
    assert found is not None, html
    return found.group(1)


def _order(html: str, workorder: str) -> str:
    """The order's card in the page."""
    start = html.index(f'data-workorder="{workorder}"')
    return html[start : html.find("</article>", start)]


def step(office: Office, csrf: str, page: str, workorder: str, **form: Any) -> str:
    sent = office.client.post(
        "/workorders/step", headers={"X-CSRF-Token": csrf},
        data={"workorder": workorder, "cid": _cid(page), **form},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    return str(sent.text)


def test_the_order_shows_its_due_day_across_national_day_and_the_steps_answer_in_words(
    office: Office,
) -> None:
    key = bad_review(office)
    csrf = office.sign_in("manager")
    page = office.client.get("/workorders").text
    card = _order(page, key)
    assert "10月20日（周二）" in card and "剩 10 个工作日" in card  # 国庆 and 调休 counted
    assert "2 不满意" in card and "S003 王芳" in card and "3号窗口" in card
    page = step(office, csrf, page, key, step="verify", note="群众称材料清单不全")
    assert "请选择回访结果" in _order(page, key)  # no finding chosen: nothing sent
    page = step(office, csrf, page, key, step="verify", verified="yes", note="群众称材料清单不全")
    assert "已记录回访核实：问题属实" in _order(page, key)
    page = step(office, csrf, page, key, step="close")
    assert "未执行：工单办结前须完成：整改 rectify, 答复 reply" in _order(page, key)
    page = step(office, csrf, page, key, step="rectify", note="补充一次性告知单")
    page = step(office, csrf, page, key, step="reply", note="已电话答复")
    page = step(office, csrf, page, key, step="close")
    card = _order(page, key)
    assert "工单 B001 已办结" in card and "已按期办结" in card
    assert "补充一次性告知单" in card and "— manager" in card  # the steps, and who gave them
    assert "<form" not in card  # a closed order takes no step


@pytest.mark.expect_log("WARNING", "只有中心管理员可以决定申诉", logger="controller.app")
def test_an_appeal_upheld_by_the_manager_takes_the_rating_out_of_the_count(
    office: Office,
) -> None:
    first, second = bad_review(office), bad_review(office)
    csrf = office.sign_in("chief-bdc")
    page = office.client.get("/workorders").text
    for key in (first, second):
        page = step(office, csrf, page, key, step="verify", verified="yes", note="属实")
    assert "不合格" in page.split('id="wo-grades"', 1)[1].split("</section>", 1)[0]
    page = step(office, csrf, page, second, step="appeal", note="监控显示系他人误按")
    assert "已提出申诉，等待中心决定" in _order(page, second)
    assert "中心决定" not in _order(page, second).split("wo-forms", 1)[1]  # not the chief's
    forged = step(office, csrf, page, second, step="appeal_upheld", note="成立")
    assert "未执行：只有中心管理员可以决定申诉" in _order(forged, second)
    office.client.cookies.clear()
    csrf = office.sign_in("manager")
    page = office.client.get("/workorders").text
    page = step(office, csrf, page, second, step="appeal_upheld", note="经核实申诉成立")
    assert "申诉成立：该差评不计入工作人员的不合格次数" in _order(page, second)
    grades = page.split('id="wo-grades"', 1)[1].split("</section>", 1)[0]
    row = grades.split('data-staff="S003"', 1)[1].split("</tr>", 1)[0]
    assert 'class="n verified-n">1<' in row and 'class="n upheld-n">1<' in row
    assert "不合格" not in row and "不得评为优秀" in row


def test_a_chief_sees_their_department_only_the_auditor_reads_and_staff_may_not(
    office: Office,
) -> None:
    theirs = bad_review(office, "W03", "B01")
    other = bad_review(office, "W05", "C01")
    office.sign_in("chief-bdc")
    page = office.client.get("/workorders").text
    assert theirs in page and other not in page
    office.client.cookies.clear()
    csrf = office.sign_in("audit")
    page = office.client.get("/workorders").text
    assert theirs in page and other in page and "<form class=\"wostep\"" not in page
    sent = office.client.post("/workorders/step", headers={"X-CSRF-Token": csrf},
                              data={"workorder": theirs, "step": "reply", "cid": "x"})  # fmt: skip
    assert sent.status_code == 403
    office.client.cookies.clear()
    office.sign_in("s003")
    assert office.client.get("/workorders").status_code == 403
    english = office.client.get("/workorders?lang=en")
    assert english.status_code == 403


def test_the_filter_lists_closed_or_open_orders_in_english_too(office: Office) -> None:
    key = bad_review(office)
    office.sign_in("manager")
    assert key in office.client.get("/workorders?status=open").text
    assert key not in office.client.get("/workorders?status=closed").text
    english = office.client.get("/workorders?lang=en").text
    assert "10 workdays left" in english and "Tue 20 Oct" in english
    assert office.client.get("/workorders?from=2026-10-02&to=2026-10-01").status_code == 400


def test_an_overdue_order_is_an_alarm_of_the_live_hall_until_it_is_closed(
    office: Office,
) -> None:
    key = bad_review(office)
    office.h.at(dt.datetime(2026, 10, 21, 9, 30, tzinfo=SHANGHAI))  # the day after it was due
    assert asyncio.run(office.state.fetch_today())
    alarms = hall_context(office.state, "zh")["alarms"]
    assert "差评工单逾期：B001（3号窗口，王芳）应于 2026-10-20 前办结" in alarms
    csrf = office.sign_in("manager")
    page = office.client.get("/workorders").text
    card = _order(page, key)
    assert "已逾期 1 个工作日" in card
    assert re.search(r'<article class="card wo overdue wo-open"[^>]*data-workorder', page)
    for form in ({"step": "verify", "verified": "no", "note": "误会"},
                 {"step": "reply", "note": "已解释"}, {"step": "close"}):  # fmt: skip
        page = step(office, csrf, page, key, **form)
    assert "工单 B001 已办结（逾期）" in _order(page, key)
    assert not [a for a in hall_context(office.state, "zh")["alarms"] if "差评工单逾期" in a]
