"""Sending the controller's commands from the console, and reading the reply in words.

The console changes the hall only through commands, as its own node: a request on its
``cmd/<node>/…`` topic (built by ``bus.topics``), answered on its own reply inbox. Every
command names the signed-in user it is given as (``acting_user``): the controller checks that
user's role, department and windows, and its audit log names them. The command id
comes from the page (one per rendered action panel), so a double click or a retried POST is
the same command and the controller applies it once.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from bus import topics
from bus.core import Bus, RequestTimeout
from bus.models.base import COMMANDS, Reply, ResultData
from bus.remote import invalid_arguments
from console.auth import Refusal, SignedIn
from console.i18n import split_message


def fresh_id(verb: str) -> str:
    """A command id of its own for a command no page handed out an id for (a query, a
    revoke): 64 random bits, and the verb for whoever reads the audit log."""
    return f"console-{secrets.token_hex(8)}-{verb}"


REQUEST_TIMEOUT = 8.0
"""How long a click waits for the controller before saying it did not answer."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The controller's reply as a page shows it: ok and the result, or the refusal."""

    ok: bool
    code: str = ""
    zh: str = ""
    en: str = ""
    result: dict[str, Any] = field(default_factory=dict)


class CommandSender(Protocol):
    """Sends one command with the given id and returns the controller's answer."""

    async def send(
        self,
        area: str,
        verb: str,
        command_id: str,
        fields: dict[str, Any],
        *,
        acting_user: str | None,
    ) -> Answer:
        """The answer; ``no_answer`` when the controller did not reply in time.

        ``acting_user`` is the signed-in user the command is given as; None only for the
        sign-ins (``users/authenticate``), which the controller takes without one."""
        ...


def answer_of(payload: bytes) -> Answer:
    """Read a reply payload into an ``Answer`` (an unreadable one is ``no_answer``)."""
    try:
        reply = Reply.model_validate_json(payload)
    except (ValidationError, ValueError):
        return Answer(False, "no_answer")
    if reply.ok:
        result = reply.result
        data = result.model_dump(mode="json") if isinstance(result, BaseModel) else {}
        return Answer(True, result=data)
    err = reply.error
    if err is None:
        return Answer(False, "no_answer")
    zh, en = split_message(err.message, err.details.message_en if err.details else None)
    return Answer(False, err.code, zh, en)


class BusCommandSender:
    """The real sender: MQTT 5 request/reply through the console's ``Bus``."""

    def __init__(self, bus: Bus, *, timeout: float = REQUEST_TIMEOUT) -> None:
        self.bus = bus
        self.timeout = timeout

    async def send(
        self,
        area: str,
        verb: str,
        command_id: str,
        fields: dict[str, Any],
        *,
        acting_user: str | None,
    ) -> Answer:
        """Send and await the reply without blocking the loop.

        The command is built as its model here, so a page's wrong or missing field is
        answered at once, in words, and never reaches the controller as a dict."""
        model = COMMANDS.get((area, verb))
        if model is None:
            return Answer(False, "unknown_command", "未知命令", f"unknown command {area}/{verb}")
        try:
            command = model.model_validate(
                {"id": command_id, "acting_user": acting_user, **fields}
            )
        except ValidationError as exc:
            zh, en = split_message(invalid_arguments(exc), None)
            return Answer(False, "invalid", zh, en)
        topic = topics.command(self.bus.hall, self.bus.node, command.area, command.verb)
        future = self.bus.request(topic, command, self.timeout)
        try:
            incoming = await asyncio.wrap_future(future)
        except RequestTimeout:
            return Answer(False, "no_answer")
        return answer_of(incoming.payload)


class ControllerAuthenticator:
    """Asks the controller's ``users`` service (``users/authenticate``); its lockout applies.

    The result is read by its fields (``user``, ``display_name``, ``role``, ``staff_id``,
    ``windows``: the controller's ``AuthResult``); a refusal keeps its code
    (``bad_credentials``, ``locked``, ``disabled``)."""

    def __init__(self, sender: CommandSender, new_id: Any) -> None:
        self.sender = sender
        self.new_id = new_id

    async def authenticate(self, user: str, password: str) -> SignedIn | Refusal:
        """One ``users/authenticate`` round trip."""
        answer = await self.sender.send(
            "users",
            "authenticate",
            self.new_id(),
            {"user": user, "password": password},
            acting_user=None,
        )
        if not answer.ok:
            code = "unavailable" if answer.code in ("no_answer", "unknown_command") else answer.code
            return Refusal(code, answer.zh)
        r = ResultData.model_validate(answer.result).model_dump()
        try:
            return SignedIn(
                user=str(r.get("user", user)),
                role=str(r["role"]),
                name=str(r.get("display_name") or user),
                staff=r.get("staff_id"),
                windows=tuple(r.get("windows") or ()),
                department=r.get("department"),
            )
        except KeyError:
            return Refusal("unavailable")
