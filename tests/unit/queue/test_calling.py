"""The call order (Q4) and the caller's actions at a window (Q5)."""

from __future__ import annotations

import datetime as dt

from bus.models.queue import (
    Call,
    Finish,
    Hold,
    Issue,
    Login,
    Logout,
    Pause,
    Reactivate,
    Recall,
    Resume,
    ResumeTicket,
    Skip,
    Transfer,
)
from tests.unit.queue.conftest import Driver, ok, public, refused


def called(q: Driver, window: str, at: str) -> str | None:
    ticket = ok(q(Call(window=window, id="t"), at))["ticket"]
    assert ticket is None or isinstance(ticket, str)
    return ticket


def test_q4_priority_then_transferred_then_normal(q: Driver) -> None:
    q(Issue(service="B01", id="t"), "09:00")  # B001 normal, earliest
    q(Issue(service="A01", id="t"), "09:01")  # A001, will be transferred to B
    q(Issue(service="B01", priority=True, id="t"), "09:02")  # B002 priority, latest
    q(Call(window="W01", id="t"), "09:03")
    q(Transfer(window="W01", service="B02", id="t"), "09:04")
    assert [called(q, "W03", t) for t in ("09:05", "09:06", "09:07")] == ["B002", "A001", "B001"]


def test_q4_transferred_tickets_keep_their_original_issue_time(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")  # A001
    q(Issue(service="C01", id="t"), "09:01")  # C001
    q(Call(window="W05", id="t"), "09:02")
    q(Call(window="W01", id="t"), "09:03")
    q(Transfer(window="W05", service="B01", id="t"), "09:04")  # C001 (issued 09:01) to B
    # A001 (issued 09:00) to B: called first
    q(Transfer(window="W01", service="B01", id="t"), "09:05")
    assert called(q, "W03", "09:06") == "A001"
    assert called(q, "W04", "09:06") == "C001"


def test_q4_fifo_window_takes_oldest_across_its_categories(q: Driver) -> None:
    q(Issue(service="C01", id="t"), "09:00")
    q(Issue(service="A01", id="t"), "09:01")
    assert called(q, "W09", "09:02") == "C001"
    assert called(q, "W10", "09:02") == "A001"


def test_q4_ordered_strategy_takes_first_nonempty_category_in_window_order(q: Driver) -> None:
    hall = q.hall.model_copy(
        update={
            "windows": [
                w.model_copy(update={"strategy": "ordered", "categories": ["B", "A"]})
                if w.id == "W09"
                else w
                for w in q.hall.windows
            ]
        }
    )
    q.hall = hall
    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="A01", priority=True, id="t"), "09:01")
    q(Issue(service="B01", id="t"), "09:02")
    assert called(q, "W09", "09:03") == "B001"  # B first in this window's order
    assert called(q, "W09", "09:04") == "A002"  # then A, priority tier first


def test_q3_green_channel_window_takes_priority_tickets_of_every_category_first(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="Z01", priority=True, id="t"), "09:01")  # Z is not one of W10's categories
    assert called(q, "W10", "09:02") == "Z001"
    assert called(q, "W09", "09:03") == "A001"  # a normal comprehensive window does not


def test_q4_skipped_held_and_called_tickets_are_not_eligible(q: Driver) -> None:
    for t in ("09:00", "09:01", "09:02"):
        q(Issue(service="A01", id="t"), t)
    q(Call(window="W01", id="t"), "09:03")
    q(Skip(window="W01", id="t"), "09:04")
    q(Call(window="W01", id="t"), "09:05")
    q(Hold(window="W01", id="t"), "09:06")
    q(Call(window="W02", id="t"), "09:07")
    assert public(q(Call(window="W01", id="t"), "09:08").events) == [
        {"event": "call.empty", "window": "W01"}
    ]


def test_q5_next_while_serving_finishes_the_current_ticket(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="A01", id="t"), "09:01")
    q(Call(window="W01", id="t"), "09:02")
    out = q(Call(window="W01", id="t"), "09:10")
    assert [e.public() for e in out.events] == [
        {"event": "ticket.finished", "ticket": "A001", "window": "W01"},
        {"event": "ticket.called", "ticket": "A002", "window": "W01"},
    ]
    # The finish is implied by "next": the §5 replay shows one line for the call.
    assert public(out.events) == [{"event": "ticket.called", "ticket": "A002", "window": "W01"}]
    assert q.state.tickets["2026-11-23/A001"].status == "done"


def test_q5_recall_at_most_three_times(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Call(window="W01", id="t"), "09:01")
    for _ in range(3):
        assert public(q(Recall(window="W01", id="t"), "09:02").events) == [
            {"event": "ticket.recalled", "ticket": "A001", "window": "W01"}
        ]
    out = q(Recall(window="W01", id="t"), "09:03")
    assert refused(out) == "recall_limit"
    assert public(out.events) == [
        {"event": "recall.refused", "window": "W01", "reason": "recall_limit"}
    ]


def test_q5_reactivated_ticket_rejoins_at_its_original_issue_time(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="A01", id="t"), "09:01")
    q(Call(window="W01", id="t"), "09:02")
    q(Skip(window="W01", id="t"), "09:03")
    q(Issue(service="A01", id="t"), "09:04")
    out = q(Reactivate(ticket="A001", id="t"), "09:05")
    assert public(out.events) == [{"event": "ticket.reactivated", "ticket": "A001"}]
    assert called(q, "W02", "09:06") == "A001"  # before A002 and A003


def test_q5_only_a_skipped_ticket_can_be_reactivated(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    assert refused(q(Reactivate(ticket="A001", id="t"), "09:01")) == "not_skipped"
    assert refused(q(Reactivate(ticket="A009", id="t"), "09:01")) == "unknown_ticket"


def test_q5_hold_frees_the_window_and_resume_brings_the_ticket_back(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Issue(service="A01", id="t"), "09:01")
    q(Call(window="W01", id="t"), "09:02")
    assert public(q(Hold(window="W01", id="t"), "09:03").events) == [
        {"event": "ticket.held", "ticket": "A001", "window": "W01"}
    ]
    q(Call(window="W01", id="t"), "09:04")
    assert refused(q(ResumeTicket(window="W01", id="t"), "09:05")) == "window_busy"
    q(Finish(window="W01", id="t"), "09:10")
    assert public(q(ResumeTicket(window="W01", id="t"), "09:11").events) == [
        {"event": "ticket.resumed", "ticket": "A001", "window": "W01"}
    ]
    assert q.state.windows["W01"].current == "2026-11-23/A001"


def test_q5_pause_refuses_calls_until_resume(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    assert public(q(Pause(window="W01", id="t"), "09:01").events) == [
        {"event": "window.paused", "window": "W01"}
    ]
    out = q(Call(window="W01", id="t"), "09:02")
    assert public(out.events) == [{"event": "call.refused", "window": "W01", "reason": "paused"}]
    assert public(q(Resume(window="W01", id="t"), "09:03").events) == [
        {"event": "window.resumed", "window": "W01"}
    ]
    assert called(q, "W01", "09:04") == "A001"


def test_q5_staff_leaving_the_window_pauses_it_and_login_lifts_that_pause(q: Driver) -> None:
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    out = q(Logout(window="W01", id="t"), "10:00")
    assert [e.kind for e in out.events] == ["window.logout", "window.paused"]
    assert refused(q(Call(window="W01", id="t"), "10:01")) == "paused"
    q(Login(window="W01", staff="S002", id="t"), "10:05")
    assert not q.state.windows["W01"].paused


def test_q5_a_window_nobody_is_signed_in_at_does_not_call_until_a_login(
    controller_q: Driver,
) -> None:
    """The controller's rule: every call names who serves (Q5, Q6, Q7, Q15)."""
    q = controller_q
    q(Issue(service="A01", id="t"), "09:00")
    before = q.state
    out = q(Call(window="W01", id="t"), "09:01")
    assert refused(out) == "not_logged_in" and out.state is before
    assert out.refusal is not None
    assert out.refusal.message_zh == "窗口没有工作人员登录，请先登录"
    assert out.refusal.message_en == "Nobody is signed in at this window: sign in first"
    assert public(out.events) == [
        {"event": "call.refused", "window": "W01", "reason": "not_logged_in"}
    ]
    assert refused(q(Logout(window="W01", id="t"), "09:01")) == "not_logged_in"
    ok(q(Login(window="W01", staff="S001", id="t"), "09:02"))
    assert called(q, "W01", "09:03") == "A001"
    assert q.state.tickets[q.state.windows["W01"].current or ""].staff == "S001"


def test_q5_resume_ticket_is_a_call_and_needs_someone_signed_in(controller_q: Driver) -> None:
    """A held ticket called again is served by whoever is signed in then: nobody, no call."""
    q = controller_q
    q(Issue(service="A01", id="t"), "09:00")
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    q(Call(window="W01", id="t"), "09:01")
    q(Hold(window="W01", id="t"), "09:02")
    q(Logout(window="W01", id="t"), "09:03")
    before = q.state
    out = q(ResumeTicket(window="W01", id="t"), "09:04")
    assert refused(out) == "not_logged_in" and out.state is before
    assert refused(q(Call(window="W01", id="t"), "09:04")) == "not_logged_in"
    q(Login(window="W01", staff="S002", id="t"), "09:05")
    assert ok(q(ResumeTicket(window="W01", id="t"), "09:06"))["ticket"] == "A001"
    assert q.state.tickets[q.state.windows["W01"].current or ""].staff == "S002"


def test_q5_transfer_to_unknown_service_is_refused_and_changes_nothing(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    q(Call(window="W01", id="t"), "09:01")
    before = q.state
    out = q(Transfer(window="W01", service="Q77", id="t"), "09:02")
    assert refused(out) == "unknown_service" and out.state is before


def test_q5_actions_without_a_current_ticket_are_refused(q: Driver) -> None:
    for op in (
        Recall(window="W01", id="t"),
        Skip(window="W01", id="t"),
        Finish(window="W01", id="t"),
        Hold(window="W01", id="t"),
        Transfer(window="W01", service="B01", id="t"),
    ):
        assert refused(q(op, "09:00")) == "no_current_ticket"
    assert refused(q(Call(window="W99", id="t"), "09:00")) == "unknown_window"


def test_q4_tickets_issued_at_the_same_time_are_called_in_issue_order(q: Driver) -> None:
    """Equal issue times (a script may repeat ``at``): the ticket issued first is first, at a
    comprehensive window too, whatever the category letters say."""
    q(Issue(service="B01", id="t"), "09:00")  # B001, issued first
    q(Issue(service="A01", id="t"), "09:00")  # A001
    q(Issue(service="E01", priority=True, id="t"), "09:00")  # E001
    q(Issue(service="C01", priority=True, id="t"), "09:00")  # C001
    order = [called(q, w, "09:01") for w in ("W09", "W10", "W09", "W10")]
    assert order == ["E001", "C001", "B001", "A001"]


def test_q5_q8_a_skipped_ticket_is_reactivated_by_number_before_the_next_opening(
    q: Driver,
) -> None:
    """Yesterday's tickets are served until the next opening; their numbers still name them."""
    tuesday = q.day + dt.timedelta(days=1)
    q(Issue(service="D01", id="t"), "16:00")
    q(Call(window="W06", id="t"), "16:50")
    q(Skip(window="W06", id="t"), "16:55")
    out = q(Reactivate(ticket="D001", id="t"), "08:30", tuesday)
    assert public(out.events) == [{"event": "ticket.reactivated", "ticket": "D001"}]
    assert called(q, "W06", "08:31") == "D001"
