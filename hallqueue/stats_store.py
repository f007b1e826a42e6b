"""Statistics (Q15) read from the controller's store: the same numbers for `hall stats` and
the console's ``cmd/queue/stats`` query."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bus.models.replies import ReviewGrades, StatsResult
from hallqueue.stats import Stats, compute_stats, staff_review_grades
from store import tables


def load_stats(
    conn: Connection, date_from: dt.date, date_to: dt.date, today: dt.date
) -> tuple[Stats, ReviewGrades]:
    """Tickets issued in the range (their keys start with the hall day) and every work order;
    with the Q7 review grades of the year the range ends in (不合格 after two verified bad
    reviews, no 优秀 after any)."""
    qr = tables.queue_records
    after_last_day = (date_to + dt.timedelta(days=1)).isoformat()
    rows = conn.execute(
        sa.select(qr.c.kind, qr.c.key, qr.c.data).where(
            sa.or_(
                sa.and_(
                    qr.c.kind == "ticket",
                    qr.c.key >= date_from.isoformat(),
                    qr.c.key < after_last_day,
                ),
                qr.c.kind == "workorder",
            )
        )
    )
    records = [(k, key, data) for k, key, data in rows]
    stats = compute_stats(records, date_from, date_to, today)
    return stats, staff_review_grades(records, date_to.year)


def stats_between(
    conn: Connection, date_from: dt.date, date_to: dt.date, today: dt.date
) -> StatsResult:
    """The statistics of ``queue/stats`` and ``hall stats``."""
    stats, grades = load_stats(conn, date_from, date_to, today)
    return stats.result(grades)
