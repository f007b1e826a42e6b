"""The console in Chromium against a real broker and controller: the soft caller, the live
hall, CSRF, reconnecting after a restart, escaping, and the screenshots of every page."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bus import topics
from bus.client import PahoBus
from kiosk.model_screen import ScreenModel
from tests.conftest import REPO
from tests.ui.console.conftest import VIEWPORT, ConsoleHall
from tests.ui.console.harness import PASSWORD, ConsoleThread
from tests.waiting import wait_until

SHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 10_000


def staff_page(h: ConsoleHall, user: str = "s003", lang: str = "zh") -> Any:
    """A tab signed in as window staff, at W03's caller."""
    page = h.browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{h.console.url}/login?lang={lang}")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/windows")
    page.click("a[href='/caller/W03']")
    page.wait_for_url("**/caller/W03")
    page.wait_for_selector("#r-actions button")
    return page


def manager_page(h: ConsoleHall, lang: str = "zh") -> Any:
    page = h.browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{h.console.url}/login?lang={lang}")
    page.fill("input[name=user]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/hall")
    return page


def answer(page: Any) -> str:
    """The controller's answer to the last click, once it has come."""
    page.wait_for_function(
        "() => { const a = document.getElementById('answer');"
        " return a && a.textContent.trim().length > 0; }"
    )
    return str(page.inner_text("#answer"))


def click_answer(page: Any, selector: str) -> str:
    page.evaluate("() => { document.getElementById('answer').textContent = ''; }")
    page.click(selector)
    return answer(page)


def key_answer(page: Any, key: str) -> str:
    page.evaluate("() => { document.getElementById('answer').textContent = ''; }")
    page.keyboard.press(key)
    return answer(page)


def called_events(h: ConsoleHall) -> int:
    return len(h.manager.messages(topics.event(h.hall.hall_id, "ticket.called")))


def test_staff_sign_in_call_transfer_finish_live_and_the_hall_screen_hears_it(
    console_hall: ConsoleHall,
) -> None:
    h = console_hall
    screen_bus = PahoBus(h.hall.hall_id, "screen-1", h.broker.url, role="screen")
    screen = ScreenModel(screen_bus, h.hall)
    screen.start()
    screen_bus.start()
    assert screen_bus.wait_connected(10)
    try:
        for _ in range(3):
            assert h.kiosk.send("queue", "issue", service="B01").ok
        page = staff_page(h)
        page.evaluate("() => { window.__same_page = true; }")
        assert "王芳" in click_answer(page, "#sign-toggle")
        page.wait_for_selector("#on-duty")  # the window's view came back by SSE
        before = called_events(h)
        page.evaluate("() => { document.getElementById('answer').textContent = ''; }")
        page.dblclick("#btn-call")  # a double click calls once
        assert "已呼叫 B001" in answer(page)
        page.wait_for_function(
            "() => document.getElementById('current-ticket').textContent.includes('B001')"
        )
        wait_until(lambda: any(row.ticket == "B001" for row in screen.calls()))
        time.sleep(0.5)  # a second call, had there been one, would have arrived by now
        assert called_events(h) == before + 1
        page.select_option("#transfer-service", "C01")
        assert "B001 已转到" in key_answer(page, "F4")
        assert "已呼叫 B002" in key_answer(page, "F1")
        assert "重呼" in key_answer(page, "F2")
        assert "B002 已办结" in key_answer(page, "F7")
        page.wait_for_function(
            "() => document.getElementById('served-count').textContent.includes('1')"
        )
        assert "窗口已暂停服务" in key_answer(page, "F8")
        page.wait_for_function(
            "() => document.getElementById('btn-pause').textContent.includes('恢复')"
        )
        assert "窗口已恢复服务" in key_answer(page, "F8")
        assert page.evaluate("() => window.__same_page") is True  # never reloaded
        page.close()
    finally:
        screen_bus.stop()


def test_a_forged_post_without_csrf_changes_nothing(console_hall: ConsoleHall) -> None:
    h = console_hall
    page = staff_page(h)
    before = called_events(h)
    cid = page.input_value("#cid")
    forged = page.request.post(f"{h.console.url}/caller/W03/do/call", form={"cid": cid})
    assert forged.status == 403
    ok = page.request.post(
        f"{h.console.url}/caller/W03/do/call", form={"cid": cid},
        headers={"X-CSRF-Token": "not-the-token"},
    )
    assert ok.status == 403
    time.sleep(0.5)
    assert called_events(h) == before
    page.close()


def test_a_tab_shows_connection_lost_while_the_console_restarts_and_resumes(
    console_hall: ConsoleHall,
) -> None:
    h = console_hall
    page = manager_page(h)
    page.evaluate("() => { window.__same_page = true; }")
    assert page.is_hidden("#lost-banner")
    port, sessions = h.console.port, h.console.sessions
    h.console.stop()
    page.wait_for_selector("#lost-banner", state="visible")
    assert "连接中断" in page.inner_text("#lost-banner")
    h.console = ConsoleThread(h.hall, h.broker.url, port, sessions).start()
    page.wait_for_selector("#lost-banner", state="hidden")
    assert h.kiosk.send("queue", "issue", service="B01").ok
    page.wait_for_function(  # and it is live again: the new ticket is counted
        "() => Number(document.querySelector('#r-categories tr[data-category=B] .waiting')"
        ".textContent) >= 1"
    )
    assert page.evaluate("() => window.__same_page") is True
    page.close()


def test_a_notice_with_a_script_tag_is_shown_as_text(console_hall: ConsoleHall) -> None:
    h = console_hall
    page = manager_page(h)
    text = "<script>window.__xss = 1</script>今日 15:00 系统维护"
    reply = h.manager.send("notice", "push", text=text)
    assert reply.ok, reply
    page.wait_for_selector("#r-notices li")
    assert page.inner_text("#r-notices li") == text
    assert page.evaluate("() => window.__xss") is None
    page.close()


def shoot(page: Any, name: str) -> Path:
    path = SHOTS / f"console_{name}.png"
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=False)
    return path


def test_screenshots_of_every_page_in_both_languages(console_hall: ConsoleHall) -> None:
    h = console_hall
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        page = h.browser.new_page(viewport=VIEWPORT)
        page.goto(f"{h.console.url}/login?lang={lang}")
        shoot(page, f"login_{lang}")
        page.close()
        page = staff_page(h, lang=lang)
        if not page.query_selector("#on-duty"):
            click_answer(page, "#sign-toggle")
            page.wait_for_selector("#on-duty")
        if "—" in page.inner_text("#current-ticket"):
            key_answer(page, "F1")
            page.wait_for_function(
                "() => !document.getElementById('current-ticket').textContent.includes('—')"
            )
        shoot(page, f"caller_{lang}")
        page.close()
        page = manager_page(h, lang=lang)
        shoot(page, f"hall_{lang}")
        page.close()
