"""The call order (Q4): three tiers, two strategies, and ``ahead``.

Waiting tickets are kept per category as a sorted tuple of (order key, ticket key), so that
picking the next ticket for a window looks only at the head of each category it serves, and
``ahead`` is a binary search. The index is derived from the tickets and never stored.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping

from config.schema import CallStrategy, HallConfig, Window
from hallqueue.engine.model import Entry, Index, Ticket, TicketStatus, Tier


def _entry(ticket: Ticket) -> Entry:
    return (ticket.order_key, ticket.key)


def build_index(tickets: Iterable[Ticket]) -> dict[str, tuple[Entry, ...]]:
    lists: dict[str, list[Entry]] = {}
    for t in tickets:
        if t.status is TicketStatus.WAITING:
            lists.setdefault(t.category, []).append(_entry(t))
    return {cat: tuple(sorted(entries)) for cat, entries in lists.items()}


def index_add(index: Index, ticket: Ticket) -> dict[str, tuple[Entry, ...]]:
    out: dict[str, tuple[Entry, ...]] = dict(index)
    entries = out.get(ticket.category, ())
    entry = _entry(ticket)
    pos = bisect.bisect_left(entries, entry)
    out[ticket.category] = (*entries[:pos], entry, *entries[pos:])
    return out


def index_remove(index: Index, ticket: Ticket) -> dict[str, tuple[Entry, ...]]:
    out: dict[str, tuple[Entry, ...]] = dict(index)
    entries = out.get(ticket.category, ())
    entry = _entry(ticket)
    pos = bisect.bisect_left(entries, entry)
    if pos < len(entries) and entries[pos] == entry:
        rest = entries[:pos] + entries[pos + 1 :]
        if rest:
            out[ticket.category] = rest
        else:
            del out[ticket.category]  # keep the index equal to a rebuilt one
    return out


def ahead_of(index: Index, ticket: Ticket) -> int:
    """Waiting tickets of its category that the call order puts before ``ticket`` (Q4)."""
    entries = index.get(ticket.category, ())
    return bisect.bisect_left(entries, _entry(ticket))


def waiting_count(index: Index, category: str) -> int:
    return len(index.get(category, ()))


def strategy_of(hall: HallConfig, window: Window) -> CallStrategy:
    return window.strategy or hall.queue.strategy


def pick(hall: HallConfig, index: Index, window: Window) -> str | None:
    """The key of the ticket the window calls next, or None when nothing is waiting for it.

    Priority tickets first by issue time, then transferred tickets by original issue time,
    then normal tickets (Q4). ``ordered`` windows take the first non-empty category in their
    configured order instead; a green-channel window takes priority tickets of every
    category before anything else.
    """
    heads = {c: index[c][0] for c in window.categories if index.get(c)}
    if window.green_channel:
        priority = [
            entries[0]
            for entries in index.values()
            if entries and entries[0][0][0] == Tier.PRIORITY
        ]
        if priority:
            return min(priority)[1]
    if not heads:
        return None
    if strategy_of(hall, window) == CallStrategy.ORDERED:
        first = next(c for c in window.categories if c in heads)
        return heads[first][1]
    return min(heads.values())[1]


def eligible(tickets: Mapping[str, Ticket], window: Window) -> list[Ticket]:
    """Every ticket the window may call now; for invariant checks, not the hot path."""
    cats = set(window.categories)
    return [
        t
        for t in tickets.values()
        if t.status is TicketStatus.WAITING
        and (t.category in cats or (window.green_channel and t.priority))
    ]
