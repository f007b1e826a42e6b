"""The MQTT contract as data: one entry per channel, and the AsyncAPI 3 document made from it.

Each channel is a small frozen dataclass: its topic template (made by calling the function
of ``bus.topics`` that builds the real topic, so the two cannot drift), who publishes and
who subscribes, whether it is retained, its QoS, the message models (pydantic classes of
``bus.models``) and at least one example per model, constructed here and therefore
validated by the model itself. ``document()`` turns the registry into an AsyncAPI 3.0.0
document with the JSON Schema of every payload; ``hall contract`` writes it, and
``docs/contract/asyncapi.yaml`` is the checked-in copy that firmware and integration authors
read.

To add a channel, append a ``Channel`` to ``CHANNELS`` (state, devices), an ``EventChannel``
to ``EVENT_CHANNELS`` (one per model of ``bus.models.events.EVENTS``) or a ``CommandChannel``
to ``COMMAND_CHANNELS`` (one per model of ``bus.models.COMMANDS``); a typed reply goes in
``CommandChannel.replies`` with its examples in ``reply_examples``.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from bus import topics
from bus.models import attendance, devices, events, faces, notices, queue, state, views
from bus.models.base import (
    SCHEMA_VERSION,
    Command,
    ErrorBody,
    Message,
    RefusalDetails,
    Reply,
    StateMessage,
)
from bus.models.replies import COMMAND_RESULTS, IssueResult, reply_model
from config.schema import ItemType

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
        "the manager's console and the `hall` command line (broker user `manager`: may send "
        "every command and read everything)"
    ),
    Role.ANY: "every node, whatever its role",
}

PARAMETERS: dict[str, dict[str, Any]] = {
    "hall": {
        "description": "The hall id (`hall_id` of the hall config).",
        "examples": ["chengdong"],
    },
    "node": {
        "description": "A node id of the hall config (`nodes[].id`).",
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
    """A command: ``cmd/<area>/<verb>`` to the controller, answered on the sender's inbox.

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

_CST = dt.timezone(dt.timedelta(hours=8))
_NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=_CST)
_DAY = _NOW.date()
_SEQ = 1795831800000
"""An event sequence: the event time in milliseconds (``store/events.py``)."""


def _at(hour: int, minute: int = 0, day: dt.date = _DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=_CST)


_WINDOW_VIEW = views.WindowView.model_validate(
    {
        "at": "2026-11-24T09:30:00+08:00",
        "data": {
            "window": "W01",
            "number": 1,
            "department": "shebao",
            "department_name": "社保医保",
            "categories": ["A"],
            "green_channel": False,
            "current": {
                "ticket": "A012",
                "key": "2026-11-24/A012",
                "service": "A01",
                "service_name": "社保卡补换",
                "category": "A",
                "priority": False,
                "called_at": "2026-11-24T09:29:40+08:00",
            },
            "recalls": 0,
            "recalls_left": 2,
            "staff": {
                "id": "S001",
                "name": "张敏",
                "staff_number": "CD001",
                "department": "shebao",
            },
            "status": "serving",
            "paused": False,
            "closed": False,
            "closure": None,
            "display": None,
            "evaluator": {"state": "idle"},
            "held": [],
        },
    }
)

_WINDOW_PAUSED = views.WindowView.model_validate(
    {
        "at": "2026-11-24T10:05:00+08:00",
        "data": {
            **_WINDOW_VIEW.data.model_dump(mode="json"),
            "current": None,
            "status": "paused",
            "paused": True,
            "display": "暂停服务",
            "evaluator": {"state": "stopped", "text": "停止服务"},
        },
    }
)

_QUEUE_VIEW = views.QueueView.model_validate(
    {
        "at": "2026-11-24T09:30:00+08:00",
        "data": {
            "day": "2026-11-24",
            "categories": {
                "A": {
                    "name": "社保医保",
                    "name_en": "Social Security",
                    "waiting": 7,
                    "priority_waiting": 1,
                    "estimated_wait_minutes": 28,
                    "mean_service_minutes": 8.0,
                    "serving_windows": 2,
                    "windows": [1, 2],
                }
            },
            "calling": [
                {
                    "ticket": "A012",
                    "window": "W01",
                    "window_number": 1,
                    "called_at": "2026-11-24T09:29:40+08:00",
                }
            ],
        },
    }
)

_CATALOG_VIEW = views.CatalogView.model_validate(
    {
        "at": "2026-11-24T09:30:00+08:00",
        "data": {
            "day": "2026-11-24",
            "open_today": True,
            "categories": {
                "B": {
                    "name": "不动产登记",
                    "name_en": "Real Estate",
                    "department": "budongchan",
                    "department_name": "不动产登记",
                    "status": "open",
                    "last_ticket": "16:30",
                    "daily_cap": 120,
                    "issued": 31,
                    "left": 89,
                }
            },
            "items": {
                "B02": {
                    "name": "抵押登记",
                    "name_en": "Mortgage Registration",
                    "category": "B",
                    "status": "suspended",
                    "notice": "系统升级，抵押登记暂停办理",
                    "suspension_start": None,
                    "guide": {
                        "materials": ["身份证", "不动产权证书", "抵押合同"],
                        "procedure": ["取号", "窗口受理", "缴费", "领证"],
                        "type": "promised",
                        "type_zh": "承诺件",
                        "time_limit_workdays": 5,
                        "fees": "80元/件",
                        "legal_basis": "《不动产登记暂行条例》",
                        "location": "4号窗口",
                        "phone": "0000-12345",
                    },
                }
            },
        },
    }
)

_REPLY_OK = reply_model(IssueResult)(
    id="kiosk-1-7f3a2c",
    ok=True,
    result=IssueResult(
        ticket="A013",
        service="A01",
        ahead=7,
        key="2026-11-24/A013",
        category="A",
        service_name="不动产登记",
        department="D01",
        department_name="不动产登记中心",
        windows=(1, 2),
        priority=False,
        issued_at=dt.datetime(2026, 11, 24, 9, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        estimated_wait_minutes=28,
        booking=None,
    ),
)
_REPLY_REFUSED = Reply.failure(
    "kiosk-1-7f3a2d",
    "closed",
    "该业务今日已停止取号 / This service is closed for today",
    RefusalDetails(message_en="This service is closed for today", service="A01"),
)
_REPLY_INVALID = Reply(
    id="caller-W01-0042",
    ok=False,
    error=ErrorBody(
        code="invalid", message="命令格式错误 / invalid queue/call: window: Field required"
    ),
)

# The registry -----------------------------------------------------------------------------

_FRONT_ENDS = (Role.KIOSK, Role.SCREEN, Role.DISPLAY, Role.EVALUATOR, Role.CALLER)

CHANNELS: list[Channel] = [
    Channel(
        id="node.status",
        address=template(topics.node_status),
        publishers=(Role.ANY,),
        subscribers=(Role.ANY,),
        messages=(state.NodeStatus,),
        examples=(
            Example(state.NodeStatus(state="online", role="kiosk", at=_NOW), "on connect"),
            Example(state.NodeStatus(state="offline", role="controller"), "the last will"),
        ),
        retained=True,
        description=(
            "Each node says `online` when it connects and leaves `offline` as its last will. "
            "A firmware bridge beside a node's app says it apart, as `<node>.bridge`. Front "
            "ends watch `node/controller/status` and show 'connection lost' while it is "
            "offline."
        ),
    ),
    Channel(
        id="time",
        address=template(topics.time_beacon),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.ANY,),
        messages=(state.TimeBeacon,),
        examples=(state.TimeBeacon(now=_NOW, hall_day=_DAY, timezone="Asia/Shanghai"),),
        retained=True,
        qos=0,
        description=(
            "The hall's clock, every few seconds: nodes compare theirs against it (a Pi has "
            "no real-time clock)."
        ),
    ),
    Channel(
        id="state.catalog",
        address=template(topics.catalog_state),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.KIOSK, Role.SCREEN, Role.CONSOLE),
        messages=(views.CatalogView,),
        examples=(_CATALOG_VIEW,),
        retained=True,
        description=(
            "The service catalogue: categories and items, guide texts, open / closed / "
            "suspended / full, daily caps left. Republished on every change and whenever the "
            "controller (re)connects."
        ),
    ),
    Channel(
        id="state.queue",
        address=template(topics.queue_state),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.KIOSK, Role.SCREEN, Role.CALLER, Role.CONSOLE),
        messages=(views.QueueView,),
        examples=(_QUEUE_VIEW,),
        retained=True,
        description="Waiting per category, estimated waits and the tickets being called now.",
    ),
    Channel(
        id="state.window",
        address=template(topics.window_state),
        publishers=(Role.CONTROLLER,),
        subscribers=(
            Role.DISPLAY,
            Role.EVALUATOR,
            Role.CALLER,
            Role.BRIDGE,
            Role.KIOSK,
            Role.SCREEN,
            Role.CONSOLE,
        ),
        messages=(views.WindowView,),
        examples=(_WINDOW_VIEW, Example(_WINDOW_PAUSED, "paused: 暂停服务, the evaluator stopped")),
        retained=True,
        description=(
            "One window: its current ticket, staff on duty, paused or closed (暂停服务), what "
            "its evaluator shows. An LED display's firmware bridge renders it itself."
        ),
    ),
    Channel(
        id="notice",
        address=template(topics.notice),
        publishers=(Role.CONTROLLER,),
        subscribers=_FRONT_ENDS,
        messages=(notices.Notice,),
        examples=(
            notices.Notice(
                notice_id="n-20261124-01",
                text="今日下午14:00至15:00系统维护，暂停办理不动产业务",
                text_en="Real estate services pause 14:00-15:00 today for maintenance",
                targets=["screens", "kiosks"],
                start=_at(9, 0),
                until=_at(15, 0),
                priority="high",
                created_at=_at(8, 50),
            ),
        ),
        retained=True,
        empty="The notice was revoked or has ended: the retained notice is cleared.",
        description=(
            "A notice pushed by the hall manager (`cmd/notice/push`); each node shows those "
            "whose `targets` name it (`all`, `screens`, `kiosks`, `window:<id>`)."
        ),
    ),
    Channel(
        id="faces.templates",
        address=template(topics.face_templates),
        publishers=(Role.CONTROLLER,),
        subscribers=(Role.TERMINAL,),
        messages=(faces.TemplatesMessage,),
        examples=(faces.TemplatesMessage(revision=12, at=_NOW, blob="c2VhbGVkLXRlbXBsYXRlcw=="),),
        retained=True,
        description=(
            "The face template store, sealed with the transport key (AES-GCM). Not under "
            "`state/`, so that readers of `state/#` do not download it."
        ),
    ),
    Channel(
        id="dev.state",
        address=template(topics.device, leaf="state"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.KIOSK, Role.TERMINAL, Role.CONSOLE),
        messages=(devices.DeviceStatus,),
        examples=(
            devices.DeviceStatus(
                state=devices.DeviceState.PAPER_OUT, detail="缺纸 / out of paper", since=_NOW
            ),
            devices.DeviceStatus(state=devices.DeviceState.OK, since=_at(8, 45)),
        ),
        retained=True,
        description=(
            "A device's state: `ok`, `paper_near_end`, `paper_out`, `cover_open`, `offline`, "
            "`error`. A fault is a state the node shows, never a crash."
        ),
    ),
    Channel(
        id="dev.print",
        address=template(topics.device, leaf="print"),
        publishers=(Role.KIOSK,),
        subscribers=(Role.BRIDGE,),
        messages=(devices.PrintJob,),
        examples=(
            devices.PrintJob.of(
                "A013-1",
                devices.TicketPrint(
                    hall_name="城东区政务服务中心",
                    number="A013",
                    service="社保卡补换",
                    department="社保医保",
                    windows=("1号窗口", "2号窗口"),
                    ahead=7,
                    estimated_wait_min=14,
                    issued_at=_NOW,
                    status_url="servicehall:chengdong/ticket/2026-11-24/A013",
                ),
            ),
            Example(
                devices.PrintJob.of(
                    "g-7f3a",
                    devices.GuidePrint(
                        hall_name="城东区政务服务中心",
                        item_name="养老保险待遇申领",
                        item_type=ItemType.PROMISED,
                        materials=("居民身份证原件", "社会保障卡"),
                        procedure=("窗口受理", "审核", "办结"),
                        promised_workdays=5,
                        fees="不收费",
                        legal_basis=("《社会保险法》",),
                        window_location="1号窗口",
                        enquiry_phone="0000-12333",
                        printed_at=_NOW,
                    ),
                ),
                "a one-time notice (一次性告知单); item_type in the hall's vocabulary",
            ),
        ),
        description=(
            "A ticket or a one-time notice (一次性告知, `guide`) to print. The ticket is "
            "already committed: a failed print never cancels it."
        ),
    ),
    Channel(
        id="dev.result",
        address=template(topics.device, leaf="result"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.KIOSK,),
        messages=(devices.PrintResult,),
        examples=(
            devices.PrintResult(job_id="A013-1", ok=True, state="ok"),
            Example(
                devices.PrintResult(
                    job_id="A014-1", ok=False, state="paper_out", detail="缺纸 / out of paper"
                ),
                "failed: the kiosk offers a reprint",
            ),
        ),
        description="The outcome of a print job, by `job_id`.",
    ),
    Channel(
        id="dev.key",
        address=template(topics.device, leaf="key"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.EVALUATOR, Role.CALLER),
        messages=(devices.KeyEvent,),
        examples=(
            devices.KeyEvent(action="next"),
            Example(devices.KeyEvent(action="rating", value="5"), "an evaluator's rating key"),
        ),
        description=(
            "A key pressed on a keypad, mapped to its action. The bridge itself sends the "
            "command (`queue/call`, `queue/rate`, …) as its node; the front end only shows it."
        ),
    ),
    Channel(
        id="dev.scan",
        address=template(topics.device, leaf="scan"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.KIOSK,),
        messages=(devices.ScanEvent,),
        examples=(devices.ScanEvent(text="B7K2Q9"),),
        description="A scanned booking code or QR text.",
    ),
    Channel(
        id="dev.finger",
        address=template(topics.device, leaf="finger"),
        publishers=(Role.BRIDGE,),
        subscribers=(Role.TERMINAL,),
        messages=(devices.FingerEvent,),
        examples=(
            devices.FingerEvent(slot=17),
            Example(devices.FingerEvent(slot=None), "a finger the module does not know"),
        ),
        description="A finger on the sensor, once per touch.",
    ),
    Channel(
        id="dev.show",
        address=template(topics.device, leaf="show"),
        publishers=(Role.DISPLAY, Role.CALLER),
        subscribers=(Role.BRIDGE,),
        messages=(devices.ShowText,),
        examples=(devices.ShowText(lines=["1号窗口", "请A012号"], brightness=8),),
        description=(
            "Lines for an LED window display, sent by the node it belongs to (its own "
            "credentials). The bridge otherwise renders `state/window/<w>` by itself."
        ),
    ),
    Channel(
        id="dev.press",
        address=template(topics.device, leaf="press"),
        publishers=(Role.ANY,),
        subscribers=(Role.BRIDGE,),
        messages=(devices.SimPress,),
        examples=(
            devices.SimPress(key="next"),
            devices.SimPress(rating=5),
            devices.SimPress(scan="B7K2Q9"),
        ),
        description=(
            "Presses a key of a *simulated* keypad or scanner (`port: sim` only), as the "
            "hardware would: the demo and manual tests use it with the node's credentials."
        ),
    ),
]
"""Retained state, events and device topics; commands are in ``COMMAND_CHANNELS``."""

REPLY = Channel(
    id="reply",
    address=template(topics.reply_inbox),
    publishers=(Role.CONTROLLER,),
    subscribers=(Role.ANY,),
    messages=(Reply, type(_REPLY_OK)),
    examples=(
        Example(_REPLY_OK, "applied"),
        Example(_REPLY_REFUSED, "refused by the hall's rules"),
        Example(_REPLY_INVALID, "not a valid command: nothing changed"),
    ),
    description=(
        "The reply to a command, on the MQTT 5 response topic the command named (the "
        "sender's own inbox, which only it may read) with the command's correlation data. "
        "`ok: true` carries `result`, `ok: false` carries `error` (`code`, `message`). A "
        "payload that is not JSON, or not a valid command, is still answered."
    ),
)
"""Where replies arrive; each command's operation points here."""

_K, _C, _E, _T, _M = Role.KIOSK, Role.CALLER, Role.EVALUATOR, Role.TERMINAL, Role.CONSOLE


def _id(n: int) -> str:
    return f"c-20261124-{n:04d}"


COMMAND_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        queue.Issue,
        (_K, _M),
        (
            queue.Issue(id="kiosk-1-7f3a2c", service="A01", node="kiosk-1"),
            Example(
                queue.Issue(id="kiosk-1-7f3a2e", service="B01", priority=True, node="kiosk-1"),
                "绿色通道 (green channel)",
            ),
        ),
        "Take a ticket for a service item.",
        reply_examples=(_REPLY_OK, _REPLY_REFUSED),
    ),
    CommandChannel(
        queue.Call,
        (_C, _M),
        (queue.Call(id=_id(1), window="W01"),),
        "Call the next ticket to the window (叫号).",
    ),
    CommandChannel(
        queue.Recall,
        (_C, _M),
        (queue.Recall(id=_id(2), window="W01"),),
        "Call the current ticket again (重呼), up to the hall's recall limit.",
    ),
    CommandChannel(
        queue.Skip,
        (_C, _M),
        (queue.Skip(id=_id(3), window="W01"),),
        "The called citizen did not come (过号).",
    ),
    CommandChannel(
        queue.Finish,
        (_C, _M),
        (queue.Finish(id=_id(4), window="W01"),),
        "The current ticket is served; the evaluator asks for a rating.",
    ),
    CommandChannel(
        queue.Hold,
        (_C, _M),
        (queue.Hold(id=_id(5), window="W01"),),
        "Put the current ticket on hold (挂起), e.g. for missing materials.",
    ),
    CommandChannel(
        queue.ResumeTicket,
        (_C, _M),
        (queue.ResumeTicket(id=_id(6), window="W01", ticket="A009"),),
        "Serve a held ticket again.",
    ),
    CommandChannel(
        queue.Pause,
        (_C, _M),
        (queue.Pause(id=_id(7), window="W01"),),
        "Pause the window (暂停服务).",
    ),
    CommandChannel(
        queue.Resume, (_C, _M), (queue.Resume(id=_id(8), window="W01"),), "Resume a paused window."
    ),
    CommandChannel(
        queue.Reactivate,
        (_C, _M),
        (queue.Reactivate(id=_id(9), ticket="A005"),),
        "Put a skipped ticket back in the queue.",
    ),
    CommandChannel(
        queue.Transfer,
        (_C, _M),
        (queue.Transfer(id=_id(10), window="W01", service="B01"),),
        "Transfer the current ticket to another service (转办).",
    ),
    CommandChannel(
        queue.Login,
        (_C, _M),
        (queue.Login(id=_id(11), window="W01", staff="S001"),),
        "A staff member signs in at the window.",
    ),
    CommandChannel(
        queue.Logout,
        (_C, _M),
        (queue.Logout(id=_id(12), window="W01"),),
        "The staff member signs out of the window.",
    ),
    CommandChannel(
        queue.Rate,
        (_E, _M),
        (queue.Rate(id=_id(13), window="W01", level=5, ticket="A012"),),
        "A citizen's rating (1-5) of the ticket the evaluator showed.",
    ),
    CommandChannel(
        queue.Suspend,
        (_M,),
        (
            queue.Suspend(
                id=_id(14),
                service="B02",
                notice="系统升级，抵押登记暂停办理",
                start=_at(14, 0),
                end=_at(15, 0),
            ),
        ),
        "Suspend a service item (业务临时停办), now or announced ahead.",
    ),
    CommandChannel(
        queue.Unsuspend,
        (_M,),
        (queue.Unsuspend(id=_id(15), service="B02"),),
        "End a service item's suspension.",
    ),
    CommandChannel(
        queue.Book,
        (_K, _M),
        (queue.Book(id=_id(16), service="B01", slot=_at(10, 30)),),
        "Book an appointment slot.",
    ),
    CommandChannel(
        queue.Checkin,
        (_K, _M),
        (queue.Checkin(id=_id(17), code="B7K2Q9"),),
        "Check in with a booking code: issues its ticket.",
    ),
    CommandChannel(
        queue.CancelBooking,
        (_M,),
        (queue.CancelBooking(id=_id(18), code="B7K2Q9", reason="申请人改期"),),
        "Cancel a booking.",
    ),
    CommandChannel(
        queue.CloseWindow,
        (_M,),
        (queue.CloseWindow(id=_id(19), window="W03", reason="设备维修", until=_at(13, 0)),),
        "Close a window temporarily (临时关闭).",
    ),
    CommandChannel(
        queue.OpenWindow,
        (_M,),
        (queue.OpenWindow(id=_id(20), window="W03"),),
        "Open a closed window again.",
    ),
    CommandChannel(
        queue.UpdateWorkorder,
        (_M,),
        (
            queue.UpdateWorkorder(
                id=_id(21), workorder="wo-0007", step="verify", note="电话回访", verified=True
            ),
            queue.UpdateWorkorder(id=_id(32), workorder="wo-0007", step="reply", note="已答复"),
        ),
    ),
    CommandChannel(
        queue.CloseWorkorder,
        (_M,),
        (queue.CloseWorkorder(id=_id(33), workorder="wo-0007"),),
    ),
    CommandChannel(
        queue.StatsQuery,
        (_M,),
        (
            queue.StatsQuery.model_validate(
                {"id": _id(22), "from": "2026-11-01", "to": "2026-11-24"}
            ),
        ),
        "Queue statistics between two days (the same as `hall stats`).",
    ),
    CommandChannel(
        attendance.Punch,
        (_T, _M),
        (
            attendance.Punch(
                id="terminal-1-p-000381",
                staff_id="S001",
                time=_at(8, 52),
                source="face",
                device="terminal-1",
                clock_synced=True,
                monotonic=53211.42,
                boot_id="6f1c0d3e9b2a4f57",
            ),
        ),
    ),
    CommandChannel(
        attendance.WriteoffRequest,
        (_M,),
        (
            attendance.WriteoffRequest(
                id=_id(23),
                staff_id="S002",
                kind="sick",
                start=_at(9, 0),
                end=_at(17, 30),
                reason="发烧就医",
            ),
        ),
    ),
    CommandChannel(
        attendance.Approve,
        (_M,),
        (
            attendance.Approve(
                id=_id(24), request_id="r-0031", approver_role="section_chief", approver="S010"
            ),
        ),
        "Approve a write-off request at one step of its approval chain.",
    ),
    CommandChannel(
        attendance.Reject,
        (_M,),
        (
            attendance.Reject(
                id=_id(25), request_id="r-0032", approver_role="section_chief", note="材料不全"
            ),
        ),
        "Reject a write-off request.",
    ),
    CommandChannel(
        attendance.ListRequests,
        (_M,),
        (attendance.ListRequests(id=_id(26), status="pending"),),
        "List write-off requests.",
    ),
    CommandChannel(
        attendance.CalendarOverride,
        (_M,),
        (attendance.CalendarOverride(id=_id(27), date=dt.date(2026, 12, 31), kind="holiday"),),
        "A manager's workday override (queue and attendance alike); `clear` removes it.",
    ),
    CommandChannel(
        attendance.MonthReportQuery,
        (_M,),
        (attendance.MonthReportQuery(id=_id(28), month="2026-11"),),
        "The monthly attendance report with assessment deductions.",
    ),
    CommandChannel(
        notices.PushNotice,
        (_M,),
        (
            notices.PushNotice(
                id=_id(29),
                text="今日下午14:00至15:00系统维护，暂停办理不动产业务",
                targets=["screens", "kiosks"],
                until=_at(15, 0),
                priority="high",
            ),
        ),
        "Push a notice to screens, kiosks or windows (retained on `notice/<id>`).",
    ),
    CommandChannel(
        notices.RevokeNotice,
        (_M,),
        (notices.RevokeNotice(id=_id(30), notice_id="n-20261124-01"),),
        "Revoke a notice: its retained topic is cleared.",
    ),
    CommandChannel(
        notices.ListNotices, (_M,), (notices.ListNotices(id=_id(31)),), "List the notices in force."
    ),
]
"""One entry per command model of ``bus.models.COMMANDS``."""


_TICKET = {
    "ticket": "A012",
    "key": "2026-11-24/A012",
    "category": "A",
    "service_name": "社保卡补换",
    "department": "shebao",
    "department_name": "社保医保",
    "windows": [1, 2],
    "priority": False,
}
_AT_WINDOW = {"window": "W01", "window_number": 1, "staff": "S001", "staff_name": "张敏"}
_VOICE = "请A零一二号到一号窗口办理"
_WRITEOFF = {"request_id": "r-0031", "staff_id": "S002", "status": "pending"}
_SCREEN = (Role.SCREEN, Role.CONSOLE)

EVENT_CHANNELS: list[EventChannel] = [
    EventChannel(
        events.TicketIssued,
        {
            **_TICKET,
            "ticket": "A013",
            "key": "2026-11-24/A013",
            "service": "A01",
            "ahead": 7,
            "issued_at": "2026-11-24T09:30:00+08:00",
            "estimated_wait_minutes": 28,
            "booking": None,
        },
    ),
    EventChannel(
        events.TicketCalled,
        {**_TICKET, **_AT_WINDOW, "called_at": "2026-11-24T09:30:00+08:00", "announcement": _VOICE},
        _SCREEN,
        "A ticket was called to a window: the hall screen shows it and speaks `announcement`.",
    ),
    EventChannel(
        events.TicketResumed,
        {**_TICKET, **_AT_WINDOW, "called_at": "2026-11-24T09:30:00+08:00", "announcement": _VOICE},
        _SCREEN,
        "A held ticket was taken back at a window: the hall screen calls it again.",
    ),
    EventChannel(
        events.TicketRecalled,
        {**_TICKET, **_AT_WINDOW, "recalls": 1, "recalls_left": 1, "announcement": _VOICE},
        _SCREEN,
        "The current ticket was called again (Q5): the hall screen repeats the call.",
    ),
    EventChannel(
        events.TicketFinished,
        {
            **_TICKET,
            **_AT_WINDOW,
            "finished_at": "2026-11-24T09:38:00+08:00",
            "rating_until": "2026-11-24T09:40:00+08:00",
        },
    ),
    EventChannel(events.TicketSkipped, {**_TICKET, "window": "W01"}),
    EventChannel(events.TicketHeld, {**_TICKET, "window": "W01"}),
    EventChannel(events.TicketReactivated, {**_TICKET, "ahead": 2}),
    EventChannel(
        events.TicketTransferred,
        {
            **_TICKET,
            "service": "B01",
            "from_service": "A01",
            "from_window": "W01",
            "ahead": 4,
        },
    ),
    EventChannel(
        events.TicketExpired, {"ticket": "A031", "key": "2026-11-23/A031", "day": "2026-11-23"}
    ),
    EventChannel(
        events.TicketNotRated,
        {"ticket": "A012", "window": "W01", "key": "2026-11-24/A012", "staff": "S001"},
    ),
    EventChannel(
        events.TicketRated,
        {
            **_AT_WINDOW,
            "ticket": "A012",
            "level": 5,
            "key": "2026-11-24/A012",
            "label": "非常满意",
            "service": "A01",
            "category": "A",
        },
    ),
    EventChannel(events.CallEmpty, dict(_AT_WINDOW)),
    EventChannel(
        events.WindowPaused,
        {**_AT_WINDOW, "reason": "", "display": "暂停服务", "evaluator": "停止服务"},
    ),
    EventChannel(events.WindowResumed, dict(_AT_WINDOW)),
    EventChannel(events.WindowLogin, {**_AT_WINDOW, "staff_number": "CD001"}),
    EventChannel(events.WindowLogout, dict(_AT_WINDOW)),
    EventChannel(
        events.WindowClosed,
        {
            "window": "W03",
            "reason": "设备维修",
            "until": "2026-11-24T13:00:00+08:00",
            "returns_to_pool": True,
            "closure": "cl-0004",
        },
    ),
    EventChannel(events.WindowOpened, {"window": "W03", "closure": "cl-0004"}),
    EventChannel(events.WindowReopened, {"window": "W03", "closure": "cl-0004"}),
    EventChannel(
        events.ServiceSuspended,
        {
            "service": "B02",
            "notice": "系统升级，抵押登记暂停办理",
            "start": "2026-11-24T14:00:00+08:00",
            "end": "2026-11-24T15:00:00+08:00",
            "announced_ahead": True,
        },
    ),
    EventChannel(events.ServiceUnsuspended, {"service": "B02"}),
    EventChannel(events.ServiceResumedBySchedule, {"service": "B02"}),
    EventChannel(events.DayStarted, {"day": "2026-11-24"}),
    EventChannel(
        events.AppointmentBooked,
        {
            "code": "B7K2Q9",
            "slot": "2026-11-24T10:30:00+08:00",
            "service": "B01",
            "ref": None,
            "category": "B",
        },
    ),
    EventChannel(
        events.AppointmentCancelled,
        {"code": "B7K2Q9", "by_hall": False, "slot": "2026-11-24T10:30:00+08:00"},
    ),
    EventChannel(
        events.AppointmentForfeited,
        {"code": "B7K2Q9", "service": "B01", "slot": "2026-11-24T10:30:00+08:00"},
    ),
    EventChannel(
        events.WorkorderCreated,
        {
            "ticket": "A012",
            "due": "2026-11-27T17:00:00+08:00",
            "workorder": "wo-0007",
            "level": 1,
            "staff": "S001",
            "window": "W01",
            "department": "shebao",
        },
    ),
    EventChannel(
        events.WorkorderUpdated,
        {"workorder": "wo-0007", "step": "verify", "verified": True, "staff": "S001"},
    ),
    EventChannel(
        events.WorkorderClosed,
        {
            "workorder": "wo-0007",
            "ticket": "A012",
            "verified": True,
            "overdue": False,
            "staff": "S001",
        },
    ),
    EventChannel(
        events.NoticePushed,
        {
            "notice_id": "n-20261124-01",
            "text": "今日下午14:00至15:00系统维护，暂停办理不动产业务",
            "targets": ["screens", "kiosks"],
            "start": "2026-11-24T09:00:00+08:00",
            "until": "2026-11-24T15:00:00+08:00",
            "priority": "high",
            "created_at": "2026-11-24T08:50:00+08:00",
        },
        description="A notice was pushed: `data` is the notice itself (also on `notice/<id>`).",
    ),
    EventChannel(events.NoticeRevoked, {"notice_id": "n-20261124-01"}),
    EventChannel(events.NoticeEnded, {"notice_id": "n-20261124-01"}),
    EventChannel(
        events.PunchAccepted,
        {
            "staff_id": "S001",
            "seq": 381,
            "device": "terminal-1",
            "slot": "morning_in",
            "status": "normal",
            "minutes": 0,
            "flags": [],
        },
    ),
    EventChannel(events.WriteoffRequested, {**_WRITEOFF, "next_role": "section_chief"}),
    EventChannel(
        events.WriteoffSigned,
        {**_WRITEOFF, "status": "pending", "next_role": "centre_director"},
    ),
    EventChannel(events.WriteoffApproved, {**_WRITEOFF, "status": "approved", "next_role": None}),
    EventChannel(events.WriteoffRejected, {**_WRITEOFF, "status": "rejected", "next_role": None}),
    EventChannel(
        events.CalendarOverridden, {"date": "2026-12-31", "kind": "holiday", "workday": False}
    ),
]
"""One entry per event model of ``bus.models.events.EVENTS``."""


def channels() -> list[Channel]:
    """Every channel of the contract, in the document's order (the reply inbox last)."""
    return [
        *CHANNELS,
        *(e.channel() for e in EVENT_CHANNELS),
        *(c.channel() for c in COMMAND_CHANNELS),
        REPLY,
    ]


# The document -----------------------------------------------------------------------------


class _Schema(GenerateJsonSchema):
    """Pydantic's JSON Schema without a title on every field (the field name says it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


_EMPTY = "Empty"
_INFO = """\
The MQTT contract of a servicehall hall: every topic, who publishes and who subscribes,
whether it is retained, its QoS, and the JSON Schema of every payload with examples.
Generated from the message models (`bus/contract.py`) by `hall contract`; do not edit.

- Every topic is under `hall/<hall>/`, so that many halls can share a broker. Each node
  connects with its own user; the broker's ACL lets it write only what it may
  (`hall broker config`).
- Payloads are UTF-8 JSON objects with the schema version `"v": 1`. Commands and replies
  refuse unknown fields; state and events may gain fields, which readers ignore.
- A command (`cmd/…`) carries a unique `id` (a resent command is applied once) and an
  MQTT 5 response topic and correlation data; the controller takes the sender from the
  broker, never from the payload, and answers on the `reply` channel.
- Retained topics (`x-retained: true`) hold the current state: a node that (re)starts gets
  it at once; the controller republishes them whenever it (re)connects.
- Operations come in pairs per channel, `<channel>.send` and `<channel>.receive`, tagged
  with the roles that do them: read the operations tagged with your node's role.
"""


def _schemas(
    models: Iterable[type[BaseModel]],
) -> tuple[dict[type[BaseModel], str], dict[str, Any]]:
    """Each model's schema name, and every schema (models and their parts) by name."""
    unique = list(dict.fromkeys(models))
    refs, top = models_json_schema(
        [(m, "validation") for m in unique], ref_template=SCHEMA_REF, schema_generator=_Schema
    )
    prefix = SCHEMA_REF.format(model="")
    names = {m: refs[(m, "validation")]["$ref"].removeprefix(prefix) for m in unique}
    return names, _asyncapi_schema(dict(top.get("$defs", {})))


def _asyncapi_schema(node: Any) -> Any:
    """Pydantic's JSON Schema in AsyncAPI's dialect: a ``discriminator`` is the name of the
    property (OpenAPI's ``{propertyName, mapping}`` object is not valid in AsyncAPI 3)."""
    if isinstance(node, list):
        return [_asyncapi_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "discriminator" and isinstance(value, dict) and "propertyName" in value:
            out[key] = value["propertyName"]
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _asyncapi_schema(v) for name, v in value.items()}
        else:
            out[key] = _asyncapi_schema(value)
    return out


def _dump(payload: BaseModel) -> Any:
    return payload.model_dump(mode="json", by_alias=True)


def _role_list(roles: Iterable[Role]) -> str:
    return ", ".join(roles)


def _message(
    model: type[BaseModel], name: str, examples: list[tuple[str, Example]]
) -> dict[str, Any]:
    doc = inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " ")
    message: dict[str, Any] = {"name": name, "title": name}
    if doc:
        message["summary"] = doc
    message["payload"] = {"$ref": SCHEMA_REF.format(model=name)}
    if issubclass(model, Command):
        message["bindings"] = {
            "mqtt": {
                "responseTopic": {
                    "type": "string",
                    "description": "The sender's reply inbox: " + REPLY.address,
                },
                "correlationData": {
                    "type": "string",
                    "description": "Opaque bytes, returned with the reply.",
                },
                "bindingVersion": MQTT_BINDING_VERSION,
            }
        }
        message["x-readonly"] = bool(model.readonly)
    message["examples"] = [
        {
            "name": f"{channel_id}-{i}",
            **({"summary": e.summary} if e.summary else {}),
            "payload": _dump(e.payload),
        }
        for i, (channel_id, e) in enumerate(examples, 1)
    ]
    message["x-python"] = f"{model.__module__}.{model.__qualname__}"
    return message


def _empty_message(channels_: list[Channel]) -> dict[str, Any]:
    return {
        "name": _EMPTY,
        "title": "Empty retained payload",
        "summary": "Zero bytes, retained: clears the topic's retained message.",
        "description": "\n".join(f"- `{c.title}`: {c.empty}" for c in channels_),
        "contentType": "application/octet-stream",
        "payload": {"type": "string", "maxLength": 0},
        "examples": [{"name": f"{c.id}-cleared", "payload": ""} for c in channels_],
    }


def _check(channel_list: list[Channel]) -> None:
    ids = [c.id for c in channel_list]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate channel ids: {sorted(i for i in ids if ids.count(i) > 1)}")
    for c in channel_list:
        for name in c.parameters:
            if name not in PARAMETERS:
                raise ValueError(f"{c.id}: parameter {{{name}}} has no entry in PARAMETERS")
        for kind, models, items in (
            ("message", c.messages, c.examples),
            ("reply", c.replies, c.reply_examples),
        ):
            for e in map(_example, items):
                if type(e.payload) not in models:
                    raise ValueError(
                        f"{c.id}: example {type(e.payload).__name__} is not one of its {kind}s"
                    )
        for model in c.messages:
            if not any(type(_example(e).payload) is model for e in c.examples):
                raise ValueError(f"{c.id}: no example of {model.__name__}")
        if c.qos not in (0, 1, 2):
            raise ValueError(f"{c.id}: QoS {c.qos}")


def document() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of the contract, as plain data (deterministic)."""
    all_channels = channels()
    _check(all_channels)
    models = [m for c in all_channels for m in (*c.messages, *c.replies)]
    names, schemas = _schemas(models)

    examples: dict[type[BaseModel], list[tuple[str, Example]]] = {m: [] for m in names}
    seen: set[str] = set()
    pairs = [(c.id, e) for c in all_channels for e in c.examples]
    pairs += [(c.id, e) for c in all_channels for e in c.reply_examples]
    for channel_id, item in pairs:
        e = _example(item)
        key = f"{type(e.payload).__qualname__}:{e.payload.model_dump_json(by_alias=True)}"
        if key not in seen:  # a reply example shared by several commands is shown once
            seen.add(key)
            examples[type(e.payload)].append((channel_id, e))
    messages = {names[m]: _message(m, names[m], examples[m]) for m in names}
    emptied = [c for c in all_channels if c.empty]
    if emptied:
        messages[_EMPTY] = _empty_message(emptied)

    channel_docs: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for c in all_channels:
        keys = [names[m] for m in c.messages] + ([_EMPTY] if c.empty else [])
        if c is REPLY:
            keys = list(dict.fromkeys(names[m] for ch in all_channels for m in ch.replies))
        retained = "retained" if c.retained else "not retained"
        body: dict[str, Any] = {
            "address": c.address,
            "title": c.title,
            "summary": (
                f"{_role_list(c.publishers)} → {_role_list(c.subscribers)}; {retained}, QoS {c.qos}"
            ),
            "description": c.description,
            "messages": {k: {"$ref": f"#/components/messages/{k}"} for k in keys},
        }
        if c.parameters:
            body["parameters"] = {p: {"$ref": f"#/components/parameters/{p}"} for p in c.parameters}
        body["x-publishers"] = [str(r) for r in c.publishers]
        body["x-subscribers"] = [str(r) for r in c.subscribers]
        body["x-retained"] = c.retained
        body["x-qos"] = c.qos
        channel_docs[c.id] = body
        if c is REPLY:
            continue  # reached through each command's ``reply``
        for action, roles in (("send", c.publishers), ("receive", c.subscribers)):
            op: dict[str, Any] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{c.id}"},
                "title": f"{c.title} ({action})",
                "summary": f"{'sent' if action == 'send' else 'received'} by {_role_list(roles)}",
                "messages": [{"$ref": f"#/channels/{c.id}/messages/{k}"} for k in keys],
                "tags": [{"name": str(r)} for r in roles],
                "bindings": {
                    "mqtt": {
                        "qos": c.qos,
                        "retain": c.retained,
                        "bindingVersion": MQTT_BINDING_VERSION,
                    }
                },
            }
            if c.replies:
                op["reply"] = {
                    "channel": {"$ref": f"#/channels/{REPLY.id}"},
                    "messages": [
                        {"$ref": f"#/channels/{REPLY.id}/messages/{names[m]}"} for m in c.replies
                    ],
                }
            operations[f"{c.id}.{action}"] = op

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "servicehall MQTT contract",
            "version": str(SCHEMA_VERSION),
            "description": _INFO,
            "tags": [{"name": str(r), "description": ROLE_TEXT[r]} for r in Role],
        },
        "defaultContentType": "application/json",
        "servers": {
            "hall-broker": {
                "host": "{host}:{port}",
                "protocol": "mqtt",
                "protocolVersion": "5",
                "description": "The hall's Mosquitto (`hall broker config` writes its setup).",
                "variables": {
                    "host": {"default": "127.0.0.1", "description": "The broker's host."},
                    "port": {"default": "1883", "description": "`broker.port` of the hall."},
                },
                "security": [
                    {
                        "type": "userPassword",
                        "description": (
                            "One user per node (its node id), password from the node's "
                            "credential file; the ACL allows least privilege per role."
                        ),
                    }
                ],
            }
        },
        "channels": channel_docs,
        "operations": operations,
        "components": {
            "schemas": {k: schemas[k] for k in sorted(schemas)},
            "messages": {k: messages[k] for k in sorted(messages)},
            "parameters": {
                k: PARAMETERS[k] for k in sorted({p for c in all_channels for p in c.parameters})
            },
        },
    }


class _Dumper(yaml.SafeDumper):
    """YAML without anchors and aliases: every part of the document reads on its own."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def render(doc: dict[str, Any] | None = None) -> str:
    """The document as YAML: keys in the order built (sorted where order means nothing)."""
    return yaml.dump(
        document() if doc is None else doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


__all__ = [
    "BASES",
    "CHANNELS",
    "COMMAND_CHANNELS",
    "EVENT_CHANNELS",
    "PARAMETERS",
    "REPLY",
    "Channel",
    "CommandChannel",
    "EventChannel",
    "Example",
    "Role",
    "channels",
    "document",
    "render",
    "template",
]
