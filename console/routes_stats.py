"""The statistics page of the staff console (统计, Q15): ``/stats`` and its CSV and XLSX.

Registered by ``create_app`` like the other pages (``register(app, kit)``). Each load and
each download asks the controller's ``queue/stats`` for the range, as the signed-in user
(``acting_user``: the controller checks the role again); nothing is cached, so a page, its
files and ``hall stats`` always show the same numbers.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from bus.models.replies import StatsResult
from console.auth import Session
from console.bulletin import BULLETIN_ROLES, previous_month
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit
from console.stats import STATS_ROLES, DayRange, day_range, read_stats, stats_context
from console.stats_export import csv_bytes, filename, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/stats``, ``/stats/export.csv`` and ``/stats/export.xlsx``."""
    state, sender, lang_of, page, require = (
        kit.state, kit.sender, kit.lang_of, kit.page, kit.require,
    )  # fmt: skip

    async def asked(session: Session, days: DayRange) -> StatsResult | None:
        answer = await sender.send(
            "queue", "stats", fresh_id("stats"), days.fields(),
            acting_user=session.user.user,
        )  # fmt: skip
        return read_stats(answer)

    @app.get("/stats")
    async def stats_page(request: Request) -> Response:
        got = await require(request, STATS_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        today = state.today()
        days = day_range(request.query_params, today)
        error = days if isinstance(days, str) else ""
        chosen = days if isinstance(days, DayRange) else DayRange(today, today)
        found = await asked(session, chosen) if not error else None
        return page(
            request, "stats.html", 200 if not error else 400, session=session, error=error,
            may_bulletin=session.user.role in BULLETIN_ROLES, bulletin_month=previous_month(today),
            **stats_context(state.hall, found, chosen, today, lang),
        )  # fmt: skip

    async def export(request: Request, extension: str) -> Response:
        got = await require(request, STATS_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        days = day_range(request.query_params, state.today())
        if isinstance(days, str):
            return page(request, "error.html", 400, message=tr(days, lang))
        found = await asked(session, days)
        if found is None:
            return page(request, "error.html", 503, message=tr("stats_unavailable", lang))
        if extension == "csv":
            body, media = csv_bytes(state.hall, found, lang), "text/csv; charset=utf-8"
        else:
            body, media = xlsx_bytes(state.hall, found, lang), XLSX_TYPE
        disposition = f'attachment; filename="{filename(found, extension)}"'
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    @app.get("/stats/export.csv")
    async def stats_csv(request: Request) -> Response:
        return await export(request, "csv")

    @app.get("/stats/export.xlsx")
    async def stats_xlsx(request: Request) -> Response:
        return await export(request, "xlsx")
