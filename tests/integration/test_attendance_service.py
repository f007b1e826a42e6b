"""Attendance through the real controller and a real Mosquitto: punch intake, the hash-chained
punch log, write-off approvals (A4, A5), calendar overrides (A6) and the monthly report (A8)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bus import topics
from bus.models.base import ErrorBody, Reply
from config.schema import HallConfig
from controller import tables
from controller.cli import main as hall_main
from controller.store import DB_FILENAME
from tests.conftest import Broker
from tests.integration.harness import ControllerThread, ManualClock, Node

pytestmark = pytest.mark.integration

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY = dt.date(2026, 11, 24)


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), SHANGHAI)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(TUESDAY, "09:05:30"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def running(
    hall: HallConfig, data_dir: Path, mosquitto: Broker, clock: ManualClock
) -> Iterator[Running]:
    controller = ControllerThread(hall, data_dir, mosquitto.url, clock).start()
    node = Node(hall, mosquitto.url)
    yield controller, node
    node.close()
    controller.stop()


Running = tuple[ControllerThread, Node]


def ok(reply: Reply) -> dict[str, Any]:
    """The result of a reply that must have succeeded."""
    assert reply.ok and reply.result is not None, reply.error
    return reply.result


def refused(reply: Reply) -> ErrorBody:
    """The error of a reply that must have been refused."""
    assert not reply.ok and reply.error is not None, reply.result
    return reply.error


def punch(node: Node, staff: str, when: dt.datetime, **extra: Any) -> Reply:
    fields = {"staff_id": staff, "time": when.isoformat(), "source": "face"}
    fields.setdefault("device", "terminal-1")
    fields.update(extra)
    return node.send("att", "punch", **fields)


def punch_rows(controller: ControllerThread) -> list[dict[str, Any]]:
    with controller.engine.connect() as conn:
        rows = conn.execute(sa.select(tables.punches).order_by(tables.punches.c.seq))
        return [dict(r) for r in rows.mappings()]


def report(node: Node, month: str = "2026-11") -> dict[str, Any]:
    return ok(node.send("att", "report", month=month, days=True))


def run_hall(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = hall_main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


# Punch intake ---------------------------------------------------------------------------


def test_punch_is_accepted_judged_and_announced_without_names(
    running: Running, hall: HallConfig
) -> None:
    controller, node = running
    result = ok(punch(node, "S001", at(TUESDAY, "09:05:10")))
    assert (result["status"], result["minutes"], result["slot"]) == ("late", 5, "sign_in")
    assert result["text"].startswith("迟到 5 分钟")
    assert result["duplicate"] is False and result["flags"] == []
    event = node.latest(topics.event(hall.hall_id, "punch.accepted"))
    assert event["data"]["staff_id"] == "S001" and event["data"]["status"] == "late"
    assert "张敏" not in json.dumps(event, ensure_ascii=False)
    assert [r["staff_id"] for r in punch_rows(controller)] == ["S001"]


def test_on_time_boundary_is_judged_to_the_minute(running: Running) -> None:
    """A1: 09:00:59 is on time, 16:59:59 early by one minute."""
    _controller, node = running
    assert ok(punch(node, "S002", at(TUESDAY, "09:00:59")))["status"] == "on_time"
    early = ok(punch(node, "S002", at(TUESDAY, "16:59:59")))
    assert (early["status"], early["minutes"]) == ("early", 1)


def test_same_punch_id_twice_is_one_row(running: Running) -> None:
    controller, node = running
    first = punch(node, "S003", at(TUESDAY, "08:50:00"), id="terminal-1-aaa")
    again = punch(node, "S003", at(TUESDAY, "08:50:00"), id="terminal-1-aaa")
    assert again == first  # the same command id: the stored reply
    console = ok(punch(node, "S003", at(TUESDAY, "08:50:00"), punch_id="terminal-1-aaa"))
    assert console["duplicate"] is True and console["seq"] == ok(first)["seq"]
    assert len(punch_rows(controller)) == 1


def test_unknown_staff_is_refused_and_nothing_is_stored(running: Running) -> None:
    controller, node = running
    error = refused(punch(node, "S999", at(TUESDAY, "08:55:00")))
    assert error.code == "unknown_staff"
    assert error.message.startswith("未登记的工作人员 S999") and "unknown staff" in error.message
    assert punch_rows(controller) == []


@pytest.mark.parametrize("device", ["kiosk-1", "terminal-9"])
def test_punch_from_a_node_that_is_no_terminal_is_refused(running: Running, device: str) -> None:
    controller, node = running
    error = refused(punch(node, "S001", at(TUESDAY, "08:55:00"), device=device))
    assert error.code == "unknown_device" and "不是本大厅的考勤终端" in error.message
    assert punch_rows(controller) == []


def test_console_entry_uses_the_manual_device(running: Running) -> None:
    _controller, node = running
    reply = punch(node, "S004", at(TUESDAY, "08:58:00"), device="manual", source="manual")
    assert ok(reply)["status"] == "on_time"


def test_clock_flags_unsynced_and_more_than_two_minutes_off(
    running: Running, clock: ManualClock
) -> None:
    controller, node = running
    now = clock.now
    exactly = ok(punch(node, "S005", now - dt.timedelta(minutes=2)))
    skewed = ok(punch(node, "S006", now + dt.timedelta(minutes=2, seconds=1)))
    unsynced = ok(punch(node, "S007", now, clock_synced=False))
    assert exactly["flags"] == []
    assert skewed["flags"] == ["clock_skew"] and skewed["skew_seconds"] == 121.0
    assert unsynced["flags"] == ["clock_not_synced"]
    stored = {r["staff_id"]: r["flags"] for r in punch_rows(controller)}
    assert stored == {"S005": [], "S006": ["clock_skew"], "S007": ["clock_not_synced"]}


# Write-offs and approvals (A4, A5) ------------------------------------------------------


def sick_day(node: Node, staff: str, day: dt.date) -> Reply:
    return node.send(
        "att",
        "request",
        staff_id=staff,
        kind="sick",
        start=at(day, "00:00").isoformat(),
        end=at(day, "23:59:59").isoformat(),
        reason="发烧",
    )


def test_request_then_the_chain_in_order_makes_the_day_leave(
    running: Running, hall: HallConfig
) -> None:
    _controller, node = running
    monday = TUESDAY - dt.timedelta(days=1)  # sick yesterday, filed today (病假补办)
    before = report(node)["staff"]["S002"]
    assert before["days"][monday.isoformat()]["status"] == "absent"

    filed = ok(sick_day(node, "S002", monday))
    request_id = filed["request_id"]
    assert filed["chain"] == ["chief_representative", "hall_centre"]
    assert filed["days"] == 1.0 and filed["status"] == "pending"

    out_of_turn = node.send("att", "approve", request_id=request_id, approver_role="hall_centre")
    assert refused(out_of_turn).code == "approval_refused"
    first = ok(
        node.send("att", "approve", request_id=request_id, approver_role="chief_representative")
    )
    assert first["status"] == "pending" and first["next_role"] == "hall_centre"
    assert report(node)["staff"]["S002"]["days"][monday.isoformat()]["status"] == "absent"

    done = node.send("att", "approve", request_id=request_id, approver_role="hall_centre")
    assert ok(done)["status"] == "approved"
    event = node.latest(topics.event(hall.hall_id, "writeoff.approved"))
    assert event["data"]["request_id"] == request_id and "发烧" not in json.dumps(event)
    after = report(node)["staff"]["S002"]
    assert after["days"][monday.isoformat()]["status"] == "leave"
    assert after["totals"]["leave_days"] == 1
    assert after["totals"]["absent_days"] == before["totals"]["absent_days"] - 1
    assert after["deductions"]["absence"] == before["deductions"]["absence"] - 3

    listed = ok(node.send("att", "list", status="approved"))["requests"]
    assert [r["request_id"] for r in listed] == [request_id]


def test_rejected_request_changes_nothing(running: Running) -> None:
    _controller, node = running
    monday = TUESDAY - dt.timedelta(days=1)
    before = report(node)["staff"]["S003"]
    request_id = ok(sick_day(node, "S003", monday))["request_id"]
    no = node.send("att", "reject", request_id=request_id, approver_role="chief_representative")
    assert ok(no)["status"] == "rejected"
    assert report(node)["staff"]["S003"] == before
    late_yes = node.send("att", "approve", request_id=request_id, approver_role="hall_centre")
    assert refused(late_yes).code == "approval_refused"


def test_request_checks_staff_interval_and_the_emergency_deadline(
    running: Running, clock: ManualClock
) -> None:
    _controller, node = running
    today = at(TUESDAY, "00:00").isoformat()
    tonight = at(TUESDAY, "23:59:59").isoformat()
    unknown = node.send("att", "request", staff_id="S999", kind="sick", start=today, end=tonight)
    assert refused(unknown).code == "unknown_staff"
    backwards = node.send("att", "request", staff_id="S001", kind="sick", start=tonight, end=today)
    assert refused(backwards).code == "invalid"
    clock.now = at(TUESDAY, "09:31:00")
    late = node.send(
        "att", "request", staff_id="S001", kind="sick", start=today, end=tonight, emergency=True
    )
    assert refused(late).code == "emergency_too_late" and "09:30" in refused(late).message
    clock.now = at(TUESDAY, "09:25:00")
    in_time = node.send(
        "att", "request", staff_id="S001", kind="sick", start=today, end=tonight, emergency=True
    )
    assert ok(in_time)["status"] == "pending"


# Calendar overrides (A6) ----------------------------------------------------------------


def test_calendar_override_changes_the_report(
    running: Running, mosquitto: Broker, capsys: pytest.CaptureFixture[str]
) -> None:
    _controller, node = running
    friday = "2026-11-20"
    before = report(node)["staff"]["S008"]
    assert before["days"][friday]["status"] == "absent"
    base = ["--config", "chengdong", "--broker", mosquitto.url]
    code, out, _ = run_hall(["calendar", "override", "--holiday", friday, *base], capsys)
    assert code == 0 and json.loads(out)["workday"] is False
    closed = report(node)["staff"]["S008"]
    assert closed["days"][friday]["status"] == "rest"
    assert closed["totals"]["workdays"] == before["totals"]["workdays"] - 1
    code, _, _ = run_hall(["calendar", "override", "--clear", friday, *base], capsys)
    assert code == 0
    assert report(node)["staff"]["S008"] == before


def test_manager_cli_requests_and_approves_through_the_controller(
    running: Running, mosquitto: Broker, capsys: pytest.CaptureFixture[str]
) -> None:
    _controller, node = running
    base = ["--config", "chengdong", "--broker", mosquitto.url]
    code, out, err = run_hall(
        ["attendance", "request", "--staff", "S009", "--kind", "punch_correction",
         "--start", "2026-11-23T17:05:00+08:00", *base],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    request_id = json.loads(out)["request_id"]
    code, out, _ = run_hall(
        ["attendance", "approve", request_id, "--role", "hall_centre", *base], capsys
    )
    assert code == 0 and json.loads(out)["status"] == "approved"
    code, _, err = run_hall(
        ["attendance", "reject", request_id, "--role", "hall_centre", *base], capsys
    )
    assert code == 1 and "approval_refused" in err
    day = report(node)["staff"]["S009"]["days"]["2026-11-23"]
    assert day["sign_out"] == "17:05:00" and "missing_sign_out" not in day["flags"]


# The punch log and the report from the store --------------------------------------------


def backup(data_dir: Path, to: Path) -> Path:
    """A consistent copy of the live database (WAL included), as an operator would take."""
    to.mkdir(parents=True)
    source = sqlite3.connect(data_dir / DB_FILENAME)
    target = sqlite3.connect(to / DB_FILENAME)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return to


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
    for role in ("chief_representative", "hall_centre"):
        ok(node.send("att", "approve", request_id=request_id, approver_role=role))
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


def test_a_terminal_outbox_drains_into_the_controller(
    running: Running, hall: HallConfig, mosquitto: Broker, clock: ManualClock, tmp_path: Path
) -> None:
    """The terminal's sender and the controller agree on the wire: a punch is taken with its
    monotonic reading and boot, an unknown person's punch is refused for good."""
    import asyncio

    from attendance.terminal.clock import ClockState
    from attendance.terminal.outbox import Outbox
    from attendance.terminal.sender import OutboxSender
    from bus.client import PahoBus

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
