"""Insert-or-update that works on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def upsert(conn: Connection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Insert the row, or update ``values`` where one with these ``keys`` exists.

    ``keys`` must be the table's primary key or a unique index: the conflict target.
    """
    dialect = conn.dialect.name
    insert: Any
    if dialect == "sqlite":
        insert = sqlite.insert(table)
    elif dialect == "postgresql":
        insert = postgresql.insert(table)
    else:
        raise NotImplementedError(f"upsert on {dialect}")
    stmt = insert.values(**keys, **values).on_conflict_do_update(
        index_elements=list(keys), set_=values
    )
    conn.execute(stmt)
