"""The patrol log (巡查记录, seed 001 巡查制度) through the real controller on a FakeBroker:
what the patrol records (its department from the hall config, its photo in the hall's store,
a photo over 24 KiB refused in words), who may (window staff not at all; a chief sees and
handles their own department's findings only; the manager everything; the auditor reads),
and the counts per department and category (``patrol_counts``, pure)."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bus.contract.patrol_channels import EXAMPLE_PHOTO
from bus.models.patrol import (
    PATROL_CATEGORIES,
    PATROL_CATEGORY_LABELS,
    PatrolCount,
    PatrolFinding,
    patrol_counts,
)
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from store import tables
from tests.unit.foundation.test_acting import APP, NOW, REFUSED, USERS, Hall, start_hall

ACCOUNTS: list[dict[str, Any]] = [
    *USERS,
    {"user": "patrol-li", "role": "patrol", "password": "patrol-pass-1"},
    {"user": "chief-qiye", "role": "chief", "department": "qiye", "password": "chief-pass-2"},
    {"user": "reader", "role": "auditor", "password": "reader-pass-1"},
]


@pytest.fixture
def h(hall: HallConfig, tmp_path: Path) -> Iterator[Hall]:
    h = start_hall(hall, tmp_path, ACCOUNTS)
    yield h
    h.controller.engine.dispose()


def jpeg(size: int) -> str:
    """A JPEG of about ``size`` bytes, base64 (random pixels do not compress)."""
    from PIL import Image

    side = 16
    while True:
        image = Image.frombytes("RGB", (side, side), _noise(side * side * 3))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=95)
        if len(out.getvalue()) >= size:
            return base64.b64encode(out.getvalue()).decode()
        side += 8


def _noise(n: int) -> bytes:
    import random

    return random.Random(n).randbytes(n)


def record(h: Hall, user: str = "patrol-li", **fields: Any) -> dict[str, Any]:
    base = {"category": "on_duty", "window": "W03", "note": "3号窗口空岗，未摆放暂停服务牌"}
    return h.as_user(user, "patrol", "record", **{**base, **fields})


def finding(found: dict[str, Any], key: str) -> Any:
    return found["result"]["finding"][key]


def test_the_patrol_records_at_w03_its_department_is_the_windows_and_the_photo_stays_here(
    h: Hall,
) -> None:
    reply = record(h, photo=EXAMPLE_PHOTO)
    assert reply["ok"], reply
    found = reply["result"]["finding"]
    assert (found["id"], found["department"], found["has_photo"]) == ("P00001", "budongchan", True)
    assert found["recorded_by"] == "patrol-li" and found["handled_by"] is None
    photo = h.as_user("patrol-li", "patrol", "photo", finding="P00001")
    assert photo["ok"] and photo["result"]["photo"] == EXAMPLE_PHOTO
    assert photo["result"]["media_type"] == "image/jpeg"
    with h.controller.engine.connect() as conn:
        stored = conn.execute(sa.select(tables.patrol_photos.c.data)).scalar()
        audit = conn.execute(
            sa.select(tables.audit_log.c.command, tables.audit_log.c.events).where(
                tables.audit_log.c.area == "patrol"
            )
        ).one()
    assert stored == base64.b64decode(EXAMPLE_PHOTO)
    # The audit row names the photo by its size and hash; the photo is kept once.
    assert audit.command["photo"].startswith("<632 bytes sha256:")
    assert audit.events == [{"event": "patrol.recorded", "finding": "P00001",
                             "category": "on_duty", "window": "W03", "staff": None,
                             "department": "budongchan", "has_photo": True}]  # fmt: skip


def test_a_staff_members_department_is_theirs_even_at_a_comprehensive_window(h: Hall) -> None:
    reply = record(h, window="W09", staff="S005", category="dress_badge", note="未佩戴工牌")
    assert finding(reply, "department") == "qiye"
    nobody = record(h, window="W09", category="courtesy", note="使用服务忌语“不知道”")
    assert finding(nobody, "department") is None


@pytest.mark.expect_log("WARNING", "refused message on .*patrol/record: ", logger=APP)
def test_a_photo_over_24_kib_is_refused_saying_its_size_and_nothing_is_kept(h: Hall) -> None:
    big = jpeg(25 * 1024)
    reply = record(h, photo=big)
    assert reply["ok"] is False and reply["error"]["code"] == "invalid"
    assert "照片过大" in reply["error"]["message"]
    assert "at most 24 KiB" in reply["error"]["message"]
    just = jpeg(20 * 1024)
    assert len(base64.b64decode(just)) <= 24 * 1024
    assert record(h, photo=just)["ok"]
    png = base64.b64encode(b"GIF89a" + b"\0" * 40).decode()
    assert "JPEG 或 PNG" in record(h, photo=png)["error"]["message"]
    with h.controller.engine.connect() as conn:
        assert (
            conn.execute(sa.select(sa.func.count()).select_from(tables.patrol_photos)).scalar() == 1
        )


@pytest.mark.expect_log("WARNING", "refused message on .*patrol/record: ", logger=APP)
def test_a_record_names_a_window_or_a_staff_member_known_to_the_hall(h: Hall) -> None:
    neither = record(h, window=None)
    assert neither["ok"] is False and "至少一项" in neither["error"]["message"]
    assert record(h, window="W99")["error"]["code"] == "unknown_window"
    assert record(h, window=None, staff="S999")["error"]["code"] == "unknown_staff"
    assert record(h, category="smoking")["error"]["code"] == "invalid"


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_window_staff_may_neither_record_nor_read_the_patrol_log(h: Hall) -> None:
    assert record(h)["ok"]
    for verb, fields in (
        ("record", {"category": "on_duty", "window": "W03", "note": "x"}),
        ("findings", {"month": "2026-11"}),
        ("photo", {"finding": "P00001"}),
        ("handle", {"finding": "P00001", "note": "已整改"}),
    ):
        reply = h.as_user("wang", "patrol", verb, **fields)
        assert reply["error"]["code"] == "forbidden", (verb, reply)
        assert "窗口人员只能在本人窗口叫号、办理" in reply["error"]["message"]


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_a_chief_sees_and_handles_their_own_departments_findings_only(h: Hall) -> None:
    assert record(h, photo=EXAMPLE_PHOTO)["ok"]  # W03: budongchan
    assert record(h, window="W05", category="one_time_notice", note="告知单缺页")["ok"]  # qiye
    own = h.as_user("chief-bdc", "patrol", "findings", month="2026-11", department="budongchan")
    assert [f["id"] for f in own["result"]["findings"]] == ["P00001"]
    assert own["result"]["counts"] == [
        {"department": "budongchan", "category": "on_duty", "count": 1}
    ]
    for fields in ({"month": "2026-11"}, {"month": "2026-11", "department": "qiye"}):
        refused = h.as_user("chief-bdc", "patrol", "findings", **fields)
        assert "首席代表只能查看本部门（budongchan）的巡查记录" in refused["error"]["message"]
    assert h.as_user("chief-bdc", "patrol", "photo", finding="P00001")["ok"]
    other = h.as_user("chief-qiye", "patrol", "photo", finding="P00001")
    assert other["error"]["code"] == "forbidden"
    assert (
        h.as_user("chief-qiye", "patrol", "handle", finding="P00001", note="x")["error"]["code"]
        == "forbidden"
    )
    assert h.as_user("chief-bdc", "patrol", "record", window="W03", category="on_duty",
                     note="x")["error"]["code"] == "forbidden"  # fmt: skip
    handled = h.as_user("chief-bdc", "patrol", "handle", finding="P00001", note="已提醒摆放暂停牌")
    assert handled["ok"], handled
    assert finding(handled, "handled_by") == "chief-bdc"
    assert finding(handled, "handled_note") == "已提醒摆放暂停牌"
    again = h.as_user("admin", "patrol", "handle", finding="P00001", note="再次")
    assert again["error"]["code"] == "already_handled"
    assert "已于 2026-11-24 09:30 由 chief-bdc 标记处理" in again["error"]["message"]


@pytest.mark.expect_log("WARNING", REFUSED, logger=APP)
def test_the_manager_sees_all_the_patrol_and_auditor_read_the_patrol_does_not_handle(
    h: Hall,
) -> None:
    assert record(h)["ok"]
    assert record(h, user="admin", window="W05", category="public_area", note="大厅地面有积水")[
        "ok"
    ]
    for user in ("admin", "patrol-li", "reader"):
        found = h.as_user(user, "patrol", "findings", month="2026-11")
        assert [f["id"] for f in found["result"]["findings"]] == ["P00002", "P00001"], user
    assert h.as_user("reader", "patrol", "record", window="W03", category="on_duty",
                     note="x")["error"]["code"] == "forbidden"  # fmt: skip
    refused = h.as_user("patrol-li", "patrol", "handle", finding="P00001", note="x")
    assert "首席代表或中心管理员" in refused["error"]["message"]
    assert h.as_user("admin", "patrol", "handle", finding="P00002", note="已联系物业清理")["ok"]
    assert h.send(MANAGER_USER, "patrol", "findings", month="2026-10")["result"]["findings"] == []
    no_photo = h.as_user("admin", "patrol", "photo", finding="P00002")
    assert no_photo["error"]["code"] == "no_photo"


def test_the_month_is_the_halls(hall: HallConfig, tmp_path: Path) -> None:
    """23:30 on 11-30 in Shanghai is November there, whatever UTC says (15:30 UTC)."""
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=NOW.tzinfo)
    h = start_hall(hall, tmp_path, ACCOUNTS)
    h.controller.clock = lambda: late
    try:
        assert record(h)["ok"]
        found = h.as_user("admin", "patrol", "findings", month="2026-11")["result"]
        assert len(found["findings"]) == 1
        assert h.as_user("admin", "patrol", "findings", month="2026-12")["result"]["findings"] == []
    finally:
        h.controller.engine.dispose()


def _finding(n: int, department: str | None, category: str) -> PatrolFinding:
    return PatrolFinding.model_validate({
        "id": f"P{n:05d}", "at": NOW, "category": category, "window": None, "staff": "S001",
        "department": department, "note": "x", "has_photo": False, "recorded_by": "patrol-li",
    })  # fmt: skip


def test_counts_per_department_and_category_in_the_seeds_order() -> None:
    findings = [
        _finding(1, "shebao", "public_area"),
        _finding(2, None, "self_service_devices"),
        _finding(3, "budongchan", "courtesy"),
        _finding(4, "shebao", "on_duty"),
        _finding(5, "shebao", "on_duty"),
        _finding(6, "budongchan", "courtesy"),
    ]
    assert patrol_counts(findings) == [
        PatrolCount(department="budongchan", category="courtesy", count=2),
        PatrolCount(department="shebao", category="on_duty", count=2),
        PatrolCount(department="shebao", category="public_area", count=1),
        PatrolCount(department=None, category="self_service_devices", count=1),
    ]
    assert patrol_counts([]) == []


def test_the_seven_categories_are_the_seeds() -> None:
    assert [PATROL_CATEGORY_LABELS[c][0] for c in PATROL_CATEGORIES] == [
        "在岗/串岗/空岗", "着装与工牌", "文明用语与服务态度", "与工作无关的行为",
        "一次性告知单是否完整", "自助设备能否正常使用", "公共区域",
    ]  # fmt: skip
