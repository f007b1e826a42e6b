"""The statistics page (统计) in Chromium: a day replayed into the hall's data directory by
``hall queue replay --data-dir``, read back through the controller and the console on a real
broker. The manager opens 统计, picks the replayed day and sees the figures worked out from
the replay's events alone (``tests.replay_figures``); the CSV downloads with Chinese headers
(English with the toggle); window staff get 403. Screenshots in both languages."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from tests.conftest import REPO, Broker
from tests.integration.harness import ControllerThread
from tests.replay_figures import figures, timed_events
from tests.ui.console.conftest import VIEWPORT, console_stack
from tests.ui.console.harness import PASSWORD, USERS, ConsoleThread

SCRIPT = REPO / "tests" / "scenarios" / "statistics_day.jsonl"
DAY = "2026-11-23"
SHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 10_000
AUDITOR: dict[str, object] = {"user": "audit", "role": "auditor", "display_name": "审计员"}


@dataclass
class StatsHall:
    hall: HallConfig
    broker: Broker
    controller: ControllerThread
    console: ConsoleThread
    browser: Any
    expected: dict[str, Any]
    """The replayed Monday's figures, from its events."""


@pytest.fixture(scope="module")
def stats_hall(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsHall]:
    base = tmp_path_factory.mktemp("stats")
    data = base / "controller"
    replayed = subprocess.run(
        [sys.executable, "-m", "hall.cli", "queue", "replay", "--config", "chengdong",
         "--data-dir", str(data), str(SCRIPT)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    expected = figures(hall, timed_events(hall, SCRIPT))
    with console_stack(hall, base, data=data, users=(*USERS, AUDITOR)) as s:
        yield StatsHall(hall, s.broker, s.controller, s.console, s.browser, expected)


def signed_in(h: StatsHall, user: str, lang: str = "zh") -> Any:
    page = h.browser.new_page(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{h.console.url}/login?lang={lang}")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def pick_day(page: Any) -> None:
    """Choose the replayed Monday in the date fields and ask for it."""
    page.fill("#stats-from", DAY)
    page.fill("#stats-to", DAY)
    page.click("#stats-show")
    page.wait_for_url(f"**/stats?from={DAY}&to={DAY}")


def shown(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value * 100:.1f}".removesuffix(".0") + "%"
    return f"{value:g}"


def test_the_manager_picks_the_replayed_day_and_sees_the_figures_of_its_events(
    stats_hall: StatsHall,
) -> None:
    h = stats_hall
    page = signed_in(h, "manager")
    page.wait_for_url("**/hall")
    page.click("nav.pages a[href='/stats']")
    page.wait_for_url("**/stats")
    assert page.inner_text("#stats-range-label") == "2026-11-24"  # today, the hall's day
    pick_day(page)
    total = h.expected["total"]
    for name in ("issued", "served", "skipped", "transferred", "expired", "rated", "not_rated"):
        assert page.inner_text(f"#stats-totals [data-stat={name}]") == str(total[name]), name
    for name in ("wait_mean_min", "wait_p90_min", "service_mean_min", "service_p90_min"):
        assert page.inner_text(f"#stats-totals [data-stat={name}]") == shown(total[name]), name
    rate = page.inner_text("#stats-totals [data-stat=satisfaction_rate]")
    assert rate == shown(total["satisfaction_rate"], percent=True)
    for dimension in ("category", "window", "staff", "hour"):
        for key, group in h.expected[f"by_{dimension}"].items():
            row = f"#stats-by-{dimension} tr[data-group='{key}']"
            for name in ("issued", "served", "skipped", "transferred"):
                cell = page.inner_text(f"{row} [data-stat={name}]")
                assert cell == str(group[name]), (dimension, key, name)
    monday_9 = page.get_attribute("#chart-heat g[data-row='1'][data-column='09']", "data-value")
    assert monday_9 == str(h.expected["by_hour"]["09"]["issued"])
    with page.expect_download() as got:
        page.click("#export-csv")
    download = got.value
    assert download.suggested_filename == f"stats-{DAY}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:7] == ["日期", "维度", "分组", "取号", "办结", "过号", "转移"]
    assert rows[1][:3] == [DAY, "合计", ""]
    assert rows[1][3:8] == [str(total[n]) for n in ("issued", "served", "skipped",
                                                     "transferred", "expired")]  # fmt: skip
    page.click("header a.lang")
    page.wait_for_selector("html[lang=en]")
    with page.expect_download() as got:
        page.click("#export-csv")
    english = Path(got.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert english.startswith("Date,Dimension,Group,Issued,Served,Skipped,Transferred")
    page.close()


def test_window_staff_get_403_and_the_auditor_reads_it(stats_hall: StatsHall) -> None:
    h = stats_hall
    staff = signed_in(h, "s003")
    answer = staff.goto(f"{h.console.url}/stats?from={DAY}")
    assert answer is not None and answer.status == 403
    assert "无权访问此页面" in staff.inner_text("main")
    staff.close()
    auditor = signed_in(h, "audit")
    auditor.wait_for_url("**/stats")
    pick_day(auditor)
    issued = auditor.inner_text("#stats-totals [data-stat=issued]")
    assert issued == str(h.expected["total"]["issued"])
    auditor.close()


def test_screenshots_of_the_statistics_page_in_both_languages(
    stats_hall: StatsHall, tmp_path: Path
) -> None:
    """Into docs/screenshots with SERVICEHALL_SCREENSHOTS=1, else a temporary directory."""
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    for lang in ("zh", "en"):
        page = signed_in(stats_hall, "manager", lang)
        page.goto(f"{stats_hall.console.url}/stats?from={DAY}&to={DAY}&lang={lang}")
        page.wait_for_selector("#chart-heat svg")
        page.screenshot(path=str(out / f"console_stats_{lang}.png"), full_page=True)
        page.close()
        assert (out / f"console_stats_{lang}.png").stat().st_size > 10_000
