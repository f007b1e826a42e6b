"""Scenario files replayed through the engine (RULES.md §5), and the replay's line handling."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import pytest

from config.schema import HallConfig
from hallqueue.engine.hours import WorkdayCalendarProtocol
from hallqueue.replay import run
from workdays.fixed import default_calendar

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCRIPTS = sorted(p for p in SCENARIOS.glob("*.jsonl") if not p.name.endswith(".expected.jsonl"))


def replay(
    hall: HallConfig, calendar: WorkdayCalendarProtocol, text: str
) -> tuple[list[dict[str, Any]], str]:
    out, err = io.StringIO(), io.StringIO()
    run(hall, calendar, text.splitlines(), out, err, source="script")
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_there_are_scenarios() -> None:
    assert len(SCRIPTS) >= 8


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_scenario_events_match_expected(
    script: Path, hall: HallConfig, calendar: WorkdayCalendarProtocol
) -> None:
    """Each scenario's events, event by event, equal its ``.expected.jsonl``."""
    events, err = replay(hall, calendar, script.read_text(encoding="utf-8"))
    expected_file = script.with_name(script.stem + ".expected.jsonl")
    expected = [json.loads(x) for x in expected_file.read_text(encoding="utf-8").splitlines()]
    assert err == ""
    assert events == expected


def test_malformed_lines_are_reported_with_line_numbers_and_skipped(
    hall: HallConfig, calendar: WorkdayCalendarProtocol
) -> None:
    script = "\n".join(
        [
            '{"at": "2026-11-23T09:00:00+08:00", "op": "issue", "service": "A01"}',
            "{not json",
            '{"at": "2026-11-23T09:01:00+08:00", "op": "issue"}',
            '{"op": "issue", "service": "A01"}',
            '{"at": "2026-11-23T08:00:00+08:00", "op": "issue", "service": "A01"}',
            '{"at": "2026-11-23T09:02:00+08:00", "op": "teleport", "window": "W01"}',
            '{"at": "2026-11-23T09:02:30+08:00", "op": "call", "window": "W05", "colour": 1}',
            '{"at": "2026-11-23T09:03:00+08:00", "op": "rate", "window": "W01", "level": "5"}',
            '{"at": "2026-11-23T09:04:00+08:00", "op": "issue", "service": "A01"}',
        ]
    )
    events, err = replay(hall, calendar, script)
    assert [e.get("ticket") for e in events] == ["A001", None, "A002"]  # call.empty at W05
    lines = err.splitlines()
    assert [line.split(":")[1] for line in lines] == ["2", "3", "4", "5", "6", "7", "8"]
    assert "ignored unknown field(s) colour" in lines[5]
    assert "missing field 'service'" in lines[1]
    assert "time goes backwards" in lines[3]


def test_refused_operation_prints_its_refusal_and_changes_nothing(
    hall: HallConfig, calendar: WorkdayCalendarProtocol
) -> None:
    script = "\n".join(
        [
            '{"at": "2026-11-23T09:00:00", "op": "call", "window": "W01"}',
            '{"at": "2026-11-23T09:01:00", "op": "pause", "window": "W01"}',
            '{"at": "2026-11-23T09:02:00", "op": "issue", "service": "A01"}',
            '{"at": "2026-11-23T09:03:00", "op": "call", "window": "W01"}',
            '{"at": "2026-11-23T09:04:00", "op": "call", "window": "W02"}',
        ]
    )
    events, _ = replay(hall, calendar, script)
    assert events[-2:] == [
        {"event": "call.refused", "window": "W01", "reason": "paused"},
        {"event": "ticket.called", "ticket": "A001", "window": "W02"},
    ]


def test_cli_registers_queue_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hallqueue import cli

    script = tmp_path / "day.jsonl"
    script.write_text(
        '{"at": "2026-11-23T09:00:00+08:00", "op": "issue", "service": "C01"}\nbad\n',
        encoding="utf-8",
    )
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["queue", "replay", "--config", "chengdong", "--script", str(script)])
    assert args.handler(args) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "event": "ticket.issued",
        "ticket": "C001",
        "service": "C01",
        "ahead": 0,
    }
    assert f"{script}:2:" in captured.err


def test_cli_writes_the_replayed_days_statistics_as_csv(tmp_path: Path) -> None:
    """Q15 through the replay: every ticket of a multi-day script is counted."""
    from hallqueue import cli

    script = SCENARIOS / "last_ticket_expiry.jsonl"
    out = tmp_path / "stats.csv"
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["queue", "replay", "--script", str(script), "--stats-csv", str(out)])
    assert args.handler(args) == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    total = dict(zip(rows[0].split(","), rows[1].split(","), strict=True))
    # Friday: A001 served after hours, A002 expired at Monday's opening; Monday: A001 called.
    assert (total["issued"], total["served"], total["expired"]) == ("3", "1", "1")


def test_equal_times_are_accepted_and_only_an_earlier_time_is_skipped(
    hall: HallConfig, calendar: WorkdayCalendarProtocol
) -> None:
    """§5 scripts often repeat a time; the same instant written with another offset is equal."""
    script = "\n".join(
        [
            '{"at": "2026-11-23T09:00:00", "op": "issue", "service": "A01"}',
            '{"at": "2026-11-23T09:00:00+08:00", "op": "issue", "service": "A01"}',
            '{"at": "2026-11-23T01:00:00Z", "op": "issue", "service": "A01"}',
            '{"at": "2026-11-23T08:59:59+08:00", "op": "issue", "service": "A01"}',
        ]
    )
    events, err = replay(hall, calendar, script)
    assert [(e["ticket"], e["ahead"]) for e in events] == [("A001", 0), ("A002", 1), ("A003", 2)]
    assert err.startswith("script:4: time goes backwards")


def test_checkin_needs_a_code_or_a_ref(hall: HallConfig, calendar: WorkdayCalendarProtocol) -> None:
    """§5: ``{"op": "checkin", "code": …}`` or ``{"op": "checkin", "ref": …}``; neither is a
    malformed line (stderr, skipped), not a refusal."""
    events, err = replay(hall, calendar, '{"at": "2026-11-23T09:00:00", "op": "checkin"}')
    assert events == []
    assert err.startswith("script:1: checkin: missing")


def test_cli_uses_the_hall_configs_calendar_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A date the hall config declares closed (attendance.holidays) is closed in the replay
    too, as in the controller: no ticket (Q8), and work orders skip it (Q7)."""
    from hallqueue import cli

    source = Path(__file__).resolve().parents[3] / "config" / "halls" / "chengdong.yaml"
    text = source.read_text(encoding="utf-8")
    assert "attendance:\n  profile: chengdong\n" in text
    config = tmp_path / "hall.yaml"
    config.write_text(
        text.replace(
            "attendance:\n  profile: chengdong\n",
            "attendance:\n  profile: chengdong\n  holidays: [2026-11-24]\n",
        ),
        encoding="utf-8",
    )
    script = tmp_path / "day.jsonl"
    script.write_text(
        '{"at": "2026-11-24T10:00:00", "op": "issue", "service": "A01"}\n', encoding="utf-8"
    )
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["queue", "replay", "--config", str(config), "--script", str(script)])
    assert args.handler(args) == 0
    assert json.loads(capsys.readouterr().out) == {
        "event": "issue.refused",
        "service": "A01",
        "reason": "closed",
    }


@pytest.mark.expect_log("WARNING", r"no statutory calendar for 9999", logger="workdays.calendar")
def test_a_line_whose_dates_leave_the_calendar_is_skipped_not_a_crash(
    hall: HallConfig,
) -> None:
    """§5: the replay goes on. A bad review on 9999-12-31 has no due date 10 workdays later."""
    day = "9999-12-31T09:0"
    script = "\n".join(
        [
            f'{{"at": "{day}0:00", "op": "issue", "service": "A01"}}',
            f'{{"at": "{day}1:00", "op": "call", "window": "W01"}}',
            f'{{"at": "{day}2:00", "op": "finish", "window": "W01"}}',
            f'{{"at": "{day}3:00", "op": "rate", "window": "W01", "level": 1}}',
            f'{{"at": "{day}4:00", "op": "rate", "window": "W01", "level": 5}}',
        ]
    )
    # A calendar of its own: the session's has maybe said its once-a-year warning already.
    events, err = replay(hall, default_calendar(), script)
    assert err.startswith("script:4: ") and "out of range" in err
    assert events[-1] == {"event": "ticket.rated", "ticket": "A001", "level": 5}
