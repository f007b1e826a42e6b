"""Server-Sent Events: HTML fragments for ``sse-swap``, each message with an ``id:`` line.

A client that reconnects sends ``Last-Event-ID`` (a first connection sends the id its page
was rendered at, as ``?last=``): it gets the regions whose parts changed since, or every
region when the id is unknown (an earlier run of the console, or fallen off the ring).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from console.pages import Region, Renderer
from console.state import HallState

PING_SECONDS = 15.0
"""A comment line this often: proxies keep the stream open and a dead client is noticed."""
COALESCE_SECONDS = 0.05
"""A command changes several parts at once (window, queue, event): sent as one batch."""
RETRY_MS = 1000
"""How soon the browser reconnects after losing the stream."""

Render = Callable[[frozenset[str] | None], list[tuple[str, str]]]
"""Parts changed (None: all) → the (region, html) pairs to send."""


def message(event_id: str, name: str | None = None, html: str = "") -> str:
    """One SSE message; every line of the HTML is a ``data:`` line (no line may hold CR)."""
    lines = [f"id: {event_id}"]
    if name is not None:
        lines.append(f"event: {name}")
        lines += [f"data: {line}" for line in html.replace("\r", "").split("\n")]
    return "\n".join(lines) + "\n\n"


def batch(event_id: str, regions: list[tuple[str, str]]) -> str:
    """The regions as messages, or one id-only message (it moves the client's last id on)."""
    if not regions:
        return message(event_id)
    return "".join(message(event_id, name, html) for name, html in regions)


async def expired(request: Request, state: HallState, html: str) -> AsyncIterator[str]:
    """A stream for a tab whose session is gone (signed out, expired, console restarted):
    it says so once and stays open, so the browser does not reconnect in a loop."""
    yield f"retry: {RETRY_MS}\n\n"
    yield message(state.event_id, "conn", html)
    while not state.closed and not await request.is_disconnected():
        await state.wait(state.seq, PING_SECONDS)
        yield ": ping\n\n"


async def stream(
    request: Request,
    state: HallState,
    render: Render,
    last: str | None,
    *,
    ping: float = PING_SECONDS,
) -> AsyncIterator[str]:
    """The event stream of one page until the client goes away."""
    yield f"retry: {RETRY_MS}\n\n"
    cursor = state.seq
    parts = state.changes_since(last)
    if parts is None or parts:
        yield batch(state.event_id, render(parts))
    while not state.closed and not await request.is_disconnected():
        if not await state.wait(cursor, ping):
            yield ": ping\n\n"
            continue
        await asyncio.sleep(COALESCE_SECONDS)
        if state.closed:
            break
        parts = state.changes_since(f"{state.epoch}-{cursor}")
        cursor = state.seq
        yield batch(state.event_id, render(parts))


def live(
    request: Request,
    state: HallState,
    renderer: Renderer,
    regions: tuple[Region, ...],
    ctx_of: Callable[[], dict[str, Any]],
    *,
    only_changed: bool = False,
) -> Response:
    """The SSE stream of a page: re-renders those of ``regions`` whose dependencies changed
    (every region on a first connection, or after the ring lost the client's last id).

    ``only_changed``: a region rendered as this stream last sent it is not sent again (a
    citizen's phone gets a message when its ticket's page changes, not on every change of
    the hall; the client's last id still moves on)."""
    sent: dict[str, str] = {}

    def render(names: frozenset[str] | None) -> list[tuple[str, str]]:
        chosen = [r for r in regions if names is None or r.depends & names]
        if not chosen:
            return []
        ctx = ctx_of()
        out = [(r.name, renderer.render(r.template, {**ctx, "key": r.key})) for r in chosen]
        if only_changed:
            out = [(name, html) for name, html in out if sent.get(name) != html]
            sent.update(out)
        return out

    last = request.headers.get("last-event-id") or request.query_params.get("last")
    return StreamingResponse(
        stream(request, state, render, last), media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
