"""``hall queue replay``: a hall day as a script of operations, run through the engine.

One JSON object per line: the RULES.md §5 operation plus ``"at"`` (ISO 8601; without an
offset it is hall time). Every event is printed as one JSON line in its §5 form. A malformed
line is reported on stderr with its number and skipped; a refused operation prints its
``<op>.refused`` event and changes nothing. Events caused only by time passing (expiry,
not rated, forfeit) are printed with ``all_events``. The engine is the controller's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from config.schema import HallConfig
from hallqueue.engine import (
    Checkin,
    Event,
    QueueState,
    apply,
    changed_records,
    initial_state,
    op_from_dict,
    records_of,
)
from hallqueue.engine.hours import WorkdayCalendarProtocol, to_hall_time
from hallqueue.engine.ops import Book, Op, parse_time, unknown_fields


@dataclass
class Replay:
    """A replay in progress: the state, the booking names the script gave, the last time."""

    hall: HallConfig
    calendar: WorkdayCalendarProtocol
    all_events: bool = False
    state: QueueState | None = None
    refs: dict[str, str] = field(default_factory=dict)
    last_at: dt.datetime | None = None
    errors: int = 0
    refused: int = 0
    history: dict[tuple[str, str], Any] = field(default_factory=dict)
    """Last version of every entity the day touched, as a store would keep it (for stats)."""

    def step(self, data: dict[str, Any]) -> list[Event]:
        """Apply one parsed line; ValueError for a line that is not a valid operation.

        Unknown keys are ignored (``run`` warns about them): the operation still happens.
        """
        if "at" not in data:
            raise ValueError('missing "at" (ISO 8601 time of the operation)')
        at = to_hall_time(self.hall, parse_time(data["at"], "at"))
        if self.last_at is not None and at < self.last_at:
            raise ValueError(f"time goes backwards: {at.isoformat()} < {self.last_at.isoformat()}")
        if data.get("op") == "checkin" and "code" not in data and "ref" not in data:
            raise ValueError('checkin: missing "code" (booking code) or "ref" (its script name)')
        op = self._resolve(op_from_dict(data, strict=False))
        if self.state is None:
            self.state = initial_state(self.hall, at)
            for kind, key, initial in records_of(self.state):
                self.history[kind, key] = initial
        try:
            outcome = apply(self.hall, self.calendar, self.state, op, at)
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
        elif isinstance(op, Book) and op.ref and outcome.result is not None:
            self.refs[op.ref] = str(outcome.result["code"])
        return [e for e in outcome.events if self.all_events or not e.housekeeping]

    def records(self) -> list[tuple[str, str, Any]]:
        """Every entity's last version, as ``hallqueue.stats.compute_stats`` takes them."""
        return [(kind, key, entity) for (kind, key), entity in self.history.items()]

    def _resolve(self, op: Op) -> Op:
        """A check-in by the script's booking name uses the code the booking got."""
        if isinstance(op, Checkin) and not op.code and op.ref is not None:
            return dataclasses.replace(op, code=self.refs.get(op.ref, ""))
        return op


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
    """Replay ``lines``, writing events to ``out`` and line errors to ``err``."""
    replay = Replay(hall, calendar, all_events)
    for number, item in parse_lines(lines):
        if isinstance(item, str):
            replay.errors += 1
            print(f"{source}:{number}: {item}; line skipped", file=err)
            continue
        try:
            events = replay.step(item)
        except ValueError as exc:
            replay.errors += 1
            print(f"{source}:{number}: {exc}; line skipped", file=err)
            continue
        extra = unknown_fields(item)
        if extra:
            print(f"{source}:{number}: ignored unknown field(s) {', '.join(extra)}", file=err)
        for event in events:
            payload = event.public()
            if detail:
                payload["detail"] = _jsonable(event.detail())
            out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    return replay


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
