"""Clock sync flags, the on-time/late text, and the cooldown of the one punch path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from config.attendance import get_profile
from config.schema import HallConfig
from terminal.clock import ClockCheck, system_ntp_synced
from terminal.desk import PunchDesk, judge_punch
from terminal.outbox import Outbox
from tests.unit.terminal.helpers import SHANGHAI, Clocks, unsynced_clock

MONDAY = dt.date(2026, 11, 2)
SATURDAY = dt.date(2026, 11, 7)


def test_clock_is_trusted_only_with_evidence_and_within_two_minutes_of_the_hall() -> None:
    clocks = Clocks()
    assert not ClockCheck(clocks.wall, clocks.mono, ntp=lambda: None).state().synced
    assert ClockCheck(clocks.wall, clocks.mono, ntp=lambda: True).state().synced
    assert not ClockCheck(clocks.wall, clocks.mono, ntp=lambda: False).state().synced

    check = ClockCheck(clocks.wall, clocks.mono, ntp=lambda: None)
    check.on_beacon(clocks.wall_time + dt.timedelta(seconds=119))
    state = check.state()
    assert state.synced and state.beacon_offset_s == pytest.approx(-119)

    ntp_says_yes = ClockCheck(clocks.wall, clocks.mono, ntp=lambda: True)
    ntp_says_yes.on_beacon(clocks.wall_time - dt.timedelta(minutes=3))
    state = ntp_says_yes.state()
    assert not state.synced, "the hall's clock overrules an NTP that synced to the wrong source"
    assert "180" in state.reason


def test_a_wall_clock_step_after_the_beacon_is_noticed() -> None:
    """The beacon is carried forward on the monotonic clock, not on the wall clock."""
    clocks = Clocks()
    check = ClockCheck(clocks.wall, clocks.mono, ntp=lambda: None)
    check.on_beacon(clocks.wall_time)
    clocks.advance(600)
    assert check.state().synced
    clocks.wall_time -= dt.timedelta(hours=1)  # someone set the date back
    assert not check.state().synced
    assert check.hall_now() == dt.datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)


def test_system_ntp_status_from_timedatectl_then_timesyncd_flag(tmp_path: Path) -> None:
    tool = tmp_path / "timedatectl"
    tool.write_text("#!/bin/sh\necho no\n")
    tool.chmod(0o755)
    flag = tmp_path / "synchronized"
    assert system_ntp_synced(flag, str(tool)) is False
    tool.write_text("#!/bin/sh\necho yes\n")
    assert system_ntp_synced(flag, str(tool)) is True
    tool.write_text("#!/bin/sh\nexit 1\n")  # no systemd (a container)
    assert system_ntp_synced(flag, str(tool)) is None
    flag.touch()
    assert system_ntp_synced(flag, str(tool)) is True


@pytest.mark.parametrize(
    ("profile", "at", "text"),
    [
        ("chengdong", dt.time(9, 0, 59), "签到 / sign-in：正常 / on time"),
        ("chengdong", dt.time(9, 1, 0), "迟到 1 分钟 / late by 1 min"),
        ("chengdong", dt.time(16, 59, 59), "早退 1 分钟 / early by 1 min"),
        ("chengdong", dt.time(17, 0, 0), "签退 / sign-out：正常 / on time"),
        ("qujiang", dt.time(8, 25), "迟到 5 分钟 / late by 5 min"),
        ("wushen", dt.time(6, 55), "签到 / sign-in：不在有效打卡时段 / outside the punch hours"),
        ("yanjin", dt.time(13, 10), "迟到 10 分钟 / late by 10 min"),
    ],
)
def test_result_text_follows_the_hall_profile(profile: str, at: dt.time, text: str) -> None:
    moment = dt.datetime.combine(MONDAY, at, SHANGHAI)
    assert judge_punch(get_profile(profile), moment).text == text


def test_rest_day_punch_is_not_called_late() -> None:
    moment = dt.datetime.combine(SATURDAY, dt.time(10, 0), SHANGHAI)
    verdict = judge_punch(get_profile("chengdong"), moment, workday=False)
    assert verdict.minutes is None and "休息日" in verdict.text


def test_one_person_standing_there_is_one_punch(tmp_path: Path, hall: HallConfig) -> None:
    """Within the profile's duplicate punch period (60 s) the terminal says 已打卡 and
    stores nothing; face then finger counts once too; after the period it is a new punch."""
    clocks = Clocks()
    clocks.wall_time = dt.datetime(2026, 11, 2, 9, 3, 10, tzinfo=SHANGHAI)
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    desk = PunchDesk(
        hall,
        "terminal-1",
        outbox,
        unsynced_clock(),
        mono=clocks.mono,
        wall=clocks.wall,
        boot_id="boot-1",
    )
    first = desk.punch("S001", "face")
    assert (first.name, first.duplicate, first.verdict.minutes) == ("张敏", False, 3)
    assert first.line().startswith("09:03:10\tS001\t张敏：打卡成功")
    clocks.advance(30)
    again = desk.punch("S001", "fingerprint")
    assert again.duplicate and again.punch_id == first.punch_id
    assert "已打卡" in again.headline()
    assert desk.punch("S002", "face").duplicate is False, "the cooldown is per person"
    clocks.advance(31)
    later = desk.punch("S001", "face")
    assert not later.duplicate
    assert [e.staff_id for e in outbox.entries()] == ["S001", "S002", "S001"]
    assert all(not e.clock_synced and e.boot_id == "boot-1" for e in outbox.entries())
