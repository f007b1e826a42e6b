"""The attendance month view of the staff console (考勤): ``/attendance`` and its calendar
section ``/attendance/calendar``.

Registered by ``create_app`` like the other pages (``register(app, kit)``). Each load asks
the controller (``att/month``, ``att/calendar``) as the signed-in user; the controller says
who may see whom (window staff themselves, a chief their department) and the page shows its
refusal as a 403 in words. An override is ``att/calendar_override`` from the manager's form,
audited by the controller like every command.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from bus.models.replies import CalendarList
from console.attendance import ATT_ROLES, attendance_context, read_month, read_scope
from console.attendance_calendar import (
    CALENDAR_ROLES,
    EDIT_ROLES,
    calendar_context,
    override_answer,
    override_fields,
    read_calendar,
)
from console.auth import Session
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/attendance`` and ``/attendance/calendar`` to the staff console."""
    state, sender, lang_of, page, require, forbidden = (
        kit.state, kit.sender, kit.lang_of, kit.page, kit.require, kit.forbidden,
    )  # fmt: skip

    @app.get("/attendance")
    async def attendance_page(request: Request) -> Response:
        got = await require(request, ATT_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        scope = read_scope(request.query_params, session, state.today(), state.hall)
        if isinstance(scope, str):
            return page(request, "error.html", 400, message=tr(scope, lang))
        if session.user.role == "staff" and scope.staff != session.user.staff:
            return forbidden(request)  # the controller would say no: do not ask
        answer = await sender.send(
            "att", "month", fresh_id("att-month"), scope.fields(),
            acting_user=session.user.user,
        )  # fmt: skip
        if answer.code == "forbidden":
            message = (answer.zh if lang == "zh" else answer.en) or tr("forbidden", lang)
            return page(request, "error.html", 403, message=message)
        ctx = attendance_context(state.hall, session, read_month(answer), scope, lang)
        return page(request, "attendance.html", session=session, **ctx)

    async def listed(session: Session) -> CalendarList | None:
        answer = await sender.send(
            "att", "calendar", fresh_id("att-calendar"), {}, acting_user=session.user.user
        )
        return read_calendar(answer)

    @app.get("/attendance/calendar")
    async def calendar_page(request: Request) -> Response:
        got = await require(request, CALENDAR_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        found = await listed(session)
        return page(
            request, "attendance_calendar.html", session=session, cid=session.new_cid(),
            **calendar_context(state.hall, session, found, lang),
        )  # fmt: skip

    @app.post("/attendance/calendar")
    async def calendar_override(request: Request) -> Response:
        got = await require(request, EDIT_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        cid = str(form.get("cid") or "")
        fields = override_fields(form)
        if not session.owns_cid(cid):
            answer: tuple[bool, str] = (False, tr("csrf", lang))
        elif isinstance(fields, str):
            answer = (False, tr(fields, lang))
        else:
            # One id per rendered form and date: a double click is applied once.
            sent = await sender.send(
                "att", "calendar_override", f"console-{cid}-cal-{fields['date']}", fields,
                acting_user=session.user.user,
            )  # fmt: skip
            answer = override_answer(fields, sent, lang)
        found = await listed(session)
        return page(
            request, "attendance_calendar.html", session=session, cid=session.new_cid(),
            **calendar_context(state.hall, session, found, lang, answer),
        )  # fmt: skip
