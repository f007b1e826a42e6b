"""RULES §3–§4 readings pinned as a user sees them (attendance/README.md "Readings fixed"):
whole months through `hall attendance evaluate`, checked day by day and in the totals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.unit.attendance.test_attendance_cli import hall, write


def evaluate(tmp_path: Path, profile: str, month: str, punches: str, writeoffs: str) -> Any:
    p = write(tmp_path / "p.csv", "staff_id,time,source,device\n" + punches.strip() + "\n")
    w = write(tmp_path / "w.csv", "staff_id,kind,start,end,status\n" + writeoffs.strip() + "\n")
    result = hall(
        "attendance",
        "evaluate",
        "--profile",
        profile,
        "--month",
        month,
        "--punches",
        str(p),
        "--writeoffs",
        str(w),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def day(status: str, sign_in: str | None, sign_out: str | None, late: int | None,
        early: int | None, *flags: str) -> dict[str, object]:  # fmt: skip
    return {
        "status": status,
        "sign_in": sign_in,
        "sign_out": sign_out,
        "late_minutes": late,
        "early_minutes": early,
        "flags": list(flags),
    }


def test_a1_a2_a4_chengdong_month_day_by_day(tmp_path: Path) -> None:
    """A1 (minutes, split, bursts, missing punches), A2 (`once`), A4 (write-offs), §4 shape."""
    out = evaluate(
        tmp_path,
        "chengdong",
        "2026-11",
        """
S001,2026-11-02T00:30:00Z,face,t1
S001,2026-11-02T17:05:00+08:00,face,t1
S001,2026-11-02T17:05:30+08:00,fingerprint,t1
S001,2026-11-03T13:00:00+08:00,face,t1
S001,2026-11-04T08:59:00+08:00,face,t1
S001,2026-11-05T09:30:00+08:00,face,t1
S001,2026-11-05T16:40:00+08:00,face,t1
S001,2026-11-07T10:00:00+08:00,face,t1
""",
        """
S001,sick,2026-11-05T08:00:00+08:00,2026-11-05T12:00:00+08:00,approved
S001,annual,2026-11-06,2026-11-06,approved
S001,personal,2026-11-09,2026-11-09,pending
S002,personal,2026-11-02,2026-11-02,rejected
""",
    )
    s001 = out["staff"]["S001"]
    days = s001["days"]
    assert len(days) == 30  # every date of the month, rest days included
    assert days["2026-11-02"] == day("normal", "08:30:00", "17:05:00", 0, 0)  # first of burst
    assert days["2026-11-03"] == day("late_early", None, "13:00:00", None, 240, "missing_sign_in")
    assert days["2026-11-04"] == day("early", "08:59:00", None, 0, None, "missing_sign_out")
    assert days["2026-11-05"] == day("early", "09:30:00", "16:40:00", None, 20, "excused_sign_in")
    assert days["2026-11-06"] == day("leave", None, None, None, None)
    assert days["2026-11-07"] == day("rest", "10:00:00", None, None, None)
    assert days["2026-11-08"] == day("rest", None, None, None, None)
    assert days["2026-11-09"] == day(
        "absent", None, None, None, None, "missing_sign_in", "missing_sign_out"
    )
    assert s001["totals"] == {
        "workdays": 21,
        "late": 1,
        "early": 3,
        "absent_days": 16,
        "converted_absences": 1,
        "leave_days": 1,
    }
    # Only a rejected write-off and no punch: listed, and absent every workday.
    assert out["staff"]["S002"]["totals"]["absent_days"] == 21


def test_a3_a6_wushen_month_with_an_adjusted_saturday(tmp_path: Path) -> None:
    """A3 wushen (08:30/17:30, valid 07:00–19:30) in 2026-10: 1–7 off, Saturday 10th works."""
    out = evaluate(
        tmp_path,
        "wushen",
        "2026-10",
        """
W1,2026-10-09T06:59:59+08:00,face,t1
W1,2026-10-09T08:30:59+08:00,face,t1
W1,2026-10-09T19:30:59+08:00,face,t1
W1,2026-10-10T07:00:00+08:00,face,t1
W1,2026-10-10T19:31:00+08:00,face,t1
W1,2026-10-12T06:50:00+08:00,face,t1
W1,2026-10-12T20:00:00+08:00,face,t1
W1,2026-10-13T08:31:00+08:00,face,t1
W1,2026-10-13T17:29:59+08:00,face,t1
W1,2026-10-02T09:00:00+08:00,face,t1
""",
        """
W1,punch_correction,2026-10-14T17:35:00+08:00,2026-10-14T17:35:00+08:00,approved
W1,device_failure,2026-10-15T08:20:00+08:00,2026-10-15T17:40:00+08:00,approved
""",
    )
    w1 = out["staff"]["W1"]
    days = w1["days"]
    assert days["2026-10-02"] == day("rest", "09:00:00", None, None, None)
    assert days["2026-10-09"] == day("normal", "08:30:59", "19:30:59", 0, 0)
    assert days["2026-10-10"] == day("early", "07:00:00", None, 0, None, "missing_sign_out")
    assert days["2026-10-12"]["status"] == "absent"  # both punches outside the valid windows
    assert days["2026-10-13"] == day("late_early", "08:31:00", "17:29:59", 1, 1)
    assert days["2026-10-14"] == day("late", None, "17:35:00", None, 0, "missing_sign_in")
    assert days["2026-10-15"] == day("normal", "08:20:00", "17:40:00", 0, 0)
    assert w1["totals"] == {
        "workdays": 18,
        "late": 2,
        "early": 2,
        "absent_days": 13,
        "converted_absences": 1,
        "leave_days": 0,
    }


def test_a6_year_without_calendar_data_flags_every_day(tmp_path: Path) -> None:
    """A6: 2031 falls back to Monday–Friday; every day, rest days too, has
    `calendar_fallback` as its last flag; a trip over the weekend keeps the weekend `rest`."""
    out = evaluate(
        tmp_path,
        "chengdong",
        "2031-03",
        """
F1,2031-03-03T08:59:59+08:00,face,t1
F1,2031-03-03T17:00:00+08:00,face,t1
""",
        "F1,business_trip,2031-03-06T08:00:00+08:00,2031-03-10T18:00:00+08:00,approved",
    )
    f1 = out["staff"]["F1"]
    days = f1["days"]
    assert days["2031-03-01"] == day("rest", None, None, None, None, "calendar_fallback")
    assert days["2031-03-03"] == day("normal", "08:59:59", "17:00:00", 0, 0, "calendar_fallback")
    assert days["2031-03-04"]["flags"] == [
        "missing_sign_in",
        "missing_sign_out",
        "calendar_fallback",
    ]
    assert [days[f"2031-03-{d:02d}"]["status"] for d in range(6, 11)] == [
        "leave",
        "leave",
        "rest",
        "rest",
        "leave",
    ]
    assert days["2031-03-06"]["flags"] == ["calendar_fallback"]
    assert f1["totals"] == {
        "workdays": 21,
        "late": 0,
        "early": 0,
        "absent_days": 17,
        "converted_absences": 0,
        "leave_days": 3,
    }
