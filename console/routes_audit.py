"""The back office's record: ``/audit`` (操作日志, manager and auditor) and ``/devices``
(设备状态, manager, chief and auditor). Registered by ``create_app`` (``register(app, kit)``).

Both ask the controller on every load, as the signed-in user: ``audit/search`` with the
page's filters and cursor, ``devices/history`` for the faults. The audit page's form and its
page links are htmx requests that swap the results only (``HX-Request``: the partial); each
also works as a plain link, and the address keeps the filter (``hx-push-url``).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from console.audit import AUDIT_ROLES, AuditFilter, audit_context, read_audit, read_audit_filter
from console.commands import fresh_id
from console.devices import DEVICE_ROLES, HISTORY_ROWS, devices_context, read_history
from console.routes_desks import Kit


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/audit`` and ``/devices`` to the staff console."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require = kit.page, kit.require

    @app.get("/audit")
    async def audit_page(request: Request) -> Response:
        got = await require(request, AUDIT_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        chosen = read_audit_filter(request.query_params, state.hall)
        error = chosen if isinstance(chosen, str) else ""
        shown = chosen if isinstance(chosen, AuditFilter) else AuditFilter()
        found = None
        if not error:
            answer = await sender.send(
                "audit", "search", fresh_id("audit"), shown.fields(),
                acting_user=session.user.user,
            )  # fmt: skip
            found = read_audit(answer)
        ctx = audit_context(state.hall, found, shown, lang, asked=not error)
        status = 400 if error else 200
        if request.headers.get("HX-Request") == "true":
            body = renderer.render(
                "_audit_rows.html", renderer.context(lang, session=session, error=error, **ctx)
            )
            return HTMLResponse(body, status_code=status)
        return page(request, "audit.html", status, session=session, error=error, **ctx)

    @app.get("/devices")
    async def devices_page(request: Request) -> Response:
        got = await require(request, DEVICE_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        answer = await sender.send(
            "devices", "history", fresh_id("devices"), {"limit": HISTORY_ROWS},
            acting_user=session.user.user,
        )  # fmt: skip
        ctx = devices_context(state, read_history(answer), lang)
        return page(request, "devices.html", session=session, **ctx)
