"""Q15's figures worked out from a replayed day's events alone, to check the statistics
(``hall stats``, ``queue/stats``, the console's page and CSV) against: nothing here comes
from ``hallqueue.stats``.

A day's events are taken with the time of the script line that caused them (the engine's
replay, every event printed, time passing included). Each ticket is followed through its
events: issued (its category from the item), called or resumed (the window and who was signed
in there: ``window.login``/``window.logout``; first and last call), skipped, transferred (the
new item's category), finished, rated or not rated, expired. Then each group counts the
tickets whose last category, window, staff member or issue hour it is.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.schema import HallConfig
from hallqueue.replay import Replay, parse_lines
from workdays.fixed import hall_calendar

TimedEvent = tuple[dt.datetime, dict[str, Any]]


def timed_events(hall: HallConfig, script: Path) -> list[TimedEvent]:
    """Every event of the script's lines (time passing included), each with its line's time."""
    replay = Replay(hall, hall_calendar(hall), all_events=True)
    out: list[TimedEvent] = []
    for number, item in parse_lines(script.read_text(encoding="utf-8").splitlines()):
        assert isinstance(item, dict), f"line {number}: {item}"
        events = replay.step(item, f"line-{number}")
        assert replay.last_at is not None
        out += [(replay.last_at, e.public()) for e in events]
    return out


@dataclass
class Followed:
    number: str
    category: str
    issued_at: dt.datetime
    window: str = "-"
    staff: str = "-"
    first_call: dt.datetime | None = None
    last_call: dt.datetime | None = None
    finished: dt.datetime | None = None
    skipped: bool = False
    transferred: bool = False
    rating: int | None = None
    not_rated: bool = False
    expired: bool = False


def follow(hall: HallConfig, events: list[TimedEvent]) -> list[Followed]:
    """The day's tickets as its events leave them (one hall day: numbers are unique)."""
    tickets: dict[str, Followed] = {}
    signed_in: dict[str, str] = {}

    def category(service: str) -> str:
        item = hall.item(service)
        assert item is not None, service
        return item.category

    for at, e in events:
        kind = e["event"]
        if kind == "window.login":
            signed_in[e["window"]] = e["staff"]
        elif kind == "window.logout":
            signed_in.pop(e["window"], None)
        elif kind == "ticket.issued":
            tickets[e["ticket"]] = Followed(e["ticket"], category(e["service"]), at)
        elif kind in ("ticket.called", "ticket.resumed"):
            t = tickets[e["ticket"]]
            t.window, t.staff = e["window"], signed_in.get(e["window"], "-")
            t.first_call = t.first_call or at
            t.last_call = at
        elif kind == "ticket.finished":
            tickets[e["ticket"]].finished = at
        elif kind == "ticket.skipped":
            tickets[e["ticket"]].skipped = True
        elif kind == "ticket.transferred":
            t = tickets[e["ticket"]]
            t.category, t.transferred = category(e["service"]), True
        elif kind == "ticket.rated":
            tickets[e["ticket"]].rating = e["level"]
        elif kind == "ticket.not_rated":
            tickets[e["ticket"]].not_rated = True
        elif kind == "ticket.expired":
            tickets[e["ticket"]].expired = True
    return list(tickets.values())


def _minutes(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 60


def _p90(values: list[float]) -> float | None:
    """Nearest rank: the smallest value that 90 % of the values do not exceed."""
    if not values:
        return None
    return round(sorted(values)[math.ceil(0.9 * len(values)) - 1], 1)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def group_figures(tickets: list[Followed]) -> dict[str, Any]:
    """One group's figures, named as ``queue/stats`` names them."""
    waits = [_minutes(t.issued_at, t.first_call) for t in tickets if t.first_call]
    services = [_minutes(t.last_call, t.finished) for t in tickets if t.finished and t.last_call]
    rated = [t.rating for t in tickets if t.rating is not None]
    return {
        "issued": len(tickets),
        "served": sum(t.finished is not None for t in tickets),
        "skipped": sum(t.skipped for t in tickets),
        "transferred": sum(t.transferred for t in tickets),
        "expired": sum(t.expired for t in tickets),
        "wait_mean_min": _mean(waits),
        "wait_p90_min": _p90(waits),
        "service_mean_min": _mean(services),
        "service_p90_min": _p90(services),
        "rated": len(rated),
        "not_rated": sum(t.not_rated for t in tickets),
        "satisfaction_rate": round(sum(r >= 3 for r in rated) / len(rated), 3) if rated else None,
    }


def figures(hall: HallConfig, events: list[TimedEvent]) -> dict[str, Any]:
    """The day's total and its groups: ``{"total": {...}, "by_category": {"A": {...}}, …}``."""
    tickets = follow(hall, events)
    keys: dict[str, Callable[[Followed], str]] = {
        "by_category": lambda t: t.category,
        "by_window": lambda t: t.window,
        "by_staff": lambda t: t.staff,
        "by_hour": lambda t: f"{t.issued_at.hour:02d}",
    }
    out: dict[str, Any] = {"total": group_figures(tickets)}
    for name, key in keys.items():
        groups: dict[str, list[Followed]] = {}
        for t in tickets:
            groups.setdefault(key(t), []).append(t)
        out[name] = {k: group_figures(v) for k, v in sorted(groups.items())}
    return out
