"""Write-offs (核销, A4): which punches an approved request excuses, and which it adds.

Only ``approved`` write-offs count; pending and rejected ones change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

from attendance.rules.model import COVERING_KINDS, PUNCH_ADDING_KINDS, WriteOff
from attendance.rules.punches import LocalPunch
from config.attendance import AttendanceProfile, WriteOffKind

_DAY_END = time(23, 59, 59)


def to_hall_time(at: datetime, tz: tzinfo) -> datetime:
    """A naive hall-time datetime: aware times are converted, naive ones are hall time."""
    if at.tzinfo is None:
        return at
    return at.astimezone(tz).replace(tzinfo=None)


def approved(writeoffs: Iterable[WriteOff]) -> list[WriteOff]:
    """The write-offs that count (第五条–第八条: only a signed request is written off)."""
    return [w for w in writeoffs if w.status == "approved"]


def covered_slots(
    profile: AttendanceProfile,
    writeoffs: Iterable[WriteOff],
    tz: tzinfo,
    first: date,
    last: date,
) -> dict[date, frozenset[int]]:
    """Per date from ``first`` to ``last``: indexes of the slots whose deadline lies inside an
    approved leave, business trip or official business (the interval includes its ends).

    Like punches (A1), the interval is compared to the minute: a leave from 09:00:30
    contains the 09:00 sign-in deadline, one until 16:59:59 does not contain 17:00."""
    covered: dict[date, set[int]] = {}
    for w in approved(writeoffs):
        if w.kind not in COVERING_KINDS:
            continue
        start = _to_minute(to_hall_time(w.start, tz))
        end = _to_minute(to_hall_time(w.end, tz))
        day = max(start.date(), first)
        while day <= min(end.date(), last):
            for i, slot in enumerate(profile.slots):
                if start <= datetime.combine(day, slot.deadline) <= end:
                    covered.setdefault(day, set()).add(i)
            day += timedelta(days=1)
    return {day: frozenset(slots) for day, slots in covered.items()}


def _to_minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def registered_punches(writeoffs: Iterable[WriteOff], tz: tzinfo) -> list[LocalPunch]:
    """Punches added by approved corrections (第八条: the stated punch, start = end) and
    device-failure registrations (第三条: the patrol saw the person at start and at end).

    A registration over several days registers each of them: the first day from ``start``
    to its end (23:59:59), the days between whole, the last day from 00:00 to ``end`` — so
    a terminal out of order 11-05..11-06 leaves neither day early nor late."""
    added: list[LocalPunch] = []
    for w in approved(writeoffs):
        if w.kind not in PUNCH_ADDING_KINDS:
            continue
        start, end = to_hall_time(w.start, tz), to_hall_time(w.end, tz)
        if w.kind is WriteOffKind.DEVICE_FAILURE and end.date() > start.date():
            day = start.date()
            while day <= end.date():
                first = max(start, datetime.combine(day, time(0, 0)))
                last = min(end, datetime.combine(day, _DAY_END))
                added.append(LocalPunch(first, registered=True))
                if last != first:
                    added.append(LocalPunch(last, registered=True))
                day += timedelta(days=1)
            continue
        added.append(LocalPunch(start, registered=True))
        if end != start:
            added.append(LocalPunch(end, registered=True))
    return added
