"""A month of attendance (A1–A4, A6; RULES §4): every staff member's days and totals.

The same function serves ``hall attendance evaluate`` and the controller's monthly report.
"""

from __future__ import annotations

import calendar as _gregorian
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, time, tzinfo

from attendance.rules.model import (
    DayKindLike,
    DayResult,
    DayStatus,
    MonthReport,
    Punch,
    StaffMonth,
    Totals,
    WorkdayLookup,
    WriteOff,
)
from attendance.rules.punches import LocalPunch, judge_day, usable_punches
from attendance.rules.writeoffs import covered_slots, registered_punches, to_hall_time
from config.attendance import AttendanceProfile, MonthlyConversion


def parse_month(month: str) -> tuple[date, date]:
    """First and last day of ``YYYY-MM``; ValueError with the expected form otherwise."""
    try:
        year_text, month_text = month.strip().split("-")
        year, number = int(year_text), int(month_text)
        first = date(year, number, 1)
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM / month must be YYYY-MM, got {month!r}") from None
    return first, date(year, number, _gregorian.monthrange(year, number)[1])


def converted_absences(occurrences: int, rule: MonthlyConversion) -> int:
    """A2: late/early occurrences of a month that count as absences (第十条 5)."""
    if occurrences < rule.threshold:
        return 0
    return 1 if rule.mode == "once" else occurrences // rule.threshold


def month_totals(days: Iterable[DayResult], profile: AttendanceProfile) -> Totals:
    """Totals of RULES §4: late and early count occurrences (a late-and-early day is two)."""
    workdays = late = early = absent = leave = 0
    for d in days:
        if d.status is not DayStatus.REST:
            workdays += 1
        late += d.late_count
        early += d.early_count
        absent += d.status is DayStatus.ABSENT
        leave += d.status is DayStatus.LEAVE
    return Totals(
        workdays=workdays,
        late=late,
        early=early,
        absent_days=absent,
        converted_absences=converted_absences(late + early, profile.monthly_conversion),
        leave_days=leave,
    )


def month_days(calendar: WorkdayLookup, first: date, last: date) -> list[tuple[date, DayKindLike]]:
    """Each date from ``first`` to ``last`` with its kind, asked once for all staff."""
    days = (date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
    return [(day, calendar.day_kind(day)) for day in days]


def evaluate_staff_month(
    profile: AttendanceProfile,
    days_and_kinds: Sequence[tuple[date, DayKindLike]],
    staff_id: str,
    punches: Iterable[Punch],
    writeoffs: Iterable[WriteOff],
    tz: tzinfo,
) -> StaffMonth:
    """One person's days (from :func:`month_days`); other people's rows are skipped."""
    if not days_and_kinds:
        return StaffMonth(staff_id, (), Totals())
    first, last = days_and_kinds[0][0], days_and_kinds[-1][0]
    own_writeoffs = [w for w in writeoffs if w.staff_id == staff_id]
    local = [LocalPunch(to_hall_time(p.at, tz)) for p in punches if p.staff_id == staff_id]
    local.extend(registered_punches(own_writeoffs, tz))
    times_of: dict[date, list[time]] = defaultdict(list)
    for at in usable_punches(profile, local):
        times_of[at.date()].append(at.time())
    covered = covered_slots(profile, own_writeoffs, tz, first, last)
    days: list[DayResult] = []
    for day, kind in days_and_kinds:
        days.append(
            judge_day(
                profile,
                day,
                times_of.get(day, []),
                excused=covered.get(day, frozenset()),
                workday=kind.workday,
                fallback=kind.fallback,
            )
        )
    return StaffMonth(staff_id, tuple(days), month_totals(days, profile))


def evaluate_month(
    profile: AttendanceProfile,
    calendar: WorkdayLookup,
    punches: Iterable[Punch],
    writeoffs: Iterable[WriteOff],
    month: str,
    tz: tzinfo,
    staff_ids: Iterable[str] = (),
) -> MonthReport:
    """Every staff member's month. Staff are those in ``staff_ids`` (the roster: someone
    with no punch at all is absent every workday) plus anyone with a punch or a write-off."""
    first, last = parse_month(month)
    punches_of: dict[str, list[Punch]] = defaultdict(list)
    for p in punches:
        punches_of[p.staff_id].append(p)
    writeoffs_of: dict[str, list[WriteOff]] = defaultdict(list)
    for w in writeoffs:
        writeoffs_of[w.staff_id].append(w)
    everyone = set(staff_ids) | set(punches_of) | set(writeoffs_of)
    days_and_kinds = month_days(calendar, first, last)
    staff = {
        staff_id: evaluate_staff_month(
            profile,
            days_and_kinds,
            staff_id,
            punches_of.get(staff_id, []),
            writeoffs_of.get(staff_id, []),
            tz,
        )
        for staff_id in sorted(everyone)
    }
    return MonthReport(
        month=f"{first.year:04d}-{first.month:02d}",
        profile=profile.name,
        staff=staff,
        split_day=len(profile.slots) > 2,
    )
