"""The patrol log (巡查记录, seed 001 巡查制度) in Chromium against a real broker, controller
and console: the patrol records 空岗 at window 3 with a camera's photo, which the page scales
down to at most 24 KiB and previews before sending; the chief representative of 不动产登记
sees it with its thumbnail (served by the console behind the sign-in) and marks it handled;
the manager sees the counts per department and category. Screenshots in both languages."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from tests.conftest import REPO
from tests.ui.console.conftest import VIEWPORT, Stack, console_stack
from tests.ui.console.harness import PASSWORD, USERS

SHOTS = REPO / "docs" / "screenshots"
TIMEOUT_MS = 10_000
PATROL: dict[str, object] = {"user": "patrol-li", "role": "patrol", "display_name": "巡查员李"}
CHIEF: dict[str, object] = {"user": "chief-bdc", "role": "chief", "department": "budongchan",
                            "display_name": "不动产首席"}  # fmt: skip


@pytest.fixture(scope="module")
def s(hall: HallConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with console_stack(
        hall, tmp_path_factory.mktemp("patrol"), users=(*USERS, PATROL, CHIEF)
    ) as stack:
        yield stack


def camera_photo() -> bytes:
    """A 1600 × 1200 JPEG as a phone takes it (far over 24 KiB): a window, a sign, texture."""
    import random

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (214, 222, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 300, 1400, 1100), fill=(120, 140, 170))
    draw.rectangle((500, 500, 1100, 900), fill=(240, 240, 230))
    draw.text((560, 560), "W03", fill=(20, 20, 20))
    rng = random.Random(3)
    for _ in range(4000):
        x, y = rng.randrange(1600), rng.randrange(1200)
        draw.point((x, y), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def signed_in(s: Stack, user: str, lang: str = "zh") -> Any:
    """A tab signed in as ``user`` on the patrol page, reached by the nav link 巡查."""
    page = s.browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{s.console.url}/login?lang={lang}")
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.click("nav.pages a[href='/patrol']")
    page.wait_for_url("**/patrol")
    return page


def finding(page: Any, finding_id: str) -> Any:
    return page.locator(f"article.pt-finding[data-id='{finding_id}']")


def test_the_patrol_records_a_finding_with_a_photo_the_chief_handles_it(s: Stack) -> None:
    from playwright.sync_api import expect

    photo = camera_photo()
    assert len(photo) > 100 * 1024
    page = signed_in(s, "patrol-li")
    page.select_option("#pt-category", "on_duty")
    page.select_option("#pt-window", "W03")
    page.fill("#pt-note", "09:40 巡查时 3 号窗口空岗，未摆放暂停服务牌")
    page.set_input_files(
        "#pt-photo", files=[{"name": "IMG_0940.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    expect(page.locator("#pt-preview")).to_be_visible()
    sent = page.eval_on_selector("#pt-photo-b64", "e => e.value.length")
    assert 0 < sent <= 4 * 24 * 1024 // 3  # the scaled copy: at most 24 KiB decoded
    page.click("#pt-form button[type=submit]")
    expect(page.locator("#answer")).to_contain_text(
        "已登记巡查发现 P00001（在岗/串岗/空岗，不动产登记）"
    )
    card = finding(page, "P00001")
    expect(card.locator(".pt-status")).to_have_text("待处理")
    thumb = card.locator(".pt-thumb img")
    expect(thumb).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('#pt-P00001 .pt-thumb img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert card.locator("form.pt-handle").count() == 0  # the patrol does not handle
    page.close()

    page = signed_in(s, "chief-bdc")
    card = finding(page, "P00001")
    expect(card).to_contain_text("3号窗口")
    page.wait_for_function(
        "() => { const i = document.querySelector('#pt-P00001 .pt-thumb img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator("#pt-form").count() == 0  # a chief does not record
    card.locator("form.pt-handle input[name=note]").fill("已提醒王芳离岗须摆放暂停服务牌")
    card.locator("form.pt-handle button").click()
    card = finding(page, "P00001")
    expect(card.locator(".answer")).to_contain_text("巡查发现 P00001 已标记处理")
    expect(card.locator(".pt-status")).to_have_text("已处理")
    expect(card.locator(".pt-handled")).to_contain_text("chief-bdc 处理：已提醒王芳离岗")
    page.close()


def test_the_manager_sees_the_counts_per_department_and_category(s: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    for fields in (
        {"category": "one_time_notice", "window": "W05", "note": "告知单缺少“变更登记”一页"},
        {"category": "dress_badge", "window": "W01", "staff": "S001", "note": "未佩戴工牌"},
        {"category": "self_service_devices", "window": "W10", "note": "绿色通道旁自助打印机卡纸"},
    ):  # fmt: skip
        assert s.manager.send("patrol", "record", **fields).ok
    page = signed_in(s, "manager")
    counts = page.locator("#pt-counts")
    bdc = counts.locator("tr[data-department='budongchan']")
    expect(bdc.locator("td[data-category='on_duty']")).to_have_text("1")
    expect(
        counts.locator("tr[data-department='qiye'] td[data-category='one_time_notice']")
    ).to_have_text("1")
    expect(counts.locator("tfoot td.total")).to_have_text("4")
    assert counts.locator("tbody tr").all_inner_texts()[-1].startswith("未归属部门")
    page.close()
    out = SHOTS if os.environ.get("SERVICEHALL_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        page = signed_in(s, "manager", lang)
        page.wait_for_function(
            "() => { const i = document.querySelector('#pt-P00001 .pt-thumb img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        path = out / f"console_patrol_{lang}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, f"{path} is nearly empty"
        page.close()
