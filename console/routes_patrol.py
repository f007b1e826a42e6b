"""The patrol page of the staff console (巡查记录, seed 001 巡查制度): ``/patrol``, its record
and handle actions, and the findings' photos.

Registered by ``create_app`` like the other pages (``register(app, kit)``). The page asks the
controller for the month's findings (``patrol/findings``) on every load and after every
action, as the signed-in user; an action's answer is shown in words above the list. A photo
is served from ``patrol/photo`` behind the sign-in, as that user (a chief gets only their
department's), never cached by the browser beyond the session.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from bus.models import limits
from bus.models.patrol import PHOTO_TYPES, FindingsResult, PhotoResult
from console.auth import Session
from console.commands import fresh_id
from console.i18n import Lang, tr
from console.patrol import (
    HANDLE_ROLES,
    PATROL_ROLES,
    RECORD_ROLES,
    findings_fields,
    handle_answer,
    patrol_context,
    problem_text,
    read_findings,
    read_month,
    record_answer,
    record_fields,
)
from console.routes_desks import Kit

UPLOAD_READ_MAX = limits.PHOTO_MAX_BYTES + 1
"""How much of an uploaded file is read: one byte more than a photo may have says it is too big."""


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/patrol``, ``/patrol/record``, ``/patrol/handle`` and ``/patrol/photo/{id}``."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require, forbidden = kit.page, kit.require, kit.forbidden

    async def body(
        session: Session,
        month: str,
        lang: Lang,
        answer: tuple[bool, str] | None = None,
        answers: dict[str, tuple[bool, str]] | None = None,
    ) -> HTMLResponse:
        """The page's body (answer, form, findings, counts) after an action."""
        found = await listed(session, month)
        ctx = renderer.context(
            lang, session=session, cid=session.new_cid(),
            **patrol_context(state.hall, session, found, month, lang, answer, answers),
        )  # fmt: skip
        return HTMLResponse(renderer.render("_patrol_body.html", ctx))

    async def listed(session: Session, month: str) -> FindingsResult | None:
        answer = await sender.send(
            "patrol", "findings", fresh_id("findings"), findings_fields(session, month),
            acting_user=session.user.user,
        )  # fmt: skip
        return read_findings(answer)

    @app.get("/patrol")
    async def patrol_page(request: Request) -> Response:
        got = await require(request, PATROL_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        month = read_month(request.query_params, state.today())
        error = "" if month is not None else "pt_bad_month"
        shown = month or state.today().strftime("%Y-%m")
        found = await listed(session, shown) if month is not None else None
        return page(
            request, "patrol.html", 400 if error else 200, session=session, error=error,
            cid=session.new_cid(),
            **patrol_context(state.hall, session, found, shown, lang),
        )  # fmt: skip

    @app.post("/patrol/record")
    async def patrol_record(request: Request) -> Response:
        got = await require(request, RECORD_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        month = state.today().strftime("%Y-%m")
        cid = str(form.get("cid") or "")
        if not session.owns_cid(cid):
            return await body(session, month, lang, answer=(False, tr("csrf", lang)))
        upload = form.get("photo")
        photo = await upload.read(UPLOAD_READ_MAX) if isinstance(upload, UploadFile) else None
        fields = record_fields(form, photo)
        if isinstance(fields, str):
            return await body(session, month, lang, answer=(False, problem_text(fields, lang)))
        answer = await sender.send(
            "patrol", "record", f"console-{cid}-patrol", fields, acting_user=session.user.user
        )
        return await body(session, month, lang, answer=record_answer(state.hall, answer, lang))

    @app.post("/patrol/handle")
    async def patrol_handle(request: Request) -> Response:
        got = await require(request, HANDLE_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        finding = str(form.get("finding") or "")
        month = read_month(form, state.today()) or state.today().strftime("%Y-%m")
        cid = str(form.get("cid") or "")
        note = str(form.get("note") or "").strip()
        if not session.owns_cid(cid):
            result = (False, tr("csrf", lang))
        elif not note:
            result = (False, tr("pt_no_handle_note", lang))
        else:
            answer = await sender.send(
                "patrol", "handle", f"console-{cid}-handle-{finding}"[:80],
                {"finding": finding, "note": note}, acting_user=session.user.user,
            )  # fmt: skip
            result = handle_answer(finding, answer, lang)
        return await body(session, month, lang, answers={finding: result})

    @app.get("/patrol/photo/{finding}")
    async def patrol_photo(request: Request, finding: str) -> Response:
        got = await require(request, PATROL_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        answer = await sender.send(
            "patrol", "photo", fresh_id("photo"), {"finding": finding},
            acting_user=session.user.user,
        )  # fmt: skip
        if not answer.ok:
            return forbidden(request) if answer.code == "forbidden" else Response(status_code=404)
        try:
            photo = PhotoResult.model_validate(answer.result)
            data = base64.b64decode(photo.photo, validate=True)
        except (ValueError, binascii.Error):
            return Response(status_code=502)
        if photo.media_type not in PHOTO_TYPES.values():
            return Response(status_code=502)
        return Response(
            data, media_type=photo.media_type,
            headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
        )  # fmt: skip
