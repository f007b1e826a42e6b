"""The statistics as files for the hall office: CSV (Excel opens it: UTF-8 with a BOM) and
XLSX (openpyxl), headers in Chinese, or English with the page's language toggle.

One row per scope × dimension × group, as ``hall stats --csv`` flattens them: the range's
total first, then each day when the range has more than one; the numbers exactly as the
controller's ``queue/stats`` answered (minutes to one decimal, the satisfaction rate as a
ratio of three decimals, empty where nothing gave one).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bus.models.replies import StatsBlock, StatsResult
from config.schema import HallConfig
from console.i18n import Lang, tr
from console.stats import FIELDS, group_label, groups_of, ordered

EXPORT_DIMENSIONS = ("category", "window", "staff", "hour", "weekday_hour")
"""The groups exported after each scope's total (the heat map's cells last)."""
COLUMNS = ("scope", "dimension", "group", *FIELDS)


def headers(lang: Lang) -> list[str]:
    """The header row: ``日期, 维度, 分组, 取号, 办结, …`` or ``Date, Dimension, …``."""
    return [tr(f"stats_col_{c}", lang) for c in COLUMNS]


def _scope_rows(hall: HallConfig, scope: str, block: StatsBlock, lang: Lang) -> list[list[Any]]:
    rows = [[scope, tr("stats_dim_all", lang), "", *(getattr(block, f) for f in FIELDS)]]
    for dimension in EXPORT_DIMENSIONS:
        groups = groups_of(block, dimension)
        for key in ordered(hall, dimension, list(groups)):
            g = groups[key]
            rows.append(
                [scope, tr(f"stats_dim_{dimension}", lang), group_label(hall, dimension, key, lang),
                 *(getattr(g, f) for f in FIELDS)]
            )  # fmt: skip
    return rows


def rows(hall: HallConfig, found: StatsResult, lang: Lang) -> list[list[Any]]:
    """Every row below ``headers``; numbers stay numbers (None where there is none)."""
    start, end = found.date_from, found.date_to
    total = (
        start.isoformat()
        if start == end
        else tr("stats_scope_range", lang, start=start.isoformat(), end=end.isoformat())
    )
    out = _scope_rows(hall, total, found.total, lang)
    if start != end:
        for day, block in sorted(found.days.items()):
            out += _scope_rows(hall, day.isoformat(), block, lang)
    return out


def csv_bytes(hall: HallConfig, found: StatsResult, lang: Lang) -> bytes:
    """The CSV file: UTF-8 with a byte-order mark, so that Excel reads the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(lang))
    for row in rows(hall, found, lang):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(hall: HallConfig, found: StatsResult, lang: Lang) -> bytes:
    """The XLSX workbook: one sheet, the header row frozen and bold, the satisfaction rate
    formatted as a percentage (its value stays the ratio)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = tr("stats_sheet", lang)
    sheet.append(headers(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rate_column = COLUMNS.index("satisfaction_rate") + 1
    for row in rows(hall, found, lang):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=rate_column).number_format = "0.0%"
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (24, 12, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(found: StatsResult, extension: str) -> str:
    """``stats-2026-11-23.csv``, ``stats-2026-11-01_2026-11-30.xlsx``."""
    start, end = found.date_from.isoformat(), found.date_to.isoformat()
    days = start if start == end else f"{start}_{end}"
    return f"stats-{days}.{extension}"
