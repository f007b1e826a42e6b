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

from bus.models import limits

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


ACTING_USER_MAX = 64
"""The longest ``acting_user`` (user names are at most 32)."""


class Command(Message):
    """A request to the controller; ``id`` makes a retried command apply once."""

    area: ClassVar[str]
    verb: ClassVar[str]
    readonly: ClassVar[bool] = False
    """Queries change nothing: they are neither stored for idempotency nor audited."""
    max_bytes: ClassVar[int] = limits.DEFAULT_MAX_BYTES
    """The largest payload of this command, checked on the raw bytes before parsing."""

    id: str = Field(min_length=1, max_length=limits.ID_MAX)
    acting_user: str | None = Field(default=None, min_length=1, max_length=ACTING_USER_MAX)
    """The console user this command is given as; only the ``console`` node may send it, and
    it must (the controller checks that user's role, department and windows)."""

    @field_validator("v", mode="before")
    @classmethod
    def _exactly_one(cls, value: Any) -> Any:
        # JSON true and 1.0 would pass Literal[1] (bool and float compare equal to 1).
        if type(value) is not int or value != SCHEMA_VERSION:
            raise ValueError(_VERSION_MESSAGE)
        return value


_VERSION_MESSAGE = "版本号 v 必须是整数 1 / v must be the integer 1"


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
    """A command that cannot be read; ``code`` and ``message`` go into the ok:false reply.

    The codes of the edge, each also a counter of the controller: ``too_large``, ``too_deep``,
    ``bad_encoding`` (not UTF-8, or a lone surrogate), ``bad_json``, ``unknown_command``,
    ``invalid``. The message quotes at most a short prefix of anything sent."""

    def __init__(self, code: str, message: str, command_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = limits.clip(message)
        self.command_id = limits.reply_id(command_id)


MAX_COMMAND_BYTES = max(limits.NOTICE_MAX_BYTES, limits.PATROL_RECORD_MAX_BYTES)
"""The largest ``max_bytes`` of any command: a bigger message is refused without a look."""


def parse_command(area: str, verb: str, payload: bytes) -> Command:
    """Validate a raw command payload; raises CommandError with a reply-ready code.

    In this order, each step bounded by the one before: the size (the model's
    ``max_bytes``), the nesting depth, UTF-8, JSON, an object, the model, ``v``, the fields.
    Nothing here can raise anything but CommandError, however the payload is made.
    """
    model = COMMANDS.get((area, verb))
    max_bytes = model.max_bytes if model is not None else limits.DEFAULT_MAX_BYTES
    if len(payload) > max_bytes:
        raise CommandError(
            "too_large",
            f"消息过大 / payload too large: {len(payload)} bytes, at most {max_bytes} "
            f"for {limits.quote(area)}/{limits.quote(verb)}",
        )
    if limits.json_depth_exceeds(payload):
        raise CommandError(
            "too_deep", f"嵌套过深 / JSON nested deeper than {limits.MAX_DEPTH} levels"
        )
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(
            "bad_encoding", f"消息不是 UTF-8 / payload is not UTF-8 (byte {exc.start})"
        ) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise CommandError(
            "bad_json",
            f"消息不是有效的 JSON / payload is not valid JSON: {exc.msg} at {exc.pos}",
        ) from None
    except (ValueError, RecursionError):  # an integer of more than 4,300 digits
        raise CommandError("bad_json", "消息不是有效的 JSON / payload is not valid JSON") from None
    if not isinstance(data, dict):
        raise CommandError("bad_json", "消息必须是 JSON 对象 / payload must be a JSON object")
    if not limits.encodable(data):
        raise CommandError(
            "bad_encoding",
            "消息含有无效字符（单独的代理项） / payload holds a lone surrogate (\\ud800…)",
            limits.reply_id(data.get("id")),
        )
    command_id = limits.reply_id(data.get("id"))
    if model is None:
        raise CommandError(
            "unknown_command",
            f"未知命令 / unknown command {limits.quote(area)}/{limits.quote(verb)}",
            command_id,
        )
    if "v" not in data:
        raise CommandError(
            "invalid", f"命令格式错误 / invalid {area}/{verb}: v: {_VERSION_MESSAGE}", command_id
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CommandError(
            "invalid", f"命令格式错误 / invalid {area}/{verb}: {_problems(exc)}", command_id
        ) from None
    except (ValueError, TypeError, OverflowError, RecursionError):
        # A validator that raised outside pydantic's wrapping: still a refusal, not a crash.
        raise CommandError(
            "invalid", f"命令格式错误 / invalid {area}/{verb}", command_id
        ) from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


MAX_PROBLEMS = 5
"""How many of an invalid command's problems a refusal lists (then "and N more")."""


def _problems(exc: ValidationError) -> str:
    """Where and what, from pydantic's ``loc`` and ``msg`` alone: never the input value, and
    a key the sender made up quoted short."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    listed = [
        f"{'.'.join(limits.quote(p, 40) for p in e['loc']) or '<message>'}: "
        f"{limits.quote(e['msg'].removeprefix('Value error, '), 160)}"
        for e in errors[:MAX_PROBLEMS]
    ]
    if len(errors) > MAX_PROBLEMS:
        listed.append(f"… and {len(errors) - MAX_PROBLEMS} more")
    return "; ".join(listed)
