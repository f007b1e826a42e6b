"""Sending the controller's commands from the console, and reading the reply in words.

The console changes the hall only through commands, as its own node: a request on its
``cmd/…`` topic (built by ``bus.topics``), answered on its own reply inbox. The command id
comes from the page (one per rendered action panel), so a double click or a retried POST is
the same command and the controller applies it once.
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from bus import topics
from bus.core import Bus, RequestTimeout
from bus.models.base import Reply, ResultData
from console.auth import Refusal, SignedIn
from console.i18n import split_message

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

    async def send(self, area: str, verb: str, command_id: str, fields: dict[str, Any]) -> Answer:
        """The answer; ``no_answer`` when the controller did not reply in time."""
        ...


def command_topic(hall: str, node: str, area: str, verb: str) -> str:
    """The command topic from ``bus.topics`` (``cmd/<node>/<area>/<verb>`` once the
    contract names the sender; ``cmd/<area>/<verb>`` before)."""
    builder: Any = topics.command
    if len(inspect.signature(builder).parameters) == 4:
        return str(builder(hall, node, area, verb))
    return str(builder(hall, area, verb))


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

    async def send(self, area: str, verb: str, command_id: str, fields: dict[str, Any]) -> Answer:
        """Send and await the reply without blocking the loop."""
        topic = command_topic(self.bus.hall, self.bus.node, area, verb)
        payload = {"v": 1, "id": command_id, **fields}
        future = self.bus.request(topic, payload, self.timeout)
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
            "users", "authenticate", self.new_id(), {"user": user, "password": password}
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
            )
        except KeyError:
            return Refusal("unavailable")
