"""Size limits of commands: every string and list bounded, the payload bounded per model,
nesting bounded before parsing, ``v`` exactly 1, and refusals that never echo the input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bus.models import COMMANDS, Reply
from bus.models import limits as L
from bus.models.base import MAX_COMMAND_BYTES, CommandError, parse_command

VALID_ISSUE: dict[str, Any] = {"v": 1, "id": "k1-0001", "service": "A01"}


def refusal(payload: bytes | dict[str, Any], area: str = "queue", verb: str = "issue") -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with pytest.raises(CommandError) as caught:
        parse_command(area, verb, raw)
    err = caught.value
    # Whatever was sent, the refusal serialises and stays small.
    reply = Reply.failure(err.command_id, err.code, err.message).model_dump_json()
    assert len(err.message) <= L.MESSAGE_MAX and len(reply.encode()) < 1500
    return err.code


def _unbounded(node: Any, defs: dict[str, Any], path: str) -> list[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            return _unbounded(defs[node["$ref"].split("/")[-1]], defs, path)
        found = []
        kind = node.get("type")
        if kind == "string" and not ({"maxLength", "enum", "const", "format"} & node.keys()):
            found.append(path)
        if kind == "array" and "maxItems" not in node:
            found.append(path + "[]")
        for name, sub in node.get("properties", {}).items():
            found += _unbounded(sub, defs, f"{path}.{name}")
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                found += _unbounded(sub, defs, path)
        if "items" in node:
            found += _unbounded(node["items"], defs, path + "[]")
        return found
    return []


def test_every_string_and_list_of_every_command_is_bounded() -> None:
    """A field without a max_length let a 50 MB service name through to the single writer."""
    unbounded = []
    for (area, verb), model in sorted(COMMANDS.items()):
        schema = model.model_json_schema()
        unbounded += _unbounded(schema, schema.get("$defs", {}), f"{area}/{verb}")
    assert unbounded == []


@pytest.mark.parametrize(("area", "verb"), sorted(COMMANDS))
def test_a_command_with_every_string_at_its_limit_fits_its_max_bytes(area: str, verb: str) -> None:
    """``max_bytes`` refuses nothing the fields allow: each text at its max_length of a
    three-byte character (汉), each code and id at its max_length (ASCII, as the hall
    config's are), each list at its max_items, still fits."""
    model = COMMANDS[(area, verb)]
    schema = model.model_json_schema()
    size = 20  # {"v":1,…}
    for name, prop in schema["properties"].items():
        size += len(name) + 4 + _largest(prop, schema.get("$defs", {}))
    assert size <= model.max_bytes <= MAX_COMMAND_BYTES, (area, verb, size)


def _largest(node: dict[str, Any], defs: dict[str, Any]) -> int:
    if "$ref" in node:
        return _largest(defs[node["$ref"].split("/")[-1]], defs)
    options = node.get("anyOf")
    if options:
        encoding = {k: node[k] for k in ("contentEncoding",) if k in node}
        return max(_largest({**o, **encoding}, defs) for o in options)
    kind = node.get("type")
    if kind == "string":
        length = int(node.get("maxLength", 40))  # a date-time is 32 characters at most
        if node.get("contentEncoding") == "base64":  # a photo: ASCII, one byte a character
            return 2 + length
        return 2 + (length if length <= L.ID_MAX else 3 * length)
    if kind == "array":
        return 2 + int(node.get("maxItems", 0)) * (1 + _largest(node["items"], defs))
    if "enum" in node:
        return max(len(json.dumps(e)) for e in node["enum"])
    return 24  # a number, a boolean, null


def test_a_payload_over_its_models_max_bytes_is_refused_before_parsing() -> None:
    """The 50 MB service: refused by its size, not parsed, not echoed."""
    huge = json.dumps({**VALID_ISSUE, "service": "A" * 50_000}).encode()
    assert refusal(huge) == "too_large"
    # Not even JSON is looked at: the size alone decides.
    assert refusal(b"x" * (L.DEFAULT_MAX_BYTES + 1)) == "too_large"


def test_a_notice_may_be_larger_than_a_ticket_request() -> None:
    text = "今日下午系统维护，暂停办理不动产登记业务。" * 90  # 1,980 characters, 5.9 KB
    notice = parse_command(
        "notice", "push", json.dumps({"v": 1, "id": "n1", "text": text}).encode()
    )
    assert len(notice.model_dump_json().encode()) > L.DEFAULT_MAX_BYTES


def test_a_string_over_its_max_length_is_invalid_and_not_quoted() -> None:
    long = "服务" * 150
    with pytest.raises(CommandError) as caught:
        parse_command("queue", "issue", json.dumps({**VALID_ISSUE, "service": long}).encode())
    assert caught.value.code == "invalid" and "at most 64 characters" in caught.value.message
    assert "服务服务" not in caught.value.message


def test_a_list_over_its_max_items_is_invalid() -> None:
    targets = ["all"] * (L.TARGETS_MAX + 1)
    assert refusal({"v": 1, "id": "n1", "text": "x", "targets": targets}, "notice", "push") == (
        "invalid"
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"[" * 4000,
        b"{" * 4000,
        b'{"v":1,"id":"a","service":' + b"[" * 4000 + b"]" * 4000 + b"}",
        b'{"a":' * 1300 + b"1" + b"}" * 1300,
    ],
    ids=["arrays", "braces", "inside-a-field", "objects"],
)
def test_deep_nesting_is_refused_before_the_parser_recurses(payload: bytes) -> None:
    assert len(payload) <= L.NOTICE_MAX_BYTES
    assert refusal(payload, "notice", "push") == "too_deep"


def test_brackets_inside_strings_are_not_nesting() -> None:
    cmd = parse_command(
        "notice", "push", json.dumps({"v": 1, "id": "n", "text": "[" * 1900}).encode()
    )
    assert cmd.id == "n"
    assert not L.json_depth_exceeds(b'{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 4)
    assert L.json_depth_exceeds(b"[[[[[]]]]]", 4) and not L.json_depth_exceeds(b"[[[[]]]]", 4)


def test_30000_brackets_in_a_notice_sized_payload_are_too_deep_not_a_recursion_error() -> None:
    assert refusal(b"[" * 30_000, "notice", "push") == "too_deep"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b'{"v":1,"id":"\\ud800","service":"A01"}', "bad_encoding"),
        (b'{"v":1,"id":"a","service":"\\udfff"}', "bad_encoding"),
        (b'{"v":1,"id":"a","\\ud800":1}', "bad_encoding"),
        (b'{"v":1,"id":"a","service":"\xff"}', "bad_encoding"),
        (b"\xc3\x28", "bad_encoding"),
        (b'{"v":1,"id":"a","service":NaN}', "bad_json"),
        (b'{"v":1,"id":"a","service":' + b"9" * 4400 + b"}", "too_large"),
        (b"[1, 2]", "bad_json"),
        (b"", "bad_json"),
    ],
)
def test_bad_encodings_are_refused_and_the_reply_serialises(payload: bytes, code: str) -> None:
    assert refusal(payload) == code


def test_a_lone_surrogate_id_is_answered_with_an_empty_id() -> None:
    with pytest.raises(CommandError) as caught:
        parse_command("queue", "issue", b'{"v":1,"id":"\\ud800","service":"A01"}')
    assert caught.value.command_id == ""


@pytest.mark.parametrize("raw_id", ["x" * 81, "line\nbreak", 17, None, ["a"], ""], ids=repr)
def test_an_id_that_is_not_a_printable_short_string_is_not_echoed(raw_id: object) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command("queue", "issue", json.dumps({"v": 1, "id": raw_id}).encode())
    assert caught.value.command_id == ""


@pytest.mark.parametrize("v", [True, 1.0, "1", 2, 0, None, [1]], ids=repr)
def test_v_must_be_exactly_the_integer_1(v: object) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command("queue", "issue", json.dumps({**VALID_ISSUE, "v": v}).encode())
    assert caught.value.code == "invalid"
    assert "v must be the integer 1" in caught.value.message


def test_a_command_without_v_is_refused() -> None:
    body = {k: v for k, v in VALID_ISSUE.items() if k != "v"}
    with pytest.raises(CommandError) as caught:
        parse_command("queue", "issue", json.dumps(body).encode())
    assert caught.value.code == "invalid" and "v must be the integer 1" in caught.value.message
    assert caught.value.command_id == "k1-0001"


def test_v_1_is_still_accepted() -> None:
    assert parse_command("queue", "issue", json.dumps(VALID_ISSUE).encode()).id == "k1-0001"


def test_error_text_never_carries_the_input_beyond_a_short_prefix() -> None:
    """Pydantic's own text repeats the input value; the refusal lists where and what only,
    and quotes a key the sender made up to its first few characters."""
    marker = "SECRET" * 100
    payloads = [
        {**VALID_ISSUE, "service": marker[:64], "priority": marker},
        {**VALID_ISSUE, marker: 1},
        {**VALID_ISSUE, **{f"{marker[:50]}{i}": i for i in range(20)}},
        {"v": 1, "id": "a", "window": ["W01"]},
    ]
    for body in payloads:
        raw = json.dumps(body).encode()
        for area, verb in (("queue", "issue"), ("queue", "call"), ("nope", "nope")):
            with pytest.raises(CommandError) as caught:
                parse_command(area, verb, raw)
            message = caught.value.message
            assert len(message) <= L.MESSAGE_MAX
            assert marker[: L.QUOTE_CHARS + 1] not in message
            assert "input_value" not in message


def test_an_unknown_command_names_the_topic_parts_quoted() -> None:
    with pytest.raises(CommandError) as caught:
        parse_command("q" * 500, "v", json.dumps(VALID_ISSUE).encode())
    assert caught.value.code == "unknown_command" and len(caught.value.message) < 200


def test_quote_cuts_and_escapes() -> None:
    assert L.quote("abc") == "abc"
    assert L.quote("a" * 100, 10) == "a" * 10 + "…"
    assert L.quote("\ud800x\n") == "\\ud800x\\x0a"
    assert L.quote("中文") == "中文"
    assert L.reply_id("k1-0001") == "k1-0001" and L.reply_id("\ud800") == ""
