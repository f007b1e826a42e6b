"""The citizens' booking pages (网上预约, Q12) on the public listener: ``/book`` and below.

A citizen picks a service, a workday and a slot (what is left shown; a slot the lead time,
a full slot, one past or cancelled by the hall greyed with the reason in words), gives a
mobile number and gets the booking code as text and as a QR code to scan at the kiosk;
``/book/cancel`` cancels by code and that number. Everything shown comes from the
controller (``queue/slots``) and every booking and cancellation is its command
(``queue/book``, ``queue/cancel_booking``, sent by the console with nobody signed in): a
slot posted against the page's advice is still refused by the controller, in its words.

Each POST carries the page's CSRF token, a random value in a cookie of this listener and in
the form (double submit, as the staff console's sign-in form): a form another site posts
lacks it and sends nothing. Each rendered form has its own nonce, so a resent form (a
reload, a double click) is the same command and books once.

Registered on the citizens' listener by ``console.public`` (``register(app, kit)``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import ValidationError

from bus.models.mobile import MOBILE_MESSAGE, is_mobile, normalise_mobile
from bus.models.replies import SlotDay, SlotsResult
from config.schema import Item
from console.bookings import day_label
from console.commands import Answer, fresh_id
from console.i18n import Lang, split_message, tr
from console.qr import qr_svg

if TYPE_CHECKING:
    from console.public import PublicKit

BOOK_DAYS = 14
"""The day list: today and the next 13 days (a later day by the date field)."""
CSRF_COOKIE = "hall_book_csrf"
_NONCE = re.compile(r"^[0-9a-f]{16}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_of(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` of an address or the date field, or None."""
    try:
        return dt.date.fromisoformat(text) if _DAY.match(text) else None
    except ValueError:
        return None


def _said(text: str, lang: Lang) -> str:
    """A controller's ``中文 / English`` in the page's language."""
    zh, en = split_message(text)
    return zh if lang == "zh" else en


def _answer_said(answer: Answer, lang: Lang) -> str:
    if answer.code == "no_answer":
        return tr("pub_unavailable_hint", lang)
    return (answer.zh if lang == "zh" else answer.en) or answer.code


def _command_id(kind: str, nonce: str, *fields: str) -> str:
    """One id per rendered form and what it says: a resend books once, a changed form anew."""
    digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:12]
    return f"citizen-{kind}-{nonce}-{digest}"


def day_summary(day: SlotDay, lang: Lang) -> dict[str, Any]:
    """A day in the list: open slots and places left, or why none may be booked."""
    open_slots = [s for s in day.slots if s.status == "open"]
    reasons = [s.reason for s in day.slots if s.reason]
    lead = next((s.reason for s in day.slots if s.status == "lead_time"), "")
    why = lead or (reasons[0] if reasons and not open_slots else "")
    if not open_slots and all(s.status == "full" for s in day.slots):
        why = tr("book_day_full", lang)
    return {
        "date": day.date,
        "label": day_label(day.date, lang),
        "open": bool(open_slots),
        "left": sum(s.left for s in open_slots),
        "why": _said(why, lang) if why else "",
    }


def slot_why(status: str, reason: str, lang: Lang, lead_days: int) -> str:
    """Why one slot may not be booked, short (the day's rule stands above the slots); a
    cancelled slot with the hall's reason."""
    if status in ("lead_time", "full", "past"):
        return tr(f"book_slot_{status}", lang, days=lead_days)
    return _said(reason, lang) if reason else ""


def register(app: FastAPI, kit: PublicKit) -> None:
    """Add ``/book`` (services), ``/book/<service>`` (days), ``/book/<service>/<day>``
    (slots, and the booking's POST) and ``/book/cancel`` to the citizens' app."""
    state, sender = kit.state, kit.sender
    hall = state.hall

    def items() -> list[Item]:
        return [i for i in hall.items if i.appointment_capacity != 0]

    def item_of(code: str) -> Item | None:
        item = hall.item(code)
        return item if item is not None and item.appointment_capacity != 0 else None

    def csrf_of(request: Request) -> str:
        token = request.cookies.get(CSRF_COOKIE) or ""
        return token if re.fullmatch(r"[A-Za-z0-9_-]{22}", token) else secrets.token_urlsafe(16)

    def csrf_ok(request: Request, form: Mapping[str, Any]) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        sent = str(form.get("csrf") or "")
        return bool(cookie) and secrets.compare_digest(cookie, sent)

    def page(request: Request, template: str, *, status: int = 200, **ctx: Any) -> Response:
        """A booking page with the CSRF cookie its forms need."""
        token = csrf_of(request)
        response = kit.page(
            request, template, status, csrf=token, nonce=secrets.token_hex(8),
            lead_days=hall.appointments.lead_days, **ctx,
        )  # fmt: skip
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response

    def not_found(request: Request) -> Response:
        return kit.page(request, "public/no_page.html", 404)

    async def slots_of(service: str, first: dt.date, last: dt.date) -> SlotsResult | None:
        answer = await sender.send(
            "queue", "slots", fresh_id("slots"),
            {"service": service, "from": first.isoformat(), "to": last.isoformat()},
            acting_user=None,
        )  # fmt: skip
        if not answer.ok:
            return None
        try:
            return SlotsResult.model_validate(answer.result)
        except ValidationError:
            return None

    def names(item: Item, lang: Lang) -> dict[str, Any]:
        category = hall.category(item.category)
        department = hall.department(category.department) if category else None
        dept = ""
        if department is not None:
            dept = department.name_en if lang == "en" and department.name_en else department.name
        name = item.name_en if lang == "en" and item.name_en else item.name
        return {"item_name": name, "department_name": dept}

    # Services ----------------------------------------------------------------------------

    @app.get("/book")
    async def book_services(request: Request) -> Response:
        lang = kit.lang_of(request)
        groups: dict[str, dict[str, Any]] = {}
        for item in items():
            label = names(item, lang)["department_name"] or item.category
            groups.setdefault(label, {"name": label, "items": []})["items"].append(item)
        return page(request, "public/book_services.html", groups=list(groups.values()))

    # Cancelling (before /book/<service>, which would take "cancel" for a service) ----------

    @app.get("/book/cancel")
    async def cancel_form(request: Request) -> Response:
        return page(request, "public/book_cancel.html", error="", done=None, code="")

    @app.post("/book/cancel")
    async def cancel(request: Request) -> Response:
        form = await request.form()
        lang = kit.lang_of(request)
        if not csrf_ok(request, form):
            return page(request, "public/book_cancel.html", status=403, error=tr("csrf", lang),
                        done=None, code="")  # fmt: skip
        code = str(form.get("code") or "").strip().upper()[:64]
        mobile = normalise_mobile(str(form.get("mobile") or ""))[:20]
        error = ""
        if not code:
            error = tr("book_need_code", lang)
        elif not is_mobile(mobile):
            error = _said(MOBILE_MESSAGE, lang)
        if error:
            return page(request, "public/book_cancel.html", error=error, done=None, code=code)
        nonce = str(form.get("nonce") or "")
        nonce = nonce if _NONCE.match(nonce) else secrets.token_hex(8)
        answer = await sender.send(
            "queue", "cancel_booking", _command_id("cancel", nonce, code, mobile),
            {"code": code, "mobile": mobile, "reason": "群众网上取消 / cancelled online"},
            acting_user=None,
        )  # fmt: skip
        if not answer.ok:
            return page(request, "public/book_cancel.html", error=_answer_said(answer, lang),
                        done=None, code=code)  # fmt: skip
        return page(request, "public/book_cancel.html", error="", done=answer.result,
                    code=code, slot_text=_slot_text(answer.result.get("slot"), lang))  # fmt: skip

    def _slot_text(slot: object, lang: Lang) -> str:
        if not isinstance(slot, str):
            return ""
        start = dt.datetime.fromisoformat(slot).astimezone(hall.tz)
        return f"{day_label(start.date(), lang)} {start:%H:%M}"

    # Days --------------------------------------------------------------------------------

    @app.get("/book/{service}")
    async def book_days(request: Request, service: str) -> Response:
        item = item_of(service)
        if item is None:
            return not_found(request)
        picked = day_of(request.query_params.get("day") or "")
        if picked is not None:  # the date field: that day's slots
            return await slots_page(request, item, picked)
        lang = kit.lang_of(request)
        today = state.today()
        found = await slots_of(service, today, today + dt.timedelta(days=BOOK_DAYS - 1))
        if found is None:
            return kit.page(request, "public/unavailable.html", 503)
        return page(
            request, "public/book_days.html", item=item, **names(item, lang),
            days=[day_summary(d, lang) for d in found.days],
            first_day=found.first_day.isoformat(),
            first_label=day_label(found.first_day, lang),
            today=today.isoformat(),
        )  # fmt: skip

    # Slots and the booking ---------------------------------------------------------------

    async def slots_page(
        request: Request, item: Item, day: dt.date, *, status: int = 200, **extra: Any
    ) -> Response:
        lang = kit.lang_of(request)
        found = await slots_of(item.code, day, day)
        if found is None:
            return kit.page(request, "public/unavailable.html", 503)
        entries = found.days[0].slots if found.days else ()
        lead = next((s.reason for s in entries if s.status == "lead_time"), "")
        ctx: dict[str, Any] = {"error": "", "mobile": "", "chosen": ""} | extra
        return page(
            request, "public/book_slots.html", status=status, item=item, **names(item, lang),
            day=day.isoformat(), day_text=day_label(day, lang), workday=bool(found.days),
            slots=[
                {"start": s.start.isoformat(), "time": f"{s.start.astimezone(hall.tz):%H:%M}",
                 "end": f"{s.end.astimezone(hall.tz):%H:%M}", "left": s.left,
                 "capacity": s.capacity, "status": s.status,
                 "why": slot_why(s.status, s.reason, lang, found.lead_days)}
                for s in entries
            ],
            lead=_said(lead, lang) if lead else "",
            first_label=day_label(found.first_day, lang),
            **ctx,
        )  # fmt: skip

    @app.get("/book/{service}/{day}")
    async def book_slots(request: Request, service: str, day: str) -> Response:
        item, on = item_of(service), day_of(day)
        if item is None or on is None:
            return not_found(request)
        return await slots_page(request, item, on)

    @app.post("/book/{service}/{day}")
    async def book(request: Request, service: str, day: str) -> Response:
        item, on = item_of(service), day_of(day)
        if item is None or on is None:
            return not_found(request)
        form = await request.form()
        lang = kit.lang_of(request)
        slot = str(form.get("slot") or "")[:40]
        mobile = normalise_mobile(str(form.get("mobile") or ""))[:20]
        kept: dict[str, Any] = {"mobile": mobile, "chosen": slot}
        if not csrf_ok(request, form):
            return await slots_page(request, item, on, status=403, error=tr("csrf", lang), **kept)
        try:
            start = dt.datetime.fromisoformat(slot) if slot else None
        except ValueError:
            start = None
        if start is None:
            return await slots_page(request, item, on, error=tr("book_need_slot", lang), **kept)
        if not is_mobile(mobile):
            return await slots_page(request, item, on, error=_said(MOBILE_MESSAGE, lang), **kept)
        nonce = str(form.get("nonce") or "")
        nonce = nonce if _NONCE.match(nonce) else secrets.token_hex(8)
        answer = await sender.send(
            "queue", "book", _command_id("book", nonce, item.code, slot, mobile),
            {"service": item.code, "slot": start.isoformat(), "mobile": mobile},
            acting_user=None,
        )  # fmt: skip
        if not answer.ok:
            return await slots_page(request, item, on, error=_answer_said(answer, lang), **kept)
        code = str(answer.result.get("code", ""))
        booked = dt.datetime.fromisoformat(str(answer.result.get("slot"))).astimezone(hall.tz)
        size = dt.timedelta(minutes=hall.appointments.slot_minutes)
        return page(
            request, "public/book_done.html", item=item, **names(item, lang), code=code,
            qr=qr_svg(code, tr("book_qr_label", lang, code=code)),
            slot_text=f"{day_label(booked.date(), lang)} {booked:%H:%M}–{booked + size:%H:%M}",
            mobile=str(answer.result.get("mobile") or ""),
            before=hall.appointments.checkin_before_minutes,
            after=hall.appointments.checkin_after_minutes,
        )  # fmt: skip
