"""Envelope, reply and the command registry shared by every message model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
)

SCHEMA_VERSION: Literal[1] = 1

WIRE: dict[str, Any] = {"wire": True}
"""The serialization context of a message going on the wire (``bus.core.encode``): secrets in
clear there (``bus.models.users``), masked in every other dump (the audit log, a repr, logs)."""


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


class RefusalDetails(BaseModel):
    """What a refusal names besides its code: the English message and the operation's names.

    Only the fields a refusal set go on the wire (as before: the op's non-empty names)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_en: str | None = None
    """The refusal's message in English alone, for a screen that shows one language."""
    window: str | None = None
    ticket: str | None = None
    service: str | None = None
    staff: str | None = None
    workorder: str | None = None
    code: str | None = None
    """A booking's code."""
    ref: str | None = None
    """A booking by its replay script's name, when it has no code."""

    @model_serializer(mode="wrap")
    def _only_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {k: v for k, v in dumped.items() if k in self.model_fields_set}


class ErrorBody(BaseModel):
    """Why a command was not applied: a stable ``code`` and a bilingual ``message``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    message: str
    details: RefusalDetails | None = None


class ResultData(BaseModel):
    """A result as it came off the wire or out of the store, before its command's model reads
    it (``Reply.result_as``); kept as sent, so a stored reply goes out again byte for byte."""

    model_config = ConfigDict(frozen=True, extra="allow")


R = TypeVar("R", bound=BaseModel)


def read_result(result: BaseModel | None, model: type[R]) -> R:
    """A reply's result (as received, or as built) read with its command's model."""
    if isinstance(result, model):
        return result
    return model.model_validate(result.model_dump(mode="json") if result is not None else {})


class Reply(Message):
    """The answer to a command: ``{"v", "id", "ok", "result" | "error"}``.

    A sender builds ``result`` from its command's model (``COMMAND_RESULTS``); a receiver reads
    it with ``result_as(Model)``. The typed replies of the contract are ``reply_model(Model)``."""

    id: str
    ok: bool
    result: SerializeAsAny[BaseModel] | None = None
    """The command's result model; as received, a ``ResultData`` its model reads."""
    error: ErrorBody | None = None
    typed_result: ClassVar[bool] = False
    """A typed reply (``reply_model``) validates ``result`` with its model instead."""

    @field_validator("result", mode="before")
    @classmethod
    def _as_received(cls, value: Any) -> Any:
        if isinstance(value, dict) and not cls.typed_result:
            return ResultData.model_validate(value)
        return value

    def result_as(self, model: type[R]) -> R:
        """The result read with its command's model; ValidationError if it is not one."""
        return read_result(self.result, model)

    @classmethod
    def success(cls, command_id: str, result: BaseModel | None = None) -> Reply:
        """The reply to a command that was applied, carrying its result."""
        return cls(id=command_id, ok=True, result=result if result is not None else ResultData())

    @classmethod
    def failure(
        cls, command_id: str, code: str, message: str, details: RefusalDetails | None = None
    ) -> Reply:
        """The reply to a refused or unreadable command: code, message and details."""
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
