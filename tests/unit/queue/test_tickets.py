"""Taking tickets: numbering (Q2), priority (Q3), ahead (Q4), hours (Q8), caps (Q9), Q10."""

from __future__ import annotations

import datetime as dt

from bus.models.queue import Call, Finish, Issue, Suspend, Tick, Unsuspend
from hallqueue.engine import records_of
from tests.unit.queue.conftest import MONDAY, Driver, ok, refused


def test_q2_numbers_per_category_start_at_001_and_continue(q: Driver) -> None:
    numbers = [
        ok(q(Issue(service=s, id="t"), "09:00"))["ticket"] for s in ("A01", "A02", "B01", "A03")
    ]
    assert numbers == ["A001", "A002", "B001", "A003"]


def test_q2_numbers_restart_next_day_and_are_never_reused_within_a_day(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Call(window="W01", id="t"), "09:01")
    q(Finish(window="W01", id="t"), "09:05")
    second = q(Issue(service="A01", id="t"), "09:06").result
    assert second is not None and second["ticket"] == "A002"  # A001 finished, not reused
    tuesday = MONDAY + dt.timedelta(days=1)
    assert ok(q(Issue(service="A01", id="t"), "09:00", tuesday))["ticket"] == "A001"


def test_q2_numbering_continues_after_restart_from_records(q: Driver) -> None:
    from hallqueue.engine import state_from_records, to_record

    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="A01", id="t"), "09:01")
    records = [(k, key, to_record(e)) for k, key, e in records_of(q.state)]
    q.state = state_from_records(q.hall, records, q.at("09:02"))
    assert ok(q(Issue(service="A01", id="t"), "09:02"))["ticket"] == "A003"


def test_q2_q3_priority_ticket_shares_the_category_sequence(q: Driver) -> None:
    """The number must not reveal why a citizen has priority."""
    q(Issue(service="A01", id="t"), "09:00")
    out = q(Issue(service="A01", priority=True, id="t"), "09:01")
    assert [e.public() for e in out.events] == [
        {"event": "ticket.issued", "ticket": "A002", "service": "A01", "ahead": 0, "priority": True}
    ]


def test_q4_ahead_counts_waiting_tickets_of_the_category_called_before_it(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="B01", id="t"), "09:00")  # another category: not ahead
    q(Issue(service="A01", priority=True, id="t"), "09:01")
    assert ok(q(Issue(service="A02", id="t"), "09:02"))["ahead"] == 2
    assert ok(q(Issue(service="A02", priority=True, id="t"), "09:03"))["ahead"] == 1
    q(Call(window="W01", id="t"), "09:04")  # calls the first priority ticket: no longer waiting
    assert ok(q(Issue(service="A01", id="t"), "09:05"))["ahead"] == 3


def test_q8_closed_before_opening_after_last_ticket_and_on_rest_days(q: Driver) -> None:
    before = q(Issue(service="A01", id="t"), "08:59")
    assert refused(before) == "closed"
    assert before.refusal is not None and "09:00" in before.refusal.message_zh
    assert q(Issue(service="A01", id="t"), "16:29:59").ok
    assert refused(q(Issue(service="A01", id="t"), "16:30")) == "closed"
    saturday = dt.date(2026, 11, 28)
    assert refused(q(Issue(service="A01", id="t"), "10:00", saturday)) == "closed"


def test_q8_national_day_holiday_is_closed_and_adjusted_saturday_is_open(q: Driver) -> None:
    q.state = type(q.state)(day=dt.date(2025, 9, 1), windows=q.state.windows)
    assert refused(q(Issue(service="A01", id="t"), "10:00", dt.date(2025, 10, 2))) == "closed"
    assert q(Issue(service="A01", id="t"), "10:00", dt.date(2025, 10, 11)).ok  # 调休 Saturday


def test_q8_ticket_held_at_closing_is_still_served_after_hours(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "16:20")
    out = q(Call(window="W01", id="t"), "17:20")
    assert ok(out)["ticket"] == "A001"
    assert q(Finish(window="W01", id="t"), "17:40").ok


def test_q8_unserved_tickets_expire_at_the_next_opening_not_at_midnight(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "16:00")
    tuesday = MONDAY + dt.timedelta(days=1)
    early = q(Call(window="W01", id="t"), "08:30", tuesday)
    assert ok(early)["ticket"] == "A001"  # still valid before the opening
    q.state = Driver(q.hall, q.calendar).state
    q(Issue(service="A01", id="t"), "16:00")
    out = q(Tick(), "09:00", tuesday)
    assert [e.public() for e in out.events if e.kind == "ticket.expired"] == [
        {"event": "ticket.expired", "ticket": "A001"}
    ]
    assert q(Call(window="W01", id="t"), "09:01", tuesday).events[0].kind == "call.empty"


def test_q8_friday_tickets_expire_at_monday_opening(q: Driver) -> None:
    friday = dt.date(2026, 11, 27)
    q.state = Driver(q.hall, q.calendar, friday).state
    q(Issue(service="A01", id="t"), "16:00", friday)
    q(Tick(), "09:00", dt.date(2026, 11, 28))
    assert q.state.tickets["2026-11-27/A001"].status == "waiting"
    q(Tick(), "09:00", dt.date(2026, 11, 30))
    assert q.state.tickets["2026-11-27/A001"].status == "expired"


def test_q9_daily_cap_refuses_past_the_cap_with_a_clear_message(q: Driver) -> None:
    for i in range(120):
        assert q(Issue(service="B01" if i % 2 else "B02", id="t"), "09:00").ok
    out = q(Issue(service="B01", id="t"), "09:30")
    assert out.refusal is not None and out.refusal.code == "cap_reached"
    assert "号源已满" in out.refusal.message_zh
    assert [e.public() for e in out.events] == [
        {"event": "issue.refused", "service": "B01", "reason": "cap_reached"}
    ]


def test_q10_suspended_service_issues_no_ticket_and_shows_the_notice(q: Driver) -> None:
    q(Suspend(service="A03", notice="系统升级，暂停受理", id="t"), "09:00")
    out = q(Issue(service="A03", id="t"), "09:10")
    assert out.refusal is not None and out.refusal.code == "suspended"
    assert "系统升级" in out.refusal.message_zh
    # other items of the category are not affected
    assert q(Issue(service="A01", id="t"), "09:10").ok
    q(Unsuspend(service="A03", id="t"), "10:00")
    assert q(Issue(service="A03", id="t"), "10:01").ok


def test_q10_suspension_announced_ahead_starts_later(q: Driver) -> None:
    q(Suspend(service="A03", notice="明日停办", start=q.at("14:00"), id="t"), "09:00")
    assert q(Issue(service="A03", id="t"), "13:59").ok
    assert refused(q(Issue(service="A03", id="t"), "14:00")) == "suspended"


def test_unknown_service_is_refused(q: Driver) -> None:
    out = q(Issue(service="X99", id="t"), "09:00")
    assert [e.public() for e in out.events] == [
        {"event": "issue.refused", "service": "X99", "reason": "unknown_service"}
    ]


def test_q2_a_clock_set_back_over_midnight_does_not_reuse_numbers(q: Driver) -> None:
    """The hall day never goes back: Monday's counter is gone, so Monday must not issue again."""
    tuesday = MONDAY + dt.timedelta(days=1)
    q(Issue(service="A01", id="t"), "09:00", tuesday)
    # clock jumped back a day
    assert refused(q(Issue(service="A01", id="t"), "16:00", MONDAY)) == "closed"
    assert ok(q(Call(window="W01", id="t"), "16:00", MONDAY))["ticket"] == "A001"
    assert list(q.state.tickets) == ["2026-11-24/A001"]
