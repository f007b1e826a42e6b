"""The statistics page (统计, RULES Q15): what it asks the controller, and how it shows it.

Every number comes from the controller's ``queue/stats`` (asked as the signed-in user; the
console reads no database): the same function ``hall stats`` prints
(``hallqueue.stats_store.stats_between``), so the page, its CSV and XLSX and the command line
agree to the digit. Here the answer only gets its labels (category names, window numbers,
staff names, in Chinese or English), its charts (``console.charts``) and its table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bus.models.replies import GroupStats, StatsBlock, StatsResult
from config.schema import HallConfig
from console.charts import Series, bar_chart, heat_map
from console.commands import Answer
from console.i18n import Lang, tr

STATS_ROLES = frozenset({"manager", "chief", "patrol", "auditor"})
"""Who may open the statistics: the roles ``permissions.may`` lets read (a query); window
staff may not."""
MAX_DAYS = 366
"""The longest range one page asks for (a year)."""
WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DIMENSIONS = ("category", "window", "staff", "hour")
"""The tables and bar charts, in page order (the heat map is the weekday-hour groups)."""
FIELDS = tuple(GroupStats.model_fields)
"""A group's numbers, in column order: ``GroupStats`` as the controller answers it."""


@dataclass(frozen=True, slots=True)
class DayRange:
    """The hall days a page shows, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def fields(self) -> dict[str, str]:
        """The ``queue/stats`` fields."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def query(self) -> str:
        """The page's own query string (for the export links)."""
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"


def day_range(params: Mapping[str, str], today: dt.date) -> DayRange | str:
    """The range a request asks for (``?from=&to=``; today, the hall's, when not given; a
    missing ``to`` is ``from``), or the text key saying what is wrong with it."""
    raw_from = (params.get("from") or "").strip()
    raw_to = (params.get("to") or "").strip()
    try:
        start = dt.date.fromisoformat(raw_from) if raw_from else today
        end = dt.date.fromisoformat(raw_to) if raw_to else (start if raw_from else today)
    except ValueError:
        return "stats_bad_date"
    if end < start:
        return "stats_backwards"
    if (end - start).days + 1 > MAX_DAYS:
        return "stats_too_long"
    return DayRange(start, end)


def read_stats(answer: Answer) -> StatsResult | None:
    """The controller's statistics, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return StatsResult.model_validate(answer.result)
    except ValidationError:
        return None


# Labels ------------------------------------------------------------------------------------


def group_label(hall: HallConfig, dimension: str, key: str, lang: Lang) -> str:
    """What a group is called in a table, a chart and an export: ``A 社保医保``, ``3号窗口``,
    ``S003 王芳``, ``09时``, ``周一 09时``; ``-`` (no window, no staff) in words."""
    if key == "-":
        return tr(f"stats_none_{dimension}", lang)
    if dimension == "category":
        cat = hall.category(key)
        name = (cat.name_en if lang == "en" and cat.name_en else cat.name) if cat else ""
        return f"{key} {name}".strip()
    if dimension == "window":
        window = hall.window(key)
        return tr("window_n", lang, n=window.number) if window is not None else key
    if dimension == "staff":
        member = hall.staff_member(key)
        return f"{key} {member.name}" if member is not None else key
    if dimension == "hour":
        return tr("stats_hour", lang, h=key)
    if dimension == "weekday_hour":
        weekday, _, hour = key.partition("-")
        names = WEEKDAYS_EN if lang == "en" else WEEKDAYS
        day = names[int(weekday) - 1] if weekday.isdigit() and 1 <= int(weekday) <= 7 else weekday
        return f"{tr('stats_weekday', lang, d=day)} {tr('stats_hour', lang, h=hour)}"
    return key


def percent(rate: float | None) -> str:
    """``87.5%``; ``—`` without ratings."""
    return "—" if rate is None else f"{rate * 100:.1f}".removesuffix(".0") + "%"


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


# The page ----------------------------------------------------------------------------------


def groups_of(block: StatsBlock, dimension: str) -> dict[str, GroupStats]:
    groups: dict[str, GroupStats] = getattr(block, f"by_{dimension}")
    return groups


def ordered(hall: HallConfig, dimension: str, keys: list[str]) -> list[str]:
    """Categories and windows in the hall's order (W10 after W09), the rest sorted; ``-``
    last."""
    order: dict[str, int] = {}
    if dimension == "category":
        order = {c.prefix: i for i, c in enumerate(hall.categories)}
    elif dimension == "window":
        order = {w.id: i for i, w in enumerate(hall.windows)}
    return sorted(keys, key=lambda k: (k == "-", order.get(k, len(order)), k))


def charts(hall: HallConfig, block: StatsBlock, lang: Lang) -> dict[str, str]:
    """The page's SVG charts: bars per category, window and hour, and the heat map."""
    out: dict[str, str] = {}
    for dimension in ("category", "window", "hour"):
        groups = groups_of(block, dimension)
        keys = ordered(hall, dimension, list(groups))
        # Short labels under the bars (A, W03, 09); the tables below give the names.
        labels = [k if k != "-" else group_label(hall, dimension, k, lang) for k in keys]
        series = [
            Series(tr(f"stats_col_{name}", lang), [getattr(groups[k], name) for k in keys])
            for name in ("issued", "served", "skipped", "transferred")
        ]
        out[dimension] = bar_chart(
            labels, series, title=tr(f"stats_chart_{dimension}", lang),
            width=max(560, min(1200, 80 + 64 * len(keys))),
        )  # fmt: skip
    out["heat"] = peak_heat_map(block, lang)
    return out


def peak_heat_map(block: StatsBlock, lang: Lang) -> str:
    """Tickets taken per hour × weekday: the hall's hours (and any other hour a ticket was
    taken in) across, Monday to Sunday down."""
    cells: dict[tuple[str, str], float] = {}
    for key, group in block.by_weekday_hour.items():
        weekday, _, hour = key.partition("-")
        cells[weekday, hour] = float(group.issued)
    hours = sorted({h for _w, h in cells} | {f"{h:02d}" for h in range(9, 17)})
    names = WEEKDAYS_EN if lang == "en" else WEEKDAYS
    rows = [(str(i + 1), tr("stats_weekday", lang, d=names[i])) for i in range(7)]
    columns = [(h, h) for h in hours]
    return heat_map(rows, columns, cells, title=tr("stats_chart_heat", lang))


def table(hall: HallConfig, block: StatsBlock, dimension: str, lang: Lang) -> list[dict[str, Any]]:
    """A dimension's rows as the page shows them: label, key and the shown numbers."""
    groups = groups_of(block, dimension)
    return [
        {"key": k, "label": group_label(hall, dimension, k, lang), "shown": shown(groups[k])}
        for k in ordered(hall, dimension, list(groups))
    ]


def shown(g: GroupStats) -> dict[str, str]:
    """A group's numbers as text: counts, minutes, the satisfaction rate in per cent."""
    out = {}
    for name in FIELDS:
        value = getattr(g, name)
        if name == "satisfaction_rate":
            out[name] = percent(value)
        elif name.endswith("_min"):
            out[name] = minutes(value)
        else:
            out[name] = str(value)
    return out


def quick_ranges(today: dt.date) -> list[tuple[str, DayRange]]:
    """The ranges one click away: today, yesterday, the last seven days (hall days)."""
    yesterday = today - dt.timedelta(days=1)
    return [
        ("stats_today", DayRange(today, today)),
        ("stats_yesterday", DayRange(yesterday, yesterday)),
        ("stats_last_7", DayRange(today - dt.timedelta(days=6), today)),
    ]


def stats_context(
    hall: HallConfig, found: StatsResult | None, days: DayRange, today: dt.date, lang: Lang
) -> dict[str, Any]:
    """What ``stats.html`` shows: the range, the totals, the charts, a table per dimension,
    the work orders; ``found`` None (the controller did not answer) shows that instead."""
    names = WEEKDAYS_EN if lang == "en" else WEEKDAYS
    common = {
        "range": days,
        "today": today,
        "weekday": tr("stats_weekday", lang, d=names[days.start.weekday()]),
        "quick": quick_ranges(today),
        "fields": FIELDS,
        "dimensions": DIMENSIONS,
    }
    if found is None:
        return {"found": None, **common}
    block = found.total
    return {
        "found": found,
        **common,
        "total": shown(block),
        "peak_hours": [tr("stats_hour", lang, h=h) for h in block.peak_hours],
        "charts": charts(hall, block, lang),
        "tables": {d: table(hall, block, d, lang) for d in DIMENSIONS},
        "workorders": found.workorders,
    }
