"""The controller's database: SQLite in WAL mode by default, PostgreSQL by URL.

SQLite runs with ``synchronous=FULL``: an acknowledged ticket, punch or rating must survive
a power cut, and a hall's write rate (a few commands a second) affords the fsync.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DB_FILENAME = "hall.sqlite3"


def database_url(data_dir: str | Path | None = None, url: str | None = None) -> str:
    """The given URL, else the SQLite file in ``data_dir`` (the directory is created)."""
    if url:
        return url
    if data_dir is None:
        raise ValueError("either a data directory or a database URL is needed")
    path = Path(data_dir).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / DB_FILENAME}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def open_engine(data_dir: str | Path | None = None, url: str | None = None) -> Engine:
    """An engine with the schema migrated to the newest revision."""
    db_url = database_url(data_dir, url)
    engine = sa.create_engine(db_url, future=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (nodes in the field get upgraded)."""
    cfg = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        alembic_command.upgrade(cfg, "head")


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at; None when it was never migrated."""
    with engine.connect() as conn:
        try:
            row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
        except sa.exc.OperationalError:
            return None
    return row[0] if row else None
