"""``hall queue replay``: a hall day as a script of operations, run through the engine.

One JSON object per line: the RULES.md §5 operation plus ``"at"`` (ISO 8601; without an
offset it is hall time). Every event is printed as one JSON line in its §5 form. A malformed
line is reported on stderr with its number and skipped; a refused operation prints its
``<op>.refused`` event and changes nothing. Events caused only by time passing (expiry,
not rated, forfeit) are printed with ``all_events``. The engine is the controller's own, and
so are the operations: a line becomes the command model a node would send
(``bus.models.queue``), with the names §5 gives.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bus.models.base import Command
from bus.models.queue import FROM_SCRIPT, OPERATIONS, Book, Checkin, QueueOp
from config.schema import HallConfig
from hallqueue.engine import (
    Event,
    QueueState,
    apply,
    changed_records,
    initial_state,
    records_of,
)
from hallqueue.engine.hours import WorkdayCalendarProtocol, to_hall_time

_IGNORED = frozenset({"op", "at", "id", "comment"})
"""Keys of a script line that are not the operation's: its time, a command id, a note."""


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


@functools.cache
def script_fields(op: type[QueueOp]) -> dict[str, bool]:
    """The fields a script line may give for ``op`` (§5: no envelope, nothing only a node
    sends), in their order, each with whether it is a time."""
    return {
        name: _is_time(info.annotation)
        for name, info in op.model_fields.items()
        if name not in ("v", "id") and name not in op.wire_only
    }


def _is_time(annotation: Any) -> bool:
    return annotation is dt.datetime or dt.datetime in typing.get_args(annotation)


def unknown_fields(d: Mapping[str, object]) -> list[str]:
    """Keys of ``d`` that its operation does not have (the replay warns and ignores them)."""
    op = OPERATIONS.get(str(d.get("op")))
    if op is None:
        return []
    known = script_fields(op)
    return sorted(k for k in d if k not in known and k not in _IGNORED)


def parse_op(d: Mapping[str, object], op_id: str = "script") -> QueueOp:
    """One §5 line's operation, as the model the command of a node would be (``op_id`` is its
    command id); ValueError says what is wrong in words a script author can use.

    Strict: a number is not a string, ``"5"`` is not a level. Unknown keys are left out
    (``unknown_fields`` names them); a missing or mistyped field is an error, the first one
    in the operation's field order.
    """
    name = d.get("op")
    if not isinstance(name, str):
        raise ValueError('missing "op" (e.g. {"op": "issue", "service": "A01"})')
    op = OPERATIONS.get(name)
    if op is None:
        raise ValueError(f"unknown op {name!r}; known: {', '.join(sorted(OPERATIONS))}")
    fields = script_fields(op)
    order = {f: i for i, f in enumerate(fields)}
    errors: dict[int, str] = {}  # by field position: the first one is reported
    values: dict[str, object] = {"id": op_id} if issubclass(op, Command) else {}
    for fname, is_time in fields.items():
        if fname not in d:
            continue
        value = d[fname]
        if is_time and value is not None:
            try:
                value = parse_time(value, f"{name}.{fname}")
            except ValueError as exc:
                errors[order[fname]] = str(exc)
                continue
        values[fname] = value
    try:
        parsed = op.model_validate(values, strict=True, context=FROM_SCRIPT)
    except ValidationError as exc:
        for e in exc.errors():
            fname = str(e["loc"][0]) if e["loc"] else ""
            position = order.get(fname, len(order))
            if e["type"] == "missing" and position in errors:
                continue  # a time that did not parse, already reported
            errors.setdefault(position, _words(name, fname, e))
    if errors:
        raise ValueError(errors[min(errors)])
    return parsed


def _words(op: str, fname: str, e: ErrorDetails) -> str:
    where = f"{op}.{fname}"
    kind = e["type"]
    if kind == "missing":
        return f"{op}: missing field {fname!r}"
    if kind == "bool_type":
        return f"{where} must be true or false, got {e['input']!r}"
    if kind == "int_type":
        return f"{where} must be a whole number, got {e['input']!r}"
    if kind == "string_type":
        return f"{where} must be a string, got {e['input']!r}"
    if not fname and "error" in e.get("ctx", {}):
        return f"{op}: {e['ctx']['error']}"  # the operation's own check (checkin: code or ref)
    return f"{where if fname else op}: {e['msg']}"


def timed_op(
    hall: HallConfig, data: Mapping[str, Any], op_id: str, last_at: dt.datetime | None
) -> tuple[dt.datetime, QueueOp]:
    """One line's hall time and operation; ValueError for a line that is not a valid one
    (no ``at``, a time before the previous line's, a bad operation)."""
    if "at" not in data:
        raise ValueError('missing "at" (ISO 8601 time of the operation)')
    at = to_hall_time(hall, parse_time(data["at"], "at"))
    if last_at is not None and at < last_at:
        raise ValueError(f"time goes backwards: {at.isoformat()} < {last_at.isoformat()}")
    return at, parse_op(data, op_id)


@dataclass
class BookingNames:
    """The names a script gives its bookings (``"ref"``), and the codes they got."""

    codes: dict[str, str] = field(default_factory=dict)

    def resolve(self, op: QueueOp) -> QueueOp:
        """A check-in by the script's booking name uses the code the booking got."""
        if isinstance(op, Checkin) and not op.code and op.ref is not None:
            return op.model_copy(update={"code": self.codes.get(op.ref, "")})
        return op

    def remember(self, op: QueueOp, result: Mapping[str, Any] | None) -> None:
        """After a booking that was made: its name now stands for its code."""
        if isinstance(op, Book) and op.ref and result is not None and "code" in result:
            self.codes[op.ref] = str(result["code"])


@dataclass
class Replay:
    """A replay in progress: the state, the booking names the script gave, the last time."""

    hall: HallConfig
    calendar: WorkdayCalendarProtocol
    all_events: bool = False
    detail: bool = False
    state: QueueState | None = None
    refs: BookingNames = field(default_factory=BookingNames)
    last_at: dt.datetime | None = None
    errors: int = 0
    refused: int = 0
    history: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Last version of every entity the day touched, as a store would keep it (for stats)."""

    def step(self, data: Mapping[str, Any], op_id: str = "script") -> list[Event]:
        """Apply one parsed line; ValueError for a line that is not a valid operation.

        Unknown keys are ignored (``run`` warns about them): the operation still happens.
        ``op_id`` is the command id the operation carries (which line it came from).
        """
        at, op = timed_op(self.hall, data, op_id, self.last_at)
        op = self.refs.resolve(op)
        if self.state is None:
            self.state = initial_state(self.hall, at)
            for kind, key, initial in records_of(self.state):
                self.history[kind, key] = initial
        try:
            # RULES §5: windows the script never signs in are staffed by an unnamed member.
            outcome = apply(
                self.hall, self.calendar, self.state, op, at, anonymous_staff_until_logout=True
            )
        except OverflowError:
            # A date next to year 9999: the rule's arithmetic (timeouts, due dates) leaves the
            # calendar. The engine is pure, so the state is as before the line.
            raise ValueError("a time or date this operation needs is out of range") from None
        for kind, key, entity in changed_records(outcome):
            if entity is not None:
                self.history[kind, key] = entity
        self.state = outcome.state
        self.last_at = at
        if not outcome.ok:
            self.refused += 1
        else:
            self.refs.remember(op, outcome.result)
        return [e for e in outcome.events if self.all_events or not e.housekeeping]

    def printed(self, data: Mapping[str, Any], op_id: str) -> list[dict[str, Any]]:
        """One line's events as the replay prints them (§5 form, ``detail`` when asked)."""
        lines = []
        for event in self.step(data, op_id):
            payload = event.public()
            if self.detail:
                payload["detail"] = _jsonable(event.detail())
            lines.append(payload)
        return lines

    def records(self) -> list[tuple[str, str, Any]]:
        """Every entity's last version, as ``hallqueue.stats.compute_stats`` takes them."""
        return [(kind, key, entity) for (kind, key), entity in self.history.items()]


def parse_lines(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, object) per operation line, or (line number, error text)."""
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith(("#", "//")):
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, f"not JSON: {exc.msg} (column {exc.colno})"
            continue
        if not isinstance(data, dict):
            yield number, "a line must be one JSON object"
            continue
        yield number, data


class Script(Protocol):
    """What plays a script's lines: this module's engine replay, or a hall's controller
    (``hall queue replay --data-dir``)."""

    errors: int

    def printed(self, data: Mapping[str, Any], op_id: str) -> list[dict[str, Any]]:
        """Apply one line (ValueError: not a valid operation) and give what to print."""
        ...


def feed(script: Script, lines: Iterable[str], out: TextIO, err: TextIO, source: str) -> None:
    """Play ``lines`` one by one: events to ``out`` as JSON lines, line errors to ``err``
    with the line's number (the line is skipped, the replay goes on: RULES §5)."""
    for number, item in parse_lines(lines):
        if isinstance(item, str):
            script.errors += 1
            print(f"{source}:{number}: {item}; line skipped", file=err)
            continue
        try:
            printed = script.printed(item, f"line-{number}")
        except ValueError as exc:
            script.errors += 1
            print(f"{source}:{number}: {exc}; line skipped", file=err)
            continue
        extra = unknown_fields(item)
        if extra:
            print(f"{source}:{number}: ignored unknown field(s) {', '.join(extra)}", file=err)
        for payload in printed:
            out.write(json.dumps(payload, ensure_ascii=False) + "\n")


def run(
    hall: HallConfig,
    calendar: WorkdayCalendarProtocol,
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
    *,
    all_events: bool = False,
    detail: bool = False,
    source: str = "<script>",
) -> Replay:
    """Replay ``lines`` through the engine, writing events to ``out`` and line errors to
    ``err``."""
    replay = Replay(hall, calendar, all_events, detail)
    feed(replay, lines, out, err, source)
    return replay


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
