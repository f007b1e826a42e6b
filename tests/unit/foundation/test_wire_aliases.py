"""Field names that cannot be Python names keep their wire names whichever way a model is made."""

from __future__ import annotations

import datetime as dt

from bus.core import encode
from bus.models.base import parse_command
from bus.models.queue import StatsQuery

DAY = dt.date(2026, 11, 24)


def test_a_stats_query_built_by_field_name_is_sent_as_from_and_to() -> None:
    """``from`` is a keyword: a console or CLI building the query by name must still send the
    wire's ``from``/``to``, which the controller reads (it refused ``date_from`` as unknown)."""
    query = StatsQuery.model_validate({"id": "s1", "date_from": DAY, "date_to": DAY})
    payload = encode(query)
    assert b'"from":"2026-11-24"' in payload and b"date_from" not in payload
    parsed = parse_command("queue", "stats", payload)
    assert isinstance(parsed, StatsQuery) and (parsed.date_from, parsed.date_to) == (DAY, DAY)
