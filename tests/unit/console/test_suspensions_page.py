"""The suspension filing page (停办登记, Q10) against the real controller on a FakeBroker: the
chief's form names their department whatever is posted and another department's item is
refused in words, a filing inside 5 workdays is refused with the rule, the manager approves
(the notice id in the answer), the auditor reads only and window staff may not open it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from console.auth import SignedIn
from tests.unit.console.test_bookings_page import CHIEF, MANAGER, STAFF, Office
from tests.unit.kiosk.conftest import SHANGHAI

AUDITOR = SignedIn("audit", "auditor", "审计员")
FILING_DAY = dt.datetime(2026, 9, 28, 9, 30, tzinfo=SHANGHAI)
FORM: dict[str, Any] = {
    "department": "shebao",  # a chief's filing names their own department whatever this says
    "services": ["B02"], "windows": ["W03"], "reason": "系统升级", "document_no": "城文〔2026〕1号",
    "start": "2026-10-12T09:00", "end": "2026-10-12T17:00",
}  # fmt: skip


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    o = Office(hall, tmp_path / "data", (MANAGER, CHIEF, STAFF, AUDITOR), FILING_DAY)
    yield o
    o.h.close()


def _cid(html: str) -> str:
    found = re.search(r'name="cid" value="(\w+)"', html)
    assert found is not None, html
    return found.group(1)


def post(office: Office, csrf: str, page: str, path: str, **form: Any) -> str:
    sent = office.client.post(
        path, headers={"X-CSRF-Token": csrf}, data={"cid": _cid(page), **form}
    )
    assert sent.status_code == 200, sent.text
    return str(sent.text)


@pytest.mark.expect_log("WARNING", "首席代表只能处理本部门", logger="controller.app")
def test_the_chief_files_for_their_department_and_the_manager_approves(office: Office) -> None:
    csrf = office.sign_in("chief-bdc")
    page = office.client.get("/suspensions").text
    assert "今日 9月28日（周一） 报备，最早可于 10月10日（周六） 起停办" in page
    assert 'value="B02"' in page and 'value="A01"' not in page  # their items only
    assert 'name="emergency"' not in page and "sp-decide" not in page
    answer = post(office, csrf, page, "/suspensions/file", **{**FORM, "services": []})
    assert "请选择停办事项" in answer  # nothing sent
    answer = post(office, csrf, page, "/suspensions/file", **{**FORM, "services": ["A01"]})
    assert "未执行：首席代表只能处理本部门（budongchan）的事务" in answer
    early = {**FORM, "start": "2026-10-09T09:00", "end": "2026-10-09T17:00"}
    answer = post(office, csrf, page, "/suspensions/file", **early)
    assert "其间只有4个工作日；今日报备最早可于10月10日停办" in answer
    page = office.client.get("/suspensions").text
    answer = post(office, csrf, page, "/suspensions/file", **FORM)
    assert "已备案 SP0001，待中心审批" in answer and "待审批" in answer
    assert "不动产登记" in answer  # the chief's department, not the one posted
    office.client.cookies.clear()
    csrf = office.sign_in("manager")
    page = office.client.get("/suspensions").text
    assert "sp-decide" in page and 'name="emergency"' in page
    answer = post(office, csrf, page, "/suspensions/decide", suspension="SP0001",
                  decision="approve")  # fmt: skip
    assert "已批准 SP0001，通知 N0001 已推送到大厅屏和取号机" in answer and "已批准" in answer


def test_the_auditor_reads_and_window_staff_may_not_open_the_page(office: Office) -> None:
    office.sign_in("s003")
    assert office.client.get("/suspensions").status_code == 403
    office.client.cookies.clear()
    office.sign_in("audit")
    page = office.client.get("/suspensions?lang=en")
    assert page.status_code == 200 and "Service suspension filings" in page.text
    assert "sp-form" not in page.text
