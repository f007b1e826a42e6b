"""The bookings page of the staff console (预约管理, Q12): ``/bookings`` and its action.

Registered by ``create_app`` like the notices and windows pages (``register(app, kit)``).
The page asks the controller for the bookings (``queue/bookings``) on every load and after
every action; the manager's ask carries ``full_numbers``, a chief's does not.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from bus.models.replies import BookingsResult
from console.auth import Session
from console.bookings import (
    BOOKING_ROLES,
    bookings_context,
    cancel_answer,
    cancel_fields,
    may_cancel,
    query_fields,
    read_bookings,
)
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/bookings`` and ``/bookings/cancel_slot`` to the staff console."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require, forbidden = kit.page, kit.require, kit.forbidden

    async def listed(session: Session) -> BookingsResult | None:
        """The controller's bookings as this user may see them (None: it did not answer)."""
        answer = await sender.send(
            "queue", "bookings", fresh_id("bookings"),
            query_fields(state, session), acting_user=session.user.user,
        )  # fmt: skip
        return read_bookings(answer)

    @app.get("/bookings")
    async def bookings_page(request: Request) -> Response:
        got = await require(request, BOOKING_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        found = await listed(session)
        return page(
            request,
            "bookings.html",
            session=session,
            cid=session.new_cid(),
            **bookings_context(state, session, found, lang_of(request)),
        )

    @app.post("/bookings/cancel_slot")
    async def cancel_slot(request: Request) -> Response:
        got = await require(request, BOOKING_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        cid = str(form.get("cid") or "")
        if not session.owns_cid(cid):
            return page(request, "_answer.html", 409, ok=False, text=tr("csrf", lang),
                        next_cid=session.new_cid())  # fmt: skip
        fields = cancel_fields(state, form)
        if isinstance(fields, str):
            return page(request, "_answer.html", 200, ok=False, text=tr(fields, lang),
                        next_cid=session.new_cid())  # fmt: skip
        if not may_cancel(state, session, str(fields["service"])):
            return forbidden(request)
        answer = await sender.send(
            "queue", "cancel_slot", f"console-{cid}-cancel_slot", fields,
            acting_user=session.user.user,
        )  # fmt: skip
        ok, text = cancel_answer(answer, lang, state, session)
        found = await listed(session)
        ctx = renderer.context(
            lang, session=session, ok=ok, text=text, next_cid=session.new_cid(), oob=True,
            **bookings_context(state, session, found, lang),
        )  # fmt: skip
        html = renderer.render("_answer.html", ctx) + renderer.render("_bookings_list.html", ctx)
        return HTMLResponse(html)
