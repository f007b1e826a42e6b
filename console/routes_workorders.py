"""The work-order page of the staff console (好差评工单, Q7): ``/workorders`` and its steps.

Registered by ``create_app`` like the other pages (``register(app, kit)``). The page asks the
controller for the list (``queue/workorders``) on every load and after every step, as the
signed-in user; a step's answer is shown in words on its order, in the list sent back.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from bus.models.replies import WorkordersResult
from console.auth import Session
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit
from console.workorders import (
    WORKORDER_ROLES,
    Filter,
    command_of,
    may_step,
    read_filter,
    read_workorders,
    slug,
    step_answer,
    step_fields,
    workorders_context,
)


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/workorders`` and ``/workorders/step`` to the staff console."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require, forbidden = kit.page, kit.require, kit.forbidden

    async def listed(session: Session, chosen: Filter) -> WorkordersResult | None:
        """The controller's work orders as this user may see them (None: not answered)."""
        answer = await sender.send(
            "queue", "workorders", fresh_id("workorders"),
            chosen.fields(session), acting_user=session.user.user,
        )  # fmt: skip
        return read_workorders(answer)

    @app.get("/workorders")
    async def workorders_page(request: Request) -> Response:
        got = await require(request, WORKORDER_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        chosen = read_filter(request.query_params)
        error = chosen if isinstance(chosen, str) else ""
        shown = chosen if isinstance(chosen, Filter) else Filter()
        found = await listed(session, shown) if not error else None
        return page(
            request, "workorders.html", 400 if error else 200, session=session, error=error,
            cid=session.new_cid(), **workorders_context(state.hall, session, found, shown, lang),
        )  # fmt: skip

    @app.post("/workorders/step")
    async def workorder_step(request: Request) -> Response:
        got = await require(request, WORKORDER_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        if not may_step(session):
            return forbidden(request)
        lang = lang_of(request)
        workorder = str(form.get("workorder") or "")
        cid = str(form.get("cid") or "")
        fields = step_fields(form)
        if not session.owns_cid(cid):
            ok, text = False, tr("csrf", lang)
        elif isinstance(fields, str):
            ok, text = False, tr(fields, lang)
        else:
            # One id per rendered list, order and step: a double click is applied once.
            step = str(fields.get("step") or "close")
            answer = await sender.send(
                "queue", command_of(fields), f"console-{cid}-{step}-{slug(workorder)}",
                fields, acting_user=session.user.user,
            )  # fmt: skip
            ok, text = step_answer(fields, answer, lang)
        chosen = read_filter(form)
        shown = chosen if isinstance(chosen, Filter) else Filter()
        found = await listed(session, shown)
        ctx = renderer.context(
            lang, session=session, cid=session.new_cid(),
            **workorders_context(state.hall, session, found, shown, lang, {workorder: (ok, text)}),
        )  # fmt: skip
        return HTMLResponse(renderer.render("_workorder_list.html", ctx))
