"""A1 properties over random days: on-time punches never hurt, row order and repeats do not
matter."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from attendance.rules import DayResult, DayStatus, Punch, WriteOff, evaluate_month
from config.attendance import AttendanceProfile, WriteOffKind, get_profile
from workdays.calendar import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")
DAYS = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 7)]  # Mon, Tue, Sat
CALENDAR = WorkdayCalendar()
TWO_PUNCH = ["chengdong", "wushen", "qujiang"]

# How bad a day is: fewer is better; an absent day is worse than any late/early day.
_RANK = {
    DayStatus.NORMAL: 0,
    DayStatus.LATE: 1,
    DayStatus.EARLY: 1,
    DayStatus.LATE_EARLY: 2,
    DayStatus.ABSENT: 3,
}

punch_times = st.builds(
    lambda d, seconds: datetime.combine(d, time(), TZ) + timedelta(seconds=seconds),
    st.sampled_from(DAYS),
    st.integers(min_value=5 * 3600, max_value=21 * 3600),
)

writeoffs = st.builds(
    lambda kind, start, hours, status: WriteOff(
        "S1", kind, start, start + timedelta(hours=hours), status
    ),
    st.sampled_from(list(WriteOffKind)),
    punch_times,
    st.integers(min_value=0, max_value=30),
    st.sampled_from(["approved", "pending", "rejected"]),
)


def days_of(
    profile: AttendanceProfile, times: list[datetime], extra: list[WriteOff] | None = None
) -> dict[date, DayResult]:
    punches = [Punch("S1", t) for t in times]
    report = evaluate_month(profile, CALENDAR, punches, extra or [], "2026-11", TZ, ["S1"])
    return {d.day: d for d in report.staff["S1"].days}


def badness(day: DayResult) -> tuple[int, int, int]:
    return (
        _RANK.get(day.status, 0),
        day.late_count + day.early_count,
        (day.late_minutes or 0) + (day.early_minutes or 0),
    )


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TWO_PUNCH), st.lists(punch_times, max_size=6), st.data())
def test_a1_adding_an_on_time_punch_never_makes_a_day_worse(
    name: str, times: list[datetime], data: st.DataObject
) -> None:
    """A1: an extra punch inside an on-time window (before the sign-in deadline and after the
    valid-from, or after the sign-out deadline and before the valid-until) never worsens the
    day's status, its number of occurrences, or its minutes."""
    profile = get_profile(name)
    sign_in, sign_out = profile.slots
    day = data.draw(st.sampled_from(DAYS))
    in_lo = sign_in.valid_from or time(5, 0)
    out_hi = sign_out.valid_until or time(21, 0)
    window = data.draw(
        st.sampled_from(
            [
                (in_lo, sign_in.deadline),
                (sign_out.deadline, out_hi),
            ]
        )
    )
    start = datetime.combine(day, window[0], TZ)
    span = int((datetime.combine(day, window[1], TZ) - start).total_seconds()) + 59
    extra = start + timedelta(seconds=data.draw(st.integers(0, span)))
    before = days_of(profile, times)
    after = days_of(profile, [*times, extra])
    for d in DAYS:
        assert badness(after[d]) <= badness(before[d]), (d, before[d], after[d])


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([*TWO_PUNCH, "yanjin"]),
    st.lists(punch_times, max_size=8),
    st.lists(writeoffs, max_size=3),
    st.randoms(),
)
def test_a1_row_order_never_changes_the_result(
    name: str, times: list[datetime], extra: list[WriteOff], rng: random.Random
) -> None:
    """§4: the order of rows in the punch and write-off CSVs does not matter."""
    profile = get_profile(name)
    shuffled, shuffled_extra = list(times), list(extra)
    rng.shuffle(shuffled)
    rng.shuffle(shuffled_extra)
    assert days_of(profile, times, extra) == days_of(profile, shuffled, shuffled_extra)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([*TWO_PUNCH, "yanjin"]),
    st.lists(punch_times, min_size=1, max_size=8),
    st.lists(writeoffs, min_size=1, max_size=3),
    st.data(),
)
def test_a1_the_same_punch_twice_changes_nothing(
    name: str, times: list[datetime], extra: list[WriteOff], data: st.DataObject
) -> None:
    """A1: a punch delivered twice (an outbox retry, a double read) is one punch; a
    write-off row listed twice is one write-off."""
    profile = get_profile(name)
    once = days_of(profile, times, extra)
    repeated = data.draw(st.sampled_from(times))
    assert days_of(profile, [*times, repeated], extra) == once
    assert days_of(profile, times, [*extra, data.draw(st.sampled_from(extra))]) == once
