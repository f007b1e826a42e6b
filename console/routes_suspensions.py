"""The suspension filing page of the staff console (业务临时停办登记备案, Q10): ``/suspensions``,
its filing form and the manager's decision.

Registered by ``create_app`` like the other pages (``register(app, kit)``). The page asks the
controller for the filings (``queue/suspensions``) on every load and after every filing or
decision, as the signed-in user; the controller's answer is shown in words above the list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from bus.models.suspensions import SuspensionsResult
from console.auth import Session
from console.commands import fresh_id
from console.i18n import Lang, tr
from console.routes_desks import Kit
from console.suspensions import (
    DECIDE_ROLES,
    FILE_ROLES,
    SUSPENSION_ROLES,
    answer_words,
    decision_fields,
    filing_fields,
    read_suspensions,
    suspensions_context,
)


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/suspensions``, ``/suspensions/file`` and ``/suspensions/decide``."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require, forbidden = kit.page, kit.require, kit.forbidden

    async def listed(session: Session) -> SuspensionsResult | None:
        answer = await sender.send(
            "queue", "suspensions", fresh_id("suspensions"), {}, acting_user=session.user.user
        )
        return read_suspensions(answer)

    async def the_list(session: Session, lang: Lang, key: str, ok: bool, text: str) -> Response:
        found = await listed(session)
        ctx = renderer.context(
            lang, session=session, cid=session.new_cid(),
            **suspensions_context(state.hall, session, found, lang, {key: (ok, text)}),
        )  # fmt: skip
        return HTMLResponse(renderer.render("_suspension_list.html", ctx))

    @app.get("/suspensions")
    async def suspensions_page(request: Request) -> Response:
        got = await require(request, SUSPENSION_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        found = await listed(session)
        return page(
            request, "suspensions.html", session=session, cid=session.new_cid(),
            **suspensions_context(state.hall, session, found, lang),
        )  # fmt: skip

    async def posted(
        request: Request,
        roles: frozenset[str],
        verb: str,
        key: str,
        read: Callable[[Any, Session], dict[str, Any] | str],
        command_id: Callable[[str, dict[str, Any]], str],
    ) -> Response:
        """A form sent as the signed-in user: checked, sent, and the list with its answer."""
        got = await require(request, SUSPENSION_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        if session.user.role not in roles:
            return forbidden(request)
        lang = lang_of(request)
        cid = str(form.get("cid") or "")
        fields = read(form, session)
        if not session.owns_cid(cid):
            ok, text = False, tr("csrf", lang)
        elif isinstance(fields, str):
            ok, text = False, tr(fields, lang)
        else:
            # One id per rendered form (and filing): a double click is applied once.
            answer = await sender.send(
                "queue", verb, command_id(cid, fields), fields, acting_user=session.user.user
            )
            ok, text = answer_words(verb, answer, lang)
        return await the_list(session, lang, str(form.get(key) or "") if key else "", ok, text)

    @app.post("/suspensions/file")
    async def file_suspension(request: Request) -> Response:
        return await posted(
            request, FILE_ROLES, "file_suspension", "", filing_fields,
            lambda cid, _: f"console-{cid}-file",
        )  # fmt: skip

    @app.post("/suspensions/decide")
    async def decide_suspension(request: Request) -> Response:
        return await posted(
            request, DECIDE_ROLES, "decide_suspension", "suspension",
            lambda form, _: decision_fields(form),
            lambda cid, f: f"console-{cid}-{f['decision']}-{f['suspension']}",
        )  # fmt: skip
