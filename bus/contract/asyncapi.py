"""The AsyncAPI 3.0.0 document made from the registry, and its YAML."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from bus.contract.command_channels import COMMAND_CHANNELS
from bus.contract.event_channels import EVENT_CHANNELS
from bus.contract.registry import (
    ASYNCAPI_VERSION,
    MQTT_BINDING_VERSION,
    PARAMETERS,
    ROLE_TEXT,
    SCHEMA_REF,
    Channel,
    Example,
    Role,
    _example,
)
from bus.contract.state_channels import CHANNELS, REPLY
from bus.models.base import (
    SCHEMA_VERSION,
    WIRE,
    Command,
)


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
Generated from the message models (`bus/contract/`) by `hall contract`; do not edit.

- Every topic is under `hall/<hall>/`, so that many halls can share a broker. Each node
  connects with its own user; the broker's ACL lets it write only what it may
  (`hall broker config`).
- Payloads are UTF-8 JSON objects with the schema version `"v": 1`. Commands and replies
  refuse unknown fields; state and events may gain fields, which readers ignore.
- A command (`cmd/<node>/…`, where `<node>` is the sender's own broker user, the only one
  the ACL lets write there) carries a unique `id` (a resent command is applied once) and an
  MQTT 5 response topic under `reply/<node>/` and correlation data; the controller takes
  the sender from the topic, never from the payload, checks every window, node or device
  the command names against what that sender may act for, and answers on the `reply`
  channel, under the sender's own `reply/<node>/` only.
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
    return payload.model_dump(mode="json", by_alias=True, context=WIRE)


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
