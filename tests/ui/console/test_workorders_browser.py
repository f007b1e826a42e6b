"""Bad-review work orders (差评工单, Q7) in Chromium against a real broker, controller and
console, on Wednesday 2026-09-30, the day before 国庆: a rating of 2 at the evaluator opens
an order due 10 workdays later (2026-10-20, past the holiday and counting the Saturday
worked), the manager works it on the page (回访核实, 整改, 答复, 办结), each answer in words;
the chief appeals a second one as a mistaken rating and the manager upholds it, which takes it
out of the staff member's 不合格 count; a third left open is overdue on 10-21, red on the page
and an alarm of the live hall. Screenshots in both languages."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from tests.conftest import REPO, Broker
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.ui.conftest import SHANGHAI
from tests.ui.console.conftest import console_stack
from tests.ui.console.harness import USERS, ConsoleThread
from tests.ui.console.test_console_browser import manager_page

SHOTS = REPO / "docs" / "screenshots"
BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 30, 9, 30, tzinfo=SHANGHAI)
DAY_AFTER_DUE = dt.datetime(2026, 10, 21, 9, 30, tzinfo=SHANGHAI)
CHIEF: dict[str, object] = {"user": "chief-bdc", "role": "chief", "department": "budongchan",
                            "display_name": "不动产首席"}  # fmt: skip


@dataclass
class OrderHall:
    hall: HallConfig
    broker: Broker
    clock: ManualClock
    controller: ControllerThread
    console: ConsoleThread
    manager: Node
    kiosk: Node
    evaluator: Node
    browser: Any


@pytest.fixture(scope="module")
def h(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrderHall]:
    with console_stack(
        hall, tmp_path_factory.mktemp("workorders"), clock=ManualClock(BEFORE_NATIONAL_DAY),
        users=(*USERS, CHIEF),
    ) as s:  # fmt: skip
        kiosk = Node(hall, s.broker.url, node="kiosk-1")
        evaluator = Node(hall, s.broker.url, node="evaluator-W03")
        try:
            assert s.manager.send("queue", "login", window="W03", staff="S003").ok
            yield OrderHall(hall, s.broker, s.clock, s.controller, s.console, s.manager, kiosk,
                            evaluator, s.browser)  # fmt: skip
        finally:
            evaluator.close()
            kiosk.close()


def rated_2(h: OrderHall) -> str:
    """A citizen takes a ticket, is served at W03 by 王芳 and rates 2 (不满意) at the
    evaluator: the ticket's number."""
    issued = h.kiosk.send("queue", "issue", service="B01")
    assert issued.ok and issued.result is not None, issued.error
    number = str(issued.result.model_dump()["ticket"])
    assert h.manager.send("queue", "call", window="W03").ok
    assert h.manager.send("queue", "finish", window="W03").ok
    rated = h.evaluator.send("queue", "rate", window="W03", level=2, ticket=number)
    assert rated.ok, rated.error
    return number


def signed_in(h: OrderHall, user: str, lang: str = "zh") -> Any:
    """A tab on the work-order page, signed in as ``user``, reached by the nav link."""
    page = manager_page(h, lang, user)
    page.click("nav.pages a[href='/workorders']")
    page.wait_for_url("**/workorders")
    return page


def order(page: Any, ticket: str) -> Any:
    return page.locator(f"article.wo[data-ticket='{ticket}']")


def do_step(
    page: Any, ticket: str, step: str, answer: str, note: str = "", choice: str = ""
) -> None:
    """Fill the step's form of the order, record it, and wait for the controller's answer on
    the order, in words."""
    from playwright.sync_api import expect

    form = order(page, ticket).locator(f"form[data-step='{step}']")
    if choice:
        form.locator(f"input[type=radio][value='{choice}']").check()
    if note:
        form.locator("input[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    expect(order(page, ticket).locator(".answer")).to_contain_text(answer)


def test_a_rating_of_2_opens_an_order_due_after_national_day_worked_to_closure(
    h: OrderHall,
) -> None:
    number = rated_2(h)
    page = signed_in(h, "manager")
    card = order(page, number)
    assert "10月20日（周二）" in card.locator(".due").inner_text()
    assert card.locator(".countdown").inner_text() == "剩 10 个工作日"
    assert "2 不满意" in card.inner_text() and "S003 王芳" in card.inner_text()
    do_step(page, number, "verify", "已记录回访核实：问题属实", "群众称材料清单与窗口说法不一",
            choice="yes")  # fmt: skip
    do_step(page, number, "close", "未执行：工单办结前须完成：整改 rectify, 答复 reply")
    do_step(page, number, "rectify", "已记录整改 / 解释说明", "约谈窗口人员，统一一次性告知单")
    do_step(page, number, "reply", "已记录答复", "已电话答复群众并致歉")
    do_step(page, number, "close", f"工单 {number} 已办结")
    card = order(page, number)
    assert card.locator(".status-text").inner_text().startswith("已办结")
    names = card.locator("ol.wo-steps li strong").all_inner_texts()
    assert names == ["回访核实", "整改 / 解释说明", "答复", "办结"]
    assert all(s.endswith("— manager") for s in card.locator("ol.wo-steps li").all_inner_texts())
    assert card.locator("form").count() == 0  # a closed order takes no step
    page.close()


def test_the_chief_appeals_the_manager_upholds_and_the_count_drops(h: OrderHall) -> None:
    second = rated_2(h)
    page = signed_in(h, "chief-bdc")
    do_step(page, second, "verify", "已记录回访核实：问题属实", "群众坚持不满意", choice="yes")
    grade = page.locator("#wo-grades tr[data-staff='S003']")
    assert grade.locator(".grade").inner_text() == "不合格"  # two verified in the year
    do_step(page, second, "appeal", "未执行：申诉须写明理由")
    do_step(page, second, "appeal", "已提出申诉，等待中心决定",
            "监控显示评价时群众已离开，系他人误按评价器")  # fmt: skip
    assert order(page, second).locator("form[data-step='decide']").count() == 0  # not a chief's
    assert order(page, second).locator(".appeal").inner_text() == "已申诉，待中心决定"
    page.close()
    page = signed_in(h, "manager")
    do_step(page, second, "decide", "申诉成立：该差评不计入工作人员的不合格次数",
            "调取监控核实，申诉成立", choice="appeal_upheld")  # fmt: skip
    grade = page.locator("#wo-grades tr[data-staff='S003']")
    assert grade.locator(".verified-n").inner_text() == "1"
    assert grade.locator(".upheld-n").inner_text() == "1"
    assert grade.locator(".grade").inner_text() == "不得评为优秀"  # no longer 不合格
    assert order(page, second).locator(".counts").inner_text() == "否"
    do_step(page, second, "reply", "已记录答复", "已向群众说明复核结果")  # all an upheld one needs
    do_step(page, second, "close", f"工单 {second} 已办结")
    page.close()
    stats = h.manager.send("queue", "stats", **{"from": "2026-09-30", "to": "2026-09-30"})
    assert stats.ok and stats.result is not None
    s003 = stats.result.model_dump(mode="json")["review_grades"]["staff"]["S003"]
    assert (s003["verified"], s003["appeals_upheld"], s003["unqualified"]) == (1, 1, False)


def test_an_order_left_open_is_red_and_an_alarm_of_the_live_hall_once_overdue(
    h: OrderHall, tmp_path: Path
) -> None:
    third = rated_2(h)
    h.clock.now = DAY_AFTER_DUE
    h.controller.call(h.controller.controller.tick)
    h.controller.call(h.controller.controller.publish_time)
    page = signed_in(h, "manager")
    from playwright.sync_api import expect

    page.goto(f"{h.console.url}/hall")
    expect(page.locator("#r-alarms")).to_contain_text(
        f"差评工单逾期：{third}（3号窗口，王芳）应于 2026-10-20 前办结"
    )
    page.goto(f"{h.console.url}/workorders")
    card = order(page, third)
    assert "overdue" in (card.get_attribute("class") or "")
    assert card.locator(".countdown").inner_text() == "已逾期 1 个工作日"
    color = card.locator(".countdown").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(179, 38, 30)"  # --red
    page.close()
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        page = signed_in(h, "manager", lang)
        path = out / f"console_workorders_{lang}.png"
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=False)
        assert path.stat().st_size > 10_000, f"{path} is nearly empty"
        page.close()
    # Closing it takes the alarm off the live hall.
    page = signed_in(h, "manager")
    do_step(page, third, "verify", "已记录回访核实：问题不属实", "群众表示是误会", choice="no")
    do_step(page, third, "reply", "已记录答复", "已向群众解释")
    do_step(page, third, "close", f"工单 {third} 已办结（逾期）")
    page.goto(f"{h.console.url}/hall")
    expect(page.locator("#r-alarms")).not_to_contain_text("差评工单逾期")
    page.close()
