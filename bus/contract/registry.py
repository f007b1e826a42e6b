"""The contract's vocabulary: roles, topic templates, examples and the three kinds of channel."""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from bus import topics
from bus.contract.examples import _NOW, _SEQ
from bus.models import events, views
from bus.models.base import (
    Command,
    Message,
    Reply,
    StateMessage,
)
from bus.models.replies import COMMAND_RESULTS, reply_model

ASYNCAPI_VERSION = "3.0.0"
MQTT_BINDING_VERSION = "0.2.0"
SCHEMA_REF = "#/components/schemas/{model}"

BASES: frozenset[type[Message]] = frozenset(
    {Message, StateMessage, Command, views.View, events.EventMessage}
)
"""Message classes that never travel on the bus themselves: the bases of others."""


class Role(enum.StrEnum):
    """Who publishes or subscribes: a node role of the hall config, or a party beside them."""

    CONTROLLER = "controller"
    KIOSK = "kiosk"
    DISPLAY = "display"
    SCREEN = "screen"
    EVALUATOR = "evaluator"
    CALLER = "caller"
    TERMINAL = "terminal"
    BRIDGE = "bridge"
    CONSOLE = "console"
    ANY = "any node"


ROLE_TEXT: dict[Role, str] = {
    Role.CONTROLLER: "the hall controller, the single writer of state, notices and events",
    Role.KIOSK: "ticket kiosk (touchscreen, thermal printer, scanner)",
    Role.DISPLAY: "window display (LCD, or the LED strip of a firmware bridge)",
    Role.SCREEN: "the hall screen with its voice announcements",
    Role.EVALUATOR: "the evaluator at a window (好差评)",
    Role.CALLER: "the caller keypad at a window (its firmware bridge sends the commands)",
    Role.TERMINAL: "the punch terminal (camera and/or fingerprint)",
    Role.BRIDGE: "a node's firmware bridge, which owns its devices (`dev/<node>/…`)",
    Role.CONSOLE: (
        "the web console (node `console`: every command under its own `cmd/console/`, each as "
        "its signed-in user, `acting_user`) and the `hall` command line (broker user "
        "`manager`: may send every command and read everything)"
    ),
    Role.ANY: "every node, whatever its role",
}

PARAMETERS: dict[str, dict[str, Any]] = {
    "hall": {
        "description": "The hall id (`hall_id` of the hall config).",
        "examples": ["chengdong"],
    },
    "node": {
        "description": (
            "A node id of the hall config (`nodes[].id`), its broker user. In `cmd/{node}/…` "
            "the sender: only that user may write there, and the controller takes the sender "
            "from the topic, never from the payload; `manager` for the console and the `hall` "
            "tools. In `reply/{node}/…` the sender the reply is for: only it may read there."
        ),
        "examples": ["kiosk-1", "caller-W01", "controller"],
    },
    "window": {"description": "A window id of the hall config.", "examples": ["W01", "W03"]},
    "notice_id": {"description": "The notice's id, given by the controller."},
    "kind": {
        "description": "The event kind.",
        "examples": ["ticket.issued", "ticket.called", "window.paused"],
    },
    "device": {
        "description": "A device name of the node in the hall config (`nodes[].devices[].name`).",
        "examples": ["printer", "scanner", "led", "keys", "fingerprint"],
    },
    "session": {
        "description": "The client's session, random per process: its private reply inbox.",
    },
}
"""The ``{name}`` parts of topic templates; every name a template uses must be here."""

_RENAMED = {"device_name": "device"}
"""Arguments of ``bus.topics`` functions whose template name differs from the argument."""


def template(build: Callable[..., str], /, **fixed: str) -> str:
    """The topic template of a ``bus.topics`` function: ``{name}`` for every argument not fixed.

    ``template(topics.window_state)`` is ``hall/{hall}/state/window/{window}``;
    ``template(topics.command, area="queue", verb="issue")`` is the issue command's topic in
    whatever shape ``bus.topics`` gives commands.
    """
    marks: dict[str, str] = {}
    args: dict[str, str] = {}
    for name in inspect.signature(build).parameters:
        if name in fixed:
            args[name] = fixed[name]
        else:
            marks[name] = args[name] = f"Q9{name}9Q"
    address = build(**args)
    for name, mark in marks.items():
        if mark not in address:
            raise ValueError(f"{build.__name__}: argument {name} is not in the topic {address}")
        address = address.replace(mark, "{" + _RENAMED.get(name, name) + "}")
    return address


@dataclass(frozen=True, slots=True)
class Example:
    """An example payload with a one-line summary (a bare model instance needs none)."""

    payload: BaseModel
    summary: str = ""


ExampleLike = BaseModel | Example


def _example(item: ExampleLike) -> Example:
    return item if isinstance(item, Example) else Example(item)


@dataclass(frozen=True, slots=True)
class Channel:
    """One topic of the contract: direction, retained or not, QoS, payload models, examples.

    ``messages`` are the payload models; ``examples`` hold at least one instance of each.
    ``empty`` says what a zero-byte retained payload means on this channel, if one is sent
    (it clears the retained message). ``replies`` are the models of the reply to a request
    on this channel (on ``REPLY``'s topic), with ``reply_examples``.
    """

    id: str
    address: str
    publishers: tuple[Role, ...]
    subscribers: tuple[Role, ...]
    messages: tuple[type[BaseModel], ...]
    examples: tuple[ExampleLike, ...]
    description: str
    retained: bool = False
    qos: int = 1
    empty: str = ""
    replies: tuple[type[BaseModel], ...] = ()
    reply_examples: tuple[ExampleLike, ...] = ()

    @property
    def parameters(self) -> list[str]:
        """The names of the ``{name}`` parts of the address, in order."""
        return re.findall(r"\{(\w+)\}", self.address)

    @property
    def title(self) -> str:
        """The address without the ``hall/{hall}/`` prefix every topic has."""
        return self.address.removeprefix(template(topics.base) + "/")


@dataclass(frozen=True, slots=True)
class CommandChannel:
    """A command: ``cmd/<node>/<area>/<verb>`` from the sender ``node`` to the controller,
    answered on the sender's own inbox (``reply/<node>/…``).

    The topic, area and verb come from the model (``bus.models.base.command_model``) and
    ``bus.topics``; the description defaults to the model's docstring.
    """

    model: type[Command]
    senders: tuple[Role, ...]
    examples: tuple[ExampleLike, ...]
    description: str = ""
    replies: tuple[type[BaseModel], ...] = ()
    """The replies; by default ``Reply``, and the reply with the command's result model once
    ``reply_examples`` show one (every model of the contract has an example)."""
    reply_examples: tuple[ExampleLike, ...] = ()

    def _typed_replies(self) -> tuple[type[BaseModel], ...]:
        m = self.model
        if not self.reply_examples:
            return (Reply,)
        return (reply_model(COMMAND_RESULTS[(m.area, m.verb)]), Reply)

    def channel(self) -> Channel:
        """This command as a ``Channel`` to the controller with its reply."""
        m = self.model
        text = self.description or inspect.cleandoc(m.__doc__ or "")
        kind = (
            "Query: changes nothing, not stored."
            if m.readonly
            else ("Applied once per `id`, in one transaction; a resent `id` gets the stored reply.")
        )
        return Channel(
            id=f"cmd.{m.area}.{m.verb}",
            address=template(topics.command, area=m.area, verb=m.verb),
            publishers=self.senders,
            subscribers=(Role.CONTROLLER,),
            messages=(m,),
            examples=self.examples,
            description=f"{text}\n\n{kind}".strip(),
            replies=self.replies or self._typed_replies(),
            reply_examples=self.reply_examples,
        )


@dataclass(frozen=True, slots=True)
class EventChannel:
    """An event kind: ``evt/<kind>`` from the controller, after the commit, not retained.

    The kind comes from the model's ``event`` literal (``bus.models.events.EVENTS``); the
    example is ``data`` (validated into the kind's model with ``at`` and ``seq``); the
    description defaults to the docstring of the data model.
    """

    model: type[events.EventMessage[Any]]
    data: dict[str, Any]
    subscribers: tuple[Role, ...] = (Role.CONSOLE,)
    description: str = ""

    @property
    def kind(self) -> str:
        """The event kind, e.g. ``ticket.called``."""
        return str(self.model.model_fields["event"].default)

    def channel(self) -> Channel:
        """This event kind as a ``Channel`` from the controller."""
        data_model = self.model.model_fields["data"].annotation
        text = self.description or inspect.cleandoc(getattr(data_model, "__doc__", "") or "")
        example = self.model.model_validate(
            {"event": self.kind, "at": _NOW, "seq": _SEQ, "data": self.data}
        )
        return Channel(
            id=f"evt.{self.kind}",
            address=template(topics.event, kind=self.kind),
            publishers=(Role.CONTROLLER,),
            subscribers=self.subscribers,
            messages=(self.model,),
            examples=(example,),
            description=text,
        )


# Examples ---------------------------------------------------------------------------------
