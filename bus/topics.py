"""Every MQTT topic string of the hall, built here and parsed by one table.

No other module formats a topic: a typo in a topic is a silent bug on a bus, so all of
them are made by these functions and recognised by ``parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROOT = "hall"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _check(*segments: str) -> None:
    for s in segments:
        if not _SEGMENT.match(s):
            raise ValueError(f"invalid topic segment {s!r}: letters, digits, '_', '-', '.' only")


def base(hall: str) -> str:
    """``hall/<hall>``: the root of every topic of one hall (and of its broker ACL)."""
    _check(hall)
    return f"{ROOT}/{hall}"


def node_status(hall: str, node: str) -> str:
    """Retained ``online``/``offline`` (last will) of one node."""
    _check(node)
    return f"{base(hall)}/node/{node}/status"


def bridge_status_id(node: str) -> str:
    """The status name of a node's firmware bridge: ``node/<node>.bridge/status``."""
    return f"{node}.bridge"


def time_beacon(hall: str) -> str:
    """The controller's retained ``TimeBeacon``: the hall's clock, day and timezone."""
    return f"{base(hall)}/time"


def catalog_state(hall: str) -> str:
    """Retained: per category and item, open, closed, suspended or full (the kiosk's menu)."""
    return f"{base(hall)}/state/catalog"


def queue_state(hall: str) -> str:
    """Retained: how many wait per category and the estimated wait for a new ticket."""
    return f"{base(hall)}/state/queue"


def window_state(hall: str, window: str) -> str:
    """Retained: what one window's display, evaluator and caller show."""
    _check(window)
    return f"{base(hall)}/state/window/{window}"


def notice(hall: str, notice_id: str) -> str:
    """Retained ``Notice``; an empty retained message revokes it."""
    _check(notice_id)
    return f"{base(hall)}/notice/{notice_id}"


def event(hall: str, kind: str) -> str:
    """``evt/ticket.called`` and friends: not retained, for voices and consoles."""
    _check(kind)
    return f"{base(hall)}/evt/{kind}"


def command(hall: str, node: str, area: str, verb: str) -> str:
    """``cmd/<node>/<area>/<verb>``: a request to the controller from ``node``, the sender's
    own MQTT user (the broker's ACL lets only that user write under ``cmd/<node>/``), so the
    controller takes the sender from the topic, never from the payload."""
    _check(node, area, verb)
    return f"{base(hall)}/cmd/{node}/{area}/{verb}"


def reply_inbox(hall: str, node: str, session: str) -> str:
    """Where one client session receives its replies (the MQTT 5 response topic); the
    controller answers only under the sender's own ``reply/<node>/``."""
    _check(node, session)
    return f"{base(hall)}/reply/{node}/{session}"


def reply_prefix(hall: str, node: str) -> str:
    """``reply/<node>/``: every inbox of ``node`` starts so (for messages and logs)."""
    _check(node)
    return f"{base(hall)}/reply/{node}/"


DEFAULT_INBOX = "default"
"""The session name of a node's default inbox (a real session is a random hex string)."""


def default_inbox(hall: str, node: str) -> str:
    """``reply/<node>/default``: where the controller answers a command of ``node`` that
    named no response topic, or one outside the sender's own ``reply/<node>/``."""
    return reply_inbox(hall, node, DEFAULT_INBOX)


def is_reply_of(hall: str, node: str, topic: str) -> bool:
    """Whether ``topic`` is a reply inbox of ``node`` (``reply/<node>/<session>``): the only
    response topics the controller answers on for a command from ``node``."""
    parsed = parse(topic)
    return (
        parsed is not None
        and parsed.kind == "reply"
        and parsed.hall == hall
        and parsed["node"] == node
    )


def face_templates(hall: str) -> str:
    """Retained sealed face templates, controller → punch terminals (not under ``state/``:
    readers of ``state/#`` must not download them)."""
    return f"{base(hall)}/faces/templates"


def device(hall: str, node: str, device_name: str, leaf: str) -> str:
    """``dev/<node>/<device>/<leaf>``: ``state`` (retained), ``print``, ``show``, ``key``, etc."""
    _check(node, device_name, leaf)
    return f"{base(hall)}/dev/{node}/{device_name}/{leaf}"


# Subscription filters -------------------------------------------------------------------


def all_commands(hall: str) -> str:
    """What the controller subscribes to: every command of the hall, from every sender."""
    return f"{base(hall)}/cmd/+/+/+"


def command_from_anyone(hall: str, area: str, verb: str) -> str:
    """One command as every sender sends it: ``cmd/+/<area>/<verb>`` (a stand-in controller
    of a test, a console watching the hall)."""
    _check(area, verb)
    return f"{base(hall)}/cmd/+/{area}/{verb}"


def node_commands(hall: str, node: str) -> str:
    """Every command ``node`` may send in the shape of the contract: ``cmd/<node>/#``."""
    _check(node)
    return f"{base(hall)}/cmd/{node}/#"


def all_replies(hall: str) -> str:
    """Every reply inbox of the hall: where the controller answers (and nothing else does)."""
    return f"{base(hall)}/reply/#"


def all_states(hall: str) -> str:
    """Every retained view under ``state/``: written by the controller alone."""
    return f"{base(hall)}/state/#"


def all_window_states(hall: str) -> str:
    """The retained state of every window."""
    return f"{base(hall)}/state/window/+"


def all_notices(hall: str) -> str:
    """Every retained notice; each front end shows those that target it."""
    return f"{base(hall)}/notice/+"


def all_events(hall: str) -> str:
    """Every ``evt/<kind>``: for the screens' voice and for consoles."""
    return f"{base(hall)}/evt/+"


def all_device_topics(hall: str, node: str) -> str:
    """Everything under one node's ``dev/``: the node and its firmware bridge talk there."""
    _check(node)
    return f"{base(hall)}/dev/{node}/#"


def all_node_statuses(hall: str) -> str:
    """``node/+/status``: every node's online/offline (the console's node list)."""
    return f"{base(hall)}/node/+/status"


def all_device_states(hall: str) -> str:
    """``dev/+/+/state``: every device's retained state (printers, keypads, displays)."""
    return f"{base(hall)}/dev/+/+/state"


def everything(hall: str) -> str:
    """The whole hall: what the manager may read."""
    return f"{base(hall)}/#"


# Broker ACL patterns (Mosquitto replaces ``%u`` by the client's user name) ------------------


def own_replies_pattern(hall: str) -> str:
    """``reply/%u/#``: every user reads its own reply inboxes, and no one else's."""
    return f"{base(hall)}/reply/%u/#"


# Parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """A parsed topic: its kind and the named parts (``window``, ``area``, ``verb``, …)."""

    kind: str
    hall: str
    parts: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.parts[name]


_S = r"([A-Za-z0-9][A-Za-z0-9_.-]{0,63})"
_TABLE: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (kind, re.compile(rf"^{ROOT}/{_S}/{pattern}$"), names)
    for kind, pattern, names in (
        ("node_status", rf"node/{_S}/status", ("node",)),
        ("node_diagnostics", rf"node/{_S}/diagnostics", ("node",)),
        ("time", "time", ()),
        ("catalog", "state/catalog", ()),
        ("queue", "state/queue", ()),
        ("window", rf"state/window/{_S}", ("window",)),
        ("notice", rf"notice/{_S}", ("notice_id",)),
        ("event", rf"evt/{_S}", ("kind",)),
        ("command", rf"cmd/{_S}/{_S}/{_S}", ("node", "area", "verb")),
        ("reply", rf"reply/{_S}/{_S}", ("node", "session")),
        ("device", rf"dev/{_S}/{_S}/{_S}", ("node", "device", "leaf")),
        ("face_templates", "faces/templates", ()),
    )
)


def parse(topic: str) -> Topic | None:
    """The kind and parts of a hall topic, or None for anything that is not ours."""
    for kind, pattern, names in _TABLE:
        m = pattern.match(topic)
        if m:
            return Topic(kind, m.group(1), dict(zip(names, m.groups()[1:], strict=True)))
    return None


# Every topic under cmd/, well-formed or not -----------------------------------------------
# The controller answers whatever reaches it under cmd/ (a topic outside the grammar gets a
# ``bad_topic`` refusal, not silence), so it subscribes wider than ``all_commands``.


def all_command_topics(hall: str) -> str:
    """``cmd/#``: every topic under ``cmd/``, those outside ``cmd/<node>/<area>/<verb>`` too."""
    return f"{base(hall)}/cmd/#"


_COMMAND_SENDER = re.compile(rf"^{ROOT}/{_S}/cmd/{_S}(?:/|$)")


def command_sender(hall: str, topic: str) -> str | None:
    """The ``<node>`` of any topic under ``hall/<hall>/cmd/<node>/…``, well-formed or not (the
    broker lets only that node's user write there); None when the topic names no valid node."""
    m = _COMMAND_SENDER.match(topic)
    if m is None or m.group(1) != hall:
        return None
    return m.group(2)


def node_diagnostics(hall: str, node: str) -> str:
    """Retained ``node/<node>/diagnostics``: the controller's counters of refused messages and
    the senders it rate-limits, for the manager's alarms."""
    _check(node)
    return f"{base(hall)}/node/{node}/diagnostics"
