"""The channels of the booking pages' own commands (Q12): the hall cancelling a slot, a
service's free slots for the citizens' booking page, and the manager's list of bookings.

``queue/book``, ``queue/checkin`` and ``queue/cancel_booking`` stand with the other queue
commands (``command_channels``); these follow them.
"""

from __future__ import annotations

import datetime as dt

from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.models import queue
from bus.models.base import RefusalDetails, Reply
from bus.models.mobile import MobileNumber
from bus.models.replies import (
    BookingEntry,
    BookingsResult,
    CancelledSlotEntry,
    CancelSlotResult,
    Notified,
    SlotDay,
    SlotEntry,
    SlotsResult,
)

_M = Role.CONSOLE
_DAY = dt.date(2026, 11, 27)
"""A Friday, three days after the examples' booking day (城东's lead time)."""
_REASON = "系统升级，抵押登记暂停办理"
EXAMPLE_MOBILE = MobileNumber("13812345678")
"""The examples' citizen: in clear on the wire, 138****5678 in every reply and event."""


def _id(n: int) -> str:
    return f"c-20261124-b{n:03d}"


def _slot(hour: int, minute: int = 0) -> dt.datetime:
    return _at(hour, minute, _DAY)


_LEAD = "须至少提前3天预约 / Bookings must be made at least 3 days ahead"
SLOTS = SlotsResult(
    service="B01",
    lead_days=3,
    first_day=_DAY,
    days=(
        SlotDay(
            date=dt.date(2026, 11, 26),
            slots=(
                SlotEntry(
                    start=_at(9, 0, dt.date(2026, 11, 26)),
                    end=_at(9, 30, dt.date(2026, 11, 26)),
                    capacity=4, booked=0, left=4, status="lead_time", reason=_LEAD,
                ),
            ),
        ),
        SlotDay(
            date=_DAY,
            slots=(
                SlotEntry(start=_slot(9), end=_slot(9, 30), capacity=4, booked=1, left=3,
                          status="open"),
                SlotEntry(start=_slot(9, 30), end=_slot(10), capacity=4, booked=4, left=0,
                          status="full", reason="该时段预约已满 / This slot is fully booked"),
            ),
        ),
    ),
)  # fmt: skip
CANCELLED_SLOT = CancelSlotResult(
    service="B01",
    slot=_slot(10, 30),
    reason=_REASON,
    cancelled=(Notified(code="B01-202611271030-1", mobile="138****5678"),),
)
_BOOKING = BookingEntry(
    code="B01-202611271030-1",
    service="B01",
    slot=_slot(10, 30),
    status="cancelled",
    mobile="13812345678",
    booked_at=_at(9, 40),
    ticket=None,
    cancelled_at=_at(15, 0),
    cancelled_by_hall=True,
    cancel_reason=_REASON,
)
BOOKINGS = BookingsResult(
    full_numbers=True,
    bookings=(_BOOKING,),
    cancelled_slots=(
        CancelledSlotEntry(
            service="B01",
            slot=_slot(10, 30),
            reason=_REASON,
            cancelled_at=_at(15, 0),
            bookings=("B01-202611271030-1",),
        ),
    ),
)
_SHORT = "大厅取消预约须至少提前8小时告知 / The hall must cancel at least 8 hours ahead"
_WHOLE = "只有中心管理员可以查看完整手机号 / only the hall manager sees mobile numbers whole"

BOOKING_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        queue.CancelSlot,
        (_M,),
        (queue.CancelSlot(id=_id(1), service="B01", slot=_slot(10, 30), reason=_REASON),),
        reply_examples=(
            ok(_id(1), CANCELLED_SLOT),
            Example(
                Reply.failure(
                    _id(1),
                    "short_notice",
                    _SHORT,
                    RefusalDetails(
                        message_en="The hall must cancel at least 8 hours ahead", service="B01"
                    ),
                ),
                "less than 8 hours before the slot (002 四(七)7)",
            ),
        ),
    ),
    CommandChannel(
        queue.SlotsQuery,
        (_M,),
        (
            queue.SlotsQuery.model_validate(
                {"id": _id(2), "service": "B01", "from": "2026-11-26", "to": "2026-11-27"}
            ),
        ),
        reply_examples=(ok(_id(2), SLOTS),),
    ),
    CommandChannel(
        queue.BookingsQuery,
        (_M,),
        (
            queue.BookingsQuery.model_validate(
                {
                    "id": _id(3),
                    "from": "2026-11-27",
                    "to": "2026-11-27",
                    "full_numbers": True,
                }
            ),
        ),
        reply_examples=(
            ok(_id(3), BOOKINGS),
            Example(Reply.failure(_id(3), "forbidden", _WHOLE), "a chief asking full_numbers"),
        ),
    ),
]
"""The commands of the booking pages beyond book, check-in and cancel_booking."""
