"""Browser tests of the console: Playwright on Debian's chromium, a real broker and controller.

Playwright's own browser download is not available here: the tests launch
``/usr/bin/chromium``. Without it the tests skip with the reason, except under ``CI=true``,
where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
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


@dataclass
class Stack:
    """What every browser module runs on: a broker, the controller on a manual clock, the
    console (with the citizens' listener when asked), a manager node and Chromium."""

    hall: HallConfig
    broker: Broker
    clock: ManualClock
    controller: ControllerThread
    console: ConsoleThread
    manager: Node
    browser: Any


@contextlib.contextmanager
def console_stack(
    hall: HallConfig,
    base: Path,
    *,
    clock: ManualClock | None = None,
    data: Path | None = None,
    public_port: int | None = None,
    users: Sequence[dict[str, object]] = USERS,
) -> Iterator[Stack]:
    """Start the stack in ``base`` (the controller's store in ``data``, default ``base``),
    add ``users`` as `hall users add` would, and stop it all afterwards."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    clock = clock or ManualClock(TUESDAY_0930)
    broker = start_mosquitto(base)
    controller = ControllerThread(hall, data or base, broker.url, clock).start()
    console = ConsoleThread(hall, broker.url, free_port(), public_port=public_port).start()
    manager = Node(hall, broker.url, node=MANAGER_USER)
    try:
        for account in users:
            reply = manager.send("users", "add", password=PASSWORD, **account)
            assert reply.ok, reply.error
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            try:
                yield Stack(hall, broker, clock, controller, console, manager, browser)
            finally:
                browser.close()
    finally:
        manager.close()
        console.stop()
        controller.stop()
        broker.process.terminate()
        broker.process.wait(timeout=10)


@pytest.fixture(scope="module")
def console_hall(
    hall: HallConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleHall]:
    """One stack per test module (starting Chromium and the controller takes seconds)."""
    with console_stack(hall, tmp_path_factory.mktemp("console")) as s:
        kiosk = Node(hall, s.broker.url, node="kiosk-1")
        try:
            yield ConsoleHall(hall, s.broker, s.controller, s.console, kiosk, s.manager, s.browser)
        finally:
            kiosk.close()
