"""The citizens' booking pages (网上预约) on the public listener, against the real controller on
a FakeBroker: the lead time said and enforced, a booking with its code as text and QR, the
mobile number masked, CSRF, a resent form booking once, and cancelling by code and number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from config.schema import HallConfig
from console.commands import BusCommandSender
from console.public import create_public_app
from console.qr import qr_svg
from console.ratelimit import RateLimiter
from console.state import HallState
from tests.unit.kiosk.conftest import FakeHall

MOBILE = "13812345678"


class Citizen:
    """The controller (``FakeHall``, Tuesday 2026-11-24 09:30), the console's cache and its
    public app, and one browser (cookies kept)."""

    def __init__(self, hall: HallConfig, data_dir: Path) -> None:
        self.h = FakeHall(hall, data_dir)
        bus = self.h.broker.client(hall.hall_id, "console", role="console")
        state = HallState(bus, hall, clock=lambda: self.h.now)
        state.start()
        bus.start()
        app = create_public_app(
            state, BusCommandSender(bus), limiter=RateLimiter(per_minute=6000, burst=1000)
        )
        self.client = TestClient(app, follow_redirects=False)

    def form_of(self, html: str) -> dict[str, str]:
        """The hidden fields of the page's form (CSRF token, nonce)."""
        return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))

    def book(self, day: str, time: str, mobile: str = MOBILE, **extra: str) -> Any:
        page = self.client.get(f"/book/A01/{day}")
        data = {**self.form_of(page.text), "slot": f"{day}T{time}:00+08:00", "mobile": mobile}
        return self.client.post(f"/book/A01/{day}", data={**data, **extra})

    def bookings(self) -> list[tuple[str, str]]:
        listed = self.h.ok("queue", "bookings", **{"from": "2026-11-24"}, to="2026-12-08")
        return [(b["code"], b["status"]) for b in listed["bookings"]]


@pytest.fixture
def citizen(hall: HallConfig, tmp_path: Path) -> Iterator[Citizen]:
    c = Citizen(hall, tmp_path / "data")
    yield c
    c.h.close()


def test_the_public_index_leads_to_the_booking_pages(citizen: Citizen) -> None:
    index = citizen.client.get("/?lang=zh")
    assert "网上预约" in index.text and re.search(r'id="to-booking" href="[^"]*/book"', index.text)


def test_the_days_say_the_lead_time_and_grey_out_the_days_within_it(citizen: Citizen) -> None:
    services = citizen.client.get("/book")
    assert services.status_code == 200 and '/book/A01"' in services.text
    days = citizen.client.get("/book/A01")
    assert "须至少提前3天预约：最早可预约 11月27日（周五）" in days.text
    assert re.search(r'class="day off" data-day="2026-11-25"', days.text)
    assert re.search(r'class="day open" data-day="2026-11-27"', days.text)
    assert 'data-day="2026-11-28"' not in days.text  # Saturday: no slots at all
    english = citizen.client.get("/book/A01?lang=en")
    assert "at least 3 days ahead: the first day is Fri 27 Nov" in english.text
    later = citizen.client.get("/book/A01?day=2026-12-21&lang=zh")  # the date field, past the list
    assert "12月21日（周一）" in later.text and 'value="2026-12-21T09:00:00+08:00"' in later.text


def test_a_slot_inside_the_lead_time_is_disabled_and_refused_by_the_controller_in_words(
    citizen: Citizen,
) -> None:
    page = citizen.client.get("/book/A01/2026-11-25")
    assert "须至少提前3天预约" in page.text
    assert 'name="slot" value="2026-11-25T10:00:00+08:00" disabled' in page.text
    posted = citizen.book("2026-11-25", "10:00")  # as a hand-made POST would
    assert posted.status_code == 200
    assert "未预约成功：须至少提前3天预约" in posted.text
    assert citizen.bookings() == []


def test_a_booking_shows_its_code_as_text_and_qr_and_the_number_masked(citizen: Citizen) -> None:
    done = citizen.book("2026-11-27", "10:00", mobile="138 1234 5678")
    assert done.status_code == 200, done.text
    code = re.search(r'id="booking-code">([^<]+)<', done.text)
    assert code is not None
    assert citizen.bookings() == [(code.group(1), "booked")]
    assert str(qr_svg(code.group(1), f"预约码二维码：{code.group(1)}")) in done.text
    assert "138****5678" in done.text and MOBILE not in done.text
    assert "11月27日（周五） 10:00–10:30" in done.text
    assert "前30分钟至开始后30分钟内签到" in done.text


def test_a_resent_form_books_once_and_a_new_form_books_again(citizen: Citizen) -> None:
    page = citizen.client.get("/book/A01/2026-11-27")
    data = {**citizen.form_of(page.text), "slot": "2026-11-27T10:00:00+08:00", "mobile": MOBILE}
    first = citizen.client.post("/book/A01/2026-11-27", data=data)
    again = citizen.client.post("/book/A01/2026-11-27", data=data)  # a reload resends it
    code = re.compile(r'id="booking-code">([^<]+)<')
    assert code.findall(first.text) == code.findall(again.text)
    assert len(citizen.bookings()) == 1
    citizen.book("2026-11-27", "10:30")
    assert len(citizen.bookings()) == 2


def test_without_the_pages_csrf_token_nothing_is_booked(citizen: Citizen) -> None:
    citizen.client.get("/book/A01/2026-11-27")
    forged = citizen.client.post(
        "/book/A01/2026-11-27",
        data={"slot": "2026-11-27T10:00:00+08:00", "mobile": MOBILE, "csrf": "x" * 22},
    )
    assert forged.status_code == 403 and "页面已过期" in forged.text
    other = TestClient(citizen.client.app)  # another site's form: no cookie of this listener
    blind = other.post(
        "/book/A01/2026-11-27", data={"slot": "2026-11-27T10:00:00+08:00", "mobile": MOBILE}
    )
    assert blind.status_code == 403
    assert citizen.bookings() == []


def test_a_wrong_mobile_number_is_explained_and_nothing_is_sent(citizen: Citizen) -> None:
    posted = citizen.book("2026-11-27", "10:00", mobile="1234")
    assert "手机号须为11位手机号码" in posted.text
    assert 'value="1234"' in posted.text  # what was typed stays in the field
    assert citizen.bookings() == []


def test_the_citizen_cancels_by_code_and_mobile_number(citizen: Citizen) -> None:
    done = citizen.book("2026-11-27", "10:00")
    found = re.search(r'id="booking-code">([^<]+)<', done.text)
    assert found is not None
    code = found.group(1)
    form = citizen.client.get("/book/cancel")
    hidden = citizen.form_of(form.text)
    wrong = citizen.client.post(
        "/book/cancel", data={**hidden, "code": code, "mobile": "13900000000"}
    )
    assert "未取消：没有与该手机号对应的这个预约码" in wrong.text
    assert citizen.bookings() == [(code, "booked")]
    hidden = citizen.form_of(citizen.client.get("/book/cancel").text)
    right = citizen.client.post("/book/cancel", data={**hidden, "code": code, "mobile": MOBILE})
    assert f"已取消预约 {code}（11月27日（周五） 10:00）" in right.text
    assert citizen.bookings() == [(code, "cancelled")]


def test_the_booking_pages_in_english(citizen: Citizen) -> None:
    citizen.client.get("/book?lang=en")
    done = citizen.book("2026-11-27", "11:00")
    assert "Booked" in done.text and "Booking code" in done.text and "Fri 27 Nov 11:00" in done.text
