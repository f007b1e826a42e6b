"""Punch intake through the real controller: idempotent, judged, refused with reasons (A1)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bus import topics
from config.schema import HallConfig
from tests.integration.attendance.helpers import (
    TUESDAY,
    Running,
    at,
    ok,
    punch,
    punch_rows,
    refused,
)
from tests.integration.harness import ManualClock

pytestmark = pytest.mark.integration


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
