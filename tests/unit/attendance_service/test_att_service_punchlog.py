"""The punch log's hash chain (DESIGN.md, State): an edited, deleted or unreadable row is
found, and exactly where."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from attendance import punchlog
from store.database import DB_FILENAME, open_engine

UTC = dt.UTC
T0 = dt.datetime(2026, 11, 24, 0, 55, tzinfo=UTC)


def fields(n: int) -> dict[str, Any]:
    return {
        "punch_id": f"terminal-1-{n}",
        "staff_id": f"S00{n}",
        "time": T0 + dt.timedelta(minutes=n),
        "source": "face",
        "device": "terminal-1",
        "clock_synced": True,
        "flags": [],
        "received_at": T0 + dt.timedelta(minutes=n, seconds=2),
        "monotonic": 1000.5 + n,
        "boot_id": "boot-a",
        "skew_seconds": -2.0,
    }


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(tmp_path)
    with engine.begin() as conn:
        for n in (1, 2, 3):
            punchlog.append(conn, fields(n))
    yield engine
    engine.dispose()


def tamper(tmp_path: Path, *statements: str) -> None:
    """What someone with the database file and sqlite3 could do."""
    db = sqlite3.connect(tmp_path / DB_FILENAME)
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


def test_an_untouched_log_verifies_and_each_row_links_to_the_one_before(engine: Engine) -> None:
    with engine.connect() as conn:
        assert punchlog.verify_log(conn) is None
        rows = [r for r in punchlog.rows(conn) if isinstance(r, dict)]
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == punchlog.GENESIS
    assert rows[1]["prev_hash"] == rows[0]["hash"] and rows[2]["prev_hash"] == rows[1]["hash"]


def test_the_hash_does_not_depend_on_how_the_database_returns_times() -> None:
    """SQLite gives naive UTC back, PostgreSQL aware: both must hash alike."""
    aware = {**fields(1), "seq": 1}
    naive = {**aware, "time": aware["time"].replace(tzinfo=None)}
    shanghai = {**aware, "time": aware["time"].astimezone(dt.timezone(dt.timedelta(hours=8)))}
    assert punchlog.link_hash("a" * 64, aware) == punchlog.link_hash("a" * 64, naive)
    assert punchlog.link_hash("a" * 64, aware) == punchlog.link_hash("a" * 64, shanghai)


@pytest.mark.parametrize(
    ("edit", "seq"),
    [
        ("UPDATE punches SET staff_id = 'S009' WHERE seq = 2", 2),
        ("UPDATE punches SET flags = '[]', clock_synced = 0 WHERE seq = 3", 3),
        ("UPDATE punches SET time = '2026-11-24 00:40:00.000000' WHERE seq = 1", 1),
        ("DELETE FROM punches WHERE seq = 2", 3),
        ("UPDATE punches SET time = 'yesterday' WHERE seq = 2", 2),
    ],
)
def test_an_edit_is_found_at_its_row(engine: Engine, tmp_path: Path, edit: str, seq: int) -> None:
    tamper(tmp_path, edit)
    with engine.connect() as conn:
        assert punchlog.verify_log(conn) == seq


def test_a_rehashed_edit_still_breaks_the_next_link(engine: Engine, tmp_path: Path) -> None:
    with engine.connect() as conn:
        row = next(r for r in punchlog.rows(conn) if isinstance(r, dict) and r["seq"] == 2)
    forged = {**row, "staff_id": "S009"}
    digest = punchlog.link_hash(row["prev_hash"], forged)
    tamper(tmp_path, f"UPDATE punches SET staff_id = 'S009', hash = '{digest}' WHERE seq = 2")
    with engine.connect() as conn:
        assert punchlog.verify_log(conn) == 3
