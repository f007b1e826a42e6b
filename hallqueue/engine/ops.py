"""Operations: one frozen dataclass per thing a node, the console or time can ask for.

``op_from_dict`` parses the RULES.md §5 JSON form (``{"op": "issue", "service": "A01"}``);
``"at"`` belongs to the script line, not to the operation, and is ignored here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Op:
    name: ClassVar[str] = ""
    ident_fields: ClassVar[tuple[str, ...]] = ()
    """Fields repeated in the ``<name>.refused`` event so a reader sees what was refused."""
    refusal_names_op: ClassVar[bool] = True
    """False where RULES.md §5 gives the refusal as ``<op>.refused`` with ``reason`` alone
    (``book``, ``checkin``): the identifying fields then go to the event's detail only."""

    def ident(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.ident_fields:
            value = getattr(self, f)
            if value is not None and value != "":
                out[f] = value
        return out


@dataclass(frozen=True, slots=True)
class Issue(Op):
    name = "issue"
    ident_fields = ("service",)
    service: str
    priority: bool = False
    """Green channel (Q3): self-declared at the kiosk and confirmed by the guide, or by staff."""


@dataclass(frozen=True, slots=True)
class Call(Op):
    name = "call"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class Recall(Op):
    name = "recall"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class Skip(Op):
    name = "skip"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class Finish(Op):
    name = "finish"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class Hold(Op):
    name = "hold"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class ResumeTicket(Op):
    name = "resume_ticket"
    ident_fields = ("window", "ticket")
    window: str
    ticket: str | None = None
    """Which held ticket (number); empty takes the one held longest at this window."""


@dataclass(frozen=True, slots=True)
class Reactivate(Op):
    name = "reactivate"
    ident_fields = ("ticket",)
    ticket: str
    """Ticket number of the current hall day (A001) or a ticket key (2026-11-23/A001)."""


@dataclass(frozen=True, slots=True)
class Transfer(Op):
    name = "transfer"
    ident_fields = ("window", "service")
    window: str
    service: str


@dataclass(frozen=True, slots=True)
class Pause(Op):
    name = "pause"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class Resume(Op):
    name = "resume"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class Rate(Op):
    name = "rate"
    ident_fields = ("window",)
    window: str
    level: int
    source: str = "evaluator"
    """Where the rating came from; anything but the evaluator is refused (000 第二十条(二))."""


@dataclass(frozen=True, slots=True)
class Suspend(Op):
    name = "suspend"
    ident_fields = ("service",)
    service: str
    notice: str = ""
    start: dt.datetime | None = None
    """When the suspension starts; empty means now. A later start announces it ahead (Q10)."""
    end: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Unsuspend(Op):
    name = "unsuspend"
    ident_fields = ("service",)
    service: str


@dataclass(frozen=True, slots=True)
class Book(Op):
    name = "book"
    ident_fields = ("service",)
    refusal_names_op = False
    service: str
    slot: dt.datetime
    ref: str | None = None
    """A name a script uses for the booking later; the engine only echoes it."""


@dataclass(frozen=True, slots=True)
class Checkin(Op):
    name = "checkin"
    ident_fields = ("code",)
    refusal_names_op = False
    code: str = ""
    ref: str | None = None
    """The script's name for the booking (replay only); the code is what the kiosk scans."""

    def ident(self) -> dict[str, Any]:
        # A refusal names the booking by code, or by the script's name when it has no code.
        return {"code": self.code} if self.code else {"ref": self.ref} if self.ref else {}


@dataclass(frozen=True, slots=True)
class CancelBooking(Op):
    name = "cancel_booking"
    ident_fields = ("code",)
    code: str
    by_hall: bool = False


@dataclass(frozen=True, slots=True)
class Login(Op):
    name = "login"
    ident_fields = ("window", "staff")
    window: str
    staff: str


@dataclass(frozen=True, slots=True)
class Logout(Op):
    name = "logout"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class CloseWindow(Op):
    name = "close_window"
    ident_fields = ("window",)
    window: str
    reason: str = ""
    until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class OpenWindow(Op):
    name = "open_window"
    ident_fields = ("window",)
    window: str


@dataclass(frozen=True, slots=True)
class UpdateWorkorder(Op):
    """A step of a bad-review work order: ``verify`` (回访核实), ``rectify`` or ``reply``."""

    name = "update_workorder"
    ident_fields = ("workorder",)
    workorder: str
    step: str
    note: str = ""
    verified: bool | None = None
    """For ``verify``: whether the call-back found the complaint justified."""


@dataclass(frozen=True, slots=True)
class CloseWorkorder(Op):
    name = "close_workorder"
    ident_fields = ("workorder",)
    workorder: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Tick(Op):
    """Time passes: rating timeouts, forfeited bookings, ended closures, day rollover."""

    name = "tick"


OP_TYPES: Mapping[str, type[Op]] = {
    cls.name: cls
    for cls in (
        Issue,
        Call,
        Recall,
        Skip,
        Finish,
        Hold,
        ResumeTicket,
        Reactivate,
        Transfer,
        Pause,
        Resume,
        Rate,
        Suspend,
        Unsuspend,
        Book,
        Checkin,
        CancelBooking,
        Login,
        Logout,
        CloseWindow,
        OpenWindow,
        UpdateWorkorder,
        CloseWorkorder,
        Tick,
    )
}
_HINTS: Mapping[str, Mapping[str, Any]] = {
    name: typing.get_type_hints(cls) for name, cls in OP_TYPES.items()
}
"""Field types per op, resolved once: resolving annotations per parsed line is slow."""
_IGNORED = frozenset({"op", "at", "id", "comment"})
"""Keys of a script line or command that are not the operation's: time, command id, a note."""


def parse_time(value: object, what: str = "time") -> dt.datetime:
    """An ISO 8601 time; a naive one is taken as hall time by the caller (tzinfo stays None)."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{what} must be an ISO 8601 time string, got {value!r}")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what}: not an ISO 8601 time: {value!r}") from None


def _convert(name: str, hint: Any, value: object) -> object:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (hint,) = [a for a in args if a is not type(None)]
    if hint is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string, got {value!r}")
        return value
    if hint is dt.datetime:
        return parse_time(value, name)
    raise ValueError(f"{name}: unsupported field type {hint!r}")  # pragma: no cover


def unknown_fields(d: Mapping[str, object]) -> list[str]:
    """Keys of ``d`` that its operation does not have (for a warning when parsing leniently)."""
    cls = OP_TYPES.get(str(d.get("op")))
    if cls is None:
        return []
    names = {f.name for f in dataclasses.fields(cls)}
    return sorted(k for k in d if k not in names and k not in _IGNORED)


def op_from_dict(d: Mapping[str, object], strict: bool = True) -> Op:
    """Parse one §5 operation; ValueError says what is wrong in words a script author can use.

    ``strict=False`` ignores unknown keys (the replay warns about them instead), so a script
    with an extra annotation still runs; missing or mistyped fields are errors either way.
    """
    if not isinstance(d, Mapping):
        raise ValueError("an operation must be a JSON object")
    name = d.get("op")
    if not isinstance(name, str):
        raise ValueError('missing "op" (e.g. {"op": "issue", "service": "A01"})')
    cls = OP_TYPES.get(name)
    if cls is None:
        raise ValueError(f"unknown op {name!r}; known: {', '.join(sorted(OP_TYPES))}")
    hints = _HINTS[name]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(k for k in d if k not in fields and k not in _IGNORED)
    if unknown and strict:
        raise ValueError(
            f"{name}: unknown field(s) {', '.join(unknown)}; known: {', '.join(fields)}"
        )
    kwargs: dict[str, object] = {}
    for fname, f in fields.items():
        if fname in d:
            kwargs[fname] = _convert(f"{name}.{fname}", hints[fname], d[fname])
        elif f.default is dataclasses.MISSING:
            raise ValueError(f"{name}: missing field {fname!r}")
    return cls(**kwargs)


def op_to_dict(op: Op) -> dict[str, object]:
    """The inverse of ``op_from_dict`` (times as ISO strings): for audit logs and scripts."""
    out: dict[str, object] = {"op": op.name}
    for f in dataclasses.fields(op):
        value = getattr(op, f.name)
        if value == f.default:
            continue
        out[f.name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out
