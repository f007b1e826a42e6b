"""The statistics page (统计, Q15) against the real controller on a FakeBroker, its store
filled by ``hall queue replay --data-dir`` with the statistics scenario: the page, its CSV and
XLSX show what ``hall stats`` computes from the same store (one code path), with Chinese
headers or English ones; who may open it; the range it asks for."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bus.testing import FakeBus
from config.schema import HallConfig
from console.app import create_app
from console.auth import Sessions, SignedIn, StaticAuthenticator
from console.commands import BusCommandSender
from console.state import HallState
from hall.replay_into import replay_into
from hallqueue.stats_store import stats_between
from tests.conftest import REPO
from tests.unit.kiosk.conftest import FakeHall

SCRIPT = REPO / "tests" / "scenarios" / "statistics_day.jsonl"
DAY = dt.date(2026, 11, 23)
MANAGER = SignedIn("manager", "manager", "大厅管理员")
CHIEF = SignedIn("chief-bdc", "chief", "不动产首席", department="budongchan")
AUDITOR = SignedIn("audit", "auditor", "审计")
STAFF = SignedIn("s003", "staff", "王芳", "S003", ("W03",))
USERS = (MANAGER, CHIEF, AUDITOR, STAFF)


class Office:
    """A hall whose store holds the replayed Monday; the controller runs the Tuesday after."""

    def __init__(self, hall: HallConfig, data_dir: Path) -> None:
        replay_into(hall, data_dir, SCRIPT.read_text().splitlines(), io.StringIO(), io.StringIO())
        self.h = FakeHall(hall, data_dir)  # its clock: Tuesday 2026-11-24 09:30
        for user in USERS:
            account: dict[str, object] = {"user": user.user, "role": user.role,
                                          "password": "pw-long-enough"}  # fmt: skip
            if user.department:
                account["department"] = user.department
            if user.staff:
                account |= {"staff_id": user.staff, "windows": list(user.windows)}
            self.h.ok("users", "add", **account)
        bus: FakeBus = self.h.broker.client(hall.hall_id, "console", role="console")
        self.state = HallState(bus, hall, clock=lambda: self.h.now)
        self.state.start()
        bus.start()
        self.sessions = Sessions()
        auth = StaticAuthenticator([(u, "pw") for u in USERS])
        app = create_app(self.state, BusCommandSender(bus), auth, sessions=self.sessions)
        self.client = TestClient(app, follow_redirects=False)

    def sign_in(self, user: str) -> str:
        """Sign in; the page the user lands on."""
        self.client.cookies.clear()
        page = self.client.get("/login")
        token = page.cookies.get("hall_login") or self.client.cookies.get("hall_login")
        sent = self.client.post("/login", data={"user": user, "password": "pw", "csrf": token})
        assert sent.status_code == 303, sent.text
        return str(sent.headers["location"])

    def stored(self) -> dict[str, Any]:
        """What ``hall stats`` prints for the day, from the same store."""
        with self.h.engine.connect() as conn:
            return stats_between(conn, DAY, DAY, self.h.now.date()).model_dump(mode="json")


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    o = Office(hall, tmp_path / "data")
    yield o
    o.h.close()


def _shown(html: str, scope: str) -> dict[str, str]:
    """The numbers of one ``<... id=scope>`` block: ``data-stat`` → text."""
    start = html.index(f'id="{scope}"')
    block = html[start : html.index("</section>", start)]
    return dict(re.findall(r'data-stat="(\w+)">([^<]*)<', block))


def test_the_manager_sees_the_replayed_day_as_hall_stats_counts_it(office: Office) -> None:
    assert office.sign_in("manager") == "/hall"
    page = office.client.get("/stats", params={"from": "2026-11-23", "to": "2026-11-23"})
    assert page.status_code == 200
    html = page.text
    total = office.stored()["total"]
    shown = _shown(html, "stats-totals")
    for name in ("issued", "served", "skipped", "transferred", "expired", "rated", "not_rated"):
        assert shown[name] == str(total[name]), name
    assert shown["wait_mean_min"] == f"{total['wait_mean_min']:g}"
    assert shown["service_p90_min"] == f"{total['service_p90_min']:g}"
    assert shown["satisfaction_rate"] == "60%"  # 3 of 5 ratings were 3 or better
    assert (total["issued"], total["transferred"]) == (12, 1)
    # One row per category, window and staff member, in the hall's order, named
    row = re.search(r'id="stats-by-staff".*?</section>', html, re.S)
    assert row is not None and "S003 王芳" in row.group(0) and "未署名" in row.group(0)
    assert html.count("<svg") == 4  # bars per category, window and hour; the heat map
    assert 'data-row="1" data-column="09" data-value="5"' in html  # Monday 09h: 5 tickets


def test_the_page_opens_on_the_hall_day_and_says_when_a_range_is_wrong(office: Office) -> None:
    office.sign_in("manager")
    today = office.client.get("/stats").text
    assert 'id="stats-range-label">2026-11-24<' in today  # the controller's hall day
    assert "周二" in today
    assert "该时段没有取号" in today
    assert office.client.get("/stats?from=2026-11-24&to=2026-11-23").status_code == 400
    bad = office.client.get("/stats?from=yesterday")
    assert bad.status_code == 400 and "日期格式应为" in bad.text
    week = office.client.get("/stats?from=2026-11-18&to=2026-11-24").text
    assert "2026-11-18 至 2026-11-24（7 天）" in week
    assert _shown(week, "stats-totals")["issued"] == "12"


def test_chief_and_auditor_read_it_window_staff_get_403(office: Office) -> None:
    for user in ("chief-bdc", "audit"):
        office.sign_in(user)
        assert office.client.get("/stats?from=2026-11-23").status_code == 200, user
    assert office.sign_in("audit") == "/stats"  # an auditor lands on what they may read
    office.sign_in("s003")
    for path in ("/stats", "/stats/export.csv?from=2026-11-23", "/stats/export.xlsx"):
        refused = office.client.get(path)
        assert refused.status_code == 403, path
        assert "无权访问此页面" in refused.text


def _csv(office: Office, lang: str) -> list[list[str]]:
    got = office.client.get(f"/stats/export.csv?from=2026-11-23&to=2026-11-23&lang={lang}")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/csv")
    assert 'filename="stats-2026-11-23.csv"' in got.headers["content-disposition"]
    assert got.content.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))


def test_the_csv_has_chinese_headers_and_english_ones_with_the_toggle(office: Office) -> None:
    office.sign_in("manager")
    zh = _csv(office, "zh")
    assert zh[0][:7] == ["日期", "维度", "分组", "取号", "办结", "过号", "转移"]
    assert zh[0][-1] == "满意率"
    total = office.stored()["total"]
    assert zh[1][:8] == ["2026-11-23", "合计", "", "12", "9", "2", "1", "3"]
    assert zh[1][-1] == str(total["satisfaction_rate"])  # the ratio, as hall stats has it
    rows = {(r[1], r[2]): r for r in zh[1:]}
    assert rows["类别", "E 税务"][3:7] == ["3", "2", "1", "1"]  # E001, E002 and B001 moved in
    assert rows["工作人员", "S007 杨丽"][4] == "2"
    assert rows["星期×时段", "周一 09时"][3] == "5"
    en = _csv(office, "en")
    assert en[0][:7] == ["Date", "Dimension", "Group", "Issued", "Served", "Skipped", "Transferred"]
    assert en[1][1] == "All" and ("Category", "E Taxation") in {(r[1], r[2]) for r in en[1:]}
    assert [r[3:] for r in en][1:] == [r[3:] for r in zh][1:]  # the same numbers


def test_the_xlsx_has_the_same_rows_under_chinese_headers(office: Office) -> None:
    from openpyxl import load_workbook

    office.sign_in("manager")
    got = office.client.get("/stats/export.xlsx?from=2026-11-23&to=2026-11-23")
    assert got.status_code == 200
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None and sheet.title == "排队统计"
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == _csv(office, "zh")[0]
    assert values[1][:8] == ["2026-11-23", "合计", None, 12, 9, 2, 1, 3]
    assert values[1][-1] == office.stored()["total"]["satisfaction_rate"]
    assert sheet.cell(row=2, column=len(values[0])).number_format == "0.0%"
    english = office.client.get("/stats/export.xlsx?from=2026-11-23&lang=en").content
    assert next(load_workbook(io.BytesIO(english)).active.iter_rows(values_only=True))[3] == (
        "Issued"
    )
