"""The day's tickets: loaded from ``queue/today``, kept by events, counted as the statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bus.models.events import EventMessage, make_event
from bus.models.replies import TodayResult, TodayTicket
from config.schema import HallConfig
from console.today import Today
from tests.unit.console.helpers import issued
from tests.viewdata import AT


def _ticket(number: str, status: str = "waiting", **changes: object) -> TodayTicket:
    fields: dict[str, object] = {
        "ticket": number, "category": "C", "service": "C01", "service_name": "抵押登记",
        "priority": False, "issued_at": AT - dt.timedelta(minutes=50), "status": status,
        "window": None, "first_called_at": None, "called_at": None, "finished_at": None,
        "skipped": False, "transferred": False, "rating": None,
    }  # fmt: skip
    fields.update(changes)
    return TodayTicket.model_validate(fields)


def _called(number: str, seq: int, minutes_ago: int = 0) -> EventMessage[Any]:
    at = AT - dt.timedelta(minutes=minutes_ago)
    data = {
        **{k: v for k, v in issued(number).items() if k in (
            "ticket", "key", "category", "service_name", "department", "department_name",
            "windows", "priority")},
        "window": "W03", "called_at": at, "announcement": f"请{number}号到3号窗口办理",
        "window_number": 3, "staff": "S003", "staff_name": "王芳",
    }  # fmt: skip
    return make_event("ticket.called", data, at, seq)


def test_a_console_started_late_shows_the_mornings_tickets(hall: HallConfig) -> None:
    today = Today(hall)
    served = _ticket(
        "C001", "done", window="W03", first_called_at=AT - dt.timedelta(minutes=40),
        called_at=AT - dt.timedelta(minutes=40), finished_at=AT - dt.timedelta(minutes=30),
        rating=2,
    )  # fmt: skip
    today.load(TodayResult(
        day=AT.date(), seq=100,
        tickets=(served, _ticket("C002", "skipped", window="W03", skipped=True), _ticket("C003")),
    ))  # fmt: skip
    assert [t.ticket for t in today.waiting(frozenset({"C"}))] == ["C003"]
    assert [t.ticket for t in today.skipped(frozenset({"C"}))] == ["C002"]
    counters = today.counters()
    assert (counters.issued, counters.served, counters.skipped) == (3, 1, 1)
    assert counters.wait_mean_min == 10.0 and counters.service_mean_min == 10.0
    assert counters.satisfaction_rate == 0.0  # one rating, a 2
    assert today.window_counts("W03").served == 1
    assert [b.ticket for b in today.bad_reviews()] == ["C001"]


def test_events_during_the_load_apply_after_it_unless_it_includes_them(hall: HallConfig) -> None:
    today = Today(hall)
    today.loading()
    included = make_event("ticket.issued", issued("C004"), AT, 90)
    later = make_event("ticket.issued", issued("C005"), AT, 110)
    assert today.apply(included) == set() and today.apply(later) == set()  # kept, not shown
    today.load(TodayResult(day=AT.date(), seq=100, tickets=(_ticket("C003"), _ticket("C004"))))
    assert sorted(today.tickets) == ["C003", "C004", "C005"]
    assert today.counters().issued == 3  # C004 counted once: the load included it
    assert today.apply(_called("C003", 120)) == {"tickets", "window:W03"}
    assert today.counters().wait_mean_min == 50.0
    assert [t.ticket for t in today.waiting(frozenset({"C"}))] == ["C004", "C005"]


def test_a_failed_load_keeps_what_the_events_said(hall: HallConfig) -> None:
    today = Today(hall)
    today.loading()
    today.apply(make_event("ticket.issued", issued("C001"), AT, 5))
    today.load_failed()
    assert not today.loaded
    assert list(today.tickets) == ["C001"]


def test_a_new_hall_day_starts_empty(hall: HallConfig) -> None:
    today = Today(hall)
    today.load(TodayResult(day=AT.date(), seq=1, tickets=(_ticket("C001"),)))
    assert not today.new_day(AT.date())
    assert today.new_day(AT.date() + dt.timedelta(days=1))
    assert today.tickets == {} and today.counters().issued == 0
