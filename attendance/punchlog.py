"""The punch log: append-only and hash-chained, because punches are evidence in assessments.

Each row's ``hash`` is SHA-256 over the previous row's hash and a canonical JSON of the
row's own fields (``seq`` included, so rows cannot be reordered or renumbered unnoticed).
An edited row no longer matches its hash; a deleted or inserted row breaks the next row's
``prev_hash``. :func:`verify_log` walks the chain and names the first row that fails; it
also checks the chain against the audit log, which records each accepted punch's seq and hash,
so that deleting the newest rows (which leaves the chain whole) is found too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from store import tables

GENESIS = "0" * 64
"""``prev_hash`` of the first punch."""

HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "punch_id",
    "staff_id",
    "time",
    "source",
    "device",
    "clock_synced",
    "flags",
    "received_at",
    "monotonic",
    "boot_id",
    "skew_seconds",
)
"""Every column but the two hashes: all of them are evidence."""

UTC = dt.UTC


def utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC. The store keeps punch times in UTC; SQLite hands them back naive (UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    raise TypeError(f"cannot hash {type(value).__name__}")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The row's hashed fields as compact, key-sorted JSON (the same bytes on any database)."""
    data = {name: _canonical_value(row.get(name)) for name in HASHED_FIELDS}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def link_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash followed by the row's canonical JSON."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical(row))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Appended:
    """Where a punch landed in the chain."""

    seq: int
    hash: str


def head(conn: Connection) -> tuple[int, str]:
    """The last ``seq`` and ``hash`` (0 and the genesis hash for an empty log)."""
    row = conn.execute(
        sa.select(tables.punches.c.seq, tables.punches.c.hash)
        .order_by(tables.punches.c.seq.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


def append(conn: Connection, fields: Mapping[str, Any]) -> Appended:
    """Insert one punch at the end of the chain. Only the controller writes, one command at a
    time, so reading the head and inserting in the same transaction cannot race."""
    last_seq, last_hash = head(conn)
    seq = last_seq + 1
    row: dict[str, Any] = {name: fields.get(name) for name in HASHED_FIELDS}
    row.update(seq=seq, time=utc(fields["time"]), received_at=utc(fields["received_at"]))
    digest = link_hash(last_hash, row)
    conn.execute(tables.punches.insert().values(**row, prev_hash=last_hash, hash=digest))
    return Appended(seq, digest)


PAGE = 500


def _page(conn: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    result = conn.execute(
        sa.select(tables.punches)
        .where(tables.punches.c.seq > after)
        .order_by(tables.punches.c.seq)
        .limit(limit)
    )
    return [dict(row) for row in result.mappings()]


def rows(conn: Connection) -> Iterator[dict[str, Any] | int]:
    """Every punch row in chain order; a row the database cannot even parse (a hand-edited
    time that is no longer a time) comes as its bare ``seq``."""
    after = 0
    while True:
        try:
            page = _page(conn, after, PAGE)
        except (ValueError, TypeError):
            page = []
            seqs = conn.execute(
                sa.select(tables.punches.c.seq)
                .where(tables.punches.c.seq > after)
                .order_by(tables.punches.c.seq)
                .limit(PAGE)
            ).scalars()
            for seq in seqs:
                try:
                    page.extend(_page(conn, seq - 1, 1))
                except (ValueError, TypeError):
                    yield int(seq)
                    return
        if not page:
            return
        yield from page
        after = int(page[-1]["seq"])


@dataclass(frozen=True, slots=True)
class Break:
    """The first row whose link does not hold, and why."""

    seq: int
    reason: str


def find_break(conn: Connection) -> Break | None:
    """The first broken link, or None when every row matches its hash and its predecessor."""
    prev = GENESIS
    for row in rows(conn):
        if isinstance(row, int):
            return Break(row, "记录无法读取（被修改）/ row is unreadable")
        seq = int(row["seq"])
        if row["prev_hash"] != prev:
            return Break(seq, "上一条记录的哈希不符（删除或插入）/ prev_hash does not match")
        if link_hash(prev, row) != row["hash"]:
            return Break(seq, "记录内容与哈希不符（被修改）/ row does not match its hash")
        prev = str(row["hash"])
    return None


def audited(conn: Connection) -> dict[int, str]:
    """``seq`` → ``hash`` of every punch the controller's audit log says it accepted."""
    a = tables.audit_log.c
    result = conn.execute(
        sa.select(a.events).where(a.area == "att", a.verb == "punch", a.ok.is_(True))
    )
    found: dict[int, str] = {}
    for (events,) in result:
        for event in events or ():
            if isinstance(event, dict) and event.get("event") == "punch.accepted":
                found[int(event["seq"])] = str(event.get("hash", ""))
    return found


def find_missing(conn: Connection) -> Break | None:
    """The first punch the audit log recorded that the log lacks or holds with another hash:
    the chain alone cannot see its last rows deleted."""
    p = tables.punches.c
    stored = {int(seq): str(digest) for seq, digest in conn.execute(sa.select(p.seq, p.hash))}
    for seq, digest in sorted(audited(conn).items()):
        if seq not in stored:
            return Break(seq, "审计日志记录的打卡已缺失 / punch in the audit log is missing")
        if digest and stored[seq] != digest:
            return Break(seq, "哈希与审计日志不符 / hash differs from the audit log")
    return None


def first_break(conn: Connection) -> Break | None:
    """The earliest problem of the chain itself or against the audit log."""
    found = [b for b in (find_break(conn), find_missing(conn)) if b is not None]
    return min(found, key=lambda b: b.seq) if found else None


def verify_log(conn: Connection) -> int | None:
    """The ``seq`` of the first broken link in the punch log, or None when it is intact."""
    found = first_break(conn)
    return None if found is None else found.seq
