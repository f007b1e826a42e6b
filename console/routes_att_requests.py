"""The write-off requests page of the staff console (请假与核销申请, RULES A4/A5):
``/attendance/requests``, its request and device-failure forms and the approvers' buttons.

Registered by ``create_app`` like the other pages (``register(app, kit)``). The lists are the
controller's ``att/list`` asked as the signed-in user on every load and after every action;
each action's answer is shown in words (htmx swaps the lists, no page reload).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from console.att_requests import (
    AR_ROLES,
    DEVICE_ROLES,
    FILE_ROLES,
    device_fields,
    filed_answer,
    list_fields,
    lists_context,
    page_context,
    read_list,
    request_fields,
    signed_answer,
)
from console.auth import Session
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit
from console.workorders import slug

SIGN_VERBS = ("approve", "reject")


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/attendance/requests`` and its POST actions to the staff console."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require, forbidden = kit.page, kit.require, kit.forbidden

    async def listed(session: Session) -> Any:
        answer = await sender.send(
            "att", "list", fresh_id("att-list"), list_fields(session),
            acting_user=session.user.user,
        )  # fmt: skip
        return read_list(answer)

    async def lists(
        request: Request, session: Session, answers: dict[str, tuple[bool, str]]
    ) -> HTMLResponse:
        """The swapped lists, with the answer of what was just done and a fresh command id
        for the forms outside them (a second request is a new command)."""
        lang = lang_of(request)
        ctx = renderer.context(
            lang, session=session, cid=session.new_cid(), fresh_form_cid=session.new_cid(),
            **lists_context(state.hall, session, await listed(session), lang, answers),
        )  # fmt: skip
        return HTMLResponse(renderer.render("_att_requests_lists.html", ctx))

    @app.get("/attendance/requests")
    async def requests_page(request: Request) -> Response:
        got = await require(request, AR_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        found = await listed(session)
        return page(
            request, "att_requests.html", session=session, cid=session.new_cid(),
            form_cid=session.new_cid(),
            **page_context(state.hall, session, state.today()),
            **lists_context(state.hall, session, found, lang),
        )  # fmt: skip

    @app.post("/attendance/requests/file")
    async def file_request(request: Request) -> Response:
        got = await require(request, AR_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        device = form.get("kind") == "device_failure"
        if session.user.role not in (DEVICE_ROLES if device else FILE_ROLES):
            return forbidden(request)
        cid = str(form.get("cid") or "")
        fields = (
            device_fields(form, state.hall) if device else request_fields(form, session, state.hall)
        )
        if not session.owns_cid(cid):
            ok, text = False, tr("csrf", lang)
        elif isinstance(fields, str):
            ok, text = False, tr(fields, lang)
        else:
            # One id per rendered form: a double click files once; the answer hands a new one.
            answer = await sender.send(
                "att", "request", f"console-{cid}-{'device' if device else 'request'}", fields,
                acting_user=session.user.user,
            )  # fmt: skip
            ok, text = filed_answer(answer, lang)
        return await lists(request, session, {"": (ok, text)})

    @app.post("/attendance/requests/sign")
    async def sign_request(request: Request) -> Response:
        got = await require(request, AR_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        request_id = str(form.get("request_id") or "")
        verb = str(form.get("decision") or "")
        cid = str(form.get("cid") or "")
        if not session.owns_cid(cid):
            ok, text = False, tr("csrf", lang)
        elif verb not in SIGN_VERBS or not request_id:
            ok, text = False, tr("ar_bad_decision", lang)
        else:
            note = str(form.get("note") or "").strip()
            answer = await sender.send(
                "att", verb, f"console-{cid}-{verb}-{slug(request_id)}",
                {"request_id": request_id, "note": note}, acting_user=session.user.user,
            )  # fmt: skip
            ok, text = signed_answer(answer, lang)
        return await lists(request, session, {request_id: (ok, text)})
