"""Q12 bookings as a citizen's page and the manager make them: the mobile number (masked in
every event and reply, at most three unused bookings a number), the citizen's cancellation by
code and number, the hall cancelling a slot 8 hours ahead (002 四(七)7) with whom to tell,
and the slots a booking page shows (capacity left, the lead time, rest days)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bus.models.queue import Book, BookingsQuery, CancelBooking, CancelSlot, Checkin, SlotsQuery
from config.schema import HallConfig
from hallqueue.engine import records_of, state_from_records, to_record
from hallqueue.engine.hours import WorkdayCalendarProtocol, make_ctx
from hallqueue.engine.slots import bookings, day_range_refusal, slots
from tests.unit.queue.conftest import Driver, booking, ok, refused

MONDAY = dt.date(2026, 11, 23)
THURSDAY = dt.date(2026, 11, 26)
FRIDAY = dt.date(2026, 11, 27)
MOBILE = "13812345678"


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = (int(p) for p in hhmm.split(":"))
    return dt.datetime(
        day.year, day.month, day.day, h, m, tzinfo=dt.timezone(dt.timedelta(hours=8))
    )


def cancel(code: str, mobile: str | None) -> CancelBooking:
    fields: dict[str, object] = {"id": "t", "code": code}
    if mobile is not None:
        fields["mobile"] = mobile
    return CancelBooking.model_validate(fields)


def by_hall(op: CancelBooking) -> CancelBooking:
    """What the controller makes of a cancellation without a number (the manager's)."""
    return op.model_copy(update={"by_hall": True})


def test_the_mobile_number_is_kept_whole_but_every_event_and_reply_masks_it(q: Driver) -> None:
    out = q(booking("A01", at(THURSDAY, "10:00"), MOBILE), "09:00")
    reply = ok(out)
    assert reply["mobile"] == "138****5678"
    (event,) = [e for e in out.events if e.kind == "appointment.booked"]
    said = json.dumps({**event.public(), **event.detail()}, ensure_ascii=False)
    assert "138****5678" in said and MOBILE not in said
    assert MOBILE not in json.dumps(reply, default=str)
    # the store keeps it whole (the manager tells the citizen on it) and rebuilds it
    assert q.state.appointments[reply["code"]].mobile == MOBILE


def test_a_booking_from_a_node_needs_a_valid_mobile_number() -> None:
    base = {"id": "t", "service": "A01", "slot": "2026-11-26T10:00:00+08:00"}
    with pytest.raises(ValueError, match="mobile"):
        Book.model_validate(base)
    for bad in ("1381234567", "12812345678", "138123456789", "abcdefghijk"):
        with pytest.raises(ValueError, match="11"):
            Book.model_validate({**base, "mobile": bad})
    book = Book.model_validate({**base, "mobile": MOBILE})
    assert MOBILE not in repr(book) and "138****5678" in repr(book)
    assert book.model_dump(mode="json")["mobile"] == "138****5678"  # the audit log's dump
    assert book.model_dump(mode="json", context={"wire": True})["mobile"] == MOBILE


def test_at_most_three_unused_bookings_per_mobile_number_refused_in_words(q: Driver) -> None:
    codes = [
        ok(q(booking("A01", at(THURSDAY, hhmm), MOBILE), "09:00"))["code"]
        for hhmm in ("09:00", "09:30", "10:00")
    ]
    out = q(booking("A02", at(FRIDAY, "10:00"), MOBILE), "09:00")
    assert refused(out) == "mobile_limit"
    assert out.refusal is not None and "3个" in out.refusal.message_zh
    ok(q(booking("A02", at(FRIDAY, "10:00"), "13912345678"), "09:00"))  # another number may
    # a cancelled booking no longer counts; nor does one used at the kiosk
    ok(q(cancel(codes[0], MOBILE), "09:05"))
    ok(q(booking("A02", at(FRIDAY, "10:30"), MOBILE), "09:06"))
    ok(q(Checkin(code=codes[1], id="t"), "09:15", THURSDAY))
    ok(q(booking("A02", at(dt.date(2026, 11, 30), "10:30"), MOBILE), "09:20", THURSDAY))


def test_the_citizen_cancels_with_code_and_number_a_guessed_code_cancels_nothing(
    q: Driver,
) -> None:
    code = ok(q(booking("A01", at(THURSDAY, "10:00"), MOBILE), "09:00"))["code"]
    for wrong in (cancel(code, "13900000000"), cancel("A01-202611261000-9", MOBILE)):
        out = q(wrong, "09:10")
        assert refused(out) == "unknown"
        assert out.refusal is not None and "手机号" in out.refusal.message_zh
    assert q.state.appointments[code].status.value == "booked"
    reply = ok(q(cancel(code, MOBILE), "09:11"))
    assert reply["code"] == code and reply["service"] == "A01"
    assert q.state.appointments[code].status.value == "cancelled"
    assert not q.state.appointments[code].cancelled_by_hall


def test_the_hall_cancels_a_slot_8_hours_ahead_and_learns_whom_to_tell(q: Driver) -> None:
    a = ok(q(booking("B01", at(THURSDAY, "10:00"), MOBILE), "09:00"))["code"]
    b = ok(q(booking("B01", at(THURSDAY, "10:15"), "13987654321"), "09:01"))["code"]
    other = ok(q(booking("B01", at(THURSDAY, "10:30"), "13700000001"), "09:02"))["code"]
    op = CancelSlot(id="t", service="B01", slot=at(THURSDAY, "10:00"), reason="系统升级")
    late = q(op, "02:00:01", THURSDAY)  # 7 h 59 m 59 s ahead
    assert refused(late) == "short_notice"
    assert late.refusal is not None and "8小时" in late.refusal.message_zh
    out = q(op, "02:00", THURSDAY)  # exactly 8 hours ahead: in time
    reply = ok(out)
    assert reply["cancelled"] == [
        {"code": a, "mobile": "138****5678"},
        {"code": b, "mobile": "139****4321"},
    ]
    assert {e.kind for e in out.events} >= {"appointment.cancelled", "slot.cancelled"}
    said = json.dumps([{**e.public(), **e.detail()} for e in out.events], ensure_ascii=False)
    assert MOBILE not in said and "13987654321" not in said
    assert q.state.appointments[other].status.value == "booked"  # the next slot stands
    assert refused(q(op, "02:02", THURSDAY)) == "slot_cancelled"


def test_the_hall_cancelling_one_booking_keeps_the_8_hour_rule(q: Driver) -> None:
    code = ok(q(booking("A01", at(THURSDAY, "10:00"), MOBILE), "09:00"))["code"]
    assert refused(q(by_hall(cancel(code, None)), "03:00", THURSDAY)) == "short_notice"
    ok(q(by_hall(cancel(code, None)), "01:59", THURSDAY))


def test_a_cancelled_slot_survives_a_restart(q: Driver, hall: HallConfig) -> None:
    ok(q(booking("B01", at(THURSDAY, "10:00"), MOBILE), "09:00"))
    ok(q(CancelSlot(id="t", service="B01", slot=at(THURSDAY, "10:00"), reason="停电"), "09:01"))
    rows = [(k, key, json.loads(json.dumps(to_record(e)))) for k, key, e in records_of(q.state)]
    rebuilt = state_from_records(hall, rows, q.at("09:02"))
    assert rebuilt.cancelled_slots == q.state.cancelled_slots
    assert rebuilt.appointments == q.state.appointments
    q.state = rebuilt
    # nobody may book the cancelled slot again; the reason is said
    again = q(booking("B01", at(THURSDAY, "10:10")), "09:03")
    assert refused(again) == "slot_cancelled"
    assert again.refusal is not None and "停电" in again.refusal.message_zh


def _slots(
    q: Driver, calendar: WorkdayCalendarProtocol, day_from: dt.date, day_to: dt.date, now: str
) -> dict[tuple[dt.date, str], tuple[str, int, str]]:
    ctx = make_ctx(q.hall, calendar, q.at(now))
    result = slots(ctx, q.state, "A01", day_from, day_to)
    return {
        (d.date, s.start.strftime("%H:%M")): (s.status, s.left, s.reason)
        for d in result.days
        for s in d.slots
    }


def test_the_slots_a_page_shows_are_what_the_engine_would_take(
    q: Driver, calendar: WorkdayCalendarProtocol
) -> None:
    for _ in range(4):
        ok(q(booking("A01", at(THURSDAY, "10:00")), "09:00"))
    ok(q(booking("A01", at(THURSDAY, "10:30")), "09:00"))
    ok(q(CancelSlot(id="t", service="A01", slot=at(THURSDAY, "11:00"), reason="培训"), "09:00"))
    shown = _slots(q, calendar, MONDAY, dt.date(2026, 11, 29), "09:05")
    days = sorted({day for day, _ in shown})
    assert days == [MONDAY, dt.date(2026, 11, 24), dt.date(2026, 11, 25), THURSDAY, FRIDAY]
    times = sorted(t for day, t in shown if day == THURSDAY)
    assert times[0] == "09:00" and times[-1] == "16:30" and len(times) == 16  # 09:00–17:00
    status, left, reason = shown[(dt.date(2026, 11, 25), "10:00")]
    assert (status, left) == ("lead_time", 4) and reason.startswith("须至少提前3天预约")
    assert shown[(MONDAY, "09:00")][0] == "past"
    assert shown[(THURSDAY, "10:00")][:2] == ("full", 0)
    assert shown[(THURSDAY, "10:30")][:2] == ("open", 3)
    assert shown[(THURSDAY, "11:00")][0] == "cancelled" and "培训" in shown[(THURSDAY, "11:00")][2]
    # each slot shown open is taken by the engine, each other one refused
    for (day, hhmm), (status, _left, _reason) in shown.items():
        probe = Driver(q.hall, calendar)
        probe.state = q.state
        out = probe(booking("A01", at(day, hhmm)), "09:05")
        assert out.ok == (status == "open"), (day, hhmm, status, out.refusal)


def test_a_day_range_is_bounded_and_in_order() -> None:
    assert day_range_refusal(FRIDAY, THURSDAY) is not None
    assert day_range_refusal(MONDAY, MONDAY + dt.timedelta(days=90)) is not None
    assert day_range_refusal(MONDAY, FRIDAY) is None
    assert (
        SlotsQuery.model_validate(
            {"id": "t", "service": "A01", "from": "2026-11-23", "to": "2026-11-27"}
        ).model_dump(mode="json", by_alias=True)["from"]
        == "2026-11-23"
    )


def test_the_bookings_list_masks_numbers_unless_the_manager_asks_them_whole(
    q: Driver, calendar: WorkdayCalendarProtocol
) -> None:
    ok(q(booking("A01", at(THURSDAY, "10:00"), MOBILE), "09:00"))
    ok(q(booking("B01", at(FRIDAY, "10:00"), "13987654321"), "09:00"))
    ok(q(CancelSlot(id="t", service="B01", slot=at(FRIDAY, "10:00"), reason="停电"), "09:01"))
    ctx = make_ctx(q.hall, calendar, q.at("09:02"))
    masked = bookings(ctx, q.state, THURSDAY, FRIDAY)
    assert [b.mobile for b in masked.bookings] == ["138****5678", "139****4321"]
    assert MOBILE not in masked.model_dump_json()
    whole = bookings(ctx, q.state, THURSDAY, FRIDAY, full_numbers=True)
    assert [b.mobile for b in whole.bookings] == [MOBILE, "13987654321"]
    assert [(c.service, c.reason) for c in whole.cancelled_slots] == [("B01", "停电")]
    only_b = bookings(ctx, q.state, THURSDAY, FRIDAY, "B01")
    assert [(b.service, b.status, b.cancelled_by_hall) for b in only_b.bookings] == [
        ("B01", "cancelled", True)
    ]
    assert (
        BookingsQuery.model_validate(
            {"id": "t", "from": "2026-11-26", "to": "2026-11-27"}
        ).full_numbers
        is False
    )
