"""Pure helpers of punch intake: clock flags and the judgement shown on the terminal.

The judgement is for the person at the terminal ("迟到 5 分钟"); the month's record is
always re-evaluated from the whole log (a later sign-out replaces an early one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from attendance.rules.model import DayKindLike
from attendance.rules.punches import is_valid_for, judge_slot, slot_index
from config.attendance import AttendanceProfile

MAX_SKEW = dt.timedelta(minutes=2)
"""A punch time further than this from the controller's clock is flagged (issue 4 item 5)."""

FLAG_CLOCK_NOT_SYNCED = "clock_not_synced"
"""The terminal said its clock was not in sync (no NTP, no beacon) when it took the punch."""
FLAG_CLOCK_SKEW = "clock_skew"
"""The punch time is more than :data:`MAX_SKEW` from the controller's time on arrival: a
wrong terminal clock, or a punch that waited in an offline outbox; either way, worth a look."""


def clock_flags(
    punch_time: dt.datetime, now: dt.datetime, clock_synced: bool
) -> tuple[list[str], float]:
    """The flags of a punch and the seconds its time is ahead (+) or behind (−) ``now``."""
    skew = punch_time - now
    flags: list[str] = []
    if not clock_synced:
        flags.append(FLAG_CLOCK_NOT_SYNCED)
    if abs(skew) > MAX_SKEW:
        flags.append(FLAG_CLOCK_SKEW)
    return flags, round(skew.total_seconds(), 3)


def judge_punch(
    profile: AttendanceProfile, kind: DayKindLike, local: dt.datetime
) -> dict[str, Any]:
    """How one punch (hall time, naive) reads on its own: which slot, on time, late or early
    by how many minutes, or not counted (rest day, outside the valid window)."""
    index = slot_index(profile, local.time())
    slot = profile.slots[index]
    base: dict[str, Any] = {"slot": slot.name, "kind": slot.kind, "minutes": None}
    if not kind.workday:
        return {**base, "status": "rest", "text": "休息日打卡 / punch on a rest day"}
    if not is_valid_for(slot, local.time()):
        return {
            **base,
            "status": "ignored",
            "text": "不在有效打卡时间内，不计 / outside the valid punch window, not counted",
        }
    result = judge_slot(slot, local.time(), excused=False)
    minutes = result.minutes or 0
    label = "签到" if slot.kind == "sign_in" else "签退"
    if minutes == 0:
        return {**base, "minutes": 0, "status": "on_time", "text": f"{label}正常 / on time"}
    if slot.kind == "sign_in":
        return {
            **base,
            "minutes": minutes,
            "status": "late",
            "text": f"迟到 {minutes} 分钟 / late by {minutes} min",
        }
    return {
        **base,
        "minutes": minutes,
        "status": "early",
        "text": f"早退 {minutes} 分钟 / early by {minutes} min",
    }
