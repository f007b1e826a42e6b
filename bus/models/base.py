"""Envelope, reply and the command registry shared by every message model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA_VERSION: Literal[1] = 1


class Message(BaseModel):
    """Every message carries the schema version so old nodes can refuse what they cannot read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = SCHEMA_VERSION


class StateMessage(Message):
    """Retained state and events: readers ignore fields they do not know (newer controller)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Command(Message):
    """A request to the controller; ``id`` makes a retried command apply once."""

    area: ClassVar[str]
    verb: ClassVar[str]
    readonly: ClassVar[bool] = False
    """Queries change nothing: they are neither stored for idempotency nor audited."""

    id: str = Field(min_length=1, max_length=80)


class ErrorBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    message: str
    details: dict[str, Any] | None = None


class Reply(Message):
    id: str
    ok: bool
    result: dict[str, Any] | None = None
    error: ErrorBody | None = None

    @classmethod
    def success(cls, command_id: str, result: dict[str, Any] | None = None) -> Reply:
        return cls(id=command_id, ok=True, result=result or {})

    @classmethod
    def failure(
        cls, command_id: str, code: str, message: str, details: dict[str, Any] | None = None
    ) -> Reply:
        return cls(
            id=command_id, ok=False, error=ErrorBody(code=code, message=message, details=details)
        )


COMMANDS: dict[tuple[str, str], type[Command]] = {}
C = TypeVar("C", bound=type[Command])


def command_model(area: str, verb: str) -> Callable[[C], C]:
    """Register a command model for ``cmd/<area>/<verb>``."""

    def deco(cls: C) -> C:
        cls.area, cls.verb = area, verb
        COMMANDS[(area, verb)] = cls
        return cls

    return deco


class CommandError(Exception):
    """A command that cannot be read; ``code`` and ``message`` go into the ok:false reply."""

    def __init__(self, code: str, message: str, command_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.command_id = command_id


def parse_command(area: str, verb: str, payload: bytes) -> Command:
    """Validate a raw command payload; raises CommandError with a reply-ready code."""
    command_id = ""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(
            "bad_json", f"消息不是有效的 JSON / payload is not valid JSON: {exc}"
        ) from None
    if not isinstance(data, dict):
        raise CommandError("bad_json", "消息必须是 JSON 对象 / payload must be a JSON object")
    raw_id = data.get("id")
    if isinstance(raw_id, str):
        command_id = raw_id
    model = COMMANDS.get((area, verb))
    if model is None:
        raise CommandError(
            "unknown_command", f"未知命令 / unknown command {area}/{verb}", command_id
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<message>'}: {e['msg']}" for e in exc.errors()
        )
        raise CommandError(
            "invalid", f"命令格式错误 / invalid {area}/{verb}: {problems}", command_id
        ) from None
