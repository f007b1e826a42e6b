"""The citizens' web app: its own listener (``hall console --public-listen``), its own routes.

The staff console (``console.app``) stays on the hall's office network; this app is the one
a hall publishes to the internet behind its reverse proxy, at the hall config's
``public_url``. It serves only what citizens use: each module of citizens' routes registers
itself with ``register(app, kit)`` (``PUBLIC_ROUTES``), and the static files are only the
public pages' own (``static/public/``) and the vendored htmx. Every other path, the staff
pages and their streams and assets included, is a 404 here. Every request counts against
its client's rate limit (``console.ratelimit``); past it the answer is a 429 page in both
languages with ``Retry-After``.
"""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console import routes_booking, routes_status, sse
from console.commands import CommandSender
from console.i18n import Lang
from console.pages import LANG_COOKIE, Region, Renderer, request_lang, template_env
from console.ratelimit import IpNetwork, RateLimiter, client_address, trusted_networks
from console.state import HallState

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PublicKit:
    """What the citizens' routes share with ``create_public_app``."""

    state: HallState
    sender: CommandSender
    renderer: Renderer
    lang_of: Callable[[Request], Lang]
    page: Callable[..., HTMLResponse]
    """``page(request, "public/x.html", status=200, **ctx)``: a page in the client's language."""
    live: Callable[[Request, tuple[Region, ...], Callable[[], dict[str, Any]]], Response]
    """The SSE stream of a page's regions (``console.sse.live``)."""
    client_of: Callable[[Request], str]
    """The client's address as the rate limit counts it (behind a trusted proxy: its
    ``X-Forwarded-For``)."""


PublicRoutes = Callable[[FastAPI, PublicKit], None]

PUBLIC_ROUTES: tuple[PublicRoutes, ...] = (routes_status.register, routes_booking.register)
"""Every module of citizens' routes, in the order they are registered: the ticket status
(叫号进度, ``/t/<token>``) and the booking pages (网上预约, ``/book``)."""


class RateLimit:
    """ASGI middleware: one token of its client's bucket per request, or the 429 page."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        trusted: tuple[IpNetwork, ...],
        too_many: Callable[[Request, float], Response],
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.trusted = trusted
        self.too_many = too_many

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        client = client_address(
            request.client.host if request.client else None,
            request.headers.get("x-forwarded-for"),
            self.trusted,
        )
        wait = self.limiter.take(client)
        if wait > 0:
            await self.too_many(request, wait)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_public_app(
    state: HallState,
    sender: CommandSender,
    *,
    limiter: RateLimiter | None = None,
    routes: tuple[PublicRoutes, ...] = PUBLIC_ROUTES,
) -> FastAPI:
    """The citizens' app for one hall: ``routes`` and nothing else."""
    settings = state.hall.console
    limiter = limiter or RateLimiter(
        per_minute=settings.public_requests_per_minute, burst=settings.public_burst
    )
    trusted = trusted_networks(settings.trusted_proxies)
    renderer = Renderer(template_env(), state)
    base = url_path(state.hall.public_url)

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static/public", StaticFiles(directory=HERE / "static" / "public"), name="public")
    app.mount("/static/vendor", StaticFiles(directory=HERE / "static" / "vendor"), name="vendor")
    app.state.hall_state = state

    def lang_of(request: Request) -> Lang:
        return request_lang(request, state.hall)

    def page(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = lang_of(request)
        html = renderer.render(template, renderer.context(lang, base=base, **ctx))
        response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
        if request.query_params.get("lang") in ("zh", "en"):
            response.set_cookie(LANG_COOKIE, lang, samesite="lax", httponly=True)
        return response

    def client_of(request: Request) -> str:
        return client_address(
            request.client.host if request.client else None,
            request.headers.get("x-forwarded-for"),
            trusted,
        )

    def live(
        request: Request, regions: tuple[Region, ...], ctx_of: Callable[[], dict[str, Any]]
    ) -> Response:
        return sse.live(request, state, renderer, regions, ctx_of, only_changed=True)

    def too_many(request: Request, wait: float) -> Response:
        response = page(request, "public/too_many.html", 429)
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        """Any path the citizens' routes do not serve: a plain page, nothing about the rest."""
        if exc.status_code == 404:
            return page(request, "public/no_page.html", 404)
        return Response(status_code=exc.status_code)

    @app.get("/")
    async def index(request: Request) -> Response:
        """The address itself: what the pages are for (a QR code leads further)."""
        return page(request, "public/index.html")

    kit = PublicKit(
        state=state, sender=sender, renderer=renderer, lang_of=lang_of, page=page, live=live,
        client_of=client_of,
    )
    for register in routes:
        register(app, kit)
    app.add_middleware(RateLimit, limiter=limiter, trusted=trusted, too_many=too_many)
    app.add_middleware(PublicEdge, prefix=base)
    return app


def url_path(public_url: str) -> str:
    """The path of the hall's ``public_url`` without its last slash (``/chengdong``; empty
    at a host's root): the pages link their assets and streams below it."""
    return urllib.parse.urlsplit(public_url).path.rstrip("/") if public_url else ""


SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    ),
)
"""On every answer: the token in a page's address never leaves in a Referer, no other site
frames the pages, and nothing but the listener's own scripts runs."""


class PublicEdge:
    """ASGI middleware at the listener's edge: the security headers, and the public_url's
    path (``/chengdong/t/<token>``) taken off when the reverse proxy passes it on unstripped,
    so the pages work behind ``proxy_pass`` with or without the path."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            scope = {**scope, "path": path[len(self.prefix):] or "/", "raw_path": None}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)
