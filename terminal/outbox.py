"""The terminal's offline outbox: every punch is on disk before anything is sent.

One SQLite file in WAL mode with ``synchronous=FULL``: once :meth:`Outbox.append` returns,
the punch survives a power cut or ``kill -9``. Punches leave in the order they were taken
(``seq``); each keeps its unique id, so a resend after a lost reply is applied once by the
controller's idempotent intake.

A punch ends in one of three states: ``pending`` (not yet answered; retried), ``sent``
(the controller took it, or already had it) or ``refused`` (the controller said no, e.g.
unknown staff; kept with the reason for the hall manager, never retried).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bus.models.attendance import Punch
from terminal.clock import ClockState

PunchSource = Literal["face", "fingerprint", "manual"]
State = Literal["pending", "sent", "refused"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS punches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    staff_id TEXT NOT NULL,
    source TEXT NOT NULL,
    device TEXT NOT NULL,
    wall_time TEXT NOT NULL,
    monotonic REAL NOT NULL,
    boot_id TEXT NOT NULL,
    clock_synced INTEGER NOT NULL,
    ntp_synced INTEGER,
    beacon_offset_s REAL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    reply TEXT,
    done_at TEXT
);
CREATE INDEX IF NOT EXISTS punches_pending ON punches (state, seq);
"""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One punch as the outbox holds it."""

    seq: int
    id: str
    staff_id: str
    source: PunchSource
    device: str
    time: dt.datetime
    """The terminal's wall time of the punch, aware."""
    monotonic: float
    boot_id: str
    clock_synced: bool
    ntp_synced: bool | None
    beacon_offset_s: float | None
    state: State
    attempts: int
    last_error: str | None

    def command(self) -> Punch:
        """The ``cmd/att/punch`` this entry is sent as (the same id every time)."""
        return Punch(
            id=self.id,
            staff_id=self.staff_id,
            time=self.time,
            source=self.source,
            device=self.device,
            clock_synced=self.clock_synced,
            monotonic=self.monotonic,
            boot_id=self.boot_id,
        )


def new_punch_id(device: str) -> str:
    """Unique across terminals and reboots; the device prefix helps when reading logs."""
    return f"{device}-{uuid.uuid4().hex}"


SENT_RETENTION = dt.timedelta(days=31)
"""Acknowledged punches are kept this long on the terminal (to answer "did my punch go
through?" for the month), then deleted: the controller holds the record."""


class Outbox:
    """The punch queue of one terminal. Not thread-safe: use it from the node's loop."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Who punched when is personal data: owner-only from the first byte. SQLite gives
        # the -wal and -shm files the database file's mode.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a commit is explicit.
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: WAL commits are fsynced, so a punch acknowledged on screen is on disk.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # Writing ------------------------------------------------------------------------------

    def append(
        self,
        staff_id: str,
        source: PunchSource,
        device: str,
        time: dt.datetime,
        monotonic: float,
        boot_id: str,
        clock: ClockState,
        punch_id: str | None = None,
    ) -> OutboxEntry:
        """Store a new punch durably and return it; only then may it be sent or shown."""
        if time.tzinfo is None or time.utcoffset() is None:
            raise ValueError("a punch time must be timezone-aware")
        punch_id = punch_id or new_punch_id(device)
        with self._tx():
            cur = self._db.execute(
                "INSERT INTO punches (id, staff_id, source, device, wall_time, monotonic, boot_id,"
                " clock_synced, ntp_synced, beacon_offset_s) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    punch_id,
                    staff_id,
                    source,
                    device,
                    time.isoformat(),
                    monotonic,
                    boot_id,
                    int(clock.synced),
                    None if clock.ntp is None else int(clock.ntp),
                    clock.beacon_offset_s,
                ),
            )
            seq = cur.lastrowid
        entry = self.get(punch_id)
        assert entry is not None and entry.seq == seq
        return entry

    def mark_sent(self, punch_id: str, reply: dict[str, Any]) -> None:
        """The controller has the punch (new or duplicate): never send it again."""
        self._finish(punch_id, "sent", None, reply)

    def mark_refused(self, punch_id: str, code: str, message: str, reply: dict[str, Any]) -> None:
        """The controller refused the punch for good: keep it with the reason, stop sending."""
        self._finish(punch_id, "refused", f"{code}: {message}", reply)

    def note_failure(self, punch_id: str, reason: str) -> None:
        """A try that got no usable answer (timeout, controller error): stays pending."""
        with self._tx():
            self._db.execute(
                "UPDATE punches SET attempts = attempts + 1, last_error = ? "
                "WHERE id = ? AND state = 'pending'",
                (reason, punch_id),
            )

    def prune_sent(self, before: dt.datetime) -> int:
        """Forget punches the controller acknowledged before ``before``; refused ones stay
        until a person has looked at them. Returns how many were removed."""
        with self._tx():
            cur = self._db.execute(
                "DELETE FROM punches WHERE state = 'sent' AND done_at < ?",
                (before.astimezone(dt.UTC).isoformat(),),
            )
        return int(cur.rowcount)

    def _finish(
        self, punch_id: str, state: State, error: str | None, reply: dict[str, Any]
    ) -> None:
        with self._tx():
            self._db.execute(
                "UPDATE punches SET state = ?, attempts = attempts + 1, last_error = ?, reply = ?,"
                " done_at = ? WHERE id = ? AND state = 'pending'",
                (
                    state,
                    error,
                    json.dumps(reply, ensure_ascii=False),
                    dt.datetime.now(dt.UTC).isoformat(),
                    punch_id,
                ),
            )

    def _tx(self) -> _Transaction:
        return _Transaction(self._db)

    # Reading ------------------------------------------------------------------------------

    def get(self, punch_id: str) -> OutboxEntry | None:
        row = self._db.execute("SELECT * FROM punches WHERE id = ?", (punch_id,)).fetchone()
        return None if row is None else _entry(row)

    def next_pending(self) -> OutboxEntry | None:
        """The oldest punch not yet answered: the only one that may be sent now."""
        row = self._db.execute(
            "SELECT * FROM punches WHERE state = 'pending' ORDER BY seq LIMIT 1"
        ).fetchone()
        return None if row is None else _entry(row)

    def entries(self, state: State | None = None) -> list[OutboxEntry]:
        """Every punch (or those in ``state``) in the order they were taken."""
        if state is None:
            rows = self._db.execute("SELECT * FROM punches ORDER BY seq").fetchall()
        else:
            rows = self._db.execute(
                "SELECT * FROM punches WHERE state = ? ORDER BY seq", (state,)
            ).fetchall()
        return [_entry(r) for r in rows]

    def pending_count(self) -> int:
        """Punches waiting for the controller: the number the screen's offline badge shows."""
        row = self._db.execute("SELECT COUNT(*) FROM punches WHERE state = 'pending'").fetchone()
        return int(row[0])

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT state, COUNT(*) FROM punches GROUP BY state").fetchall()
        found = {str(r[0]): int(r[1]) for r in rows}
        return {s: found.get(s, 0) for s in ("pending", "sent", "refused")}


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (or ROLLBACK on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _entry(row: sqlite3.Row) -> OutboxEntry:
    ntp = row["ntp_synced"]
    return OutboxEntry(
        seq=int(row["seq"]),
        id=row["id"],
        staff_id=row["staff_id"],
        source=row["source"],
        device=row["device"],
        time=dt.datetime.fromisoformat(row["wall_time"]),
        monotonic=float(row["monotonic"]),
        boot_id=row["boot_id"],
        clock_synced=bool(row["clock_synced"]),
        ntp_synced=None if ntp is None else bool(ntp),
        beacon_offset_s=row["beacon_offset_s"],
        state=row["state"],
        attempts=int(row["attempts"]),
        last_error=row["last_error"],
    )
