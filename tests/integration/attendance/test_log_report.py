"""The hash-chained punch log (verify-log) and the monthly report (A8) from the store."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from config.schema import HallConfig
from store.database import DB_FILENAME
from tests.conftest import Broker
from tests.integration.attendance.helpers import (
    TUESDAY,
    Running,
    at,
    backup,
    chief_signs,
    ok,
    punch,
    punch_rows,
    report,
    run_hall,
    sick_day,
)
from tests.integration.harness import ControllerThread, ManualClock, Node

pytestmark = pytest.mark.integration


def test_verify_log_finds_the_one_edited_row_in_a_copy(
    running: Running, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _controller, node = running
    for staff, clock in (("S001", "08:51:00"), ("S002", "08:52:00"), ("S003", "08:53:00")):
        assert punch(node, staff, at(TUESDAY, clock)).ok
    copy = backup(data_dir, tmp_path / "copy")
    code, out, _ = run_hall(["attendance", "verify-log", "--data-dir", str(copy)], capsys)
    assert code == 0 and "3" in out

    db = sqlite3.connect(copy / DB_FILENAME)
    db.execute("UPDATE punches SET time = '2026-11-24 00:40:00.000000' WHERE seq = 2")
    db.commit()
    db.close()
    code, out, _ = run_hall(["attendance", "verify-log", "--data-dir", str(copy)], capsys)
    assert code == 1 and "seq 2" in out
    code, _, _ = run_hall(["attendance", "verify-log", "--data-dir", str(data_dir)], capsys)
    assert code == 0


def test_verify_log_sees_the_newest_punch_deleted(
    running: Running, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The chain stays whole when its tail is cut; the audit log still names the punch."""
    _controller, node = running
    for staff in ("S001", "S002"):
        assert punch(node, staff, at(TUESDAY, "08:51:00")).ok
    copy = backup(data_dir, tmp_path / "copy")
    db = sqlite3.connect(copy / DB_FILENAME)
    db.execute("DELETE FROM punches WHERE seq = 2")
    db.commit()
    db.close()
    code, out, _ = run_hall(["attendance", "verify-log", "--data-dir", str(copy)], capsys)
    assert code == 1 and "seq 2" in out and "missing" in out


def test_report_files_match_the_bus_report(
    running: Running,
    clock: ManualClock,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from openpyxl import load_workbook

    _controller, node = running
    assert punch(node, "S001", at(TUESDAY, "09:05:10")).ok
    assert punch(node, "S001", at(TUESDAY, "16:30:00")).ok
    running_month = report(node)
    assert running_month["through"] == "2026-11-23"  # today is not over: not counted yet
    assert running_month["staff"]["S001"]["totals"]["late"] == 0
    clock.now = at(dt.date(2026, 12, 1), "09:00")
    whole_month = report(node)
    assert whole_month["through"] is None
    over_bus = whole_month["staff"]["S001"]
    copy = backup(data_dir, tmp_path / "copy")
    csv_path, xlsx_path = tmp_path / "m.csv", tmp_path / "m.xlsx"
    code, out, err = run_hall(
        ["attendance", "report", "--month", "2026-11", "--data-dir", str(copy),
         "--at", "2026-12-01T09:00", "--csv", str(csv_path), "--xlsx", str(xlsx_path)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    from_store = json.loads(out)["staff"]["S001"]
    assert from_store["totals"] == over_bus["totals"]
    assert from_store["deductions"] == over_bus["deductions"]
    assert from_store["totals"]["late"] == 1 and from_store["totals"]["early"] == 1

    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 11  # the whole roster, punches or not
    s001 = next(r for r in rows if r["人员编号"] == "S001")
    assert (s001["姓名"], s001["迟到次数"], s001["早退次数"]) == ("张敏", "1", "1")
    assert float(s001["扣分合计"]) == from_store["deductions"]["total"]

    book = load_workbook(xlsx_path, read_only=True)
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert "月度考勤汇总" in summary[0][0]
    assert summary[1][:5] == ("人员编号", "姓名", "部门", "应出勤天数", "迟到次数")
    xlsx_s001 = next(r for r in summary[2:] if r[0] == "S001")
    assert xlsx_s001[4:7] == (1, 1, from_store["totals"]["absent_days"])
    days = list(book["明细"].iter_rows(values_only=True))
    assert days[1 + 23][:4] == ("S001", "张敏", "2026-11-24", "迟到早退")


def test_a_restarted_controller_continues_the_chain_and_keeps_overrides(
    hall: HallConfig,
    data_dir: Path,
    mosquitto: Broker,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """STYLE 11: the store is the state; the chain and the calendar survive a restart."""
    node = Node(hall, mosquitto.url)
    try:
        first = ControllerThread(hall, data_dir, mosquitto.url, clock).start()
        try:
            assert ok(punch(node, "S001", at(TUESDAY, "08:50:00")))["seq"] == 1
            ok(node.send("att", "calendar_override", date="2026-11-20", kind="holiday"))
        finally:
            first.stop()
        second = ControllerThread(hall, data_dir, mosquitto.url, clock).start()
        try:
            assert ok(punch(node, "S002", at(TUESDAY, "08:51:00")))["seq"] == 2
            assert report(node)["staff"]["S001"]["days"]["2026-11-20"]["status"] == "rest"
        finally:
            second.stop()
    finally:
        node.close()
    code, out, _ = run_hall(["attendance", "verify-log", "--data-dir", str(data_dir)], capsys)
    assert code == 0 and "2" in out


def test_the_report_says_what_hall_attendance_evaluate_says(
    running: Running, clock: ManualClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One code path: the store's month and the same month as CSVs give the same days."""
    _controller, node = running
    monday = TUESDAY - dt.timedelta(days=1)
    clocks = {monday: ("08:40:00", "17:20:00"), TUESDAY: ("09:12:00", "16:58:00")}
    for day, pair in clocks.items():
        for clock_text in pair:
            assert punch(node, "S001", at(day, clock_text)).ok
    request_id = ok(sick_day(node, "S002", monday))["request_id"]
    ok(chief_signs(running, "approve", request_id, "shebao"))
    ok(node.send("att", "approve", request_id=request_id, approver_role="hall_centre"))
    ok(node.send("att", "calendar_override", date="2026-11-20", kind="holiday"))
    clock.now = at(dt.date(2026, 12, 2), "09:00")
    stored = report(node)["staff"]

    punches_csv, writeoffs_csv = tmp_path / "p.csv", tmp_path / "w.csv"
    rows = [f"S001,{at(d, c).isoformat()},face,terminal-1" for d, p in clocks.items() for c in p]
    punches_csv.write_text("staff_id,time,source,device\n" + "\n".join(rows) + "\n")
    writeoffs_csv.write_text(
        "staff_id,kind,start,end,status\n"
        f"S002,sick,{at(monday, '00:00').isoformat()},{at(monday, '23:59:59').isoformat()},"
        "approved\n"
    )
    code, out, err = run_hall(
        ["attendance", "evaluate", "--profile", "chengdong", "--month", "2026-11",
         "--punches", str(punches_csv), "--writeoffs", str(writeoffs_csv),
         "--holiday", "2026-11-20", "--staff", "S003"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    evaluated = json.loads(out)["staff"]
    for staff_id in ("S001", "S002", "S003"):
        assert stored[staff_id]["days"] == evaluated[staff_id]["days"]
        assert stored[staff_id]["totals"] == evaluated[staff_id]["totals"]
    assert stored["S001"]["totals"]["late"] == 1 and stored["S002"]["totals"]["leave_days"] == 1


@pytest.mark.expect_log(
    "WARNING", r"refused punch \S+ of S999: unknown_staff", logger="terminal.sender"
)
def test_a_terminal_outbox_drains_into_the_controller(
    running: Running, hall: HallConfig, mosquitto: Broker, clock: ManualClock, tmp_path: Path
) -> None:
    """The terminal's sender and the controller agree on the wire: a punch is taken with its
    monotonic reading and boot, an unknown person's punch is refused for good."""
    import asyncio

    from bus.client import PahoBus
    from terminal.clock import ClockState
    from terminal.outbox import Outbox
    from terminal.sender import OutboxSender

    controller, _node = running
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    synced = ClockState(synced=True, ntp=True, beacon_offset_s=0.0)
    taken = outbox.append("S001", "face", "terminal-1", clock.now, 10.0, "boot-1", synced)
    stranger = outbox.append("S999", "face", "terminal-1", clock.now, 11.0, "boot-1", synced)
    bus = PahoBus(hall.hall_id, "terminal-1", mosquitto.url, role="terminal")
    bus.start()
    try:
        assert bus.wait_connected(10)
        drained = asyncio.run(OutboxSender(outbox, bus).drain())
        refused_entry = outbox.get(stranger.id)
    finally:
        bus.stop()
        outbox.close()
    assert (drained.sent, drained.refused, drained.stopped) == ([taken.id], [stranger.id], None)
    assert refused_entry is not None and refused_entry.state == "refused"
    assert (refused_entry.last_error or "").startswith("unknown_staff")
    rows = punch_rows(controller)
    assert [(r["punch_id"], r["monotonic"], r["boot_id"]) for r in rows] == [
        (taken.id, 10.0, "boot-1")
    ]
