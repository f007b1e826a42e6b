"""The patrol page (巡查记录) against the real controller on a FakeBroker: the patrol records
a finding with a photo, which the console serves behind the sign-in; a photo over 24 KiB is
refused in words before anything is sent; the chief of the department sees it and handles
it, another department's chief neither sees nor gets its photo; window staff may not open the
page; the counts per department and category."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.schema import HallConfig
from console.auth import SignedIn
from tests.unit.console.test_bookings_page import CHIEF, MANAGER, STAFF, Office
from tests.unit.patrol.test_patrol import jpeg

PATROL = SignedIn("patrol-li", "patrol", "巡查员李")
CHIEF_QIYE = SignedIn("chief-qiye", "chief", "企业开办首席", department="qiye")


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    o = Office(hall, tmp_path / "data", (MANAGER, CHIEF, STAFF, PATROL, CHIEF_QIYE))
    yield o
    o.h.close()


def _cid(html: str) -> str:
    found = re.search(r'name="cid" value="(\w+)"', html)
    assert found is not None, html
    return found.group(1)


def _record(office: Office, csrf: str, page: str, photo: bytes | None, **form: str) -> str:
    files = {"photo": ("w03.jpg", photo, "image/jpeg")} if photo is not None else None
    data = {"category": "on_duty", "window": "W03", "note": "3号窗口空岗", "cid": _cid(page)}
    sent = office.client.post(
        "/patrol/record", headers={"X-CSRF-Token": csrf}, data={**data, **form}, files=files
    )
    assert sent.status_code == 200, sent.text
    return str(sent.text)


def test_the_patrol_records_with_a_photo_and_one_over_24_kib_is_refused_in_words(
    office: Office,
) -> None:
    csrf = office.sign_in("patrol-li")
    page = office.client.get("/patrol")
    assert page.status_code == 200 and 'id="pt-form"' in page.text
    assert '<a href="/patrol">巡查</a>' in page.text
    big = base64.b64decode(jpeg(30 * 1024))
    body = _record(office, csrf, page.text, big)
    assert "照片过大：" in body and "最多 24 KiB" in body
    assert 'id="pt-none"' in body  # nothing was recorded
    small = base64.b64decode(jpeg(12 * 1024))
    body = _record(office, csrf, body, small)
    assert "已登记巡查发现 P00001（在岗/串岗/空岗，不动产登记）" in body
    assert '<img src="/patrol/photo/P00001"' in body
    photo = office.client.get("/patrol/photo/P00001")
    assert photo.status_code == 200 and photo.content == small
    assert photo.headers["content-type"] == "image/jpeg"
    assert "no-store" in photo.headers["cache-control"]
    body = _record(office, csrf, body, None, window="", staff="")
    assert "请选择窗口或工作人员（至少一项）" in body
    office.client.cookies.clear()
    assert office.client.get("/patrol/photo/P00001").status_code == 303  # signed out: login


@pytest.mark.expect_log("WARNING", "refused patrol/photo", logger="controller.app")
def test_the_chief_of_the_department_sees_and_handles_it_another_chief_does_not(
    office: Office,
) -> None:
    csrf = office.sign_in("patrol-li")
    page = office.client.get("/patrol").text
    _record(office, csrf, page, base64.b64decode(jpeg(4 * 1024)))
    page = office.client.get("/patrol").text
    _record(office, csrf, page, None, window="W05", category="one_time_notice", note="告知单缺页")
    office.client.cookies.clear()
    csrf = office.sign_in("chief-qiye")
    page = office.client.get("/patrol").text
    assert 'data-id="P00002"' in page and 'data-id="P00001"' not in page
    assert 'id="pt-form"' not in page  # a chief does not record
    assert office.client.get("/patrol/photo/P00001").status_code == 403
    office.client.cookies.clear()
    csrf = office.sign_in("chief-bdc")
    page = office.client.get("/patrol").text
    assert 'data-id="P00001"' in page and 'data-id="P00002"' not in page
    assert "不动产登记的巡查发现（1 条）" in page
    assert office.client.get("/patrol/photo/P00001").status_code == 200
    sent = office.client.post(
        "/patrol/handle", headers={"X-CSRF-Token": csrf},
        data={"finding": "P00001", "note": "已提醒王芳离岗摆放暂停服务牌", "cid": _cid(page)},
    )  # fmt: skip
    assert "巡查发现 P00001 已标记处理" in sent.text
    assert "chief-bdc 处理：已提醒王芳离岗摆放暂停服务牌" in sent.text
    assert 'class="pt-handle"' not in sent.text  # handled: no button
    office.client.cookies.clear()
    office.sign_in("manager")
    page = office.client.get("/patrol").text
    counts = page.split('id="pt-counts"', 1)[1].split("</section>", 1)[0]
    bdc = counts.split('data-department="budongchan"', 1)[1].split("</tr>", 1)[0]
    assert 'data-category="on_duty">1<' in bdc and 'class="n total">1<' in bdc
    assert 'data-department="qiye"' in counts


def test_window_staff_may_not_open_the_patrol_page(office: Office) -> None:
    office.sign_in("s003")
    assert office.client.get("/patrol").status_code == 403
    assert office.client.get("/patrol/photo/P00001").status_code == 403
