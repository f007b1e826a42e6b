"""The leave requests page (请假申请) against the real controller on a FakeBroker: staff file
their own (a staff field naming someone else is not theirs to send), see no approve buttons
and a hand-made signature is refused in words; the chief's waiting list holds their
department's only; the patrol has the device-failure form and not the leave form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.schema import HallConfig
from console.auth import SignedIn
from tests.unit.console.test_bookings_page import CHIEF, MANAGER, STAFF, Office
from tests.unit.kiosk.conftest import SHANGHAI

PATROL = SignedIn("patrol-1", "patrol", "巡查员")
AUDITOR = SignedIn("audit", "auditor", "审计员")


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    import datetime as dt

    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    o = Office(hall, tmp_path / "data", (MANAGER, CHIEF, STAFF, PATROL, AUDITOR), start)
    yield o
    o.h.close()


def _cid(html: str, element: str = "ar-cid-request") -> str:
    found = re.search(rf'id="{element}" value="(\w+)"', html) or re.search(
        r'name="cid" value="(\w+)"', html
    )
    assert found is not None, html
    return found.group(1)


def file_leave(office: Office, csrf: str, **form: str) -> str:
    page = office.client.get("/attendance/requests").text
    sent = office.client.post(
        "/attendance/requests/file", headers={"X-CSRF-Token": csrf},
        data={"cid": _cid(page), "kind": "personal", "start": "2026-11-26T00:00",
              "end": "2026-11-26T23:59", **form},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    return str(sent.text)


@pytest.mark.expect_log(
    "WARNING", r"^refused att/approve .*窗口人员不能审批", logger="controller.app"
)
def test_staff_file_their_own_and_approve_nothing(office: Office) -> None:
    csrf = office.sign_in("s003")
    page = office.client.get("/attendance/requests")
    assert page.status_code == 200
    assert 'form class="arsign"' not in page.text and "ar-waiting" not in page.text
    assert 'href="/attendance/requests"' in page.text  # the nav link
    filed = file_leave(office, csrf, staff="S001")  # another's id in the form: ignored
    assert "已提交申请 R00001（事假），待 首席事务代表 审批" in filed
    listed = office.h.ok("att", "list")["requests"]
    assert [r["staff_id"] for r in listed] == ["S003"]
    sent = office.client.post(
        "/attendance/requests/sign", headers={"X-CSRF-Token": csrf},
        data={"cid": _cid(filed), "request_id": "R00001", "decision": "approve"},
    )  # fmt: skip
    assert "未执行：窗口人员不能审批核销申请" in sent.text
    assert office.h.ok("att", "list")["requests"][0]["approvals"] == []


def test_a_device_failure_is_the_patrols_not_the_staffs(office: Office) -> None:
    csrf = office.sign_in("s003")
    page = office.client.get("/attendance/requests").text
    assert 'id="ar-device-form"' not in page
    refused = office.client.post(
        "/attendance/requests/file", headers={"X-CSRF-Token": csrf},
        data={"cid": _cid(page), "kind": "device_failure", "staff": "S003",
              "start": "2026-11-24T07:50", "end": "2026-11-24T08:40"},
    )  # fmt: skip
    assert refused.status_code == 403
    office.client.cookies.clear()
    csrf = office.sign_in("patrol-1")
    page = office.client.get("/attendance/requests").text
    assert 'id="ar-device-form"' in page and 'id="ar-request"' not in page
    sent = office.client.post(
        "/attendance/requests/file", headers={"X-CSRF-Token": csrf},
        data={"cid": _cid(page, "ar-cid-device"), "kind": "device_failure",
              "staff": ["S003", "S004"], "start": "2026-11-24T07:50",
              "end": "2026-11-24T08:40"},
    )  # fmt: skip
    assert "已登记设备故障 R00001（2 人），待 政务服务中心 审批" in sent.text


def test_the_chief_waits_for_their_department_only_and_the_auditor_is_refused(
    office: Office,
) -> None:
    csrf = office.sign_in("manager")
    file_leave(office, csrf, staff="S001")  # 社保
    file_leave(office, csrf, staff="S003")  # 不动产, the chief's
    office.client.cookies.clear()
    office.sign_in("chief-bdc")
    page = office.client.get("/attendance/requests").text
    waiting = page[page.index('id="ar-waiting"') : page.index('id="ar-others"')]
    assert 'data-request="R00002"' in waiting and 'data-request="R00001"' not in waiting
    assert 'data-request="R00001"' not in page  # not the chief's department at all
    office.client.cookies.clear()
    office.sign_in("audit")
    assert office.client.get("/attendance/requests").status_code == 403
