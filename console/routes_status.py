"""The ticket status page (叫号进度) behind a ticket's QR code: ``/t/<token>`` and its stream.

Registered on the citizens' listener by ``console.public`` (``register(app, kit)``). A token
the controller does not know for the current hall day, a malformed one and an expired one
all get the same page, ``未找到该号票``, with the same status: nothing says which it was.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError

from bus.models.replies import TicketStatusResult
from console.commands import fresh_id
from console.pages import Region
from console.sse import RETRY_MS, expired, message
from console.state import HallState
from console.status import TOKEN, StatusBook, ticket_status

if TYPE_CHECKING:
    from console.public import PublicKit

STATUS_REGIONS: tuple[Region, ...] = (
    Region("conn", frozenset({"conn"}), "public/_conn.html"),
    Region("status", frozenset({"queue", "tickets", "conn"}), "public/_status.html"),
)
"""The live parts of the status page: the controller's reachability, and the ticket."""


def register(app: FastAPI, kit: PublicKit) -> None:
    """Add ``/t/<token>`` (the page) and ``/t/<token>/events`` (its SSE stream)."""
    state, sender = kit.state, kit.sender
    book = StatusBook()

    async def lookup(token: str) -> TicketStatusResult | str | None:
        """The token's ticket; None when there is none today; ``"unavailable"`` when the
        controller did not answer (then nothing is known either way)."""
        if not TOKEN.match(token):
            return None
        found = book.get(token, state.today())
        if found is not None:
            return found
        answer = await sender.send(
            "queue", "ticket_status", fresh_id("ticket_status"),
            {"token": token}, acting_user=None,
        )
        if not answer.ok:
            return None if answer.code in ("unknown_ticket", "invalid") else "unavailable"
        try:
            found = TicketStatusResult.model_validate(answer.result)
        except ValidationError:
            return "unavailable"
        book.put(token, found)
        return found

    def context(held: TicketStatusResult) -> dict[str, Any]:
        return {"ticket": ticket_status(state, held)}

    @app.get("/t/{token}")
    async def status_page(request: Request, token: str) -> Response:
        found = await lookup(token)
        if found == "unavailable":
            return kit.page(request, "public/unavailable.html", 503)
        if not isinstance(found, TicketStatusResult):
            return kit.page(request, "public/not_found.html", 404)
        return kit.page(
            request, "public/status.html", token=token, event_id=state.event_id,
            **context(found),
        )

    @app.get("/t/{token}/events")
    async def status_events(request: Request, token: str) -> Response:
        found = await lookup(token)
        if not isinstance(found, TicketStatusResult):
            lang = kit.lang_of(request)
            html = kit.renderer.render(
                "public/_gone.html", kit.renderer.context(lang, unavailable=found is not None)
            )
            # Not found: said once, and the stream stays open, so the browser does not ask
            # again and again. The controller unreachable: said, and the stream ends, so the
            # browser asks again in a second (a console restarted while the controller was
            # away finds the ticket again once it is back).
            messages = expired(request, state, html) if found is None else _once(state, html)
            return StreamingResponse(
                messages, media_type="text/event-stream",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
            )
        lang = kit.lang_of(request)
        held = found

        def ctx() -> dict[str, Any]:
            return kit.renderer.context(lang, **context(held))

        return kit.live(request, STATUS_REGIONS, ctx)


async def _once(state: HallState, html: str) -> AsyncIterator[str]:
    """One message into the page's ``conn`` region, then the end of the stream."""
    yield f"retry: {RETRY_MS}\n\n"
    yield message(state.event_id, "conn", html)
