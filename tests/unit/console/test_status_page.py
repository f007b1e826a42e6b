"""The ticket status page (叫号进度) on the citizens' listener, against the real controller on
a FakeBroker: the token, the controller's query, and what each state of the page says."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bus import topics
from bus.models.base import Reply
from bus.models.replies import TicketStatusResult
from config.schema import HallConfig
from console.commands import BusCommandSender
from console.i18n import Lang
from console.pages import Renderer, template_env
from console.public import create_public_app
from console.ratelimit import RateLimiter
from console.state import HallState
from console.status import ticket_status
from tests.unit.kiosk.conftest import FakeHall

HALL_URL = "https://zwfw.example.gov.cn/chengdong"


class Citizens:
    """The controller (``FakeHall``), a console node's live cache and its public app."""

    def __init__(self, hall: HallConfig, data_dir: Path) -> None:
        hall = hall.model_copy(update={"public_url": HALL_URL})
        self.h = FakeHall(hall, data_dir)
        self.hall = hall
        self.kiosk = self.h.broker.client(hall.hall_id, "kiosk-1", role="kiosk")
        self.kiosk.start()
        bus = self.h.broker.client(hall.hall_id, "console", role="console")
        self.state = HallState(bus, hall, clock=lambda: self.h.now)
        self.state.start()
        bus.start()
        self.sender = BusCommandSender(bus)
        limiter = RateLimiter(per_minute=6000, burst=1000)
        self.app = create_public_app(self.state, self.sender, limiter=limiter)
        self.client = TestClient(self.app, follow_redirects=False)
        self.h.staff_in("W03", "W04")

    def issue(self, service: str = "B01") -> dict[str, Any]:
        """A ticket as kiosk-1 takes it: the reply the kiosk prints (with its token)."""
        topic = topics.command(self.hall.hall_id, "kiosk-1", "queue", "issue")
        payload = {"v": 1, "id": uuid.uuid4().hex, "service": service, "node": "kiosk-1"}
        reply = Reply.model_validate_json(self.kiosk.request(topic, payload).result(0).payload)
        assert reply.ok, reply.error
        assert reply.result is not None
        return reply.result.model_dump(mode="json")

    def page(self, token: str, lang: str = "zh") -> Any:
        return self.client.get(f"/t/{token}?lang={lang}")

    def status_of(self, token: str) -> str:
        """The ``data-state`` of the page's status region."""
        html = self.page(token).text
        found = re.search(r'id="status" data-state="(\w+)"', html)
        assert found is not None, html
        return found.group(1)


@pytest.fixture
def citizens(hall: HallConfig, tmp_path: Path) -> Iterator[Citizens]:
    c = Citizens(hall, tmp_path / "data")
    yield c
    c.h.close()


def test_a_guessed_or_malformed_token_shows_the_same_neutral_page(citizens: Citizens) -> None:
    citizens.issue()
    guessed = citizens.page("AAAAAAAAAAAAAAAAAAAAAA")
    malformed = citizens.page("B001")
    assert guessed.status_code == malformed.status_code == 404
    assert "未找到该号票" in guessed.text
    assert re.sub(r"B001|AAAA+", "", guessed.text) == re.sub(r"B001|AAAA+", "", malformed.text)
    assert "B00" not in guessed.text.replace("/t/AAAAAAAAAAAAAAAAAAAAAA", "")


def test_a_token_of_yesterday_is_not_found_like_a_guessed_one(
    citizens: Citizens,
) -> None:
    """A ticket's page expires with its hall day: the next day's look-up knows nothing."""
    token = citizens.issue()["status_token"]
    assert citizens.page(token).status_code == 200
    citizens.h.at(citizens.h.now + dt.timedelta(days=1))  # Wednesday 09:30, a new hall day
    gone = citizens.page(token)
    assert gone.status_code == 404 and "未找到该号票" in gone.text


def test_waiting_counts_down_in_call_order_and_the_window_shows_when_called(
    citizens: Citizens,
) -> None:
    ahead = [citizens.issue() for _ in range(2)]
    mine = citizens.issue()
    token = mine["status_token"]
    page = citizens.page(token)
    assert page.status_code == 200
    assert "前面还有 2 人" in page.text and mine["ticket"] in page.text
    assert f"预计等候约 {mine['estimated_wait_minutes']} 分钟" in page.text  # as the ticket says
    for other in ahead:
        assert other["ticket"] not in page.text  # counts only, never another ticket
    citizens.h.ok("queue", "call", window="W03")
    assert "前面还有 1 人" in citizens.page(token).text
    citizens.h.ok("queue", "call", window="W04")
    assert "前面还有 0 人" in citizens.page(token).text
    citizens.h.ok("queue", "call", window="W03")
    called = citizens.page(token).text
    assert "请到 3 号窗口办理" in called
    assert "Please go to window 3" in citizens.page(token, "en").text


def test_a_priority_ticket_issued_later_is_counted_ahead_as_the_engine_calls_it(
    citizens: Citizens,
) -> None:
    """Q4: the page's ahead is the call order's, not the issue order's."""
    mine = citizens.issue()
    assert "前面还有 0 人" in citizens.page(mine["status_token"]).text
    citizens.h.ok("queue", "issue", service="B01", priority=True)
    assert "前面还有 1 人" in citizens.page(mine["status_token"]).text


def test_skipped_held_and_done_each_say_what_to_do(citizens: Citizens) -> None:
    token = citizens.issue()["status_token"]
    citizens.h.ok("queue", "call", window="W03")
    citizens.h.ok("queue", "skip", window="W03")
    skipped = citizens.page(token).text
    assert citizens.status_of(token) == "skipped"
    assert "已过号" in skipped and "恢复排队" in skipped and "原取号时间" in skipped
    assert "3 号窗口或咨询台" in skipped
    citizens.h.ok("queue", "reactivate", ticket="B001")
    assert citizens.status_of(token) == "waiting"
    citizens.h.ok("queue", "call", window="W03")
    citizens.h.ok("queue", "hold", window="W03")
    assert citizens.status_of(token) == "held"
    assert "回到 3 号窗口" in citizens.page(token).text
    citizens.h.ok("queue", "resume_ticket", window="W03")
    citizens.h.ok("queue", "finish", window="W03")
    assert citizens.status_of(token) == "done"
    assert "已办理完毕" in citizens.page(token).text


def test_the_console_asks_the_controller_once_per_token(citizens: Citizens) -> None:
    token = citizens.issue()["status_token"]
    query = topics.command(citizens.hall.hall_id, "console", "queue", "ticket_status")
    for _ in range(3):
        assert citizens.page(token).status_code == 200
    citizens.h.ok("queue", "call", window="W03")
    assert "请到 3 号窗口办理" in citizens.page(token).text
    assert len(citizens.h.broker.messages(query)) == 1


def test_the_region_renders_from_the_live_cache_in_both_languages(citizens: Citizens) -> None:
    mine = citizens.issue()
    held = TicketStatusResult(
        day=citizens.h.now.date(), ticket=mine["ticket"], category="B", service="B01",
        service_name="不动产转移登记", status="waiting", window=None,
        issued_at=citizens.h.now,
    )  # fmt: skip
    status = ticket_status(citizens.state, held)
    assert (status.state, status.ahead) == ("waiting", 0)
    renderer = Renderer(template_env(), citizens.state)
    cases: tuple[tuple[Lang, str], ...] = (("zh", "前面还有 0 人"), ("en", "0 ahead of you"))
    for lang, words in cases:
        html = renderer.render("public/_status.html", renderer.context(lang, ticket=status))
        assert words in html and mine["ticket"] in html


def test_while_the_controller_is_away_the_page_says_so_and_its_stream_asks_again(
    hall: HallConfig,
) -> None:
    """Unreachable is not "not found": a 503 page, and a stream that ends (the browser
    reconnects in a second) instead of one that stays open on a verdict."""
    from console.commands import Answer
    from tests.unit.console.helpers import Console

    c = Console(hall)
    c.sender.answers["ticket_status"] = Answer(False, "no_answer")
    public = TestClient(create_public_app(c.state, c.sender), follow_redirects=False)
    token = "q3W8xZp2LmN5vR7tAbCd"
    page = public.get(f"/t/{token}")
    assert page.status_code == 503 and "暂时无法查询" in page.text
    stream = public.get(f"/t/{token}/events")  # returns: the stream ended by itself
    assert "event: conn" in stream.text and "暂时无法查询" in stream.text
