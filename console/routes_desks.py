"""The notices and windows pages: their GET page, their POST actions and their SSE stream.

``create_app`` registers them through ``register(app, kit)``, handing over in a ``Kit`` the
state, the command sender and the helpers every console route shares (rendering, the
session lookup, the session/role/CSRF check of ``require``, the SSE stream of ``live``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from console.auth import Session
from console.commands import CommandSender, fresh_id
from console.i18n import Lang, tr
from console.notices import (
    NOTICE_REGIONS,
    NOTICE_ROLES,
    notice_answer,
    notices_context,
    push_fields,
)
from console.pages import Region, Renderer
from console.state import HallState
from console.windows import (
    WINDOW_ROLES,
    WINDOW_VERBS,
    action_fields,
    may_act,
    windows_answer,
    windows_context,
    windows_regions,
)


@dataclass(frozen=True)
class Kit:
    """What the routes share with ``create_app``."""

    state: HallState
    sender: CommandSender
    renderer: Renderer
    lang_of: Callable[[Request], Lang]
    page: Callable[..., HTMLResponse]
    forbidden: Callable[[Request], HTMLResponse]
    session_of: Callable[[Request], Session | None]
    require: Callable[..., Awaitable[tuple[Session, Any] | Response]]
    live: Callable[
        [Request, tuple[Region, ...], Callable[[], dict[str, Any]]], Response
    ]
    gone: Callable[[Request], Response]


def register(app: FastAPI, kit: Kit) -> None:
    """Add the notices and windows routes to ``app``."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, forbidden, require, live, gone = kit.page, kit.forbidden, kit.require, kit.live, kit.gone
    session_of = kit.session_of

    @app.get("/notices")
    async def notices_page(request: Request) -> Response:
        got = await require(request, NOTICE_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        return page(
            request,
            "notices.html",
            session=session,
            cid=session.new_cid(),
            event_id=state.event_id,
            **notices_context(state),
        )

    @app.post("/notices/{verb}")
    async def notice_act(request: Request, verb: str) -> Response:
        got = await require(request, NOTICE_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        if verb not in ("push", "revoke"):
            return forbidden(request)
        if verb == "push":
            cid = str(form.get("cid") or "")
            if not session.owns_cid(cid):
                return page(request, "_answer.html", 409, ok=False, text=tr("csrf", lang),
                            next_cid=session.new_cid())
            fields = push_fields(state, form)
            command_id = f"console-{cid}-notice"
        else:
            notice_id = str(form.get("notice_id") or "")
            fields = {"notice_id": notice_id} if notice_id else "forbidden"
            command_id = fresh_id("revoke")
        if isinstance(fields, str):
            return page(request, "_answer.html", 200, ok=False, text=tr(fields, lang),
                        next_cid=session.new_cid())
        answer = await sender.send(
            "notice", verb, command_id, fields, acting_user=session.user.user
        )
        ok, text = notice_answer(verb, answer, lang)
        return page(request, "_answer.html", 200, ok=ok, text=text, next_cid=session.new_cid())

    @app.get("/windows")
    async def windows_page(request: Request) -> Response:
        got = await require(request, WINDOW_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        return page(
            request,
            "windows.html",
            session=session,
            event_id=state.event_id,
            **windows_context(state, session),
        )

    @app.post("/windows/{verb}")
    async def windows_act(request: Request, verb: str) -> Response:
        got = await require(request, WINDOW_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        if verb not in WINDOW_VERBS:
            return forbidden(request)
        fields = action_fields(state, verb, form)
        if isinstance(fields, str):
            return page(request, "_answer.html", 200, ok=False, text=tr(fields, lang),
                        next_cid=session.new_cid())
        if not may_act(state, session, fields):
            return forbidden(request)
        answer = await sender.send(
            "queue", verb, fresh_id(verb), fields,
            acting_user=session.user.user,
        )
        ok, text = windows_answer(verb, fields, answer, lang, state)
        return page(request, "_answer.html", 200, ok=ok, text=text, next_cid=session.new_cid())

    @app.get("/notices/events")
    async def notice_events(request: Request) -> Response:
        session = session_of(request)
        if session is None or session.user.role not in NOTICE_ROLES:
            return gone(request)
        lang = lang_of(request)

        def ctx() -> dict[str, Any]:
            return renderer.context(lang, session=session, **notices_context(state))

        return live(request, NOTICE_REGIONS, ctx)

    @app.get("/windows/events")
    async def windows_events(request: Request) -> Response:
        session = session_of(request)
        if session is None or session.user.role not in WINDOW_ROLES:
            return gone(request)
        lang = lang_of(request)

        def ctx() -> dict[str, Any]:
            return renderer.context(lang, session=session, **windows_context(state, session))

        return live(request, windows_regions(state, session), ctx)
