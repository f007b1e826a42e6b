"""Every message of the contract stays typed: no field is a free dict, Any or JSON value.

The models are those of the contract's registry (``bus.contract.channels()``: every channel's
messages and replies), walked recursively into the models their fields hold. A field typed
``Any``, ``object``, ``dict``/``Mapping`` or a free JSON value fails the test unless it is in
``ALLOWED`` with the reason it may stay so.
"""

from __future__ import annotations

import collections.abc
import types
import typing
from collections.abc import Iterator

import pydantic
from pydantic import BaseModel

from bus import contract

_STATS = "keyed by group (category, window, staff, hour, day) as on the wire since v1; values typed"
_REPORT = "keyed as RULES §4 writes the month (and the report has since v1); values typed"

ALLOWED: dict[str, str] = {
    "QueueData.categories": "keyed by category prefix, as on the wire since v1; values typed",
    "CatalogData.categories": "keyed by category prefix, as on the wire since v1; values typed",
    "CatalogData.items": "keyed by item code, as on the wire since v1; values typed",
    "StatsResult.days": _STATS,
    "StatsBlock.by_category": _STATS,
    "StatsBlock.by_window": _STATS,
    "StatsBlock.by_staff": _STATS,
    "StatsBlock.by_hour": _STATS,
    "StatsBlock.by_weekday_hour": _STATS,
    "WorkorderStats.by_staff": _STATS,
    "ReviewGrades.staff": _STATS,
    "MonthReportResult.staff": _REPORT,
    "StaffMonthResult.days": _REPORT,
    "MonthDay.slots": _REPORT,
    "MonthViewResult.staff": _REPORT,
    "MonthViewResult.calendar": _REPORT,
    "StaffMonthView.days": _REPORT,
}
"""``Model.field`` → why it may hold a mapping or a free value. Keep it short."""

_FREE: tuple[object, ...] = (typing.Any, object, dict, collections.abc.Mapping)


def _models_of(annotation: object) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation refers to (inside unions, lists, tuples, …)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_of(arg)


def _free(annotation: object) -> str | None:
    """Why an annotation is not typed, or None when it is."""
    if annotation is pydantic.JsonValue:
        return "a free JSON value"
    origin = typing.get_origin(annotation)
    if annotation in _FREE or origin in (dict, collections.abc.Mapping, typing.Mapping):
        return f"typed {annotation!r}"
    if origin is typing.Annotated:
        return _free(typing.get_args(annotation)[0])
    for arg in typing.get_args(annotation):
        if isinstance(arg, (type, types.GenericAlias, types.UnionType)) or typing.get_origin(arg):
            why = _free(arg)
            if why is not None:
                return why
        elif arg is typing.Any:
            return "typed Any"
    return None


def contract_models() -> list[type[BaseModel]]:
    """Every model the registry names, and every model inside them, once each."""
    seen: dict[type[BaseModel], None] = {}
    todo = [m for c in contract.channels() for m in (*c.messages, *c.replies)]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen[model] = None
        for field in model.model_fields.values():
            todo.extend(_models_of(field.annotation))
    return list(seen)


def untyped_fields() -> list[str]:
    found = []
    for model in contract_models():
        for name, field in model.model_fields.items():
            why = _free(field.annotation)
            if why is not None:
                found.append(f"{model.__name__}.{name}: {why}")
    return sorted(found)


def test_no_message_field_is_a_free_dict_any_or_json_value() -> None:
    found = [f for f in untyped_fields() if f.split(":")[0] not in ALLOWED]
    assert found == [], "type these fields (or name them in ALLOWED with a reason):\n" + "\n".join(
        found
    )


def test_the_allowlist_names_only_fields_that_are_still_untyped() -> None:
    """An entry whose field was typed since is removed, so the list only ever shrinks."""
    still = {f.split(":")[0] for f in untyped_fields()}
    assert sorted(set(ALLOWED) - still) == []


def test_the_walk_sees_the_typed_views_events_and_print_jobs() -> None:
    names = {m.__name__ for m in contract_models()}
    assert {"WindowData", "TicketCalled", "CallData", "TicketPrint", "GuidePrint"} <= names


def test_the_check_catches_each_kind_of_free_field() -> None:
    class Loose(BaseModel):
        a: typing.Any
        b: dict[str, typing.Any]
        c: collections.abc.Mapping[str, int]
        d: object
        e: pydantic.JsonValue
        f: list[dict[str, int]] | None
        g: tuple[int, ...]
        h: str | None

    flagged = [n for n, f in Loose.model_fields.items() if _free(f.annotation) is not None]
    assert flagged == ["a", "b", "c", "d", "e", "f"]
