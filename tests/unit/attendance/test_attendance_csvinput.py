"""§4 CSV input as halls produce it: Excel's BOM and CRLF, dates without time, bad rows."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from attendance.csvinput import CsvInputError, read_punches, read_writeoffs
from attendance.rules import DayStatus, evaluate_month
from config.attendance import WriteOffKind, get_profile
from workdays.calendar import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")


def test_section4_excel_export_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    """§4: a CSV saved by Excel (UTF-8 with BOM, CRLF lines, blank line) reads normally."""
    path = tmp_path / "punches.csv"
    path.write_bytes(
        "\ufeffstaff_id,time,source,device\r\n"
        "S001,2026-11-02T08:55:12+08:00,face,terminal-1\r\n\r\n"
        "S001,2026-11-02T17:01:00+08:00,fingerprint,terminal-1\r\n".encode()
    )
    punches = read_punches(path)
    assert [p.source for p in punches] == ["face", "fingerprint"]
    assert punches[0].at == datetime(2026, 11, 2, 8, 55, 12, tzinfo=TZ)


def test_section4_time_without_offset_is_hall_time(tmp_path: Path) -> None:
    """§4: `2026-11-02T09:01:00` without offset is read as hall time: late by 1 minute."""
    path = tmp_path / "punches.csv"
    path.write_text("staff_id,time,source,device\nS001,2026-11-02T09:01:00,face,t1\n")
    report = evaluate_month(
        get_profile("chengdong"), WorkdayCalendar(), read_punches(path), [], "2026-11", TZ
    )
    day = report.staff["S001"].days[1]
    assert (day.sign_in, day.late_minutes) == (time(9, 1), 1)


def test_a4_write_off_given_as_dates_covers_whole_days(tmp_path: Path) -> None:
    """A4: `start`/`end` as plain dates cover the first day from 00:00 to the last day's end."""
    path = tmp_path / "writeoffs.csv"
    path.write_text("staff_id,kind,start,end,status\nS001,annual,2026-11-02,2026-11-03,approved\n")
    writeoffs = read_writeoffs(path)
    assert writeoffs[0].kind is WriteOffKind.ANNUAL
    report = evaluate_month(
        get_profile("chengdong"), WorkdayCalendar(), [], writeoffs, "2026-11", TZ
    )
    statuses = [d.status for d in report.staff["S001"].days[1:4]]
    assert statuses == [DayStatus.LEAVE, DayStatus.LEAVE, DayStatus.ABSENT]


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("S001,sick,2026-11-03T09:00:00+08:00,2026-11-02T09:00:00+08:00,approved", "before"),
        ("S001,sick,2026-11-03T09:00:00+08:00,2026-11-03T18:00:00+08:00,maybe", "status"),
        ("S001,sick,yesterday,2026-11-03T18:00:00+08:00,approved", "start"),
    ],
)
def test_section4_bad_write_off_rows_are_refused_with_their_line(
    tmp_path: Path, row: str, complaint: str
) -> None:
    """§4: end before start, an unknown status or an unreadable time name file and line."""
    path = tmp_path / "w.csv"
    path.write_text("staff_id,kind,start,end,status\n" + row + "\n")
    with pytest.raises(CsvInputError, match=complaint) as caught:
        read_writeoffs(path)
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{path}:2:")


def test_section4_punch_time_without_time_of_day_is_refused(tmp_path: Path) -> None:
    """§4: a punch `time` must be a time of day; `2026-11-02` alone is a bad row, not 00:00."""
    path = tmp_path / "p.csv"
    path.write_text("staff_id,time,source,device\nS001,2026-11-02,face,t1\n")
    with pytest.raises(CsvInputError, match="time of day") as caught:
        read_punches(path)
    assert caught.value.line == 2


def test_a4_punch_correction_with_empty_end_is_its_start(tmp_path: Path) -> None:
    """A4 / §4: for `punch_correction` start = end; an empty `end` is read as the start."""
    path = tmp_path / "w.csv"
    path.write_text(
        "staff_id,kind,start,end,status\n"
        "S001,punch_correction,2026-11-02T17:05:00+08:00,,approved\n"
    )
    (correction,) = read_writeoffs(path)
    assert correction.start == correction.end == datetime(2026, 11, 2, 17, 5, tzinfo=TZ)


def test_section4_csv_saved_by_chinese_excel_as_gb18030_is_read(tmp_path: Path) -> None:
    """§4: Excel on a Chinese Windows saves "CSV" in GB18030; a device named 一楼考勤机 reads."""
    path = tmp_path / "p.csv"
    path.write_bytes(
        "staff_id,time,source,device\nS001,2026-11-02T08:55:00+08:00,face,一楼考勤机\n".encode(
            "gb18030"
        )
    )
    (punch,) = read_punches(path)
    assert punch.device == "一楼考勤机"


def test_section4_undecodable_bytes_are_reported_on_their_line(tmp_path: Path) -> None:
    """§4: bytes that are neither UTF-8 nor GB18030 name the line they are on."""
    path = tmp_path / "p.csv"
    path.write_bytes(
        b"staff_id,time,source,device\n"
        b"S001,2026-11-02T08:55:00+08:00,face,t1\n"
        b"S001,2026-11-02T17:05:00+08:00,face,t\xff\n"
    )
    with pytest.raises(CsvInputError, match="UTF-8") as caught:
        read_punches(path)
    assert caught.value.line == 3
