"""``hall queue replay --data-dir``: a RULES §5 day applied through the controller's own
command path into a hall's store, then read back by ``hall stats`` and by ``queue/stats`` on a
real broker: both equal the figures worked out from the replay's events alone
(``tests.replay_figures``). The replay refuses a data directory a controller runs on, and a
store already past the script's first line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bus.remote import MANAGER_USER
from config.schema import HallConfig
from store import tables
from store.database import open_engine
from store.lock import hold_data_dir
from tests.conftest import REPO, Broker
from tests.integration.harness import ControllerThread, ManualClock, Node, controller_process
from tests.replay_figures import figures, timed_events
from tests.waiting import wait_until

SCRIPT = REPO / "tests" / "scenarios" / "statistics_day.jsonl"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def hall_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hall.cli", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def replay(data: Path) -> subprocess.CompletedProcess[str]:
    return hall_cli(
        "queue", "replay", "--config", "chengdong", "--data-dir", str(data), str(SCRIPT)
    )


def hall_stats(data: Path) -> dict[str, Any]:
    got = hall_cli(
        "stats", "--config", "chengdong", "--data-dir", str(data),
        "--from", "2026-11-23", "--to", "2026-11-23", "--today", "2026-11-24",
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    result: dict[str, Any] = json.loads(got.stdout)
    return result


def _only(stats: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """``stats`` cut to the fields and groups ``expected`` has (the figures name no peaks)."""
    out: dict[str, Any] = {"total": {k: stats[k] for k in expected["total"]}}
    for dim in ("by_category", "by_window", "by_staff", "by_hour"):
        out[dim] = {g: {k: v[k] for k in expected["total"]} for g, v in stats[dim].items()}
    return out


def test_a_replayed_day_reads_back_as_its_events_count_it(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker
) -> None:
    data = tmp_path / "hall"
    done = replay(data)
    assert done.returncode == 0, done.stderr
    events = timed_events(hall, SCRIPT)
    # The controller's audit log recorded the very events the engine's replay makes.
    assert [json.loads(line) for line in done.stdout.splitlines()] == [e for _at, e in events]
    assert "48 applied, 2 refused, 0 line(s) skipped" in done.stderr
    expected = figures(hall, events)
    assert expected["total"]["issued"] == 12 and expected["total"]["transferred"] == 1

    printed = hall_stats(data)
    assert _only(printed["total"], expected) == expected
    assert printed["days"]["2026-11-23"]["issued"] == 12
    assert printed["total"]["peak_hours"] == ["09", "10", "14"]
    assert printed["workorders"]["created_in_range"] == 2  # the ratings of 2 and 1

    engine = open_engine(data)
    with engine.connect() as conn:
        audit = tables.audit_log.c
        rows = conn.execute(sa.select(audit.at, audit.sender, audit.verb, audit.ok)).all()
    engine.dispose()
    commands = [r for r in rows if r.verb != "tick"]
    assert {r.sender for r in commands} == {MANAGER_USER}  # as the manager, audited
    assert rows[0].at.replace(tzinfo=SHANGHAI) == dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    assert sum(not r.ok for r in commands) == 2  # the refused call and issue, audited too

    # The hall, the morning after, answers queue/stats with the same numbers.
    clock = ManualClock(dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI))
    controller = ControllerThread(hall, data, mosquitto.url, clock).start()
    manager = Node(hall, mosquitto.url, node=MANAGER_USER)
    try:
        reply = manager.send("queue", "stats", **{"from": "2026-11-23", "to": "2026-11-23"})
        assert reply.ok, reply.error
        assert reply.result is not None
        asked = reply.result.model_dump(mode="json")
    finally:
        manager.close()
        controller.stop()
    assert asked == printed


def test_a_second_replay_into_the_same_day_is_refused_and_changes_nothing(
    hall: HallConfig, tmp_path: Path
) -> None:
    data = tmp_path / "hall"
    assert replay(data).returncode == 0
    before = hall_stats(data)
    again = replay(data)
    assert again.returncode == 2
    assert "大厅的日子不能倒退" in again.stderr and "a hall day never goes back" in again.stderr
    assert hall_stats(data) == before


def test_the_replay_refuses_a_data_directory_a_controller_runs_on(
    tmp_path: Path, mosquitto: Broker
) -> None:
    data = tmp_path / "hall"
    start = dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)
    process = controller_process(data, mosquitto.url, start, tmp_path / "controller.log")
    try:
        lock = data / "controller.lock"
        assert wait_until(lambda: lock.exists() and lock.read_text().strip() == str(process.pid))
        refused = replay(data)
        assert refused.returncode == 2
        assert f"控制器正在使用该数据目录（进程 {process.pid}）" in refused.stderr
        assert "a controller is running on this data directory" in refused.stderr
        second = controller_process(data, mosquitto.url, start, tmp_path / "second.log")
        assert second.wait(timeout=60) == 2  # nor does a second controller start on it
    finally:
        process.terminate()
        process.wait(timeout=20)
    with hold_data_dir(data):  # once it has stopped, the directory is free again
        assert (data / "controller.lock").read_text().strip() != str(process.pid)
