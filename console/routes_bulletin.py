"""The monthly bulletin's download (月通报 PDF): ``/stats/bulletin.pdf?month=YYYY-MM``.

Registered by ``create_app`` like the other pages (``register(app, kit)``); the button sits on
the statistics page. Each download asks the controller, as the signed-in user (the controller
checks the role again), the same queries ``hall report bulletin`` answers from the store:
``queue/stats`` for the month, ``queue/workorders``, ``att/report`` with the days, and the
approved write-offs (``att/list``) and the patrol's counts (``patrol/findings``). Nothing is
cached: the PDF says what the hall says now.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from bus.models.patrol import FindingsResult
from bus.models.replies import MonthReportResult, StatsResult, WorkordersResult, WriteoffList
from console.auth import Session
from console.bulletin import BULLETIN_ROLES, Bulletin, month_days, previous_month
from console.bulletin_pdf import render
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit

M = TypeVar("M", bound=BaseModel)


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/stats/bulletin.pdf``."""
    state, sender, lang_of, page, require = (
        kit.state, kit.sender, kit.lang_of, kit.page, kit.require,
    )  # fmt: skip

    async def asked(
        session: Session, area: str, verb: str, fields: dict[str, Any], model: type[M]
    ) -> M | None:
        answer = await sender.send(
            area, verb, fresh_id("bulletin"), fields, acting_user=session.user.user
        )
        if not answer.ok:
            return None
        try:
            return model.model_validate(answer.result)
        except ValidationError:
            return None

    @app.get("/stats/bulletin.pdf")
    async def bulletin_pdf(request: Request) -> Response:
        got = await require(request, BULLETIN_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        month = (request.query_params.get("month") or "").strip() or previous_month(state.today())
        days = month_days(month)
        if days is None:
            return page(request, "error.html", 400, message=tr("bl_bad_month", lang))
        first, last = days
        span = {"from": first.isoformat(), "to": last.isoformat()}
        stats, orders, report, writeoffs, patrol = await asyncio.gather(
            asked(session, "queue", "stats", span, StatsResult),
            asked(session, "queue", "workorders", {}, WorkordersResult),
            asked(session, "att", "report", {"month": month, "days": True}, MonthReportResult),
            asked(session, "att", "list", {"status": "approved"}, WriteoffList),
            asked(session, "patrol", "findings", {"month": month}, FindingsResult),
        )
        if stats is None:
            return page(request, "error.html", 503, message=tr("bl_unavailable", lang))
        bulletin = Bulletin(
            hall=state.hall, month=month, generated_at=state.now().astimezone(state.hall.tz),
            stats=stats, attendance=report, workorders=orders,
            writeoffs=writeoffs.requests if writeoffs is not None else (),
            patrol=patrol.counts if patrol is not None else (),
        )  # fmt: skip
        # Laying out and subsetting the font takes a moment: off the event loop (SSE, callers).
        body = await asyncio.to_thread(render, bulletin, lang)
        name = f"bulletin-{month}.pdf"
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip
