"""Browser tests of the console: Playwright on Debian's chromium, a real broker and controller.

Playwright's own browser download is not available here: the tests launch
``/usr/bin/chromium``. Without it the tests skip with the reason, except under ``CI=true``,
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bus.remote import MANAGER_USER
from config.schema import HallConfig
from controller.broker import free_port
from tests.conftest import Broker, start_mosquitto
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.ui.conftest import TUESDAY_0930
from tests.ui.console.harness import PASSWORD, USERS, ConsoleThread

CHROMIUM = os.environ.get("SERVICEHALL_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 768}


def chromium_path() -> str:
    """The browser, or a skip (a failure under CI=true) saying what is missing."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if found is None:
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed: pip install -e '.[test]'")
        pytest.skip("playwright is not installed")
    return found


@dataclass
class ConsoleHall:
    """A hall for the browser: broker, controller, the console, a manager node, a browser."""

    hall: HallConfig
    broker: Broker
    controller: ControllerThread
    console: ConsoleThread
    kiosk: Node
    manager: Node
    browser: Any


@pytest.fixture(scope="module")
def console_hall(
    hall: HallConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleHall]:
    """One stack per test module (starting Chromium and the controller takes seconds)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    base = tmp_path_factory.mktemp("console")
    broker = start_mosquitto(base)
    controller = ControllerThread(hall, base, broker.url, ManualClock(TUESDAY_0930)).start()
    console = ConsoleThread(hall, broker.url, free_port()).start()
    kiosk = Node(hall, broker.url, node="kiosk-1")
    manager = Node(hall, broker.url, node=MANAGER_USER)
    for account in USERS:  # the console's users, added as `hall users add` would
        reply = manager.send("users", "add", password=PASSWORD, **account)
        assert reply.ok, reply.error
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield ConsoleHall(hall, broker, controller, console, kiosk, manager, browser)
        finally:
            browser.close()
            manager.close()
            kiosk.close()
            console.stop()
            controller.stop()
            broker.process.terminate()
            broker.process.wait(timeout=10)
