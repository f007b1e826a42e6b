"""业务临时停办登记备案 (Q10) in Chromium against a real broker, controller and console, on
Monday 2026-09-28, three days before 国庆: the chief of 不动产登记 fills the 登记备案表 on the
page for Friday 10-09 and is refused in words (only 4 workdays between, the holiday does not
count), files again for Monday 10-12; the manager approves it and the notice is in the hall's
notices for screens and kiosks until the end; on 10-12 the kiosk's ticket for 抵押登记 is
refused with the reason. Screenshots in both languages."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from tests.conftest import REPO
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.ui.conftest import SHANGHAI
from tests.ui.console.conftest import console_stack
from tests.ui.console.harness import USERS, ConsoleThread
from tests.ui.console.test_console_browser import manager_page

SHOTS = REPO / "docs" / "screenshots"
FILING_DAY = dt.datetime(2026, 9, 28, 9, 30, tzinfo=SHANGHAI)
SUSPENDED = dt.datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)
CHIEF: dict[str, object] = {"user": "chief-bdc", "role": "chief", "department": "budongchan",
                            "display_name": "不动产首席"}  # fmt: skip
REASON = "不动产登记系统升级改造"
DOC = "城自然资函〔2026〕58号"


@dataclass
class SuspensionHall:
    hall: HallConfig
    clock: ManualClock
    controller: ControllerThread
    console: ConsoleThread
    manager: Node
    kiosk: Node
    browser: Any


@pytest.fixture(scope="module")
def h(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SuspensionHall]:
    with console_stack(
        hall, tmp_path_factory.mktemp("suspensions"), clock=ManualClock(FILING_DAY),
        users=(*USERS, CHIEF),
    ) as s:  # fmt: skip
        kiosk = Node(hall, s.broker.url, node="kiosk-1")
        try:
            yield SuspensionHall(hall, s.clock, s.controller, s.console, s.manager, kiosk,
                                 s.browser)  # fmt: skip
        finally:
            kiosk.close()


def signed_in(h: SuspensionHall, user: str, lang: str = "zh") -> Any:
    """A tab on the suspension page, signed in as ``user``, reached by the nav link 停办登记."""
    page = manager_page(h, lang, user)
    link = page.locator("nav.pages a[href='/suspensions']")
    assert link.inner_text() == ("停办登记" if lang == "zh" else "Suspensions")
    link.click()
    page.wait_for_url("**/suspensions")
    return page


def file_form(
    page: Any, start: str, end: str, answer: str, services: tuple[str, ...], manager: bool = False
) -> None:
    """Fill the 登记备案表 and wait for the controller's answer above the list, in words."""
    from playwright.sync_api import expect

    form = page.locator("#sp-form")
    if manager:
        form.locator("select[name=department]").select_option("budongchan")
    for code in services:
        form.locator(f"input[name=services][value='{code}']").check()
    form.locator("input[name=windows][value='W03']").check()
    form.locator("input[name=reason]").fill(REASON)
    form.locator("input[name=document_no]").fill(DOC)
    form.locator("input[name=start]").fill(start)
    form.locator("input[name=end]").fill(end)
    form.locator("input[name=measures]").fill("3号窗口留2名咨询人员，咨询电话 0000-12345")
    form.locator("button[type=submit]").click()
    expect(page.locator("#sp-answer")).to_contain_text(answer)


def test_the_chief_files_after_guoqing_and_the_manager_approves_with_the_notice(
    h: SuspensionHall,
) -> None:
    from playwright.sync_api import expect

    page = signed_in(h, "chief-bdc")
    assert page.locator("#sp-earliest").inner_text() == (
        "今日 9月28日（周一） 报备，最早可于 10月10日（周六） 起停办"
    )
    # A chief sees only their department's items and no emergency box.
    codes = page.locator("#sp-form input[name=services]").evaluate_all(
        "els => els.map(e => e.value)"
    )
    assert codes == ["B01", "B02"]
    assert page.locator("#sp-form input[name=emergency]").count() == 0
    file_form(page, "2026-10-09T09:00", "2026-10-09T17:00",
              "未执行：业务临时停办须至少提前5个工作日报备（001 业务临时停办 二(二)1）："
              "9月28日报备、10月9日停办，其间只有4个工作日；今日报备最早可于10月10日停办",
              ("B02",))  # fmt: skip
    page.reload()
    file_form(page, "2026-10-12T09:00", "2026-10-12T17:00", "已备案 SP0001，待中心审批", ("B02",))
    card = page.locator("article.sp[data-suspension='SP0001']")
    expect(card.locator(".sp-phase")).to_have_text("待审批")
    assert card.locator("form.sp-decide").count() == 0  # the chief does not decide
    assert "抵押登记" in card.locator(".services").inner_text()
    page.close()

    page = signed_in(h, "manager")
    card = page.locator("article.sp[data-suspension='SP0001']")
    card.locator("button[value=approve]").click()
    expect(page.locator("#answer-SP0001")).to_contain_text(
        "已批准 SP0001，通知 N0001 已推送到大厅屏和取号机"
    )
    expect(page.locator("article.sp[data-suspension='SP0001'] .sp-phase")).to_have_text("已批准")
    page.close()

    notices = h.manager.send("notice", "list")
    assert notices.ok and notices.result is not None
    (notice,) = notices.result.model_dump(mode="json")["notices"]
    assert notice["targets"] == ["screens", "kiosks"] and notice["status"] == "in_force"
    assert notice["until"] == "2026-10-12T17:00:00+08:00"
    assert notice["text"].startswith(
        "业务临时停办通知：不动产登记（3号窗口）「抵押登记」10月12日09:00"
    )
    page = manager_page(h)
    page.goto(f"{h.console.url}/notices")
    expect(page.locator("body")).to_contain_text("业务临时停办通知：不动产登记")
    page.close()


def test_a_second_filing_awaits_and_the_screenshots(h: SuspensionHall, tmp_path: Path) -> None:
    page = signed_in(h, "chief-bdc")
    file_form(page, "2026-10-20T13:00", "2026-10-21T17:30", "已备案 SP0002，待中心审批",
              ("B01", "B02"))  # fmt: skip
    page.close()
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    refusals = {
        "zh": "未执行：业务临时停办须至少提前5个工作日报备（001 业务临时停办 二(二)1）："
        "9月28日报备、10月2日停办，其间只有2个工作日",
        "en": "Not done: a suspension must be filed at least 5 workdays ahead (001 业务临时停办 "
        "二(二)1): filed 2026-09-28, starting 2026-10-02, only 2 workdays between",
    }
    for lang in ("zh", "en"):
        page = signed_in(h, "manager", lang)
        # The manager's filing for the holiday: refused in words, the form kept as typed.
        file_form(page, "2026-10-02T09:00", "2026-10-02T17:00", refusals[lang], ("B02",),
                  manager=True)  # fmt: skip
        page.locator("article.sp[data-suspension='SP0002'] input[name=note]").fill(
            "请补充保障措施" if lang == "zh" else "Add the measures"
        )
        path = out / f"console-suspensions-{lang}.png"
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} is nearly empty"
        page.close()


def test_on_the_day_the_kiosk_refuses_the_ticket_with_the_reason(h: SuspensionHall) -> None:
    h.clock.now = SUSPENDED
    h.controller.call(h.controller.controller.tick)
    refused = h.kiosk.send("queue", "issue", service="B02")
    assert not refused.ok and refused.error is not None
    assert refused.error.code == "suspended"
    assert refused.error.message.startswith(
        f"该业务临时停办：{REASON}（{DOC}），10月12日17:00起恢复办理"
    )
    assert h.kiosk.send("queue", "issue", service="B01").ok  # the other item serves
    page = signed_in(h, "manager")
    card = page.locator("article.sp[data-suspension='SP0001']")
    assert card.locator(".sp-phase").inner_text() == "停办中"
    page.close()
