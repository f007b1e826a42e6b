"""The attendance month view (考勤) in Chromium against a real broker, controller and console:
王芳 (S003) punches at terminal-1 through November 2026, on time but for Monday 11-23, when she
signs in at 09:12 with her terminal's clock out of sync, and Friday 11-20, when she does not
come; on Tuesday 11-24 at 09:30 the manager sees those days coloured and said in words on
her calendar and in her department's table, adds a holiday override for 11-27 and clears it
again; 王芳 herself sees her own month and is refused any department's. Screenshots."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from config.schema import HallConfig
from store import tables
from tests.conftest import REPO
from tests.integration.attendance.helpers import punch
from tests.integration.harness import ManualClock, Node
from tests.ui.conftest import SHANGHAI, TUESDAY_0930
from tests.ui.console.conftest import VIEWPORT, Stack, console_stack
from tests.ui.console.harness import PASSWORD
from tests.ui.console.test_console_browser import TIMEOUT_MS, manager_page

SHOTS = REPO / "docs" / "screenshots"
NOVEMBER_2 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI)
ABSENT = dt.date(2026, 11, 20)
LATE = dt.date(2026, 11, 23)


def clocked_punch(s: Stack, terminal: Node, day: dt.date, clock: str, **extra: Any) -> None:
    """A punch at terminal-1 with the hall clock at the punch's time (no clock skew)."""
    when = dt.datetime.combine(day, dt.time.fromisoformat(clock), SHANGHAI)
    s.clock.now = when
    reply = punch(terminal, "S003", when, **extra)
    assert reply.ok, reply.error


@pytest.fixture(scope="module")
def s(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with console_stack(
        hall, tmp_path_factory.mktemp("attendance"), clock=ManualClock(NOVEMBER_2)
    ) as stack:
        terminal = Node(hall, stack.broker.url, node="terminal-1")
        try:
            day = NOVEMBER_2.date()
            while day < LATE:
                if day.weekday() < 5 and day != ABSENT:
                    clocked_punch(stack, terminal, day, "08:55")
                    clocked_punch(stack, terminal, day, "17:05")
                day += dt.timedelta(days=1)
            clocked_punch(stack, terminal, LATE, "09:12", clock_synced=False)
            clocked_punch(stack, terminal, LATE, "17:05")
            clocked_punch(stack, terminal, TUESDAY_0930.date(), "08:52")
        finally:
            terminal.close()
        stack.clock.now = TUESDAY_0930
        stack.controller.call(stack.controller.controller.tick)
        stack.controller.call(stack.controller.controller.publish_time)
        yield stack


def attendance_tab(s: Stack, user: str = "manager", lang: str = "zh") -> Any:
    """The manager's tab on the month view, reached by the nav link (this month by default)."""
    page = manager_page(s, lang, user)
    page.click("nav.pages a[href='/attendance']")
    page.wait_for_url("**/attendance")
    return page


def day(page: Any, date: dt.date) -> Any:
    return page.locator(f"#am-staff-month td[data-date='{date.isoformat()}']")


def test_the_manager_sees_the_late_day_and_the_absence_coloured_and_in_words(
    s: Stack, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = attendance_tab(s)
    assert page.locator("#am-month").input_value() == "2026-11"  # the hall's month
    page.select_option("#am-staff", "S003")
    page.click("#am-show-staff")
    expect(page.locator("#am-staff-month h1")).to_have_text("S003 王芳（不动产登记）2026-11 考勤")
    late = day(page, LATE)
    assert late.get_attribute("data-status") == "late"
    assert late.locator(".w").all_inner_texts() == ["迟到 12 分钟", "时钟未同步"]
    assert late.locator(".punches").inner_text() == "09:12 – 17:05"
    absent = day(page, ABSENT)
    assert absent.locator(".w").all_inner_texts() == ["旷工"]
    assert day(page, dt.date(2026, 11, 19)).locator(".w").all_inner_texts() == ["正常"]
    assert day(page, dt.date(2026, 11, 22)).locator(".w").all_inner_texts() == ["休息日"]
    assert day(page, TUESDAY_0930.date()).locator(".w").all_inner_texts() == ["未判定"]
    colours = {
        name: day(page, date).evaluate("e => getComputedStyle(e).backgroundColor")
        for name, date in (("late", LATE), ("absent", ABSENT), ("normal", dt.date(2026, 11, 19)))
    }
    assert colours == {
        "late": "rgb(255, 241, 194)",
        "absent": "rgb(251, 211, 207)",
        "normal": "rgb(230, 244, 234)",
    }
    totals = page.locator("#am-staff-month table.totals tr[data-staff='S003']")
    assert totals.locator("[data-total='late']").inner_text() == "1"
    assert totals.locator("[data-total='absent_days']").inner_text() == "1"
    assert totals.locator("[data-total='workdays']").inner_text() == "16"  # through 11-23
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        page.goto(f"{s.console.url}/attendance?month=2026-11&staff=S003&lang={lang}")
        path = out / f"console-attendance-month-{lang}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} is nearly empty"
    assert day(page, LATE).locator(".w").all_inner_texts() == ["Late 12 min", "Clock not synced"]
    # The department's table: the same colours, a mark in each cell, the totals beside.
    page.goto(f"{s.console.url}/attendance?month=2026-11&department=budongchan&lang=zh")
    row = page.locator("#am-dept-month tr[data-staff='S003']")
    cell = row.locator(f"td[data-date='{LATE.isoformat()}']")
    assert cell.inner_text() == "迟" and "迟到 12 分钟" in (cell.get_attribute("title") or "")
    assert row.locator(f"td[data-date='{ABSENT.isoformat()}']").inner_text() == "旷"
    s004 = page.locator("#am-report tr[data-staff='S004']")
    assert s004.locator("[data-total='absent_days']").inner_text() == "16"  # no punch at all
    page.screenshot(path=str(out / "console-attendance-department-zh.png"), full_page=True)
    page.close()


def test_the_manager_adds_a_holiday_override_and_clears_it(s: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = attendance_tab(s)
    page.click(".att-tabs a[href='/attendance/calendar']")
    page.wait_for_url("**/attendance/calendar")
    expect(page.locator("#cal-none")).to_have_text("没有调整的日期")
    page.fill("#cal-date", "2026-11-27")
    page.select_option("#cal-kind", "holiday")
    page.click("#cal-save")
    expect(page.locator("#cal-answer")).to_have_text("已将 2026-11-27 调整为休息日")
    row = page.locator("#cal-list tr[data-date='2026-11-27']")
    assert row.locator("td").all_inner_texts()[:5] == [
        "2026-11-27（五）", "休息日", "工作日", "中心管理员", "2026-11-24 09:30",
    ]  # fmt: skip
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    path = out / "console-attendance-calendar-zh.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} is nearly empty"
    page.goto(f"{s.console.url}/attendance?month=2026-11&staff=S003")
    assert day(page, dt.date(2026, 11, 27)).locator(".w").all_inner_texts() == ["休息（调整）"]
    page.goto(f"{s.console.url}/attendance/calendar")
    row.locator("button.clear").click()
    expect(page.locator("#cal-answer")).to_have_text("已清除 2026-11-27 的调整：按法定日历为工作日")
    expect(page.locator("#cal-none")).to_be_visible()
    page.close()
    listed = s.manager.send("att", "calendar")
    assert listed.ok and listed.result is not None
    assert list(listed.result.model_dump()["overrides"]) == []
    # Both changes are in the audit log, given by the signed-in manager through the console.
    a = tables.audit_log.c
    with s.controller.engine.connect() as conn:
        rows = conn.execute(
            sa.select(a.sender, a.acting_user, a.ok, a.command)
            .where(a.area == "att", a.verb == "calendar_override")
            .order_by(a.seq)
        ).all()
    assert [(r.sender, r.acting_user, r.ok, r.command["kind"]) for r in rows] == [
        ("console", "manager", True, "holiday"),
        ("console", "manager", True, "clear"),
    ]


def test_staff_see_their_own_month_and_no_department(s: Stack) -> None:
    page = s.browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{s.console.url}/login?lang=zh")
    page.fill("input[name=user]", "s003")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/caller")
    page.click("nav.pages a[href='/attendance']")
    page.wait_for_url("**/attendance")
    assert page.locator("#am-staff-month").get_attribute("data-staff") == "S003"
    assert day(page, LATE).locator(".w").all_inner_texts() == ["迟到 12 分钟", "时钟未同步"]
    assert page.locator("#am-department").count() == 0  # no department to choose
    assert page.locator(".att-tabs a[href='/attendance/calendar']").count() == 0
    for query in ("department=shebao", "department=budongchan", "staff=S001"):
        answer = page.goto(f"{s.console.url}/attendance?month=2026-11&{query}")
        assert answer is not None and answer.status == 403, query
        assert "无权访问此页面" in page.inner_text("main")
    answer = page.goto(f"{s.console.url}/attendance/calendar")
    assert answer is not None and answer.status == 403
    page.close()
