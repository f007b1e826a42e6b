"""Judging one person's punches (A1, A3): windows, validity, duplicates, late and early.

Pure: hall-local times in, results out. Times are compared to the minute, so 09:00:59 is a
9:00 punch (on time for a 09:00 sign-in) and 16:59:59 is a 16:59 punch (early by 1 minute).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from attendance.rules.model import FLAG_ORDER, DayResult, DayStatus, Flag, SlotResult
from config.attendance import AttendanceProfile, PunchSlot


@dataclass(frozen=True, slots=True, order=True)
class LocalPunch:
    """A punch in hall time. ``registered`` punches come from an approved punch correction or
    device-failure registration: the centre set their time, so validity windows do not apply."""

    at: datetime
    registered: bool = False


def minute_of(value: time) -> int:
    """Minutes since midnight; seconds are dropped because rules compare to the minute."""
    return value.hour * 60 + value.minute


def slot_index(profile: AttendanceProfile, at: time) -> int:
    """The slot whose window holds a punch at ``at`` (before the first window: the first)."""
    index = 0
    for i, start in enumerate(profile.window_starts()):
        if at >= start:
            index = i
    return index


def is_valid_for(slot: PunchSlot, at: time) -> bool:
    """False when the punch is outside the slot's valid window (乌审 07:00 / 19:30)."""
    minute = minute_of(at)
    if slot.valid_from is not None and minute < minute_of(slot.valid_from):
        return False
    return not (slot.valid_until is not None and minute > minute_of(slot.valid_until))


def drop_duplicates(times: Iterable[datetime], period_seconds: int) -> list[datetime]:
    """One punch per burst: a punch within ``period_seconds`` of the last kept one is the same
    punch (terminals read a face twice); the first of the burst is what the person did."""
    kept: list[datetime] = []
    for at in sorted(times):
        if kept and (at - kept[-1]).total_seconds() <= period_seconds:
            continue
        kept.append(at)
    return kept


def usable_punches(profile: AttendanceProfile, punches: Iterable[LocalPunch]) -> list[datetime]:
    """The punches that count, in time order: invalid ones ignored first (as if they never
    happened, so they cannot swallow a valid punch as its duplicate), then duplicates merged.

    Registered punches (an approved correction or patrol registration, A4) are added after
    the terminal's duplicates are merged: the centre stated that punch, so a terminal punch
    less than a minute before it does not swallow it (a forgotten 17:00 sign-out corrected
    after a 16:59:30 punch is on time)."""
    valid: list[datetime] = []
    registered: list[datetime] = []
    for punch in punches:
        if punch.registered:
            registered.append(punch.at)
            continue
        slot = profile.slots[slot_index(profile, punch.at.time())]
        if is_valid_for(slot, punch.at.time()):
            valid.append(punch.at)
    return sorted(drop_duplicates(valid, profile.duplicate_punch_seconds) + registered)


def judge_slot(slot: PunchSlot, punch: time | None, excused: bool) -> SlotResult:
    """Late minutes of a sign-in / early minutes of a sign-out; a missing punch is one
    occurrence with unknown minutes (第四条(一)(二)); an excused slot is not judged, so it has
    no minutes either."""
    if excused:
        return SlotResult(slot.name, slot.kind, punch, None, True, False)
    if punch is None:
        return SlotResult(slot.name, slot.kind, None, None, False, True)
    if slot.kind == "sign_in":
        minutes = max(0, minute_of(punch) - minute_of(slot.deadline))
    else:
        minutes = max(0, minute_of(slot.deadline) - minute_of(punch))
    return SlotResult(slot.name, slot.kind, punch, minutes, False, minutes > 0)


def pick_slot_punches(profile: AttendanceProfile, times: Sequence[time]) -> list[time | None]:
    """Per slot: the earliest punch of its window for a sign-in, the latest for a sign-out."""
    chosen: list[time | None] = [None] * len(profile.slots)
    for at in sorted(times):
        i = slot_index(profile, at)
        current = chosen[i]
        if current is None or profile.slots[i].kind == "sign_out":
            chosen[i] = at  # sorted: first seen is earliest, last seen is latest
    return chosen


def judge_day(
    profile: AttendanceProfile,
    day: date,
    times: Sequence[time],
    excused: frozenset[int] = frozenset(),
    workday: bool = True,
    fallback: bool = False,
) -> DayResult:
    """One person's day from the punches that count (hall time, already de-duplicated) and the
    indexes of the slots a write-off covers."""
    chosen = pick_slot_punches(profile, times)
    slots = tuple(judge_slot(slot, chosen[i], i in excused) for i, slot in enumerate(profile.slots))
    tail = (Flag.CALENDAR_FALLBACK,) if fallback else ()
    first_in, last_out = chosen[0], chosen[-1]
    if not workday:
        # A rest day is not judged: its punches are shown, without minutes.
        unjudged = tuple(SlotResult(s.name, s.kind, s.punch, None, False, False) for s in slots)
        return DayResult(day, DayStatus.REST, first_in, last_out, None, None, tail, slots=unjudged)
    if all(s.excused for s in slots):
        return DayResult(
            day,
            DayStatus.LEAVE,
            first_in,
            last_out,
            _sum_minutes(slots, "sign_in"),
            _sum_minutes(slots, "sign_out"),
            tail,
            slots=slots,
        )
    flags: set[Flag] = set()
    for s in slots:
        if s.excused:
            flags.add(Flag.EXCUSED_SIGN_IN if s.kind == "sign_in" else Flag.EXCUSED_SIGN_OUT)
        elif s.punch is None:
            flags.add(Flag.MISSING_SIGN_IN if s.kind == "sign_in" else Flag.MISSING_SIGN_OUT)
    if fallback:
        flags.add(Flag.CALENDAR_FALLBACK)
    ordered = tuple(f for f in FLAG_ORDER if f in flags)
    late = sum(1 for s in slots if s.faulty and s.kind == "sign_in")
    early = sum(1 for s in slots if s.faulty and s.kind == "sign_out")
    if not times and not excused:
        # 第四条(三): no punch at all on a workday is absence, not late plus early. With part
        # of the day excused, A4 judges the day on the rest: an excused sign-in and no
        # sign-out is 早退 (第四条(一)), as if the excused punch had been made.
        return DayResult(day, DayStatus.ABSENT, None, None, None, None, ordered, slots=slots)
    if late and early:
        status = DayStatus.LATE_EARLY
    elif late:
        status = DayStatus.LATE
    elif early:
        status = DayStatus.EARLY
    else:
        status = DayStatus.NORMAL
    return DayResult(
        day,
        status,
        first_in,
        last_out,
        _sum_minutes(slots, "sign_in"),
        _sum_minutes(slots, "sign_out"),
        ordered,
        late_count=late,
        early_count=early,
        slots=slots,
    )


def _sum_minutes(slots: Sequence[SlotResult], kind: str) -> int | None:
    """Two-punch day: the slot's minutes. Split day: the sum over its known slots."""
    known = [s.minutes for s in slots if s.kind == kind and s.minutes is not None]
    return sum(known) if known else None
