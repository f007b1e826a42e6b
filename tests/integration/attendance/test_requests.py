"""Write-offs and approvals (A4, A5) and calendar overrides (A6) through the real controller."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bus import topics
from config.schema import HallConfig
from tests.conftest import Broker
from tests.integration.attendance.helpers import (
    TUESDAY,
    Running,
    at,
    chief_signs,
    ok,
    refused,
    report,
    run_hall,
    sick_day,
)
from tests.integration.harness import ManualClock

pytestmark = pytest.mark.integration


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
    first = ok(chief_signs(running, "approve", request_id, "shebao"))
    assert first["approvals"][0]["approver"] == "shebao 首席"  # the login's name
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
    no = chief_signs(running, "reject", request_id, "budongchan")
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
    code, _, err = run_hall(
        ["attendance", "approve", request_id, "--role", "chief_representative", *base], capsys
    )
    assert code == 1 and "approver_mismatch" in err  # the command line is the manager
    code, out, _ = run_hall(["attendance", "approve", request_id, *base], capsys)
    assert code == 0 and json.loads(out)["status"] == "approved"
    assert json.loads(out)["approvals"][0]["role"] == "hall_centre"  # the step waiting
    code, _, err = run_hall(
        ["attendance", "reject", request_id, "--role", "hall_centre", *base], capsys
    )
    assert code == 1 and "approval_refused" in err
    day = report(node)["staff"]["S009"]["days"]["2026-11-23"]
    assert day["sign_out"] == "17:05:00" and "missing_sign_out" not in day["flags"]
