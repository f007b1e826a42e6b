"""Evaluation (Q6) and bad-review work orders (Q7)."""

from __future__ import annotations

import datetime as dt

from bus.models.queue import Call, CloseWorkorder, Finish, Issue, Login, Rate, Tick, UpdateWorkorder
from hallqueue.engine import add_workdays, initial_state
from tests.unit.queue.conftest import Driver, ok, public, refused


def serve(q: Driver, window: str = "W01", at: str = "09:00", service: str = "A01") -> None:
    q(Issue(service=service, id="t"), at)
    q(Call(window=window, id="t"), at)
    q(Finish(window=window, id="t"), at)


def test_q6_one_rating_per_ticket_with_the_staff_logged_in(q: Driver) -> None:
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    serve(q)
    out = q(Rate(window="W01", level=5, id="t"), "09:01")
    assert public(out.events) == [{"event": "ticket.rated", "ticket": "A001", "level": 5}]
    assert ok(out)["staff"] == "S001"
    assert out.events[0].detail()["staff_name"] == "张敏"
    assert refused(q(Rate(window="W01", level=4, id="t"), "09:01")) == "already_rated"


def test_q6_rating_only_for_the_ticket_just_finished_at_that_window(q: Driver) -> None:
    serve(q, "W01")
    assert refused(q(Rate(window="W02", level=5, id="t"), "09:01")) == "no_finished_ticket"
    serve(q, "W01", "09:02")  # a second citizen finishes: the first can no longer be rated
    ok(q(Rate(window="W01", level=4, id="t"), "09:03"))
    assert q.state.tickets["2026-11-23/A001"].rating_status == "not_rated"
    assert q.state.tickets["2026-11-23/A002"].rating == 4


def test_q6_rating_after_the_timeout_is_refused_and_recorded_not_rated(q: Driver) -> None:
    serve(q, "W01", "09:00")
    assert refused(q(Rate(window="W01", level=5, id="t"), "09:02:01")) == "rating_timeout"
    assert q.state.tickets["2026-11-23/A001"].rating_status == "pending"  # refusal changed nothing
    out = q(Tick(), "09:02:01")
    assert [e.kind for e in out.events] == ["ticket.not_rated"]
    assert q.state.tickets["2026-11-23/A001"].rating_status == "not_rated"


def test_q6_rating_at_exactly_the_timeout_is_accepted(q: Driver) -> None:
    serve(q, "W01", "09:00")
    ok(q(Rate(window="W01", level=3, id="t"), "09:02:00"))


def test_q6_staff_may_not_rate_for_the_citizen(q: Driver) -> None:
    serve(q)
    from_caller = Rate(window="W01", level=5, id="t").model_copy(update={"source": "caller"})
    assert refused(q(from_caller, "09:01")) == "not_evaluator"
    assert refused(q(Rate(window="W01", level=6, id="t"), "09:01")) == "bad_level"


def test_q7_bad_review_creates_a_workorder_due_10_workdays_later(q: Driver) -> None:
    serve(q)
    out = q(Rate(window="W01", level=2, id="t"), "09:01")
    assert public(out.events)[1] == {
        "event": "workorder.created",
        "ticket": "A001",
        "due": "2026-12-07",
    }
    assert refused(q(Rate(window="W01", level=1, id="t"), "09:01")) == "already_rated"


def test_q7_due_date_skips_the_2025_national_day_holiday(q: Driver) -> None:
    q.state = initial_state(q.hall, q.at("08:00", dt.date(2025, 9, 26)))
    q.day = dt.date(2025, 9, 26)  # Friday; 9-28 (Sun) and 10-11 (Sat) are adjusted workdays
    serve(q, "W01", "10:00")
    out = q(Rate(window="W01", level=1, id="t"), "10:01")
    assert public(out.events)[1]["due"] == "2025-10-16"


def test_q7_add_workdays_counts_adjusted_workdays(q: Driver) -> None:
    assert add_workdays(q.calendar, dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert add_workdays(q.calendar, dt.date(2025, 10, 10), 1) == dt.date(2025, 10, 11)


def test_q7_workorder_closes_only_after_visit_rectification_and_reply(q: Driver) -> None:
    serve(q)
    key = ok(q(Rate(window="W01", level=1, id="t"), "09:01"))["workorder"]
    assert "回访核实" in q(CloseWorkorder(workorder=key, id="t"), "10:00").refusal.message_zh  # type: ignore[union-attr]
    ok(
        q(
            UpdateWorkorder(
                workorder=key, step="verify", note="电话回访属实", verified=True, id="t"
            ),
            "10:00",
        )
    )
    # rectification missing
    assert refused(q(CloseWorkorder(workorder=key, id="t"), "10:01")) == "steps_missing"
    ok(q(UpdateWorkorder(workorder=key, step="rectify", note="窗口人员已整改", id="t"), "10:02"))
    ok(q(UpdateWorkorder(workorder=key, step="reply", note="已答复群众", id="t"), "10:03"))
    assert ok(q(CloseWorkorder(workorder=key, id="t"), "10:04"))["overdue"] is False
    assert refused(q(CloseWorkorder(workorder=key, id="t"), "10:05")) == "workorder_closed"
