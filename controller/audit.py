"""``audit/search``: the controller's audit log, filtered and paged, for the back office.

The log (``store.tables.audit_log``) has a row for every command applied or refused and every
tick that changed something: a year of a busy hall is over a million rows. So every filter
is answered off an index whose last columns are (at, seq), the page's order (newest first),
and a page goes on from the row before (keyset paging): no query sorts or counts the table.
Which index a filter uses (as SQLite plans it: ``tests/unit/controller/test_audit_search.py``):

- ``user``: ``ix_audit_log_user_at`` (acting_user, at, seq)
- ``window``: ``ix_audit_log_window_at`` (window, at, seq)
- ``command``: ``ix_audit_log_command_at`` (area, verb, at, seq)
- only times and/or the outcome: ``ix_audit_log_at`` (at, seq); the outcome is checked on the
  rows the index yields (two values: an index of its own would not narrow a page).

SQLite keeps the times as the hall's wall clock (the controller's clock is in the hall's
zone; the column drops the offset): bounds are turned into the hall's zone before binding,
and times read back without an offset are the hall's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bus.models.audit import AuditSearch
from bus.models.base import Command
from bus.models.replies import AuditEntry, AuditSearchResult
from config.schema import HallConfig
from store import tables
from store.service import Outcome, Publication


class AuditService:
    """The read-only ``audit/…`` area: nothing in memory, everything from the store."""

    area = "audit"

    def __init__(self, hall: HallConfig) -> None:
        self.hall = hall

    def load(self, conn: Connection, now: dt.datetime) -> None:
        return None

    def startup(self, now: dt.datetime) -> list[Publication]:
        return []

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        return None

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        if isinstance(cmd, AuditSearch):
            return Outcome(result=search(conn, cmd, self.hall.tz))
        return Outcome.refused("unknown_command", f"未知命令 / unknown audit/{cmd.verb}")


def search(conn: Connection, query: AuditSearch, tz: dt.tzinfo) -> AuditSearchResult:
    """One page of the log, newest first, and the cursor of the next page (None: the last)."""
    c = tables.audit_log.c
    after = None
    if query.cursor is not None:
        after = conn.execute(sa.select(c.at, c.seq).where(c.seq == int(query.cursor))).first()
        if after is None:
            return AuditSearchResult(entries=(), next_cursor=None)
    rows = conn.execute(statement(query, tz, after)).all()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    entries = tuple(
        AuditEntry(
            seq=r.seq,
            at=read_time(r.at, tz),
            area=r.area,
            verb=r.verb,
            command_id=r.command_id,
            ok=r.ok,
            sender=r.sender,
            acting_user=r.acting_user,
            window=r.window,
            ticket=_ticket(r.command, r.events),
        )
        for r in rows
    )
    return AuditSearchResult(
        entries=entries, next_cursor=str(rows[-1].seq) if more and rows else None
    )


def statement(query: AuditSearch, tz: dt.tzinfo, after: Any = None) -> sa.Select[Any]:
    """The page's query: the filters, after the row ``after`` (its at and seq), one row more
    than the page (so the page knows whether another follows)."""
    c = tables.audit_log.c
    stmt = sa.select(
        c.seq, c.at, c.area, c.verb, c.command_id, c.ok, c.sender, c.acting_user, c.window,
        c.command, c.events,
    )  # fmt: skip
    if query.user is not None:
        stmt = stmt.where(c.acting_user == query.user)
    if query.window is not None:
        stmt = stmt.where(c.window == query.window)
    if query.command is not None:
        area, verb = query.command.split("/", 1)
        stmt = stmt.where(c.area == area, c.verb == verb)
    if query.time_from is not None:
        stmt = stmt.where(c.at >= hall_time(query.time_from, tz))
    if query.time_to is not None:
        stmt = stmt.where(c.at < hall_time(query.time_to, tz))
    if query.outcome is not None:
        stmt = stmt.where(c.ok.is_(query.outcome == "ok"))
    if after is not None:
        stmt = stmt.where(sa.tuple_(c.at, c.seq) < sa.tuple_(after.at, after.seq))
    return stmt.order_by(c.at.desc(), c.seq.desc()).limit(query.limit + 1)


def hall_time(at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A bound in the hall's zone (a time without an offset is the hall's)."""
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def read_time(at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A stored time with its offset: SQLite's come back without one, in the hall's zone."""
    return at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)


def _ticket(command: Any, events: Any) -> str | None:
    """The ticket the command named, or the first its events name (a call's, an issue's)."""
    named = command.get("ticket") if isinstance(command, dict) else None
    if isinstance(named, str):
        return named.rsplit("/", 1)[-1]
    for event in events if isinstance(events, list) else ():
        ticket = event.get("ticket") if isinstance(event, dict) else None
        if isinstance(ticket, str):
            return ticket.rsplit("/", 1)[-1]
    return None
