"""The users page of the console (用户管理): ``/users`` and its actions, the manager's alone.

Registered by ``create_app`` like the other pages (``register(app, kit)``). The page asks the
controller for ``users/list`` on every load and after every action, as the signed-in manager;
each action is one ``users/<verb>`` as that manager, its answer shown in words on its row
(or above the add form), in the list sent back.
"""

from __future__ import annotations

from collections import OrderedDict

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from bus.models.replies import UserInfo
from console.auth import Session
from console.commands import fresh_id
from console.i18n import tr
from console.routes_desks import Kit
from console.users import (
    USER_VERBS,
    USERS_ROLES,
    new_password,
    read_users,
    user_fields,
    users_answer,
    users_context,
)

ADD_ROW = "+"
"""The key of the add form's answer (no user name can be ``+``)."""
ISSUED_MAX = 256
"""Passwords kept for a retried POST (the same command id): the newest ones, a few screens."""


def register(app: FastAPI, kit: Kit) -> None:
    """Add ``/users`` and ``/users/{verb}`` to the staff console."""
    state, sender, renderer, lang_of = kit.state, kit.sender, kit.renderer, kit.lang_of
    page, require, forbidden = kit.page, kit.require, kit.forbidden
    issued: OrderedDict[tuple[str, str], str] = OrderedDict()
    """The password made for (session, command id): a retried POST carries the same id, the
    controller applies it once, and so the answer must show the same password again."""

    def made_for(session: Session, command_id: str, user: str) -> str:
        key = (session.token, command_id)
        if key not in issued:
            issued[key] = new_password(user)
            while len(issued) > ISSUED_MAX:
                issued.popitem(last=False)
        return issued[key]

    async def listed(session: Session) -> tuple[UserInfo, ...] | None:
        answer = await sender.send(
            "users", "list", fresh_id("users"), {}, acting_user=session.user.user
        )
        return read_users(answer)

    @app.get("/users")
    async def users_page(request: Request) -> Response:
        got = await require(request, USERS_ROLES)
        if isinstance(got, Response):
            return got
        session, _ = got
        lang = lang_of(request)
        found = await listed(session)
        return page(
            request, "users.html", session=session, cid=session.new_cid(),
            **users_context(state.hall, found, lang),
        )  # fmt: skip

    @app.post("/users/{verb}")
    async def users_act(request: Request, verb: str) -> Response:
        got = await require(request, USERS_ROLES, post=True)
        if isinstance(got, Response):
            return got
        session, form = got
        if verb not in USER_VERBS:
            return forbidden(request)
        lang = lang_of(request)
        cid = str(form.get("cid") or "")
        user = str(form.get("user") or "").strip()
        key = ADD_ROW if verb == "add" else user
        fields = user_fields(verb, form, [str(w) for w in form.getlist("windows")])
        password: str | None = None
        if not session.owns_cid(cid):
            ok, text = False, tr("csrf", lang)
        elif isinstance(fields, str):
            ok, text = False, tr(fields, lang)
        else:
            # One id per rendered list, verb and user: a double click is applied once.
            command_id = f"console-{cid}-{verb}-{user}"[:80]
            shown: str | None = None
            if verb == "passwd":
                password = shown = made_for(session, command_id, user)
            elif verb == "add":
                typed = str(form.get("password") or "")
                password = typed or made_for(session, command_id, user)
                shown = None if typed else password  # the manager knows what they typed
            if password is not None:
                fields["password"] = password
            answer = await sender.send(
                "users", verb, command_id, fields, acting_user=session.user.user
            )
            ok, text = users_answer(verb, user, answer, lang, shown if answer.ok else None)
        found = await listed(session)
        ctx = renderer.context(
            lang, session=session, cid=session.new_cid(),
            **users_context(state.hall, found, lang, {key: (ok, text)}),
        )  # fmt: skip
        return HTMLResponse(renderer.render("_users_list.html", ctx))
