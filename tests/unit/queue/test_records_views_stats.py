"""Records round trip (restart), op parsing (§5), views (Q1, Q4, Q10, Q13) and statistics (Q15)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from bus.models.queue import (
    Book,
    Call,
    CloseWindow,
    Finish,
    Hold,
    Issue,
    Login,
    Logout,
    Pause,
    Rate,
    Resume,
    Suspend,
)
from bus.models.views import EvaluatorStopped, StaffOnDuty, WindowStatus
from hallqueue.engine import (
    catalog_view,
    changes,
    queue_view,
    records_of,
    state_from_records,
    to_record,
    window_view,
)
from hallqueue.replay import parse_op, unknown_fields
from hallqueue.stats import compute_stats, staff_review_grades, write_csv
from tests.unit.queue.conftest import MONDAY, Driver, booking, ok


def busy_morning(q: Driver) -> None:
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    for t in ("09:00", "09:01", "09:02"):
        q(Issue(service="A01", id="t"), t)
    q(Issue(service="B01", priority=True, id="t"), "09:03")
    q(Call(window="W01", id="t"), "09:04")
    q(Finish(window="W01", id="t"), "09:12")
    q(Rate(window="W01", level=1, id="t"), "09:13")
    q(Call(window="W01", id="t"), "09:14")
    q(Hold(window="W01", id="t"), "09:15")
    q(booking("A01", dt.datetime(2026, 11, 26, 10, 0)), "09:16")
    q(Suspend(service="D01", notice="系统升级", id="t"), "09:17")
    q(CloseWindow(window="W02", reason="培训", id="t"), "09:18")
    q(Pause(window="W07", id="t"), "09:19")


def test_records_round_trip_through_json_rebuilds_the_same_state(q: Driver) -> None:
    busy_morning(q)
    records = json.loads(json.dumps([(k, key, to_record(e)) for k, key, e in records_of(q.state)]))
    rebuilt = state_from_records(q.hall, records, q.at("09:20"))
    assert rebuilt == q.state
    # and it behaves the same: the next number and the next call
    assert ok(q(Issue(service="A01", id="t"), "09:21"))["ticket"] == "A004"


def test_changes_lists_only_what_an_operation_changed(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    before = q.state
    q(Issue(service="A01", id="t"), "09:01")
    changed = {(kind, key) for kind, key, _ in changes(before, q.state)}
    assert changed == {("ticket", "2026-11-23/A002"), ("counter", "2026-11-23/A")}
    refused_before = q.state
    q(Issue(service="X1", id="t"), "09:02")
    assert list(changes(refused_before, q.state)) == []


def test_a_section_5_line_parses_into_the_command_model_and_bad_input_is_explained() -> None:
    """A line is the command a node would send, with the id the replay gives it."""
    line = {"op": "issue", "service": "A01", "priority": True, "at": "2026-11-23T09:00"}
    assert parse_op(line, "line-1") == Issue(service="A01", priority=True, id="line-1")
    book = parse_op({"op": "book", "service": "A01", "slot": "2026-11-26T10:00", "ref": "r1"})
    assert isinstance(book, Book) and book.slot == dt.datetime(2026, 11, 26, 10, 0)
    assert book.ref == "r1"  # a script may name a booking; a node may not (not on the wire)
    cases: list[tuple[dict[str, object], str]] = [
        ({"service": "A01"}, 'missing "op"'),
        ({"op": "dance"}, "unknown op"),
        ({"op": "call"}, "missing field 'window'"),
        ({"op": "rate", "window": "W01", "level": "5"}, "rate.level must be a whole number"),
        ({"op": "issue", "service": 1}, "issue.service must be a string, got 1"),
        ({"op": "issue", "service": "A01", "priority": 1}, "must be true or false"),
        ({"op": "book", "service": "A01", "slot": "tomorrow"}, "book.slot: not an ISO 8601"),
        ({"op": "book", "service": 5, "slot": "tomorrow"}, "book.service must be a string"),
        ({"op": "checkin"}, 'checkin: missing "code"'),
    ]
    for bad, words in cases:
        with pytest.raises(ValueError, match=words):
            parse_op(bad)


def test_a_script_warns_about_keys_its_operation_does_not_have_in_section_5() -> None:
    """Unknown keys, and what only a node sends (the evaluator's ticket, the kiosk's node),
    are named for a warning and left out; time, id and comment are the line's own."""
    line = {"op": "rate", "window": "W01", "level": 5, "ticket": "A001", "colour": 1, "v": 1}
    assert unknown_fields({**line, "at": "2026-11-23T09:00", "id": "x", "comment": ""}) == [
        "colour", "ticket", "v",
    ]  # fmt: skip
    assert parse_op(line) == Rate(window="W01", level=5, id="script")


def test_q5_q6_window_view_current_ticket_staff_pause_and_evaluator(q: Driver) -> None:
    q(Login(window="W01", staff="S001", id="t"), "09:00")
    q(Issue(service="A01", id="t"), "09:00")
    q(Call(window="W01", id="t"), "09:01")
    view = window_view(q.hall, q.state, "W01", q.at("09:01"))
    assert view.current is not None and view.current.ticket == "A001"
    assert view.status is WindowStatus.SERVING
    assert view.staff == StaffOnDuty(
        id="S001", name="张敏", staff_number="CD001", department="shebao"
    )
    q(Finish(window="W01", id="t"), "09:05")
    assert window_view(q.hall, q.state, "W01", q.at("09:06")).evaluator.state == "rating"
    q(Pause(window="W01", id="t"), "09:08")
    view = window_view(q.hall, q.state, "W01", q.at("09:08"))
    assert view.status is WindowStatus.PAUSED and view.display == "暂停服务"
    assert isinstance(view.evaluator, EvaluatorStopped) and view.evaluator.text == "停止服务"
    assert view.paused_since == q.at("09:08")  # the live hall's "paused too long" counts from it
    q(Resume(window="W01", id="t"), "09:30")
    assert window_view(q.hall, q.state, "W01", q.at("09:30")).paused_since is None


def test_a_window_nobody_signed_in_at_is_unstaffed_until_a_ticket_is_called_there(
    q: Driver,
) -> None:
    """Not serving means paused, closed or nobody signed in; a ticket at the window (a
    console caller that did not sign in) still shows, and the evaluator stops meanwhile."""
    view = window_view(q.hall, q.state, "W01", q.at("09:00"))
    assert view.status is WindowStatus.UNSTAFFED and view.display == "无人值守"
    assert view.evaluator.state == "stopped"
    q(Issue(service="A01", id="t"), "09:00")
    q(Call(window="W01", id="t"), "09:01")
    assert window_view(q.hall, q.state, "W01", q.at("09:01")).status is WindowStatus.SERVING


def _staff_in(q: Driver, *windows: str) -> None:
    staff = {"W01": "S001", "W02": "S002", "W09": "S009", "W10": "S010"}
    for w in windows:
        ok(q(Login(window=w, staff=staff[w], id="t"), "08:59"))


def test_q1_q4_estimated_wait_from_the_day_then_from_the_default(q: Driver) -> None:
    _staff_in(q, "W01", "W02", "W09", "W10")
    for t in ("09:00", "09:00", "09:00", "09:00"):
        q(Issue(service="A01", id="t"), t)
    view = queue_view(q.hall, q.state, q.at("09:00")).categories["A"]
    assert view.waiting == 4
    assert view.estimated_wait_minutes == 8  # 4 ahead × 8 min default ÷ 4 windows
    q(Call(window="W01", id="t"), "09:00")
    q(Finish(window="W01", id="t"), "09:20")  # observed: 20 minutes per citizen
    view = queue_view(q.hall, q.state, q.at("09:20")).categories["A"]
    assert view.mean_service_minutes == 20.0
    assert view.estimated_wait_minutes == 15  # 3 × 20 ÷ 4


def test_q1_q5_estimated_wait_counts_only_staffed_unpaused_windows(controller_q: Driver) -> None:
    q = controller_q
    for t in ("09:00", "09:00", "09:00", "09:00"):
        q(Issue(service="A01", id="t"), t)

    def category_a(hhmm: str) -> tuple[int, int]:
        view = queue_view(q.hall, q.state, q.at(hhmm)).categories["A"]
        return view.serving_windows, view.estimated_wait_minutes

    # Nobody signed in at any of A's four windows: shown as when none serves (all paused).
    unstaffed = category_a("09:00")
    assert unstaffed == (1, 32)  # 4 ahead × 8 min default, at least one window
    _staff_in(q, "W01", "W02", "W09", "W10")
    for w in ("W01", "W02", "W09", "W10"):
        ok(q(Pause(window=w, id="t"), "09:01"))
    assert category_a("09:01") == unstaffed
    for w in ("W01", "W02", "W09", "W10"):
        ok(q(Resume(window=w, id="t"), "09:02"))
    assert category_a("09:02") == (4, 8)
    ok(q(Logout(window="W09", id="t"), "09:03"))
    ok(q(Logout(window="W10", id="t"), "09:03"))
    assert category_a("09:03") == (2, 16)  # the two windows nobody is signed in at don't count
    # A replay counts a window never signed in as staffed (RULES §5): four serving.
    replayed = queue_view(q.hall, q.state, q.at("09:03"), anonymous_staff_until_logout=True)
    assert replayed.categories["A"].serving_windows == 2  # W09, W10 logged out: not staffed
    fresh = Driver(q.hall, q.calendar)
    for t in ("09:00", "09:00", "09:00", "09:00"):
        fresh(Issue(service="A01", id="t"), t)
    view = queue_view(fresh.hall, fresh.state, fresh.at("09:00"), anonymous_staff_until_logout=True)
    assert (view.categories["A"].serving_windows, view.categories["A"].estimated_wait_minutes) == (
        4,
        8,
    )


def test_q9_q10_q13_catalog_open_closed_suspended_caps_left_and_guide(q: Driver) -> None:
    q(Suspend(service="D01", notice="户籍系统升级", id="t"), "09:00")
    q(Issue(service="B01", id="t"), "09:00")
    view = catalog_view(q.hall, q.state, q.at("09:01"), q.calendar)
    assert view.items["D01"].status == "suspended"
    assert view.items["D01"].notice == "户籍系统升级"
    assert view.items["A01"].status == "open"
    assert view.categories["B"].left == 119
    assert catalog_view(q.hall, q.state, q.at("16:30"), q.calendar).items["A01"].status == "closed"
    guide = view.items["A03"].guide  # Q13: the one-time notice
    assert guide.type_zh == "承诺件" and guide.time_limit_workdays == 5
    assert guide.phone == "0000-12333" and guide.materials


def test_q15_statistics_per_category_window_staff_hour_and_csv(q: Driver) -> None:
    busy_morning(q)
    q(Call(window="W10", id="t"), "09:30")  # the priority B ticket: waited 27 minutes
    q(Finish(window="W10", id="t"), "09:40")
    q(Rate(window="W10", level=5, id="t"), "09:41")
    records = [(k, key, to_record(e)) for k, key, e in records_of(q.state)]
    stats = compute_stats(records, MONDAY, MONDAY, MONDAY + dt.timedelta(days=30))
    d = stats.total.result()
    assert (d.issued, d.served, d.rated) == (4, 2, 2)
    assert d.satisfaction_rate == 0.5
    assert d.by_category["B"].wait_mean_min == 27.0
    assert d.by_staff["S001"].served == 1
    assert d.peak_hours == ("09",)
    assert stats.workorders.open == 1
    assert stats.workorders.overdue == ("WO-2026-11-23/A001",)  # due 12-07, today 12-23
    out = io.StringIO()
    write_csv(stats, out)
    header, first = out.getvalue().splitlines()[:2]
    assert header.startswith("scope,dimension,group,issued,served")
    assert first.startswith("total,all,,4,2")


def test_q7_two_verified_bad_reviews_make_staff_unqualified_for_the_year(q: Driver) -> None:
    from bus.models.queue import UpdateWorkorder

    q(Login(window="W01", staff="S001", id="t"), "09:00")
    keys = []
    for t in ("10:00", "11:00"):
        q(Issue(service="A01", id="t"), t)
        q(Call(window="W01", id="t"), t)
        q(Finish(window="W01", id="t"), t)
        keys.append(ok(q(Rate(window="W01", level=1, id="t"), t))["workorder"])
    q(UpdateWorkorder(workorder=keys[0], step="verify", verified=True, id="t"), "12:00")
    records = [(k, key, to_record(e)) for k, key, e in records_of(q.state)]
    assert staff_review_grades(records, 2026).staff["S001"].unqualified is False
    q(UpdateWorkorder(workorder=keys[1], step="verify", verified=True, id="t"), "12:01")
    records = [(k, key, to_record(e)) for k, key, e in records_of(q.state)]
    grade = staff_review_grades(records, 2026).staff["S001"]
    assert grade.unqualified is True and grade.excellent_barred is True


def test_changed_records_are_what_changes_finds_between_states(q: Driver) -> None:
    """The store may write ``changed_records(outcome)`` instead of diffing whole states."""
    from bus.models.queue import Tick
    from hallqueue.engine import changed_records

    busy_morning(q)
    q(Issue(service="A01", id="t"), "16:00")
    for op, at, day in [
        (Call(window="W01", id="t"), "16:01", None),
        (Tick(), "09:00", MONDAY + dt.timedelta(days=1)),  # rollover and expiry
        (Issue(service="A01", id="t"), "09:01", MONDAY + dt.timedelta(days=1)),
        (Tick(), "09:00", MONDAY + dt.timedelta(days=2)),  # retires yesterday's history
    ]:
        before = q.state
        out = q(op, at, day)
        expected = {(k, key): e for k, key, e in changes(before, out.state)}
        assert {(k, key): e for k, key, e in changed_records(out)} == expected
