"""The ticket status page (叫号进度) in Chromium: a ticket taken at the kiosk view-model, its QR
code read from what the printer prints, the page counting down as others are served and
showing the window when called; a skipped ticket; a guessed token; the public listener's 404s.

A real Mosquitto, the controller and ``hall console`` with its citizens' listener under
uvicorn; the kiosk is ``KioskModel`` on the broker as kiosk-1. Its print job goes through the
real ESC/POS driver into the emulated USB printer; the QR code is decoded (OpenCV) from the
picture of what that printer received, as a phone's camera would read the paper.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from bus import topics
from bus.client import PahoBus
from bus.models.devices import PrintJob
from config.schema import HallConfig
from controller.broker import free_port
from firmware_bridge.printer.driver import EscposUsbPrinter
from firmware_bridge.printer.jobs import document_from_job
from firmware_bridge.printer.render import render_printed
from firmware_bridge.printer.usb_emulator import MODEL_80MM, EmulatedPrinter, EmulatedUsbBackend
from kiosk.model_kiosk import KioskModel
from tests.conftest import REPO, Broker
from tests.integration.harness import ControllerThread, Node
from tests.ui.console.conftest import console_stack
from tests.ui.console.harness import ConsoleThread
from tests.waiting import wait_until

SHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 10_000
AHEAD = 6
"""Citizens who took a ticket before the one followed: each call counts it down once."""
PHONE = {"width": 430, "height": 932}
"""A phone held upright: where citizens read their ticket's page."""
STAFF_PATHS = (
    "/", "/login", "/logout", "/hall", "/hall/events", "/caller", "/caller/W03",
    "/caller/W03/events", "/notices", "/notices/events", "/windows", "/windows/events",
    "/bookings", "/static/console.css", "/static/console.js",
)  # fmt: skip
"""The staff console's pages, streams and assets: none of them on the public listener
(``/`` is the citizens' own index there)."""


@dataclass
class StatusHall:
    hall: HallConfig
    broker: Broker
    controller: ControllerThread
    console: ConsoleThread
    manager: Node
    browser: Any

    @property
    def public(self) -> str:
        """The hall's public_url: the listener, under the path a proxy would keep."""
        return self.hall.public_url


@pytest.fixture(scope="module")
def sh(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatusHall]:
    public_port = free_port()
    hall = hall.model_copy(update={"public_url": f"http://127.0.0.1:{public_port}/chengdong"})
    with console_stack(
        hall, tmp_path_factory.mktemp("status"), public_port=public_port, users=()
    ) as s:
        s.manager.staff_in("W03", "W04")
        yield StatusHall(hall, s.broker, s.controller, s.console, s.manager, s.browser)


def take_at_the_kiosk(sh: StatusHall, item: str = "B01") -> tuple[str, PrintJob]:
    """A citizen touches category, item and 取号 on kiosk-1: its number and its print job."""
    bus = PahoBus(sh.hall.hall_id, "kiosk-1", sh.broker.url, role="kiosk")
    kiosk = KioskModel(bus, sh.hall)
    kiosk.start()
    bus.start()
    try:
        assert bus.wait_connected(10)
        wait_until(lambda: kiosk.ready)
        kiosk.choose_category(item[0])
        kiosk.choose_item(item)
        kiosk.take_ticket()
        wait_until(lambda: kiosk.screen in ("ticket", "refused"))
        assert kiosk.screen == "ticket", kiosk.refusal
        assert kiosk.ticket is not None
        number = kiosk.ticket.ticket
    finally:
        bus.stop()
    job_topic = topics.device(sh.hall.hall_id, "kiosk-1", "printer", "print")
    payload = sh.manager.latest(job_topic, until=lambda v: v and v["data"]["number"] == number)
    return number, PrintJob.model_validate(payload)


def qr_on_paper(job: PrintJob) -> str:
    """Print the job with the real driver on the emulated printer; read the QR code off the
    picture of what it printed (OpenCV's ArUco-based detector, no decoder of ours in between:
    its classic ``QRCodeDetector`` misses about one ticket in 150 of these pictures)."""
    import cv2

    emulated = EmulatedPrinter(MODEL_80MM)
    model = emulated.model
    driver = EscposUsbPrinter(
        model.id_vendor, model.id_product, width_mm=model.width_mm,
        backend=EmulatedUsbBackend([emulated]), sleep=lambda _s: None,
    )  # fmt: skip
    driver.open()
    try:
        driver.print_document(document_from_job(job))
    finally:
        driver.close()
    paper = np.array(render_printed(emulated.printed, model.width_mm).convert("L"))
    text, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(paper)
    assert points is not None and text, "no QR code on the printed ticket"
    return str(text)


def phone_page(sh: StatusHall, url: str, lang: str = "zh") -> Any:
    page = sh.browser.new_page(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}?lang={lang}")
    return page


def ahead_is(page: Any, n: int) -> None:
    page.wait_for_function(
        f"() => {{ const s = document.getElementById('status');"
        f" return s && s.dataset.ahead === '{n}'; }}"
    )


def state_is(page: Any, state: str) -> None:
    page.wait_for_function(
        f"() => {{ const s = document.getElementById('status');"
        f" return s && s.dataset.state === '{state}'; }}"
    )


def shoot(page: Any, name: str) -> None:
    if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1":
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def call(sh: StatusHall, window: str) -> float:
    """The window calls its next ticket; when the controller answered (monotonic)."""
    reply = sh.manager.send("queue", "call", window=window)
    assert reply.ok, reply.error
    return time.monotonic()


def test_a_kiosk_ticket_qr_opens_its_page_which_counts_down_and_shows_the_window(
    sh: StatusHall,
) -> None:
    for _ in range(AHEAD):
        assert sh.manager.send("queue", "issue", service="B01").ok  # citizens before
    number, job = take_at_the_kiosk(sh)
    url = qr_on_paper(job)
    assert url.startswith(f"{sh.public}/t/") and number not in url
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 16  # 96 random bits

    pages = {lang: phone_page(sh, url, lang) for lang in ("zh", "en")}
    zh, en = pages["zh"], pages["en"]
    ahead_is(zh, AHEAD)
    assert zh.inner_text("#ticket-number") == number
    assert f"前面还有 {AHEAD} 人" in zh.inner_text("#ahead")
    assert "预计等候约" in zh.inner_text("#wait")
    ahead_is(en, AHEAD)
    assert f"{AHEAD} ahead of you" in en.inner_text("#ahead")
    shoot(zh, "public_status_waiting_zh")
    shoot(en, "public_status_waiting_en")
    body = zh.inner_text("body")
    assert not any(f"B{n:03d}" in body for n in range(1, AHEAD + 1))  # counts only

    latencies = []
    for left in range(AHEAD - 1, -1, -1):
        called = call(sh, "W03" if left % 2 else "W04")
        ahead_is(zh, left)  # live: the stream, no reload
        latencies.append(time.monotonic() - called)
    call(sh, "W03")
    state_is(zh, "called")
    assert "请到 3 号窗口办理" in zh.inner_text("#called")
    state_is(en, "called")
    assert "Please go to window 3" in en.inner_text("#called")
    shoot(zh, "public_status_called_zh")
    shoot(en, "public_status_called_en")
    ms = sorted(round(s * 1000) for s in latencies)
    print(f"status page after a call: p50 {ms[len(ms) // 2]} ms, max {ms[-1]} ms ({ms})")

    # Not there: skipped, and the page says what to do.
    assert sh.manager.send("queue", "skip", window="W03").ok
    state_is(zh, "skipped")
    todo = zh.inner_text("#r-status")
    assert "已过号" in todo and "3 号窗口或咨询台" in todo and "恢复排队" in todo
    state_is(en, "skipped")
    assert "information desk" in en.inner_text("#r-status")
    shoot(zh, "public_status_skipped_zh")
    shoot(en, "public_status_skipped_en")

    # Put back by staff: waiting again at its original place (Q5), then served.
    assert sh.manager.send("queue", "reactivate", ticket=number).ok
    state_is(zh, "waiting")
    assert sh.manager.send("queue", "call", window="W04").ok
    state_is(zh, "called")
    assert "请到 4 号窗口办理" in zh.inner_text("#called")
    assert sh.manager.send("queue", "finish", window="W04").ok
    state_is(zh, "done")
    for page in pages.values():
        page.close()


def test_a_guessed_token_shows_nothing_but_not_found(sh: StatusHall) -> None:
    assert sh.manager.send("queue", "issue", service="B01").ok
    for lang, words in (("zh", "未找到该号票"), ("en", "Ticket not found")):
        page = phone_page(sh, f"{sh.public}/t/q3W8xZp2LmN5vR7tAbCd", lang)
        assert words in page.inner_text("h1")
        assert "B0" not in page.inner_text("body")  # no ticket of anyone
        shoot(page, f"public_status_not_found_{lang}")
        page.close()
    short = httpx.get(f"{sh.public}/t/B001", timeout=5)
    assert short.status_code == 404 and "未找到该号票" in short.text


def test_the_public_listener_serves_no_staff_page(sh: StatusHall) -> None:
    origin = sh.public.rsplit("/chengdong", 1)[0]
    for prefix in ("", "/chengdong"):
        for path in STAFF_PATHS:
            if path == "/":
                continue
            response = httpx.get(f"{origin}{prefix}{path}", timeout=5)
            assert response.status_code == 404, (prefix, path, response.status_code)
            assert "管理台" not in response.text
    # The staff console itself still has them.
    assert httpx.get(f"{sh.console.url}/login", timeout=5).status_code == 200
    page = phone_page(sh, f"{origin}/login")
    assert "页面不存在" in page.inner_text("h1")
    page.close()


def test_the_page_says_when_its_connection_is_lost(sh: StatusHall, tmp_path: Path) -> None:
    """Last: the console stops, the open page shows 连接中断 instead of going stale silently."""
    assert sh.manager.send("queue", "issue", service="B01").ok
    _, job = take_at_the_kiosk(sh)
    page = phone_page(sh, qr_on_paper(job))
    state_is(page, "waiting")
    page.wait_for_function("() => document.body && !document.body.classList.contains('is-lost')")
    sh.console.stop()
    page.wait_for_selector("#lost-banner:not([hidden])")
    assert "连接中断" in page.inner_text("#lost-banner")
    page.close()
