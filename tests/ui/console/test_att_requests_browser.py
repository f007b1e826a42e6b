"""Leave requests (请假与核销申请, A4/A5) in Chromium against a real broker, controller and
console, on Tuesday 2026-11-24 at 09:30: 王芳 (staff S003, 不动产) files a day of personal leave
for Thursday, her department's chief signs the chief representative's step, the hall manager
the hall centre's, and 王芳 sees it approved; her page has no approve buttons; a chief of
another department is refused in words; the patrol registers a device failure. Each answer in
words, without a page reload. Screenshots in both languages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from tests.conftest import REPO
from tests.ui.console.conftest import VIEWPORT, Stack, console_stack
from tests.ui.console.harness import PASSWORD, USERS

SHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 10_000
CHIEF: dict[str, object] = {"user": "chief-bdc", "role": "chief", "department": "budongchan",
                            "display_name": "不动产首席"}  # fmt: skip
OTHER_CHIEF: dict[str, object] = {"user": "chief-sb", "role": "chief", "department": "shebao",
                                  "display_name": "社保首席"}  # fmt: skip
PATROL: dict[str, object] = {"user": "patrol-1", "role": "patrol", "display_name": "巡查员"}


@pytest.fixture(scope="module")
def h(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with console_stack(
        hall, tmp_path_factory.mktemp("att-requests"), users=(*USERS, CHIEF, OTHER_CHIEF, PATROL)
    ) as s:
        yield s


def signed_in(h: Stack, user: str, lang: str = "zh") -> Any:
    """A tab signed in as ``user`` on the requests page, reached by the nav link."""
    page = h.browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{h.console.url}/login?lang={lang}")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.click("nav.pages a[href='/attendance/requests']")
    page.wait_for_url("**/attendance/requests")
    return page


def answered(page: Any, text: str) -> None:
    """Wait for the controller's answer, in words, swapped in without a reload."""
    from playwright.sync_api import expect

    expect(page.locator("#ar-answer")).to_contain_text(text)


def card(page: Any, section: str, request_id: str) -> Any:
    return page.locator(f"#ar-{section} article[data-request='{request_id}']")


def test_staff_files_the_chief_then_the_manager_approve_and_staff_sees_it(h: Stack) -> None:
    from playwright.sync_api import expect

    page = signed_in(h, "s003")
    assert page.locator("form.arsign").count() == 0  # staff approve nothing
    assert page.locator("button.approve").count() == 0
    assert page.locator("#ar-waiting").count() == 0 and page.locator("#ar-device").count() == 0
    form = page.locator("#ar-request")
    form.locator("select[name=kind]").select_option("personal")
    form.locator("input[name=start]").fill("2026-11-26T00:00")
    form.locator("input[name=end]").fill("2026-11-26T23:59")
    form.locator("input[name=reason]").fill("家中有事")
    page.evaluate("() => { window.__same_page = true; }")
    form.locator("button[type=submit]").click()
    answered(page, "已提交申请 R00001（事假），待 首席事务代表 审批")
    mine = card(page, "mine", "R00001")
    expect(mine.locator(".status")).to_have_text("待审批")
    assert "1 个工作日" in mine.inner_text() and "家中有事" in mine.inner_text()
    assert page.evaluate("() => window.__same_page === true")  # htmx, no reload
    page.close()

    other = signed_in(h, "chief-sb")  # 社保's chief: not theirs to sign, nothing waits
    assert card(other, "waiting", "R00001").count() == 0
    other.close()

    chief = signed_in(h, "chief-bdc")
    waiting = card(chief, "waiting", "R00001")
    assert "S003 王芳" in waiting.inner_text()
    waiting.locator("input[name=note]").fill("同意，已安排顶岗")
    waiting.locator("button.approve").click()
    answered(chief, "已同意 R00001（首席事务代表），待 政务服务中心 审批")
    expect(card(chief, "waiting", "R00001")).to_have_count(0)  # the centre's turn now
    chief.close()

    manager = signed_in(h, "manager")
    waiting = card(manager, "waiting", "R00001")
    assert "不动产首席 同意" in waiting.locator(".ar-chain").inner_text()
    waiting.locator("button.approve").click()
    answered(manager, "R00001 已批准，考勤按事假核销")
    expect(card(manager, "others", "R00001").locator(".status")).to_have_text("已批准")
    manager.close()

    page = signed_in(h, "s003")
    mine = card(page, "mine", "R00001")
    expect(mine.locator(".status")).to_have_text("已批准")
    chain = mine.locator(".ar-chain").inner_text()
    assert "首席事务代表（不动产首席 同意" in chain and "政务服务中心（大厅管理员 同意" in chain
    page.close()


@pytest.mark.expect_log(
    "WARNING", r"^refused att/approve .*首席代表只能处理本部门", logger="controller.app"
)
def test_a_chief_of_another_department_is_refused_in_words(h: Stack) -> None:
    """The page lists only the chief's own; a hand-made post is the controller's to refuse."""
    page = signed_in(h, "s003")
    form = page.locator("#ar-request")
    form.locator("select[name=kind]").select_option("sick")
    form.locator("input[name=start]").fill("2026-11-27T00:00")
    form.locator("input[name=end]").fill("2026-11-27T23:59")
    form.locator("button[type=submit]").click()
    answered(page, "已提交申请 R00002（病假），待 首席事务代表 审批")
    page.close()
    other = signed_in(h, "chief-sb")
    other.evaluate(
        """async () => {
          const cid = document.querySelector('#ar-cid-request').value;
          const csrf = document.querySelector('input[name=csrf]').value;
          const body = new URLSearchParams({csrf, cid, request_id: 'R00002', decision: 'approve'});
          const r = await fetch('/attendance/requests/sign', {method: 'POST', body});
          document.getElementById('ar-lists').outerHTML = await r.text();
        }"""
    )
    answered(other, "首席代表只能处理本部门（shebao）的事务")
    other.close()


def test_the_patrol_registers_a_device_failure_and_the_manager_approves_it(
    h: Stack, tmp_path: Path
) -> None:
    page = signed_in(h, "patrol-1")
    assert page.locator("#ar-new").count() == 0  # the patrol files no leave
    form = page.locator("#ar-device-form")
    for staff in ("S003", "S004"):
        form.locator(f"input[name=staff][value='{staff}']").check()
    form.locator("input[name=start]").fill("2026-11-24T08:30")
    form.locator("input[name=end]").fill("2026-11-24T09:20")
    form.locator("input[name=reason]").fill("2号考勤机断电")
    form.locator("button[type=submit]").click()
    answered(page, "已登记设备故障 R00003（2 人），待 政务服务中心 审批")
    assert "S004 赵磊" in card(page, "others", "R00003").inner_text()
    page.close()
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        page = signed_in(h, "manager", lang)
        path = out / f"console-attendance-requests-{lang}.png"
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} is nearly empty"
        page.close()
    manager = signed_in(h, "manager")
    card(manager, "waiting", "R00003").locator("button.approve").click()
    answered(manager, "R00003 已批准，考勤按设备故障核销")
    manager.close()
