"""The staff console's bookings page (预约管理) against the real controller on a FakeBroker:
the manager cancels a slot and sees whom to tell with the whole numbers, a chief sees them
masked and only their department's items, window staff may not open it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bus.testing import FakeBus
from config.schema import HallConfig
from console.app import create_app
from console.auth import Sessions, SignedIn, StaticAuthenticator
from console.commands import BusCommandSender
from console.state import HallState
from tests.unit.kiosk.conftest import SHANGHAI, FakeHall

MANAGER = SignedIn("manager", "manager", "大厅管理员")
CHIEF = SignedIn("chief-bdc", "chief", "不动产首席", department="budongchan")
STAFF = SignedIn("s003", "staff", "王芳", "S003", ("W03",))
FRIDAY_1000 = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)


class Office:
    """The controller (``FakeHall``) with its users, and a console signed in as one of them."""

    def __init__(
        self,
        hall: HallConfig,
        data_dir: Path,
        users: tuple[SignedIn, ...] = (MANAGER, CHIEF, STAFF),
        start: dt.datetime | None = None,
    ) -> None:
        self.h = FakeHall(hall, data_dir, *(() if start is None else (start,)))
        for user in users:
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
        auth = StaticAuthenticator([(u, "pw") for u in users])
        app = create_app(self.state, BusCommandSender(bus), auth, sessions=self.sessions)
        self.client = TestClient(app, follow_redirects=False)

    def sign_in(self, user: str) -> str:
        page = self.client.get("/login")
        token = page.cookies.get("hall_login") or self.client.cookies.get("hall_login")
        sent = self.client.post("/login", data={"user": user, "password": "pw", "csrf": token})
        assert sent.status_code == 303, sent.text
        session = self.sessions.get(self.client.cookies.get("hall_session"))
        assert session is not None
        return session.csrf

    def book(self, service: str, mobile: str) -> str:
        reply = self.h.ok("queue", "book", service=service, slot=FRIDAY_1000, mobile=mobile)
        return str(reply["code"])


@pytest.fixture
def office(hall: HallConfig, tmp_path: Path) -> Iterator[Office]:
    o = Office(hall, tmp_path / "data")
    yield o
    o.h.close()


def _cid(html: str) -> str:
    found = re.search(r'id="cid" name="cid" value="(\w+)"', html)
    assert found is not None, html
    return found.group(1)


def test_the_manager_cancels_a_slot_and_sees_whom_to_tell_in_full(office: Office) -> None:
    b01 = office.book("B01", "13812345678")
    office.book("A01", "13987654321")
    csrf = office.sign_in("manager")
    page = office.client.get("/bookings")
    assert page.status_code == 200
    assert "11月27日（周五）" in page.text and b01 in page.text
    assert "13812345678" in page.text  # the manager's list shows the numbers whole
    assert "暂无须通知的群众" in page.text
    sent = office.client.post(
        "/bookings/cancel_slot",
        headers={"X-CSRF-Token": csrf},
        data={"service": "B01", "slot_date": "2026-11-27", "slot_time": "10:00",
              "reason": "系统升级", "cid": _cid(page.text)},
    )  # fmt: skip
    assert sent.status_code == 200
    assert "已取消" in sent.text and "须通知 1 人" in sent.text
    notify = sent.text.split('id="notify-list"', 1)[1].split("</table>", 1)[0]
    assert b01 in notify and "13812345678" in notify and "系统升级" in notify
    assert "13987654321" not in notify  # A01's booking stands: nobody to tell there
    english = office.client.get("/bookings?lang=en")
    assert "Citizens to tell" in english.text and "Fri 27 Nov" in english.text


def test_the_controller_refuses_a_slot_less_than_8_hours_ahead_in_words(office: Office) -> None:
    office.book("B01", "13812345678")
    office.h.at(dt.datetime(2026, 11, 27, 3, 0, tzinfo=SHANGHAI))
    csrf = office.sign_in("manager")
    page = office.client.get("/bookings")
    sent = office.client.post(
        "/bookings/cancel_slot",
        headers={"X-CSRF-Token": csrf},
        data={"service": "B01", "slot_date": "2026-11-27", "slot_time": "10:00",
              "cid": _cid(page.text)},
    )  # fmt: skip
    assert "大厅取消预约须至少提前8小时告知" in sent.text
    assert "暂无须通知的群众" in sent.text


def test_a_chief_sees_their_items_with_masked_numbers_and_staff_may_not_open_it(
    office: Office,
) -> None:
    b01 = office.book("B01", "13812345678")
    a01 = office.book("A01", "13987654321")
    office.sign_in("chief-bdc")
    page = office.client.get("/bookings")
    assert page.status_code == 200
    assert b01 in page.text and "138****5678" in page.text and "13812345678" not in page.text
    assert a01 not in page.text  # 社保's booking is not the 不动产 chief's
    assert 'value="A01"' not in page.text and 'value="B01"' in page.text
    office.client.cookies.clear()
    office.sign_in("s003")
    assert office.client.get("/bookings").status_code == 403
    assert office.client.post("/bookings/cancel_slot", data={}).status_code == 403


def test_a_post_without_the_csrf_token_sends_nothing(office: Office) -> None:
    b01 = office.book("B01", "13812345678")
    office.sign_in("manager")
    page = office.client.get("/bookings")
    refused = office.client.post(
        "/bookings/cancel_slot",
        data={"service": "B01", "slot_date": "2026-11-27", "slot_time": "10:00",
              "cid": _cid(page.text)},
    )  # fmt: skip
    assert refused.status_code == 403
    listed = office.h.ok("queue", "bookings", **{"from": "2026-11-27"}, to="2026-11-27")
    assert [(b["code"], b["status"]) for b in listed["bookings"]] == [(b01, "booked")]
