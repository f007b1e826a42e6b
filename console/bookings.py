"""The bookings page (预约管理, Q12): the day's and coming bookings per slot, cancelling a slot,
and whom to tell of a cancelled one.

What it shows comes from the controller's ``queue/bookings`` (the console keeps no bookings of
its own): today and the next ``DAYS_AHEAD`` days, the items the user manages (all for the
manager, a chief's department's). The manager asks with ``full_numbers`` and sees the
citizens' mobile numbers whole, to tell them of a slot the hall cancelled (002 四(七)7); a
chief sees them masked (138****5678), as the controller answers a chief. Cancelling a slot is
``queue/cancel_slot``; the controller decides (8 hours ahead at least) and says why not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bus.models.replies import BookingEntry, BookingsResult, CancelledSlotEntry
from config.schema import Item
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr
from console.notices import moment
from console.state import HallState
from console.windows import items_for

BOOKING_ROLES = frozenset({"manager", "chief"})
"""Who may open the bookings page (a chief for their department's items only)."""
FULL_NUMBER_ROLES = frozenset({"manager"})
"""Who sees the mobile numbers whole (the controller refuses anyone else's ask)."""
DAYS_AHEAD = 13
"""The page lists today and the next two weeks."""
WEEKDAYS_ZH = "一二三四五六日"


def day_label(day: dt.date, lang: Lang) -> str:
    """``11月27日（周五）`` or ``Fri 27 Nov``."""
    if lang == "zh":
        return f"{day.month}月{day.day}日（周{WEEKDAYS_ZH[day.weekday()]}）"
    return day.strftime("%a %-d %b")


def query_fields(state: HallState, session: Session) -> dict[str, Any]:
    """The ``queue/bookings`` this user's page asks: the range, and whole numbers for the
    manager only."""
    today = state.today()
    return {
        "from": today.isoformat(),
        "to": (today + dt.timedelta(days=DAYS_AHEAD)).isoformat(),
        "full_numbers": session.user.role in FULL_NUMBER_ROLES,
    }


def read_bookings(answer: Answer) -> BookingsResult | None:
    """The controller's list, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return BookingsResult.model_validate(answer.result)
    except ValidationError:
        return None


@dataclass
class SlotRow:
    """One slot of one item on the page, with its bookings."""

    service: str
    start: dt.datetime
    bookings: list[BookingEntry] = field(default_factory=list)
    cancelled: CancelledSlotEntry | None = None

    @property
    def held(self) -> int:
        """Bookings holding a place (booked or checked in)."""
        return sum(b.status in ("booked", "checked_in") for b in self.bookings)


@dataclass
class DayRows:
    day: dt.date
    label: str
    slots: list[SlotRow]


def bookings_context(
    state: HallState, session: Session, result: BookingsResult | None, lang: Lang
) -> dict[str, Any]:
    """What the page and its list show: the days with their slots, and whom to tell."""
    items = items_for(state, session)
    codes = {i.code for i in items}
    now = state.now()
    tz = state.hall.tz
    slots: dict[tuple[str, dt.datetime], SlotRow] = {}
    notify: list[BookingEntry] = []
    if result is not None:
        for b in result.bookings:
            if b.service not in codes:
                continue
            start = b.slot.astimezone(tz)
            row = slots.setdefault((b.service, start), SlotRow(b.service, start))
            row.bookings.append(b)
            if b.cancelled_by_hall and b.slot >= now:
                notify.append(b)
        for c in result.cancelled_slots:
            if c.service in codes:
                start = c.slot.astimezone(tz)
                slots.setdefault((c.service, start), SlotRow(c.service, start)).cancelled = c
    by_day: dict[dt.date, list[SlotRow]] = {}
    for row in sorted(slots.values(), key=lambda r: (r.start, r.service)):
        by_day.setdefault(row.start.date(), []).append(row)
    today = state.today()
    return {
        "booking_items": items,
        "item_names": {
            i.code: (i.name_en if lang == "en" and i.name_en else i.name) for i in items
        },
        "days": [DayRows(day, day_label(day, lang), rows) for day, rows in by_day.items()],
        "notify": sorted(notify, key=lambda b: (b.slot, b.service, b.code)),
        "loaded": result is not None,
        "full_numbers": result.full_numbers if result is not None else False,
        "hall_day": today.isoformat(),
        "last_day": (today + dt.timedelta(days=DAYS_AHEAD)).isoformat(),
        "hall_time": now.strftime("%H:%M"),
        "tz_name": state.hall.timezone,
        "notice_hours": state.hall.appointments.cancel_notice_hours,
        "slot_minutes": state.hall.appointments.slot_minutes,
        "day_label": lambda day: day_label(day, lang),
    }


def may_cancel(state: HallState, session: Session, service: str) -> bool:
    """Whether the item is one the page shows this user."""
    return any(i.code == service for i in items_for(state, session))


def cancel_fields(state: HallState, form: Mapping[str, Any]) -> dict[str, Any] | str:
    """The ``queue/cancel_slot`` fields of the form, or the text key of what is wrong."""
    service = str(form.get("service") or "")
    if not service:
        return "pick_slot_service"
    at = moment(state, str(form.get("slot_date") or ""), str(form.get("slot_time") or ""), "slot")
    if not isinstance(at, dt.datetime):
        return "bad_slot"
    return {
        "service": service,
        "slot": at.isoformat(),
        "reason": str(form.get("reason") or "").strip(),
    }


def item_name(items: list[Item], code: str, lang: Lang) -> str:
    for item in items:
        if item.code == code:
            return item.name_en if lang == "en" and item.name_en else item.name
    return code


def cancel_answer(
    answer: Answer, lang: Lang, state: HallState, session: Session
) -> tuple[bool, str]:
    """The controller's reply to a slot cancellation, in words: how many citizens to tell."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        return False, tr(
            "refused", lang, message=(answer.zh if lang == "zh" else answer.en) or answer.code
        )
    r = answer.result
    start = dt.datetime.fromisoformat(str(r.get("slot"))).astimezone(state.hall.tz)
    return True, tr(
        "done_cancel_slot",
        lang,
        service=item_name(items_for(state, session), str(r.get("service", "")), lang),
        day=day_label(start.date(), lang),
        time=start.strftime("%H:%M"),
        n=len(r.get("cancelled") or ()),
    )
