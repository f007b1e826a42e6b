"""The attendance month view and its calendar section against the real controller on a
FakeBroker: att/month is att/report's numbers with every day; the manager sees a late day
and an absence in colour and words; window staff see only their own month, a chief only
their department; the manager adds and clears a calendar override, others cannot."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.schema import HallConfig
from console.auth import SignedIn
from tests.unit.console.test_bookings_page import CHIEF, MANAGER, STAFF, Office
from tests.unit.kiosk.conftest import SHANGHAI

AUDITOR = SignedIn("audit", "auditor", "审计员")
TUESDAY_0930 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    o = Office(hall, tmp_path / "data", (MANAGER, CHIEF, STAFF, AUDITOR), TUESDAY_0930)
    punch(o, "S003", "2026-11-23T09:12:00+08:00", clock_synced=False)  # Monday: late 12
    punch(o, "S003", "2026-11-23T17:05:00+08:00")
    punch(o, "S003", "2026-11-24T08:50:00+08:00")  # today: not judged yet
    yield o
    o.h.close()


def punch(office: Office, staff: str, at: str, clock_synced: bool = True) -> None:
    office.h.ok("att", "punch", staff_id=staff, time=at, source="manual", device="manual",
                clock_synced=clock_synced)  # fmt: skip


def cell(html: str, date: str, staff: str | None = None) -> str:
    """The day's cell (in a staff member's row of the department table when ``staff``)."""
    start = html.index(f'data-staff="{staff}"') if staff else 0
    at = html.index(f'data-date="{date}"', start)
    begin = html.rindex("<td", 0, at)
    return html[begin : html.index("</td>", at)]


def test_the_month_view_is_the_reports_numbers_with_every_day(office: Office) -> None:
    view = office.h.ok("att", "month", month="2026-11", staff_id="S003")
    report = office.h.ok("att", "report", month="2026-11")
    s003 = view["staff"]["S003"]
    assert s003["totals"] == report["staff"]["S003"]["totals"]
    assert s003["deductions"] == report["staff"]["S003"]["deductions"]
    assert view["through"] == "2026-11-23" and len(s003["days"]) == 30
    monday = s003["days"]["2026-11-23"]
    assert (monday["status"], monday["late_minutes"]) == ("late", 12)
    assert "clock_not_synced" in monday["punch_flags"]
    assert s003["days"]["2026-11-20"]["status"] == "absent"
    today = s003["days"]["2026-11-24"]
    assert (today["status"], today["sign_in"], today["flags"]) == ("pending", "08:50:00", [])
    assert s003["days"]["2026-11-29"]["status"] == "rest"  # a Sunday ahead is known
    dept = office.h.ok("att", "month", month="2026-11", department="budongchan")
    assert sorted(dept["staff"]) == ["S003", "S004"]


def test_the_manager_sees_the_late_day_and_the_absence_in_colour_and_words(
    office: Office,
) -> None:
    office.sign_in("manager")
    page = office.client.get("/attendance?month=2026-11&staff=S003")
    assert page.status_code == 200
    late = cell(page.text, "2026-11-23")
    assert "d-late" in late and "迟到 12 分钟" in late and "时钟未同步" in late
    assert "09:12 – 17:05" in late
    absent = cell(page.text, "2026-11-20")
    assert "d-absent" in absent and "旷工" in absent and "未签到" not in absent
    assert "d-pending" in cell(page.text, "2026-11-24") and "未判定" in cell(
        page.text, "2026-11-24"
    )
    assert "d-rest" in cell(page.text, "2026-11-22") and "休息日" in cell(page.text, "2026-11-22")
    assert "missing_sign_in" not in page.text and "clock_not_synced" not in page.text
    english = office.client.get("/attendance?month=2026-11&staff=S003&lang=en")
    assert "Late 12 min" in cell(english.text, "2026-11-23")
    table = office.client.get("/attendance?month=2026-11&lang=zh").text  # the whole hall
    assert "d-late" in cell(table, "2026-11-23", "S003") and ">迟<" in table
    assert 'id="am-report"' in table and 'data-staff="S011"' in table


def test_window_staff_see_their_own_month_only(office: Office) -> None:
    office.sign_in("s003")
    own = office.client.get("/attendance")
    assert own.status_code == 200 and 'data-staff="S003"' in own.text
    assert 'href="/attendance/calendar"' not in own.text
    for url in ("/attendance?department=budongchan", "/attendance?department=shebao",
                "/attendance?staff=S001", "/attendance/calendar"):  # fmt: skip
        assert office.client.get(url).status_code == 403, url


@pytest.mark.expect_log("WARNING", "首席代表只能查看本部门", logger="controller.app")
def test_a_chief_sees_their_department_only_as_the_controller_says(office: Office) -> None:
    office.sign_in("chief-bdc")
    own = office.client.get("/attendance")
    assert own.status_code == 200 and 'data-department="budongchan"' in own.text
    assert office.client.get("/attendance?staff=S004").status_code == 200
    other = office.client.get("/attendance?department=shebao")
    assert other.status_code == 403 and "首席代表只能查看本部门（budongchan）的考勤" in other.text
    assert office.client.get("/attendance?staff=S001").status_code == 403
    assert office.client.get("/attendance?department=all").status_code == 403
    listed = office.client.get("/attendance/calendar")
    assert listed.status_code == 200 and 'id="cal-add"' not in listed.text


def _cid(html: str) -> str:
    found = re.search(r'name="cid" value="(\w+)"', html)
    assert found is not None, html
    return found.group(1)


def test_the_manager_adds_and_clears_an_override_and_others_may_not(office: Office) -> None:
    csrf = office.sign_in("manager")
    page = office.client.get("/attendance/calendar").text
    assert "没有调整的日期" in page
    added = office.client.post(
        "/attendance/calendar",
        headers={"X-CSRF-Token": csrf},
        data={"cid": _cid(page), "date": "2026-11-27", "kind": "holiday"},
    )
    assert added.status_code == 200 and "已将 2026-11-27 调整为休息日" in added.text
    assert 'data-date="2026-11-27" data-source="manager"' in added.text
    assert "2026-11-24 09:30" in added.text  # set at, hall time
    view = office.h.ok("att", "month", month="2026-11", staff_id="S003")
    assert view["calendar"]["2026-11-27"] == {"workday": False, "source": "override"}
    month = office.client.get("/attendance?month=2026-11&staff=S003").text
    assert "休息（调整）" in cell(month, "2026-11-27")
    cleared = office.client.post("/attendance/calendar", headers={"X-CSRF-Token": csrf},
                                 data={"cid": _cid(added.text), "date": "2026-11-27",
                                       "kind": "clear"})  # fmt: skip
    assert "已清除 2026-11-27 的调整：按法定日历为工作日" in cleared.text
    assert "没有调整的日期" in cleared.text
    csrf = office.sign_in("chief-bdc")
    refused = office.client.post(
        "/attendance/calendar",
        headers={"X-CSRF-Token": csrf},
        data={"cid": "c1", "date": "2026-11-27", "kind": "holiday"},
    )
    assert refused.status_code == 403
    assert office.h.ok("att", "calendar")["overrides"] == []
