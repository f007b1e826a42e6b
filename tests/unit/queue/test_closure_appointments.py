"""Window closure rules (Q11) and appointments (Q12)."""

from __future__ import annotations

import datetime as dt

from bus.models.queue import (
    Call,
    CancelBooking,
    Checkin,
    CloseWindow,
    Issue,
    Suspend,
    Tick,
    Unsuspend,
)
from tests.unit.queue.conftest import Driver, booking, ok, public, refused

THURSDAY = dt.date(2026, 11, 26)


def slot(hhmm: str, day: dt.date = THURSDAY) -> dt.datetime:
    h, m = (int(p) for p in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, h, m)


def test_q11_department_with_one_window_cannot_close_it(q: Driver) -> None:
    out = q(CloseWindow(window="W05", reason="培训", id="t"), "09:00")
    assert refused(out) == "department_too_small"
    assert "两个及以上" in out.refusal.message_zh  # type: ignore[union-attr]


def test_q11_at_most_one_of_up_to_four_windows(q: Driver) -> None:
    ok(q(CloseWindow(window="W01", reason="人员培训", id="t"), "09:00"))
    out = q(CloseWindow(window="W02", reason="人员培训", id="t"), "09:01")
    assert refused(out) == "too_many_closed"
    assert "最多同时关闭1个" in out.refusal.message_zh  # type: ignore[union-attr]


def test_q11_at_most_one_fifth_of_a_large_department(q: Driver) -> None:
    windows = [
        *q.hall.windows,
        *[
            q.hall.windows[0].model_copy(update={"id": f"W2{i}", "number": 20 + i})
            for i in range(8)
        ],
    ]  # shebao now has 10 windows: 2 may close
    q.hall = q.hall.model_copy(update={"windows": windows})
    ok(q(CloseWindow(window="W01", id="t"), "09:00"))
    ok(q(CloseWindow(window="W20", id="t"), "09:00"))
    assert refused(q(CloseWindow(window="W21", id="t"), "09:00")) == "too_many_closed"


def test_q11_comprehensive_windows_count_as_one_group_of_two(q: Driver) -> None:
    ok(q(CloseWindow(window="W09", reason="设备维修", id="t"), "09:00"))
    assert (
        refused(q(CloseWindow(window="W10", reason="设备维修", id="t"), "09:00"))
        == "too_many_closed"
    )
    ok(q(CloseWindow(window="W07", id="t"), "09:00"))  # other departments are counted on their own
    ok(q(CloseWindow(window="W03", id="t"), "09:00"))


def test_q11_closure_that_leaves_a_category_unserved_is_refused_naming_it(q: Driver) -> None:
    changed = {
        "W02": ["A", "C"],
        "W05": ["Z"],
        "W09": ["A", "B", "D", "E"],
        "W10": ["A", "B", "D", "E"],
    }  # now only W02 serves C
    q.hall = q.hall.model_copy(
        update={
            "windows": [
                w.model_copy(update={"categories": changed[w.id]}) if w.id in changed else w
                for w in q.hall.windows
            ]
        }
    )
    out = q(CloseWindow(window="W02", reason="培训", id="t"), "09:00")
    assert refused(out) == "category_unserved"
    assert out.refusal is not None and "C类业务" in out.refusal.message_zh
    # A stays served by W02, W09, W10
    ok(q(CloseWindow(window="W01", reason="培训", id="t"), "09:00"))


def test_q11_closed_window_cannot_call_and_reopens_when_due(q: Driver) -> None:
    q(Issue(service="A01", id="t"), "09:00")
    ok(q(CloseWindow(window="W01", reason="会议", until=q.at("11:00"), id="t"), "09:00"))
    assert public(q(Call(window="W01", id="t"), "09:01").events) == [
        {"event": "call.refused", "window": "W01", "reason": "window_closed"}
    ]
    assert ok(q(Call(window="W01", id="t"), "11:00"))["ticket"] == "A001"


def test_q11_closure_over_a_month_returns_the_window_to_the_pool(q: Driver) -> None:
    out = q(
        CloseWindow(window="W01", reason="装修", until=q.at("09:00", dt.date(2027, 1, 5)), id="t"),
        "09:00",
    )
    assert ok(out)["returns_to_pool"] is True


def test_q12_booking_lead_time_is_three_calendar_days(q: Driver) -> None:
    # Monday → Wednesday
    out = q(booking("A01", slot("10:00", dt.date(2026, 11, 25))), "09:00")
    # §5: book.refused carries the reason alone; the service is in the detail.
    assert public(out.events) == [{"event": "book.refused", "reason": "lead_time"}]
    assert out.events[0].detail()["service"] == "A01"
    out = q(booking("A01", slot("10:00")), "09:00")  # Thursday: 3 days
    assert public(out.events) == [
        {
            "event": "appointment.booked",
            "code": "A01-202611261000-1",
            "slot": "2026-11-26T10:00:00+08:00",
        }
    ]


def test_q12_slot_must_be_on_a_workday_within_hall_hours(q: Driver) -> None:
    assert (
        refused(q(booking("A01", slot("10:00", dt.date(2026, 11, 28))), "09:00")) == "not_workday"
    )
    assert refused(q(booking("A01", slot("17:00")), "09:00")) == "outside_hours"
    assert refused(q(booking("A01", slot("08:30")), "09:00")) == "outside_hours"
    # inside the last slot, 16:30–17:00
    ok(q(booking("A01", slot("16:45")), "09:00"))
    assert refused(q(booking("X01", slot("10:00")), "09:00")) == "unknown_service"


def test_q12_slot_capacity_per_service(q: Driver) -> None:
    for _ in range(4):
        ok(q(booking("A01", slot("10:00")), "09:00"))
    assert refused(q(booking("A01", slot("10:00")), "09:00")) == "full"
    # A time inside the 10:00–10:30 slot counts against that slot's capacity.
    assert refused(q(booking("A01", slot("10:15")), "09:00")) == "full"
    ok(q(booking("A01", slot("10:30")), "09:00"))
    # another service has its own capacity
    ok(q(booking("A02", slot("10:00")), "09:00"))


def test_q12_checkin_window_early_on_time_and_forfeited(q: Driver) -> None:
    codes = [ok(q(booking("A01", slot("10:00")), "09:00"))["code"] for _ in range(3)]
    assert refused(q(Checkin(code=codes[0], id="t"), "09:29", THURSDAY)) == "early"
    q(Issue(service="A01", id="t"), "09:30", THURSDAY)
    out = q(Checkin(code=codes[0], id="t"), "09:30", THURSDAY)
    assert public(out.events) == [
        {"event": "ticket.issued", "ticket": "A002", "service": "A01", "ahead": 0, "priority": True}
    ]
    # 30 minutes after the start: still in time
    ok(q(Checkin(code=codes[1], id="t"), "10:30", THURSDAY))
    assert refused(q(Checkin(code=codes[2], id="t"), "10:30:01", THURSDAY)) == "forfeited"
    assert refused(q(Checkin(code="nope", id="t"), "10:31", THURSDAY)) == "unknown"
    assert refused(q(Checkin(code=codes[0], id="t"), "10:31", THURSDAY)) == "checked_in"


def test_q12_forfeited_booking_frees_the_slot_and_citizen_takes_a_normal_ticket(q: Driver) -> None:
    code = ok(q(booking("A01", slot("10:00")), "09:00"))["code"]
    out = q(Tick(), "10:31", THURSDAY)
    assert [e.public() for e in out.events if e.kind == "appointment.forfeited"] == [
        {"event": "appointment.forfeited", "code": code}
    ]
    assert ok(q(Issue(service="A01", id="t"), "10:32", THURSDAY))["priority"] is False


def test_q12_hall_cancels_at_least_8_hours_ahead(q: Driver) -> None:
    a = ok(q(booking("A01", slot("10:00")), "09:00"))["code"]
    b = ok(q(booking("A01", slot("10:00")), "09:00"))["code"]
    by_hall = {"by_hall": True}  # what the controller sets for the manager's console
    ok(q(CancelBooking(code=a, id="t").model_copy(update=by_hall), "09:00", dt.date(2026, 11, 25)))
    late = CancelBooking(code=b, id="t").model_copy(update=by_hall)
    assert refused(q(late, "03:00", THURSDAY)) == "short_notice"
    mobile = q.state.appointments[b].mobile
    # the citizen may cancel late, with the booking's mobile number
    ok(q(CancelBooking.model_validate({"id": "t", "code": b, "mobile": mobile}), "09:00", THURSDAY))


def test_q10_q12_no_check_in_while_the_item_is_suspended(q: Driver) -> None:
    """Q10: a suspended item gets no ticket, booked or not; after the suspension ends the
    booking checks in as usual within its window."""
    code = ok(q(booking("A01", slot("10:00")), "09:00"))["code"]
    q(Suspend(service="A01", notice="系统升级", id="t"), "09:00", THURSDAY)
    out = q(Checkin(code=code, id="t"), "09:45", THURSDAY)
    assert public(out.events) == [{"event": "checkin.refused", "reason": "suspended"}]
    q(Unsuspend(service="A01", id="t"), "10:00", THURSDAY)
    assert ok(q(Checkin(code=code, id="t"), "10:05", THURSDAY))["priority"] is True


def test_q12_checkin_refusal_has_the_reason_alone_as_in_section_5(q: Driver) -> None:
    out = q(Checkin(code="NO-SUCH", id="t"), "09:00")
    assert public(out.events) == [{"event": "checkin.refused", "reason": "unknown"}]
    assert out.events[0].detail()["code"] == "NO-SUCH"
