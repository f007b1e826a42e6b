"""The AsyncAPI document of the MQTT contract: valid, current, complete, examples that parse.

The document is generated from ``bus/contract/`` (``hall contract``) and checked in as
``docs/contract/asyncapi.yaml``; it is validated against the AsyncAPI 3.0.0 JSON Schema
vendored from the npm package ``@asyncapi/specs`` (``docs/contract/schema/``), offline.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

import bus.models
from bus import contract, topics
from bus.models import COMMANDS, Message
from bus.models.events import EVENTS
from tests.conftest import REPO

CHECKED_IN = REPO / "docs" / "contract" / "asyncapi.yaml"
SCHEMA = REPO / "docs" / "contract" / "schema" / "asyncapi-3.0.0.json"
STALE = (
    "docs/contract/asyncapi.yaml is stale: run `hall contract --out docs/contract/asyncapi.yaml`"
)


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/schema")
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


@functools.cache
def _text() -> str:
    return contract.render()


@functools.cache
def _doc() -> dict[str, Any]:
    """The generated document as a reader parses it (shared: tests that change it copy it)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return dict(yaml.load(_text(), Loader=loader))


def _problems(doc: dict[str, Any]) -> list[str]:
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors]


def test_the_document_validates_against_the_asyncapi_3_schema() -> None:
    doc = _doc()
    assert doc["asyncapi"] == "3.0.0"
    assert _problems(doc) == []


@pytest.mark.parametrize(
    "breakage",
    [
        "channel with an unknown field",
        "operation with the AsyncAPI 2 action publish",
        "QoS 3",
        "message without a payload schema object",
        "no info",
    ],
)
def test_the_validator_rejects_a_broken_document(breakage: str) -> None:
    """So that the validation above cannot pass vacuously (e.g. a schema that allows all)."""
    doc = copy.deepcopy(_doc())
    if breakage == "channel with an unknown field":
        doc["channels"]["state.window"]["retained"] = True  # must be x-retained
    elif breakage == "operation with the AsyncAPI 2 action publish":
        doc["operations"]["cmd.queue.issue.send"]["action"] = "publish"
    elif breakage == "QoS 3":
        doc["operations"]["time.send"]["bindings"]["mqtt"]["qos"] = 3
    elif breakage == "message without a payload schema object":
        doc["components"]["messages"]["Reply"]["payload"] = 42
    else:
        del doc["info"]
    assert _problems(doc) != []


def test_the_checked_in_document_is_current() -> None:
    assert CHECKED_IN.exists(), STALE
    assert CHECKED_IN.read_text(encoding="utf-8") == _text(), STALE


def test_hall_contract_writes_the_document(tmp_path: Any, capsys: Any) -> None:
    from hall.cli import main

    out = tmp_path / "asyncapi.yaml"
    assert main(["contract", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == _text()
    assert main(["contract"]) == 0
    assert capsys.readouterr().out == _text()


def test_the_document_is_deterministic() -> None:
    assert contract.render() == contract.render() == _text()


def _refs(node: Any, path: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield path, value
            else:
                yield from _refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _refs(value, f"{path}/{i}")


def test_every_ref_points_at_something_in_the_document() -> None:
    """The AsyncAPI schema checks that a ``$ref`` is a URI, not that it leads anywhere."""
    doc = _doc()
    broken = []
    for where, ref in _refs(doc):
        node: Any = doc
        try:
            assert ref.startswith("#/")
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        except (AssertionError, KeyError, TypeError):
            broken.append(f"{where}: {ref}")
    assert broken == []


def _models_in_document(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Component messages by the qualified name of their model (``x-python``)."""
    return {m["x-python"]: m for m in doc["components"]["messages"].values() if "x-python" in m}


def _qualname(model: type) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def test_every_command_has_its_channel_with_its_model_and_a_reply() -> None:
    doc = _doc()
    messages = doc["components"]["messages"]
    entries = [c.model for c in contract.COMMAND_CHANNELS]
    assert sorted(map(_qualname, entries)) == sorted(map(_qualname, COMMANDS.values())), (
        "COMMAND_CHANNELS (bus/contract/command_channels.py) needs one entry per COMMANDS model"
    )
    for (area, verb), model in COMMANDS.items():
        channel = doc["channels"].get(f"cmd.{area}.{verb}")
        assert channel is not None, f"{area}/{verb} has no channel"
        assert channel["address"] == contract.template(topics.command, area=area, verb=verb)
        (ref,) = channel["messages"].values()
        name = ref["$ref"].rsplit("/", 1)[1]
        assert messages[name]["x-python"] == _qualname(model)
        for action in ("send", "receive"):
            operation = doc["operations"][f"cmd.{area}.{verb}.{action}"]
            assert operation["reply"]["channel"] == {"$ref": "#/channels/reply"}


def test_every_event_kind_has_its_channel_with_its_model() -> None:
    doc = _doc()
    entries = sorted(e.kind for e in contract.EVENT_CHANNELS)
    assert entries == sorted(EVENTS), (
        "EVENT_CHANNELS (bus/contract/event_channels.py) needs one entry per kind of EVENTS"
    )
    messages = doc["components"]["messages"]
    for kind, model in EVENTS.items():
        channel = doc["channels"][f"evt.{kind}"]
        assert channel["address"] == contract.template(topics.event, kind=kind)
        assert channel["x-publishers"] == ["controller"] and not channel["x-retained"]
        (ref,) = channel["messages"].values()
        assert messages[ref["$ref"].rsplit("/", 1)[1]]["x-python"] == _qualname(model)
        (example,) = messages[ref["$ref"].rsplit("/", 1)[1]]["examples"]
        assert example["payload"]["event"] == kind


def _message_models() -> Iterator[type[Message]]:
    """Every ``Message`` class defined in a module of ``bus/models/``."""
    for info in pkgutil.iter_modules(bus.models.__path__, "bus.models."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, Message)
                and cls.__module__ == module.__name__
                and not cls.__name__.startswith("_")
                and "[" not in cls.__name__  # a parametrised generic, e.g. View[WindowData]
                and cls not in contract.BASES
            ):
                yield cls


def test_every_message_model_of_bus_models_is_in_the_document() -> None:
    """A new model cannot be left out: add it to a channel of bus/contract/ (or to BASES
    if it is only a base of others), then regenerate."""
    present = _models_in_document(_doc())
    missing = sorted(_qualname(m) for m in _message_models() if _qualname(m) not in present)
    assert missing == [], f"not in the registry of bus/contract/: {missing}"


def _model(qualname: str) -> type[BaseModel]:
    module, _, name = qualname.rpartition(".")
    cls: object = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, BaseModel)
    return cls


def test_every_message_has_an_example_and_every_example_validates_against_its_model() -> None:
    doc = _doc()
    schemas = doc["components"]["schemas"]
    for qualname, message in _models_in_document(doc).items():
        model = _model(qualname)
        assert message["examples"], f"{qualname} has no example"
        name = message["payload"]["$ref"].rsplit("/", 1)[1]
        # The payload's JSON Schema, with the document's components for its $refs.
        schema = {**schemas[name], "components": {"schemas": schemas}}
        validator = jsonschema.Draft202012Validator(schema)
        for example in message["examples"]:
            model.model_validate(example["payload"])  # raises on a bad example
            errors = [e.message for e in validator.iter_errors(example["payload"])]
            assert errors == [], f"{example['name']}: {errors}"


def test_every_channel_declares_its_parameters_and_parses_back_with_bus_topics() -> None:
    doc = _doc()
    for channel_id, channel in doc["channels"].items():
        names = re.findall(r"\{(\w+)\}", channel["address"])
        assert sorted(channel.get("parameters", {})) == sorted(names), channel_id
        values = {name: f"x{i}-{name}" for i, name in enumerate(names)}
        parsed = topics.parse(channel["address"].format(**values))
        assert parsed is not None, f"{channel_id}: bus.topics.parse does not know its topic"
        assert parsed.hall == values["hall"]
        for name, value in values.items():
            if name != "hall":
                assert parsed.parts[name] == value, channel_id


def test_every_channel_has_a_publisher_a_subscriber_and_a_qos() -> None:
    doc = _doc()
    roles = {str(r) for r in contract.Role}
    for channel_id, channel in doc["channels"].items():
        assert channel["x-publishers"] and channel["x-subscribers"], channel_id
        assert set(channel["x-publishers"]) | set(channel["x-subscribers"]) <= roles
        assert channel["x-qos"] in (0, 1, 2)
    retained = {c for c, body in doc["channels"].items() if body["x-retained"]}
    assert retained == {
        "node.status", "node.diagnostics", "time", "state.catalog", "state.queue",
        "state.window", "notice", "faces.templates", "dev.state",
    }  # fmt: skip


def test_the_command_senders_are_the_roles_the_broker_lets_write_them() -> None:
    """The registry and the broker's ACL say the same (``controller/broker.py``)."""
    from controller.broker import _ROLE_COMMANDS

    for role, allowed in _ROLE_COMMANDS.items():
        sent = {
            f"{c.model.area}/{c.model.verb}"
            for c in contract.COMMAND_CHANNELS
            if contract.Role(role) in c.senders
        }
        assert sent == set(allowed), role
    # The manager's console may send every command (its ACL writes cmd/#).
    assert all(contract.Role.CONSOLE in c.senders for c in contract.COMMAND_CHANNELS)


def test_every_command_shows_the_typed_reply_of_its_result_with_an_example() -> None:
    """Each command's reply in the document is ``reply_model`` of its result model
    (``COMMAND_RESULTS``), beside the plain ``Reply`` of a refusal, and has an example."""
    from bus.models.replies import COMMAND_RESULTS, reply_model

    for c in contract.COMMAND_CHANNELS:
        typed = reply_model(COMMAND_RESULTS[(c.model.area, c.model.verb)])
        channel = c.channel()
        assert typed in channel.replies, f"{c.model.area}/{c.model.verb}"
        examples = [e if isinstance(e, BaseModel) else e.payload for e in channel.reply_examples]
        assert any(type(e) is typed for e in examples), f"{c.model.area}/{c.model.verb}"
