"""The console's 月通报 PDF (``/stats/bulletin.pdf``) against the real controller on a FakeBroker,
its store filled by ``hall queue replay --data-dir`` with November's scripts: the manager and
the auditor get the PDF of what the controller answers them (the served count is ``hall
stats``'s), a chief and window staff get 403 and no button, a wrong month is a 400 in words."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.schema import HallConfig
from hall.replay_into import replay_into
from hallqueue.stats_store import stats_between
from tests.bulletin_month import SCRIPTS, WORKORDER
from tests.unit.console.test_stats_page import Office


class MonthOffice(Office):
    """The statistics page's hall with the month's five days replayed before its Monday."""

    def __init__(self, hall: HallConfig, data_dir: Path) -> None:
        month = SCRIPTS[0].read_text().splitlines()
        replay_into(hall, data_dir, month, io.StringIO(), io.StringIO())
        super().__init__(hall, data_dir)  # replays statistics_day.jsonl; clock Tue 11-24 09:30


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[MonthOffice]:
    o = MonthOffice(hall, tmp_path / "data")
    yield o
    o.h.close()


def _text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is installed by scripts/ensure-system-packages.sh")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    return done.stdout


def test_manager_and_auditor_download_the_month_as_the_controller_counts_it(
    office: MonthOffice, tmp_path: Path
) -> None:
    with office.h.engine.connect() as conn:
        month = stats_between(conn, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                              office.h.now.date())  # fmt: skip
    for user in ("manager", "audit"):
        office.sign_in(user)
        page = office.client.get("/stats")
        assert 'id="bulletin-pdf"' in page.text and "月通报 PDF" in page.text
        assert 'value="2026-10"' in page.text  # the month before the hall's day
        got = office.client.get("/stats/bulletin.pdf?month=2026-11")
        assert got.status_code == 200, user
        assert got.headers["content-type"] == "application/pdf"
        assert 'filename="bulletin-2026-11.pdf"' in got.headers["content-disposition"]
        assert got.content.startswith(b"%PDF-")
    text = _text(got.content, tmp_path)
    assert "2026年11月督查情况通报" in text and "四、巡查发现问题" in text
    assert f"办结 {month.total.served} 人次" in text.replace("\n", "")
    assert WORKORDER in text
    assert "本月尚未结束：考勤统计至 2026-11-23" in text  # the month is still running
    english = office.client.get("/stats/bulletin.pdf?month=2026-11&lang=en")
    assert "Supervision bulletin, November 2026" in _text(english.content, tmp_path)


def test_chief_and_window_staff_get_403_and_no_button(office: MonthOffice) -> None:
    office.sign_in("chief-bdc")
    assert 'id="bulletin-pdf"' not in office.client.get("/stats").text
    for user in ("chief-bdc", "s003"):
        office.sign_in(user)
        refused = office.client.get("/stats/bulletin.pdf?month=2026-11")
        assert refused.status_code == 403, user
        assert "无权访问此页面" in refused.text


def test_a_wrong_month_is_said_in_words(office: MonthOffice) -> None:
    office.sign_in("manager")
    for month in ("2026-13", "november", "2026-1"):
        wrong = office.client.get(f"/stats/bulletin.pdf?month={month}")
        assert wrong.status_code == 400, month
        assert "月份格式应为 年-月" in wrong.text
