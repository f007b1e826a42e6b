"""The console's web app: server-rendered pages, POST actions answered in words, SSE updates.

``create_app(state, sender, authenticator)`` builds the FastAPI app around a ``HallState``
(the live cache), a ``CommandSender`` (the controller's commands) and an ``Authenticator``;
the process (``console.run``) gives it a real bus, the tests a FakeBroker or a real broker.
Every POST needs the session's CSRF token (a form field or the ``X-CSRF-Token`` header that
htmx sends): without it the answer is 403 and nothing reaches the controller.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
from collections.abc import AsyncIterator, Callable, Collection
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from console import (
    routes_att_requests,
    routes_attendance,
    routes_audit,
    routes_bookings,
    routes_bulletin,
    routes_desks,
    routes_patrol,
    routes_stats,
    routes_suspensions,
    routes_users,
    routes_workorders,
    sse,
)
from console.auth import HALL_ROLES, Authenticator, Refusal, Session, Sessions, Throttle
from console.commands import CommandSender
from console.i18n import Lang, tr
from console.pages import (
    HALL_REGIONS,
    LANG_COOKIE,
    Region,
    Renderer,
    caller_context,
    caller_regions,
    hall_context,
    request_lang,
    template_env,
)
from console.sse import expired
from console.state import HallState
from console.stats import STATS_ROLES
from console.verbs import VERBS, answer_text, resolve

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "hall_session"
LOGIN_COOKIE = "hall_login"
CLOCK_SECONDS = 30.0
"""How often the pages' time-dependent regions (waits, alarms) are rendered again."""


def create_app(
    state: HallState,
    sender: CommandSender,
    authenticator: Authenticator,
    *,
    sessions: Sessions | None = None,
    throttle: Throttle | None = None,
    new_id: Callable[[], str] | None = None,
) -> FastAPI:
    """The console app for one hall."""
    sessions = sessions or Sessions()
    throttle = throttle or Throttle()
    renderer = Renderer(template_env(), state)
    state.attach(sender)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async def clock() -> None:
            while True:
                await asyncio.sleep(CLOCK_SECONDS)
                state.touch("clock")

        task = asyncio.create_task(clock())
        try:
            yield
        finally:
            task.cancel()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.sessions = sessions
    app.state.hall_state = state

    def lang_of(request: Request) -> Lang:
        return request_lang(request, state.hall)

    def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = lang_of(request)
        html = renderer.render(template, renderer.context(lang, **ctx))
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", httponly=True)
        return response

    def session_of(request: Request) -> Session | None:
        return sessions.get(request.cookies.get(SESSION_COOKIE))

    def csrf_ok(request: Request, session: Session, form: Any) -> bool:
        sent = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        return secrets.compare_digest(str(sent), session.csrf)

    def forbidden(request: Request) -> HTMLResponse:
        return page(request, "error.html", 403, message=tr("forbidden", lang_of(request)))

    async def require(
        request: Request, roles: Collection[str] | None, *, post: bool = False
    ) -> tuple[Session, Any] | Response:
        """The session and, for a POST, its CSRF-checked form, or the answer refusing them.

        No session: a GET goes to /login, a POST gets a bare 403; a bad CSRF token is a 403
        page; a role outside ``roles`` (when given) is the forbidden page.
        """
        session = session_of(request)
        if session is None:
            return Response(status_code=403) if post else RedirectResponse("/login", 303)
        form = None
        if post:
            form = await request.form()
            if not csrf_ok(request, session, form):
                return page(request, "error.html", 403, message=tr("csrf", lang_of(request)))
        if roles is not None and session.user.role not in roles:
            return forbidden(request)
        return session, form

    def home_of(session: Session) -> str:
        user = session.user
        if user.role in HALL_ROLES:
            return "/hall"
        if user.role == "staff" and len(user.windows) == 1:
            return f"/caller/{user.windows[0]}"
        if user.role == "patrol":
            return "/patrol"  # the patrol's rounds (巡查记录)
        if user.role in STATS_ROLES:
            return "/stats"  # the auditor: the statistics are what they may read
        return "/caller"

    def may_call(session: Session, window: str) -> bool:
        return session.user.role == "staff" and window in session.user.windows

    # Sign-in -----------------------------------------------------------------------------

    @app.get("/")
    async def root(request: Request) -> Response:
        session = session_of(request)
        return RedirectResponse("/login" if session is None else home_of(session), 303)

    @app.get("/login")
    async def login_page(request: Request) -> Response:
        token = secrets.token_urlsafe(16)
        response = page(request, "login.html", login_csrf=token, error="")
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict")
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        lang = lang_of(request)
        cookie = request.cookies.get(LOGIN_COOKIE) or ""
        sent = str(form.get("csrf") or "")
        if not cookie or not secrets.compare_digest(cookie, sent):
            return page(request, "error.html", 403, message=tr("csrf", lang))
        user = str(form.get("user") or "").strip()
        password = str(form.get("password") or "")
        client = request.client.host if request.client else "?"
        keys = (f"addr:{client}", f"user:{user.lower()}")

        def again(error: str, status: int) -> Response:
            response = page(request, "login.html", status, login_csrf=cookie, error=error)
            return response

        left = throttle.locked(keys)
        if left > 0:
            minutes = max(1, math.ceil(left / 60))
            return again(tr("login_throttled", lang, minutes=minutes), 429)
        result = await authenticator.authenticate(user, password)
        if isinstance(result, Refusal):
            if result.code == "unavailable":
                return again(tr("login_unavailable", lang), 503)
            throttle.failed(keys)
            if result.code == "locked" and result.message:
                return again(result.message, 401)
            return again(tr("login_failed", lang), 401)
        throttle.succeeded(keys[1:])
        session = sessions.create(result)
        response = RedirectResponse(home_of(session), 303)
        response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict")
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        session = session_of(request)
        if session is not None:
            form = await request.form()
            if not csrf_ok(request, session, form):
                return page(request, "error.html", 403, message=tr("csrf", lang_of(request)))
            sessions.end(session.token)
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # Pages -------------------------------------------------------------------------------

    @app.get("/caller")
    async def choose_window(request: Request) -> Response:
        got = await require(request, ("staff",))
        if isinstance(got, Response):
            return got
        session, _ = got
        return page(request, "choose.html", session=session)

    @app.get("/caller/{window}")
    async def caller(request: Request, window: str) -> Response:
        got = await require(request, None)
        if isinstance(got, Response):
            return got
        session, _ = got
        if not may_call(session, window) or state.hall.window(window) is None:
            return forbidden(request)
        return page(
            request,
            "caller.html",
            session=session,
            cid=session.new_cid(),
            event_id=state.event_id,
            **caller_context(state, window),
        )

    @app.post("/caller/{window}/do/{verb}")
    async def act(request: Request, window: str, verb: str) -> Response:
        got = await require(request, None, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        lang = lang_of(request)
        verb = resolve(verb, state.windows.get(window), session)
        if not may_call(session, window) or verb not in VERBS:
            return forbidden(request)
        cid = str(form.get("cid") or "")
        if not session.owns_cid(cid):
            return page(request, "_answer.html", 409, ok=False, text=tr("csrf", lang),
                        next_cid=session.new_cid())
        fields = VERBS[verb].fields(window, session, form)
        if isinstance(fields, str):
            return page(request, "_answer.html", 200, ok=False, text=tr(fields, lang),
                        next_cid=session.new_cid())
        spec = VERBS[verb]
        answer = await sender.send(
            spec.area, spec.verb, f"console-{cid}-{verb}", fields, acting_user=session.user.user
        )
        ok, text = answer_text(verb, answer, lang, state.hall)
        return page(request, "_answer.html", 200, ok=ok, text=text, next_cid=session.new_cid())

    @app.get("/hall")
    async def hall_page(request: Request) -> Response:
        got = await require(request, HALL_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        return page(
            request,
            "hall.html",
            session=session,
            event_id=state.event_id,
            **hall_context(state, lang_of(request)),
        )

    # Live updates ------------------------------------------------------------------------

    def live(
        request: Request, regions: tuple[Region, ...], ctx_of: Callable[[], dict[str, Any]]
    ) -> Response:
        """The SSE stream re-rendering those of ``regions`` whose dependencies changed."""
        return sse.live(request, state, renderer, regions, ctx_of)

    def gone(request: Request) -> Response:
        html = renderer.render("_expired.html", renderer.context(lang_of(request)))
        return StreamingResponse(
            expired(request, state, html), media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    @app.get("/caller/{window}/events")
    async def caller_events(request: Request, window: str) -> Response:
        session = session_of(request)
        if session is None or not may_call(session, window):
            return gone(request)
        lang = lang_of(request)

        def ctx() -> dict[str, Any]:
            return renderer.context(lang, session=session, **caller_context(state, window))

        return live(request, caller_regions(window), ctx)

    @app.get("/hall/events")
    async def hall_events(request: Request) -> Response:
        session = session_of(request)
        if session is None or session.user.role not in HALL_ROLES:
            return gone(request)
        lang = lang_of(request)

        def ctx() -> dict[str, Any]:
            return renderer.context(lang, session=session, **hall_context(state, lang))

        return live(request, HALL_REGIONS, ctx)

    kit = routes_desks.Kit(
        state=state, sender=sender, renderer=renderer, lang_of=lang_of, page=page,
        forbidden=forbidden, session_of=session_of, require=require, live=live, gone=gone,
    )
    routes_desks.register(app, kit)
    routes_bookings.register(app, kit)
    routes_stats.register(app, kit)
    routes_bulletin.register(app, kit)
    routes_workorders.register(app, kit)
    routes_att_requests.register(app, kit)
    routes_users.register(app, kit)
    routes_patrol.register(app, kit)
    routes_suspensions.register(app, kit)
    routes_audit.register(app, kit)
    routes_attendance.register(app, kit)

    return app
