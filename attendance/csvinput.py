"""Reading the punch and write-off CSVs of RULES.md §4, with errors that name file and line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

from attendance.rules.model import (
    PUNCH_SOURCES,
    WRITEOFF_STATUSES,
    Punch,
    WriteOff,
    WriteOffStatus,
    punch_source,
)
from config.attendance import WriteOffKind

PUNCH_COLUMNS = ("staff_id", "time", "source", "device")
WRITEOFF_COLUMNS = ("staff_id", "kind", "start", "end", "status")


class CsvInputError(ValueError):
    """A CSV row the evaluation cannot use; the message names the file and the line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        where = f"{path}:{line}: 第 {line} 行 / line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


def parse_time(text: str, *, end_of_day: bool = False) -> datetime:
    """ISO 8601 with an offset or ``Z``; a time without offset is hall time (naive); a bare
    date is that day's start, or its last second when ``end_of_day`` (for a write-off end)."""
    value = text.strip()
    if not value:
        raise ValueError("时间为空 / empty time")
    if len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return datetime.combine(day, time(23, 59, 59) if end_of_day else time(0, 0))
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"时间格式错误 / not an ISO 8601 time: {value!r} (e.g. 2026-11-02T08:55:12+08:00)"
        ) from None


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM); else GB18030, which is what Excel on a Chinese
    Windows saves as "CSV"; else an error naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, first_bad) + 1
        raise CsvInputError(
            path, line, "不是 UTF-8 或 GB18030 文本 / not UTF-8 (or GB18030) text"
        ) from None


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvInputError(path, 0, f"无法读取文件 / cannot read: {exc.strerror}") from None
    with io.StringIO(_decode(path, data), newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise CsvInputError(path, 1, "文件为空 / empty file, expected a header") from None
        except csv.Error as exc:
            raise CsvInputError(path, 1, f"CSV 格式错误 / bad CSV: {exc}") from None
        missing = [c for c in columns if c not in header]
        if missing:
            raise CsvInputError(
                path,
                1,
                f"缺少列 / missing columns {', '.join(missing)}; "
                f"header must be {','.join(columns)}",
            )
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise CsvInputError(
                        path,
                        reader.line_num,
                        f"应有 {len(header)} 列，实有 {len(row)} 列 / "
                        f"expected {len(header)} fields, got {len(row)}",
                    )
                yield (
                    reader.line_num,
                    {h: cell.strip() for h, cell in zip(header, row, strict=True)},
                )
        except csv.Error as exc:
            raise CsvInputError(path, reader.line_num, f"CSV 格式错误 / bad CSV: {exc}") from None


def _required(path: Path, line: int, row: dict[str, str], column: str) -> str:
    value = row[column]
    if not value:
        raise CsvInputError(path, line, f"{column} 为空 / {column} is empty")
    return value


def read_punches(path: Path) -> list[Punch]:
    """Punch rows ``staff_id,time,source,device``."""
    punches: list[Punch] = []
    for line, row in _rows(path, PUNCH_COLUMNS):
        staff_id = _required(path, line, row, "staff_id")
        try:
            at = parse_time(row["time"])
        except ValueError as exc:
            raise CsvInputError(path, line, f"time: {exc}") from None
        if _is_bare_date(row["time"]):
            # A punch happens at a time of day; reading a date as 00:00 would make an
            # on-time sign-in out of a typo.
            raise CsvInputError(
                path,
                line,
                f"time: 缺少时刻 / a punch needs a time of day, got {row['time']!r} "
                "(e.g. 2026-11-02T08:55:12+08:00)",
            )
        source = row["source"].lower()
        if source not in PUNCH_SOURCES:
            raise CsvInputError(
                path,
                line,
                f"source 应为 / must be one of {', '.join(PUNCH_SOURCES)}, got {row['source']!r}",
            )
        punches.append(Punch(staff_id, at, punch_source(source), row["device"]))
    return punches


def read_writeoffs(path: Path) -> list[WriteOff]:
    """Write-off rows ``staff_id,kind,start,end,status``."""
    writeoffs: list[WriteOff] = []
    kinds = [k.value for k in WriteOffKind]
    for line, row in _rows(path, WRITEOFF_COLUMNS):
        staff_id = _required(path, line, row, "staff_id")
        kind_text = row["kind"].lower()
        if kind_text not in kinds:
            raise CsvInputError(
                path, line, f"kind 应为 / must be one of {', '.join(kinds)}, got {row['kind']!r}"
            )
        end_text = row["end"]
        if not end_text and kind_text == WriteOffKind.PUNCH_CORRECTION.value:
            end_text = row["start"]  # a correction is one punch: end = start (§4)
        try:
            start = parse_time(row["start"])
            end = parse_time(end_text, end_of_day=True)
        except ValueError as exc:
            raise CsvInputError(path, line, f"start/end: {exc}") from None
        # A time without offset is hall time; only compare two of the same kind here, the
        # evaluation converts both to hall time.
        if (start.tzinfo is None) == (end.tzinfo is None) and end < start:
            raise CsvInputError(path, line, "end 早于 start / end is before start")
        status = row["status"].lower()
        if status not in WRITEOFF_STATUSES:
            raise CsvInputError(
                path,
                line,
                f"status 应为 / must be one of {', '.join(WRITEOFF_STATUSES)}, "
                f"got {row['status']!r}",
            )
        writeoffs.append(
            WriteOff(staff_id, WriteOffKind(kind_text), start, end, _as_status(status))
        )
    return writeoffs


def _is_bare_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _as_status(value: str) -> WriteOffStatus:
    if value == "approved":
        return "approved"
    return "pending" if value == "pending" else "rejected"
