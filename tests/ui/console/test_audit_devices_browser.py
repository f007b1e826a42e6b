"""The audit log (操作日志) and the devices (设备状态) in Chromium against a real broker,
controller and console: 王芳 calls a ticket at window 3 from the console, and the manager finds
that call in ``/audit`` filtered by window and user, with who did it through which node; a
kiosk's printer runs out of paper and is refilled (its state published as the simulator's
bridge does), and ``/devices`` shows the fault and the recovery with their times, also on a
console started after both; staff get 403 on both pages. Screenshots in both languages."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bus import topics
from bus.models.devices import DeviceState, DeviceStatus
from config.schema import HallConfig
from controller.broker import free_port
from tests.conftest import REPO
from tests.integration.harness import ManualClock, Node
from tests.ui.conftest import TUESDAY_0930
from tests.ui.console.conftest import VIEWPORT, Stack, console_stack
from tests.ui.console.harness import PASSWORD, USERS, ConsoleThread
from tests.waiting import wait_until

SHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 10_000
AUDITOR: dict[str, object] = {"user": "audit", "role": "auditor", "display_name": "审计员"}
CHIEF: dict[str, object] = {"user": "chief-bdc", "role": "chief", "department": "budongchan",
                            "display_name": "不动产首席"}  # fmt: skip


@dataclass
class RecordHall:
    s: Stack
    kiosk: Node
    bridge: Node
    """The kiosk's firmware bridge: it owns ``dev/kiosk-1/…`` and publishes the printer's state."""


@pytest.fixture(scope="module")
def h(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordHall]:
    with console_stack(
        hall, tmp_path_factory.mktemp("audit"), clock=ManualClock(TUESDAY_0930),
        users=(*USERS, AUDITOR, CHIEF),
    ) as s:  # fmt: skip
        kiosk = Node(hall, s.broker.url, node="kiosk-1")
        bridge = Node(hall, s.broker.url, node=topics.bridge_status_id("kiosk-1"))
        try:
            yield RecordHall(s, kiosk, bridge)
        finally:
            bridge.close()
            kiosk.close()


def signed_in(h: RecordHall, user: str, lang: str = "zh", url: str = "") -> Any:
    """A tab signed in as ``user`` (on the console at ``url``, default the stack's)."""
    page = h.s.browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url or h.s.console.url}/login?lang={lang}")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
    return page


def shoot(page: Any, name: str, tmp_path: Path) -> None:
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000, f"{path} is nearly empty"


def test_a_call_from_the_console_is_found_by_window_and_user(
    h: RecordHall, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    assert h.kiosk.send("queue", "issue", service="B01").ok
    staff = signed_in(h, "s003")
    staff.goto(f"{h.s.console.url}/caller/W03")
    staff.click("#sign-toggle")
    expect(staff.locator("#answer")).to_contain_text("王芳")
    staff.click("#btn-call")
    expect(staff.locator("#answer")).to_contain_text("已呼叫 B001")
    staff.close()
    page = signed_in(h, "manager")
    page.click("nav.pages a[href='/audit']")
    page.wait_for_url("**/audit")
    page.fill("#audit-user", "s003")
    page.select_option("#audit-window", "W03")
    page.click("#audit-search")
    # htmx swaps the results, then puts the filter in the address
    page.wait_for_url(lambda u: "window=W03" in u and "user=s003" in u)
    row = page.locator("#audit-table tr[data-command='queue/call']")
    expect(row).to_have_count(1)
    assert row.locator(".at").inner_text() == "2026-11-24 09:30:00"  # the hall's time
    assert row.locator(".who").inner_text() == "s003 经 console"
    assert row.locator(".window").inner_text() == "3号窗口"
    assert row.locator(".command").inner_text() == "叫号"
    assert row.locator(".ticket").inner_text() == "B001"
    assert row.locator(".outcome").inner_text() == "已执行"
    users = set(page.locator("#audit-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.user + '@' + r.dataset.window)"))  # fmt: skip
    assert users == {"s003@W03"}  # the sign-in and the call, nothing of anyone else
    page.select_option("#audit-command", "queue/call")
    page.select_option("#audit-window", "W04")
    page.click("#audit-search")
    expect(page.locator("#audit-empty")).to_have_text("没有符合条件的记录")
    page.goto(f"{h.s.console.url}/audit?window=W03&lang=zh")
    expect(page.locator("#audit-table tr[data-command='queue/call']")).to_have_count(1)
    page.wait_for_timeout(200)
    shoot(page, "console-audit-zh.png", tmp_path)
    page.goto(f"{h.s.console.url}/audit?window=W03&lang=en")
    expect(page.locator("#audit-table tr[data-command='queue/call'] .command")).to_have_text(
        "Call next"
    )
    shoot(page, "console-audit-en.png", tmp_path)
    page.close()
    auditor = signed_in(h, "audit")
    assert auditor.goto(f"{h.s.console.url}/audit?user=s003").status == 200
    expect(auditor.locator("#audit-table tr[data-command='queue/call']")).to_have_count(1)
    auditor.close()


def printer(h: RecordHall, state: DeviceState, detail: str = "") -> None:
    """The printer's retained state, as the bridge's simulator publishes it."""
    topic = topics.device(h.s.hall.hall_id, "kiosk-1", "printer", "state")
    status = DeviceStatus(state=state, detail=detail, since=h.s.clock.now)
    h.bridge.bus.publish(topic, status, retain=True)


def history(h: RecordHall) -> list[tuple[str, bool]]:
    reply = h.s.manager.send("devices", "history", node="kiosk-1", device="printer")
    assert reply.ok and reply.result is not None, reply.error
    return [(c["state"], c["recovered"]) for c in reply.result.model_dump()["changes"]]


def test_a_printer_fault_and_its_recovery_are_on_the_devices_page_after_a_restart(
    h: RecordHall, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    printer(h, DeviceState.OK)
    h.s.clock.now = TUESDAY_0930 + dt.timedelta(minutes=10)
    printer(h, DeviceState.PAPER_OUT, "缺纸，请更换热敏纸")
    wait_until(lambda: history(h) == [("paper_out", False)])
    h.s.clock.now = TUESDAY_0930 + dt.timedelta(minutes=17)
    printer(h, DeviceState.OK)
    wait_until(lambda: history(h) == [("ok", True), ("paper_out", False)])
    # A console started after both never heard the fault: the controller kept it.
    fresh = ConsoleThread(h.s.hall, h.s.broker.url, free_port()).start()
    try:
        page = signed_in(h, "manager", url=fresh.url)
        page.click("nav.pages a[href='/devices']")
        page.wait_for_url("**/devices")
        changes = page.locator("#dev-history tr.change[data-device='printer']")
        expect(changes).to_have_count(2)
        newest, oldest = changes.nth(0), changes.nth(1)
        assert newest.locator(".at").inner_text() == "2026-11-24 09:47:00"
        assert newest.locator(".kind").inner_text() == "恢复"
        assert "缺纸 → 正常" in newest.inner_text()
        assert oldest.locator(".at").inner_text() == "2026-11-24 09:40:00"
        assert oldest.locator(".kind").inner_text() == "故障"
        assert "正常 → 缺纸" in oldest.inner_text() and "更换热敏纸" in oldest.inner_text()
        row = page.locator("#dev-table tr[data-node='kiosk-1'][data-device='printer']")
        assert row.locator(".state").inner_text() == "正常"
        assert row.locator(".seen").inner_text() == "2026-11-24 09:47:00"
        assert "打印机" in row.inner_text()
        never = page.locator("#dev-table tr[data-node='kiosk-2'][data-device='printer']")
        assert never.locator(".state").inner_text() == "未上报"
        shoot(page, "console-devices-zh.png", tmp_path)
        page.goto(f"{fresh.url}/devices?lang=en")
        expect(page.locator("#dev-history tr.change .kind").first).to_have_text("Recovered")
        shoot(page, "console-devices-en.png", tmp_path)
        page.close()
        chief = signed_in(h, "chief-bdc", url=fresh.url)
        assert chief.goto(f"{fresh.url}/devices").status == 200  # the chief reads it
        assert chief.goto(f"{fresh.url}/audit").status == 403
        chief.close()
    finally:
        fresh.stop()


def test_staff_get_403_on_both_pages(h: RecordHall) -> None:
    page = signed_in(h, "s003")
    for path in ("/audit", "/devices"):
        response = page.goto(f"{h.s.console.url}{path}")
        assert response is not None and response.status == 403, path
    assert page.locator("nav.pages a[href='/audit']").count() == 0
    page.close()
