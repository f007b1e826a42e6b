"""Statistics the hall manager expects (Q15), computed from stored queue records.

Pure: the store passes its records (``(kind, key, data)`` as written from
``hallqueue.engine.records``, history included); nothing here reads a database or a clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from bus.models.queue import SATISFIED_LEVELS
from bus.models.replies import (
    GroupStats,
    ReviewGrade,
    ReviewGrades,
    StatsBlock,
    StatsResult,
    WorkorderStats,
)
from hallqueue.engine.model import (
    AppealStatus,
    RatingStatus,
    Ticket,
    TicketStatus,
    Workorder,
    WorkorderStatus,
)
from hallqueue.engine.records import from_record

PEAK_HOURS = 3
DIMENSIONS = ("category", "window", "staff", "hour", "weekday_hour")
"""The groups of every scope: a ticket counts once in each, by the category, window and staff
that last had it (a transferred ticket under the category it was transferred to), the hour
it was taken, and that hour's weekday (ISO, 1 = Monday) for the peak-hours heat map."""


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p90 = the value 90 % of observations do not exceed)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def weekday_hour(day: dt.date, hour: int) -> str:
    """The heat map's cell of a ticket taken on ``day`` at ``hour``: ``"1-09"`` (ISO weekday,
    1 = Monday; the hour in hall time)."""
    return f"{day.isoweekday()}-{hour:02d}"


@dataclass
class Counts:
    """Ticket counts and times of one group (a day, a category, a window, …)."""

    issued: int = 0
    served: int = 0
    skipped: int = 0
    transferred: int = 0
    expired: int = 0
    rated: int = 0
    satisfied: int = 0
    not_rated: int = 0
    waits: list[float] = field(default_factory=list)
    """Minutes from issue to first call."""
    services: list[float] = field(default_factory=list)
    """Minutes from (last) call to finish."""

    def add(self, t: Ticket) -> None:
        self.issued += 1
        if t.status is TicketStatus.DONE:
            self.served += 1
        if t.status is TicketStatus.EXPIRED:
            self.expired += 1
        if any(step.status is TicketStatus.SKIPPED for step in t.history):
            self.skipped += 1
        if t.transferred:
            self.transferred += 1
        if t.first_called_at is not None:
            self.waits.append((t.first_called_at - t.issued_at).total_seconds() / 60)
        if t.status is TicketStatus.DONE and t.called_at and t.finished_at:
            self.services.append((t.finished_at - t.called_at).total_seconds() / 60)
        if t.rating_status is RatingStatus.RATED and t.rating is not None:
            self.rated += 1
            self.satisfied += t.rating in SATISFIED_LEVELS
        elif t.rating_status is RatingStatus.NOT_RATED:
            self.not_rated += 1

    def summary(self) -> GroupStats:
        """The group's counts and times as the statistics report them."""

        def mean(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 1) if values else None

        def p90(values: list[float]) -> float | None:
            value = percentile(values, 90)
            return round(value, 1) if value is not None else None

        return GroupStats(
            issued=self.issued,
            served=self.served,
            skipped=self.skipped,
            transferred=self.transferred,
            expired=self.expired,
            wait_mean_min=mean(self.waits),
            wait_p90_min=p90(self.waits),
            service_mean_min=mean(self.services),
            service_p90_min=p90(self.services),
            rated=self.rated,
            not_rated=self.not_rated,
            satisfaction_rate=round(self.satisfied / self.rated, 3) if self.rated else None,
        )


@dataclass
class Block:
    """All statistics of one scope: a day, or the whole range."""

    total: Counts = field(default_factory=Counts)
    by: dict[str, dict[str, Counts]] = field(default_factory=lambda: {d: {} for d in DIMENSIONS})

    def add(self, t: Ticket) -> None:
        self.total.add(t)
        keys = {
            "category": t.category,
            "window": t.window or "-",
            "staff": t.staff or "-",
            "hour": f"{t.issued_at.hour:02d}",
            "weekday_hour": weekday_hour(t.day, t.issued_at.hour),
        }
        for dim, key in keys.items():
            self.by[dim].setdefault(key, Counts()).add(t)

    def peak_hours(self) -> list[str]:
        hours = self.by["hour"]
        return sorted(hours, key=lambda h: (-hours[h].issued, h))[:PEAK_HOURS]

    def result(self) -> StatsBlock:
        """The scope's statistics: totals, peak hours and every group of every dimension."""

        def groups(dim: str) -> dict[str, GroupStats]:
            return {k: c.summary() for k, c in sorted(self.by[dim].items())}

        return StatsBlock(
            **self.total.summary().model_dump(),
            peak_hours=tuple(self.peak_hours()),
            by_category=groups("category"),
            by_window=groups("window"),
            by_staff=groups("staff"),
            by_hour=groups("hour"),
            by_weekday_hour=groups("weekday_hour"),
        )


@dataclass
class Stats:
    from_date: dt.date
    to_date: dt.date
    today: dt.date
    days: dict[dt.date, Block]
    total: Block
    workorders: WorkorderStats

    def result(self, grades: ReviewGrades) -> StatsResult:
        """The statistics as ``queue/stats`` answers and ``hall stats`` prints them."""
        return StatsResult(
            date_from=self.from_date,
            date_to=self.to_date,
            total=self.total.result(),
            days={d: b.result() for d, b in sorted(self.days.items())},
            workorders=self.workorders,
            review_grades=grades,
        )

    def to_rows(self) -> list[dict[str, Any]]:
        """Flat rows for CSV and charts: one per scope × dimension × group."""
        rows: list[dict[str, Any]] = []
        scopes = [("total", self.total)] + [
            (d.isoformat(), b) for d, b in sorted(self.days.items())
        ]
        for scope, b in scopes:
            total = b.total.summary().model_dump()
            rows.append({"scope": scope, "dimension": "all", "group": "", **total})
            for dim, groups in b.by.items():
                for key, c in sorted(groups.items()):
                    summary = c.summary().model_dump()
                    rows.append({"scope": scope, "dimension": dim, "group": key, **summary})
        return rows


CSV_FIELDS = ("scope", "dimension", "group", *GroupStats.model_fields)
"""The columns of ``hall stats --csv``: where a row is, then its group's numbers."""


def write_csv(stats: Stats, out: TextIO) -> None:
    """CSV export (UTF-8; open the file with ``utf-8-sig`` for Excel)."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in stats.to_rows():
        writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _entities(records: Iterable[tuple[str, str, Any]]) -> Iterable[tuple[str, Any]]:
    for kind, _key, data in records:
        if kind not in ("ticket", "workorder"):
            continue
        yield kind, from_record(kind, data) if isinstance(data, Mapping) else data


def compute_stats(
    records: Iterable[tuple[str, str, Any]],
    from_date: dt.date,
    to_date: dt.date,
    today: dt.date,
) -> Stats:
    """Statistics of the tickets issued from ``from_date`` to ``to_date`` (both included).

    ``records`` are (kind, key, data) with data a record dict or an entity; kinds other
    than ticket and workorder are ignored. Work orders: open and overdue as of ``today``,
    and those created in the range.
    """
    if to_date < from_date:
        raise ValueError("结束日期早于开始日期 / to is before from")
    days: dict[dt.date, Block] = {}
    total = Block()
    orders: list[Workorder] = []
    for kind, entity in _entities(records):
        if kind == "ticket" and isinstance(entity, Ticket):
            if from_date <= entity.day <= to_date:
                days.setdefault(entity.day, Block()).add(entity)
                total.add(entity)
        elif isinstance(entity, Workorder):
            orders.append(entity)
    open_orders = [o for o in orders if o.status is WorkorderStatus.OPEN]
    created = [o for o in orders if from_date <= o.created_at.date() <= to_date]
    workorders = WorkorderStats(
        open=len(open_orders),
        overdue=tuple(sorted(o.key for o in open_orders if today > o.due)),
        created_in_range=len(created),
        closed_in_range=sum(
            o.closed_at is not None and from_date <= o.closed_at.date() <= to_date for o in orders
        ),
        by_staff=dict(Tally(o.staff or "-" for o in created)),
    )
    return Stats(from_date, to_date, today, days, total, workorders)


def staff_review_grades(records: Iterable[tuple[str, str, Any]], year: int) -> ReviewGrades:
    """Q7 (003 (六)(3)): two verified bad reviews in a year make the staff member 不合格 for
    the year; any bad review bars 优秀. A rating whose appeal was upheld (申诉复核: mistaken or
    malicious) counts for neither; it is only counted as such."""
    bad: Tally[str] = Tally()
    verified: Tally[str] = Tally()
    upheld: Tally[str] = Tally()
    for kind, entity in _entities(records):
        if kind != "workorder" or not isinstance(entity, Workorder) or entity.staff is None:
            continue
        if entity.created_at.year != year:
            continue
        if entity.appeal is AppealStatus.UPHELD:
            upheld[entity.staff] += 1
            continue
        bad[entity.staff] += 1
        verified[entity.staff] += entity.counts
    staff = {
        s: ReviewGrade(
            bad_reviews=bad[s],
            verified=verified[s],
            unqualified=verified[s] >= 2,
            excellent_barred=bad[s] > 0,
            appeals_upheld=upheld[s],
        )
        for s in sorted(bad.keys() | upheld.keys())
    }
    return ReviewGrades(year=year, staff=staff)
