"""Entities as JSON-safe records, and the state rebuilt from them after a restart.

The store writes each changed entity as one JSON record (kind, key, data). An entity that
disappears from the live state has been retired (a finished ticket of an earlier day, a
past counter): the store keeps its last record as history for statistics and audits, and
``state_from_records`` leaves such records out again when it rebuilds the state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from config.schema import HallConfig
from hallqueue.engine.events import Outcome
from hallqueue.engine.hours import to_hall_time
from hallqueue.engine.model import (
    LIVE,
    Appointment,
    BookingStatus,
    CancelledSlot,
    Closure,
    Counter,
    QueueState,
    RatingStatus,
    Step,
    Suspension,
    Ticket,
    WindowState,
    Workorder,
)
from hallqueue.engine.order import build_index


@dataclass(frozen=True, slots=True)
class Meta:
    """The state's own fields: the current hall day and the pending expiry time."""

    key: str
    day: dt.date
    expire_at: dt.datetime | None = None


META_KEY = "queue"
KINDS: Mapping[str, type[Any]] = {
    "ticket": Ticket,
    "window": WindowState,
    "counter": Counter,
    "appointment": Appointment,
    "workorder": Workorder,
    "suspension": Suspension,
    "closure": Closure,
    "cancelled_slot": CancelledSlot,
    "meta": Meta,
    "step": Step,
}
_FIELD_OF_KIND = {
    "ticket": "tickets",
    "window": "windows",
    "counter": "counters",
    "appointment": "appointments",
    "workorder": "workorders",
    "suspension": "suspensions",
    "closure": "closures",
    "cancelled_slot": "cancelled_slots",
}
Entity = (
    Ticket
    | WindowState
    | Counter
    | Appointment
    | Workorder
    | Suspension
    | Closure
    | CancelledSlot
    | Meta
)


def _dump(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_record(value)
    return value


def to_record(obj: Any) -> dict[str, Any]:
    """A JSON-safe dict of any entity (times as ISO 8601 strings, enums as their values)."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"not an entity: {obj!r}")
    return {f.name: _dump(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _load(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (hint,) = [a for a in args if a is not type(None)]
        return _load(hint, value)
    if origin is tuple:
        return tuple(_load(args[0], v) for v in value)
    if hint is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if hint is dt.date:
        return dt.date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from(hint, value)
    if hint is float:
        return float(value)
    return value


def _from(cls: type[Any], data: Mapping[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.name: _load(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    return cls(**kwargs)


def from_record(kind: str, data: Mapping[str, Any]) -> Any:
    """The entity of ``kind`` from its record; ValueError names a kind that does not exist."""
    cls = KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown record kind {kind!r}; known: {', '.join(KINDS)}")
    return _from(cls, data)


def records_of(state: QueueState) -> Iterator[tuple[str, str, Entity]]:
    """Every live entity of the state as (kind, key, entity); ``to_record`` makes it JSON."""
    yield "meta", META_KEY, Meta(META_KEY, state.day, state.expire_at)
    for kind, name in _FIELD_OF_KIND.items():
        mapping: Mapping[str, Entity] = getattr(state, name)
        for key, entity in mapping.items():
            yield kind, key, entity


def changes(old: QueueState, new: QueueState) -> Iterator[tuple[str, str, Entity | None]]:
    """What the store writes after an operation: changed or new entities by identity, and
    ``None`` for a key that left the live state (retired: keep its last record as history).

    The engine never changes and retires an entity in the same operation, so the last
    record written for a retired entity is its final form.
    """
    if old is new:
        return
    if (old.day, old.expire_at) != (new.day, new.expire_at):
        yield "meta", META_KEY, Meta(META_KEY, new.day, new.expire_at)
    for kind, name in _FIELD_OF_KIND.items():
        before: Mapping[str, Entity] = getattr(old, name)
        after: Mapping[str, Entity] = getattr(new, name)
        if before is after:
            continue
        for key, entity in after.items():
            if before.get(key) is not entity:
                yield kind, key, entity
        for key in before.keys() - after.keys():
            yield kind, key, None


def changed_records(outcome: Outcome) -> Iterator[tuple[str, str, Entity | None]]:
    """What the store writes after ``outcome``, without comparing whole states: each entity
    the operation wrote, or ``None`` for one it retired (keep its last record as history)."""
    state = outcome.state
    for kind, key in outcome.changed:
        if kind == "meta":
            yield "meta", META_KEY, Meta(META_KEY, state.day, state.expire_at)
        else:
            mapping: Mapping[str, Entity] = getattr(state, _FIELD_OF_KIND[kind])
            yield kind, key, mapping.get(key)


def retired(entity: object, day: dt.date) -> bool:
    """Whether an entity no longer belongs to the live state of hall day ``day``."""
    if isinstance(entity, Ticket):
        return (
            entity.day < day
            and entity.status not in LIVE
            and entity.rating_status is not RatingStatus.PENDING
        )
    if isinstance(entity, Counter):
        return entity.day < day
    if isinstance(entity, Appointment):
        return entity.slot.date() < day and entity.status is not BookingStatus.BOOKED
    if isinstance(entity, Closure | Suspension):
        return entity.ended_at is not None and entity.ended_at.date() < day
    if isinstance(entity, CancelledSlot):
        return entity.slot.date() < day
    return False


def state_from_records(
    hall: HallConfig, records: Iterable[tuple[str, str, Mapping[str, Any]]], now: dt.datetime
) -> QueueState:
    """Rebuild the state from stored records (history records may be included: they are left
    out). The next ``apply`` does whatever time-driven work is due since the last command."""
    maps: dict[str, dict[str, Any]] = {name: {} for name in _FIELD_OF_KIND.values()}
    meta = Meta(META_KEY, to_hall_time(hall, now).date())
    entities = []
    for kind, key, data in records:
        entity = from_record(kind, data)
        if isinstance(entity, Meta):
            meta = entity
        elif kind in _FIELD_OF_KIND:
            entities.append((kind, key, entity))
    for kind, key, entity in entities:
        if not retired(entity, meta.day):
            maps[_FIELD_OF_KIND[kind]][key] = entity
    windows = {w.id: maps["windows"].get(w.id) or WindowState(w.id) for w in hall.windows}
    return QueueState(
        day=meta.day,
        tickets=maps["tickets"],
        windows=windows,
        counters=maps["counters"],
        appointments=maps["appointments"],
        workorders=maps["workorders"],
        suspensions=maps["suspensions"],
        closures=maps["closures"],
        cancelled_slots=maps["cancelled_slots"],
        expire_at=meta.expire_at,
        waiting=build_index(maps["tickets"].values()),
    )
