"""RULES §4: `hall attendance evaluate` reads the CSVs and prints the JSON, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_HALL = Path(sys.executable).with_name("hall")


def hall(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(_HALL)] if _HALL.exists() else [sys.executable, "-m", "hall.cli"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip(), encoding="utf-8")
    return path


@pytest.fixture()
def punches(tmp_path: Path) -> Path:
    return write(
        tmp_path / "punches.csv",
        """
staff_id,time,source,device
S001,2026-11-02T09:05:10+08:00,face,terminal-1
S001,2026-11-02T17:02:00+08:00,face,terminal-1
S001,2026-11-03T00:59:00Z,fingerprint,terminal-1
S001,2026-11-03T09:00:00Z,face,terminal-1
S002,2026-11-02T08:40:00+08:00,manual,patrol
""",
    )


def test_section4_evaluate_prints_days_and_totals(punches: Path, tmp_path: Path) -> None:
    """§4: offsets and `Z` become hall time; write-offs excuse; totals as documented."""
    writeoffs = write(
        tmp_path / "writeoffs.csv",
        """
staff_id,kind,start,end,status
S002,punch_correction,2026-11-02T17:30:00+08:00,2026-11-02T17:30:00+08:00,approved
S002,sick,2026-11-03T08:00:00+08:00,2026-11-04T18:00:00+08:00,approved
S002,annual,2026-11-05T08:00:00+08:00,2026-11-05T18:00:00+08:00,pending
""",
    )
    result = hall(
        "attendance",
        "evaluate",
        "--profile",
        "chengdong",
        "--month",
        "2026-11",
        "--punches",
        str(punches),
        "--writeoffs",
        str(writeoffs),
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["month"], out["profile"]) == ("2026-11", "chengdong")
    s001 = out["staff"]["S001"]
    assert s001["days"]["2026-11-02"] == {
        "status": "late",
        "sign_in": "09:05:10",
        "sign_out": "17:02:00",
        "late_minutes": 5,
        "early_minutes": 0,
        "flags": [],
    }
    assert s001["days"]["2026-11-03"]["status"] == "normal"
    assert s001["days"]["2026-11-03"]["sign_in"] == "08:59:00"
    assert s001["days"]["2026-11-04"]["status"] == "absent"
    s002 = out["staff"]["S002"]
    assert s002["days"]["2026-11-02"]["status"] == "normal"
    assert [s002["days"][f"2026-11-0{d}"]["status"] for d in (3, 4, 5)] == [
        "leave",
        "leave",
        "absent",
    ]
    assert s002["totals"] == {
        "workdays": 21,
        "late": 0,
        "early": 0,
        "absent_days": 18,
        "converted_absences": 0,
        "leave_days": 2,
    }


def test_a6_evaluate_in_a_year_without_calendar_data(tmp_path: Path) -> None:
    """A6: 2031 evaluates (no crash), every day flagged calendar_fallback."""
    punches = write(
        tmp_path / "p.csv",
        """
staff_id,time,source,device
S001,2031-03-03T08:59:59+08:00,face,terminal-1
S001,2031-03-03T17:00:00+08:00,face,terminal-1
""",
    )
    result = hall(
        "attendance",
        "evaluate",
        "--profile",
        "wushen",
        "--month",
        "2031-03",
        "--punches",
        str(punches),
    )
    assert result.returncode == 0, result.stderr
    days = json.loads(result.stdout)["staff"]["S001"]["days"]
    assert days["2031-03-03"]["status"] == "late_early"  # wushen: 08:30 / 17:30
    assert all("calendar_fallback" in d["flags"] for d in days.values())
    assert "2031" in result.stderr  # the one warning


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        ("S001,2026-11-02 nine,face,terminal-1", "time"),
        ("S001,2026-11-02T09:00:00+08:00,iris,terminal-1", "source"),
        (",2026-11-02T09:00:00+08:00,face,terminal-1", "staff_id"),
        ("S001,2026-11-02T09:00:00+08:00,face", "fields"),
    ],
)
def test_section4_bad_punch_row_names_file_and_line(
    tmp_path: Path, row: str, complaint: str
) -> None:
    """§4: a bad row stops the evaluation with exit 2 and says file, line and what is wrong."""
    header = "staff_id,time,source,device\nS001,2026-11-02T08:50:00+08:00,face,t1\n"
    bad = write(tmp_path / "bad.csv", header + row + "\n")
    result = hall("attendance", "evaluate", "--month", "2026-11", "--punches", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "bad.csv:3" in result.stderr and complaint in result.stderr


def test_section4_bad_writeoff_and_header_are_reported(punches: Path, tmp_path: Path) -> None:
    """§4: an unknown kind and a missing column are errors, exit 2."""
    wrong_kind = write(
        tmp_path / "w.csv",
        """
staff_id,kind,start,end,status
S001,holiday,2026-11-02T08:00:00+08:00,2026-11-02T18:00:00+08:00,approved
""",
    )
    result = hall(
        "attendance",
        "evaluate",
        "--month",
        "2026-11",
        "--punches",
        str(punches),
        "--writeoffs",
        str(wrong_kind),
    )
    assert result.returncode == 2 and "w.csv:2" in result.stderr and "kind" in result.stderr
    no_device = write(tmp_path / "h.csv", "staff_id,time,source\n")
    result = hall("attendance", "evaluate", "--month", "2026-11", "--punches", str(no_device))
    assert result.returncode == 2 and "h.csv:1" in result.stderr and "device" in result.stderr


def test_section4_unknown_profile_and_month_are_clear_errors(punches: Path) -> None:
    """A typo in --profile or --month exits 2 with the accepted values."""
    result = hall(
        "attendance",
        "evaluate",
        "--profile",
        "chengdng",
        "--month",
        "2026-11",
        "--punches",
        str(punches),
    )
    assert result.returncode == 2 and "chengdong" in result.stderr
    result = hall("attendance", "evaluate", "--month", "11/2026", "--punches", str(punches))
    assert result.returncode == 2 and "YYYY-MM" in result.stderr


def test_a1_evaluate_with_a_profile_written_as_yaml(punches: Path, tmp_path: Path) -> None:
    """A1/A6: a hall with other hours passes its `attendance:` section (profile and calendar
    overrides) as a file: sign in by 09:10 here, and 2026-11-02 declared a holiday."""
    profile = write(
        tmp_path / "hall.yaml",
        """
attendance:
  profile:
    name: late_hall
    slots:
      - {name: sign_in, kind: sign_in, deadline: "09:10"}
      - {name: sign_out, kind: sign_out, deadline: "17:00"}
  holidays: [2026-11-03]
""",
    )
    result = hall(
        "attendance",
        "evaluate",
        "--profile",
        str(profile),
        "--month",
        "2026-11",
        "--punches",
        str(punches),
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["profile"] == "late_hall"
    days = out["staff"]["S001"]["days"]
    assert days["2026-11-02"]["status"] == "normal"  # 09:05:10 is on time by 09:10
    assert days["2026-11-03"]["status"] == "rest"


def test_other_packages_can_add_commands_to_the_attendance_group() -> None:
    """The `hall attendance` group is shared: a command added before or after `register`
    sits beside `evaluate`, and its handler is the one called."""
    import argparse

    from attendance import cli

    parser = argparse.ArgumentParser(prog="hall")
    sub = parser.add_subparsers(dest="command")
    early = cli.command_group(sub).add_parser("report")
    early.set_defaults(handler=lambda _args: 7)
    cli.register(sub)
    args = parser.parse_args(["attendance", "report"])
    assert args.handler(args) == 7
    args = parser.parse_args(["attendance", "evaluate", "--month", "2026-11", "--punches", "x"])
    assert args.handler.__name__ == "_evaluate"


def test_a2_conversion_mode_and_threshold_from_the_command_line(tmp_path: Path) -> None:
    """A2: 7 late/early occurrences → 1 absence (`once`), 2 (`per_threshold`, 3), 3 (per 2)."""
    rows = ["staff_id,time,source,device"]
    for day in range(2, 9):  # Mon 2nd .. Sun 8th: 5 workdays
        rows.append(f"S001,2026-11-{day:02d}T09:10:00+08:00,face,t1")
        rows.append(f"S001,2026-11-{day:02d}T{'16:50' if day < 4 else '17:10'}:00+08:00,face,t1")
    punches = write(tmp_path / "p.csv", "\n".join(rows) + "\n")
    base = ("attendance", "evaluate", "--month", "2026-11", "--punches", str(punches))

    def converted(*extra: str) -> tuple[int, int, int]:
        result = hall(*base, *extra)
        assert result.returncode == 0, result.stderr
        totals = json.loads(result.stdout)["staff"]["S001"]["totals"]
        return totals["late"], totals["early"], totals["converted_absences"]

    assert converted() == (5, 2, 1)
    assert converted("--conversion", "per_threshold") == (5, 2, 2)
    assert converted("--conversion", "per_threshold", "--conversion-threshold", "2") == (5, 2, 3)
    bad = hall(*base, "--conversion-threshold", "0")
    assert bad.returncode == 2 and "--conversion-threshold" in bad.stderr


def test_section4_hall_config_time_zone_is_the_hall_time(tmp_path: Path) -> None:
    """§4 / issue 4 item 4: times are converted to the hall's zone: the `timezone` of a hall
    config given as --profile, unless --tz says otherwise (default Asia/Shanghai)."""
    punches = write(
        tmp_path / "p.csv",
        """
staff_id,time,source,device
S001,2026-11-02T08:00:00Z,face,t1
S001,2026-11-02T16:00:00Z,face,t1
""",
    )
    hall_yaml = write(
        tmp_path / "hall.yaml", "timezone: Europe/Berlin\nattendance: {profile: chengdong}\n"
    )
    base = ("attendance", "evaluate", "--month", "2026-11", "--punches", str(punches))

    def day(*extra: str) -> dict[str, object]:
        result = hall(*base, *extra)
        assert result.returncode == 0, result.stderr
        return dict(json.loads(result.stdout)["staff"]["S001"]["days"]["2026-11-02"])

    berlin = day("--profile", str(hall_yaml))
    assert (berlin["status"], berlin["sign_in"], berlin["sign_out"]) == (
        "normal",
        "09:00:00",
        "17:00:00",
    )
    shanghai = day("--profile", str(hall_yaml), "--tz", "Asia/Shanghai")
    assert (shanghai["sign_in"], shanghai["sign_out"]) == (None, "16:00:00")  # 00:00 is the 3rd
    assert day()["sign_out"] == "16:00:00"
