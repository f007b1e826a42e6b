"""The values the attendance rules take and give: punches, write-offs, day and month results.

Everything here is immutable data; the JSON form of a month is RULES.md §4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal, Protocol

from config.attendance import WriteOffKind

PunchSource = Literal["face", "fingerprint", "manual"]
PUNCH_SOURCES: tuple[str, ...] = ("face", "fingerprint", "manual")


def punch_source(value: str) -> PunchSource:
    """``value`` as a :data:`PunchSource`; anything but a terminal's own reading is manual."""
    if value == "face":
        return "face"
    return "fingerprint" if value == "fingerprint" else "manual"


WriteOffStatus = Literal["approved", "pending", "rejected"]
WRITEOFF_STATUSES: tuple[str, ...] = ("approved", "pending", "rejected")

#: Kinds that excuse the punches whose deadline they contain (A4, 第六条, 第七条).
COVERING_KINDS: frozenset[WriteOffKind] = frozenset(
    {
        WriteOffKind.SICK,
        WriteOffKind.PERSONAL,
        WriteOffKind.MARRIAGE,
        WriteOffKind.MATERNITY,
        WriteOffKind.BEREAVEMENT,
        WriteOffKind.ANNUAL,
        WriteOffKind.FAMILY_VISIT,
        WriteOffKind.BUSINESS_TRIP,
        WriteOffKind.OFFICIAL,
    }
)
#: Kinds that add punches instead (第八条 punch correction, 第三条 patrol registration).
PUNCH_ADDING_KINDS: frozenset[WriteOffKind] = frozenset(
    {
        WriteOffKind.PUNCH_CORRECTION,
        WriteOffKind.DEVICE_FAILURE,
    }
)


class DayStatus(StrEnum):
    """The ``status`` of a day in the monthly JSON (RULES §4)."""

    NORMAL = "normal"
    LATE = "late"
    EARLY = "early"
    LATE_EARLY = "late_early"
    ABSENT = "absent"
    LEAVE = "leave"
    REST = "rest"


class Flag(StrEnum):
    """Day flags, listed in this order in the JSON."""

    MISSING_SIGN_IN = "missing_sign_in"
    MISSING_SIGN_OUT = "missing_sign_out"
    EXCUSED_SIGN_IN = "excused_sign_in"
    EXCUSED_SIGN_OUT = "excused_sign_out"
    CALENDAR_FALLBACK = "calendar_fallback"


FLAG_ORDER: tuple[Flag, ...] = tuple(Flag)


class DayKindLike(Protocol):
    """What the rules need to know about a date (``workdays.calendar.DayKind`` fits)."""

    @property
    def workday(self) -> bool: ...

    @property
    def fallback(self) -> bool: ...


class WorkdayLookup(Protocol):
    """The calendar as the rules see it (``workdays.calendar.WorkdayCalendar`` fits)."""

    def day_kind(self, day: date) -> DayKindLike: ...

    def add_workdays(self, start: date, n: int) -> date: ...


@dataclass(frozen=True, slots=True)
class Punch:
    """One punch of one person. ``at`` should carry its offset; a naive time is hall time."""

    staff_id: str
    at: datetime
    source: PunchSource = "face"
    device: str = ""


@dataclass(frozen=True, slots=True)
class WriteOff:
    """A write-off request (核销) as it stands; only ``approved`` ones change anything (A4)."""

    staff_id: str
    kind: WriteOffKind
    start: datetime
    end: datetime
    status: WriteOffStatus = "approved"


@dataclass(frozen=True, slots=True)
class SlotResult:
    """How one expected punch (sign-in, sign-out, or one of yanjin's four) was judged."""

    name: str
    kind: Literal["sign_in", "sign_out"]
    punch: time | None
    """The punch that counts, hall time; None when missing."""
    minutes: int | None
    """Late (sign-in) or early (sign-out) minutes; None when missing or excused."""
    excused: bool
    faulty: bool
    """Counts as one late (sign-in) or early (sign-out) occurrence."""


@dataclass(frozen=True, slots=True)
class DayResult:
    """One staff member's day."""

    day: date
    status: DayStatus
    sign_in: time | None
    sign_out: time | None
    late_minutes: int | None
    early_minutes: int | None
    flags: tuple[Flag, ...]
    late_count: int = 0
    early_count: int = 0
    slots: tuple[SlotResult, ...] = ()

    def to_json(self, with_slots: bool = False) -> dict[str, object]:
        """The day as RULES §4 writes it; split-day profiles add the four slots."""
        out: dict[str, object] = {
            "status": self.status.value,
            "sign_in": _clock(self.sign_in),
            "sign_out": _clock(self.sign_out),
            "late_minutes": self.late_minutes,
            "early_minutes": self.early_minutes,
            "flags": [f.value for f in self.flags],
        }
        if with_slots:
            out["slots"] = {
                s.name: {"punch": _clock(s.punch), "minutes": s.minutes, "excused": s.excused}
                for s in self.slots
            }
        return out


@dataclass(frozen=True, slots=True)
class Totals:
    """A staff member's month in numbers (RULES §4 ``totals``)."""

    workdays: int = 0
    late: int = 0
    early: int = 0
    absent_days: int = 0
    converted_absences: int = 0
    leave_days: int = 0

    def to_json(self) -> dict[str, int]:
        """The totals object of RULES §4."""
        return {
            "workdays": self.workdays,
            "late": self.late,
            "early": self.early,
            "absent_days": self.absent_days,
            "converted_absences": self.converted_absences,
            "leave_days": self.leave_days,
        }


@dataclass(frozen=True, slots=True)
class StaffMonth:
    """One staff member's days of a month and their totals."""

    staff_id: str
    days: tuple[DayResult, ...]
    totals: Totals


@dataclass(frozen=True, slots=True)
class MonthReport:
    """The evaluation of one month for every staff member seen."""

    month: str
    profile: str
    staff: dict[str, StaffMonth] = field(default_factory=dict)
    split_day: bool = False
    """True for profiles with more than two punches a day: days then list their slots."""

    def to_json(self) -> dict[str, object]:
        """The JSON object of RULES §4."""
        return {
            "month": self.month,
            "profile": self.profile,
            "staff": {
                staff_id: {
                    "days": {
                        d.day.isoformat(): d.to_json(with_slots=self.split_day) for d in sm.days
                    },
                    "totals": sm.totals.to_json(),
                }
                for staff_id, sm in sorted(self.staff.items())
            },
        }


def _clock(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M:%S")
