"""The ticket status page (叫号进度) behind a ticket's QR code: ``/t/<token>``.

Registered on the citizens' listener by ``console.public`` (``register(app, kit)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import Response

if TYPE_CHECKING:
    from console.public import PublicKit


def register(app: FastAPI, kit: PublicKit) -> None:
    """Add ``/t/<token>`` (the page) to the citizens' app."""

    @app.get("/t/{token}")
    async def status_page(request: Request, token: str) -> Response:
        return kit.page(request, "public/not_found.html", 404)
