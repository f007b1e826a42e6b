"""Attendance profiles as data (RULES.md §3): punch slots, conversion, approvals, deductions.

A hall with other hours writes its own profile in the hall YAML under ``attendance:``;
the four halls of the seeds ship as presets (``chengdong`` is the default).
"""

from __future__ import annotations

from datetime import date, time
from difflib import get_close_matches
from enum import StrEnum
from itertools import pairwise
from typing import Literal

from pydantic import Field, model_validator

from config.base import ClockTime, StrictModel


class WriteOffKind(StrEnum):
    """What a write-off (核销) is for; the values are the ``kind`` column of RULES §4."""

    SICK = "sick"
    PERSONAL = "personal"
    MARRIAGE = "marriage"
    MATERNITY = "maternity"
    BEREAVEMENT = "bereavement"
    ANNUAL = "annual"
    FAMILY_VISIT = "family_visit"
    BUSINESS_TRIP = "business_trip"
    OFFICIAL = "official"
    PUNCH_CORRECTION = "punch_correction"
    DEVICE_FAILURE = "device_failure"


#: Approvers named in the seeds' leave rules. 城东: 首席代表 → 中心 → 进驻单位主管领导;
#: 衢江: 窗口负责人 → 中心分管领导 / 中心主要领导.
ApprovalRole = Literal[
    "chief_representative",
    "hall_centre",
    "department_leader",
    "window_lead",
    "centre_deputy",
    "centre_head",
]

ROLE_LABELS: dict[str, str] = {
    "chief_representative": "首席事务代表 / chief representative",
    "hall_centre": "政务服务中心 / hall centre",
    "department_leader": "进驻单位主管领导 / department leader",
    "window_lead": "窗口负责人 / window lead",
    "centre_deputy": "中心分管领导 / centre deputy",
    "centre_head": "中心主要领导 / centre head",
}

USER_ROLE_STEPS: dict[str, tuple[ApprovalRole, ...]] = {
    "chief": ("chief_representative", "window_lead"),
    "manager": ("hall_centre", "centre_deputy", "centre_head", "department_leader"),
}
"""Which chain steps each console user role signs (``attendance/approvers.py``): a chief
(首席代表) holds the department's offices, for their own department's staff; the hall manager
the centre's, and records the department leader's signature (who has no console account).
Roles not here (window staff, patrol, auditor) sign none."""


class PunchSlot(StrictModel):
    """One expected punch of a workday (A1): a sign-in or a sign-out and its deadline."""

    name: str
    """Slot name used in reports, e.g. ``sign_in`` or ``morning_out``."""
    kind: Literal["sign_in", "sign_out"]
    """A sign-in takes the earliest punch of its window and is late after the deadline
    minute; a sign-out takes the latest punch and is early before the deadline minute."""
    deadline: ClockTime
    """Sign-in: the last on-time minute (09:00 → 09:00:59 is on time). Sign-out: the first
    on-time minute (17:00 → 16:59:59 is early by 1 minute). Write-offs cover this slot when
    their interval contains this time (A4)."""
    window_from: ClockTime | None = None
    """Punches from this time of day (until the next slot's window) belong to this slot.
    Omitted: 00:00 for the first slot, the profile's ``split_time`` for the second."""
    valid_from: ClockTime | None = None
    """A punch earlier than this minute is ignored, as if missing (乌审: sign-in from 07:00)."""
    valid_until: ClockTime | None = None
    """A punch later than this minute is ignored, as if missing (乌审: sign-out until 19:30)."""


class MonthlyConversion(StrictModel):
    """A2: late/early occurrences in a month that count as absences (请休假制度 第十条 5)."""

    threshold: int = Field(default=3, ge=1)
    """This many late or early occurrences in one month count as one absence."""
    mode: Literal["once", "per_threshold"] = "once"
    """``once``: at most one absence a month; ``per_threshold``: one per full threshold."""


class ChainStep(StrictModel):
    """Who signs a leave request up to a length (A5)."""

    up_to_days: float | None = None
    """Longest request (in days, inclusive) this step applies to; omitted: no limit."""
    approvers: tuple[ApprovalRole, ...]
    """Approvers in the order they sign."""


def _chengdong_chain() -> tuple[ChainStep, ...]:
    # 请休假制度 第三条: ≤2 days and 3 days are signed by the same two; > 3 days adds the
    # department's leader. The 3-day step stays separate so the table reads like the rule.
    return (
        ChainStep(up_to_days=2, approvers=("chief_representative", "hall_centre")),
        ChainStep(up_to_days=3, approvers=("chief_representative", "hall_centre")),
        ChainStep(approvers=("chief_representative", "hall_centre", "department_leader")),
    )


class ApprovalRules(StrictModel):
    """The leave approval chain of a hall (A5) and its emergency-leave deadlines."""

    steps: tuple[ChainStep, ...] = Field(default_factory=_chengdong_chain)
    """Chains by request length; the first step whose ``up_to_days`` covers the request applies."""
    full_chain_kinds: tuple[WriteOffKind, ...] = ()
    """Kinds that always take the longest chain whatever their length (城东 第六条: annual,
    family visit, marriage, maternity and bereavement leave go up to the department leader)."""
    correction_approvers: tuple[ApprovalRole, ...] = ("hall_centre",)
    """Who approves a punch correction or a device-failure registration (考勤 第八条)."""
    substitute_required_from_days: float | None = None
    """Requests of at least this many days need a named substitute (顶岗) before any
    approval (衢江 四(二)2(2): 1 day); omitted: no such rule."""
    emergency_report_by: ClockTime = time(9, 30)
    """Emergency leave must be reported by this time on its first day (请休假 第八条)."""
    emergency_complete_within_workdays: int = Field(default=3, ge=0)
    """…and approved within this many workdays after it ends, else it is absence."""

    @model_validator(mode="after")
    def _last_step_unbounded(self) -> ApprovalRules:
        if not self.steps or self.steps[-1].up_to_days is not None:
            raise ValueError(
                "the last approval step must have no up_to_days / 最后一级须不设天数上限"
            )
        return self


class AssessmentDeductions(StrictModel):
    """A8: points taken off the 出勤值勤 score (考核办法 第二十一条(三))."""

    late_or_early: float = 2
    """Per late or early occurrence."""
    proxy_punch: float = 2
    """Per proxy punch (互代签到), for each of the two staff."""
    absence_day: float = 3
    """Per day of absence."""
    count_converted_absences: bool = True
    """Whether absences from the monthly conversion (A2) are deducted like other absences."""
    return_to_unit_absences: int = 3
    """This many absences or more: the staff member is returned to the original unit."""


class AttendanceProfile(StrictModel):
    """How a hall judges punches. Every number here is data, so other hours need no code."""

    name: str
    """Short name, e.g. ``chengdong``."""
    label: str = ""
    """Name shown to people, e.g. 城东区政务服务中心."""
    slots: tuple[PunchSlot, ...]
    """The expected punches of a workday in day order: sign-in, sign-out (, sign-in, sign-out)."""
    split_time: ClockTime = time(13, 0)
    """Two-punch day: a punch before this time belongs to the sign-in, else to the sign-out."""
    duplicate_punch_seconds: int = Field(default=60, ge=0)
    """Punches of one person within this many seconds of the last kept one are one punch."""
    monthly_conversion: MonthlyConversion = MonthlyConversion()
    """A2."""
    approvals: ApprovalRules = ApprovalRules()
    """A5."""
    deductions: AssessmentDeductions = AssessmentDeductions()
    """A8."""

    @model_validator(mode="after")
    def _check_slots(self) -> AttendanceProfile:
        if not self.slots or len(self.slots) % 2:
            raise ValueError("slots must be sign-in/sign-out pairs / 打卡时段须成对")
        for index, slot in enumerate(self.slots):
            expected = "sign_in" if index % 2 == 0 else "sign_out"
            if slot.kind != expected:
                raise ValueError(f"slot {index + 1} ({slot.name}) must be a {expected}")
        if len(self.slots) > 2 and any(s.window_from is None for s in self.slots[1:]):
            raise ValueError(
                "with more than two slots every slot after the first needs window_from"
            )
        starts = self.window_starts()
        if any(a >= b for a, b in pairwise(starts)):
            raise ValueError("slot windows must start in increasing order / 时段须按时间先后")
        if len({s.name for s in self.slots}) != len(self.slots):
            raise ValueError("slot names must be unique")
        return self

    def window_starts(self) -> tuple[time, ...]:
        """Start of each slot's window; each window runs until the next one starts."""
        starts: list[time] = []
        for index, slot in enumerate(self.slots):
            if slot.window_from is not None:
                starts.append(slot.window_from)
            else:
                starts.append(time(0, 0) if index == 0 else self.split_time)
        return tuple(starts)


def _two_punch(
    name: str,
    label: str,
    sign_in: time,
    sign_out: time,
    valid_from: time | None = None,
    valid_until: time | None = None,
    approvals: ApprovalRules | None = None,
) -> AttendanceProfile:
    return AttendanceProfile(
        name=name,
        label=label,
        slots=(
            PunchSlot(name="sign_in", kind="sign_in", deadline=sign_in, valid_from=valid_from),
            PunchSlot(name="sign_out", kind="sign_out", deadline=sign_out, valid_until=valid_until),
        ),
        approvals=approvals or ApprovalRules(),
    )


_CHENGDONG_FULL_CHAIN = (
    WriteOffKind.ANNUAL,
    WriteOffKind.FAMILY_VISIT,
    WriteOffKind.MARRIAGE,
    WriteOffKind.MATERNITY,
    WriteOffKind.BEREAVEMENT,
)

PRESETS: dict[str, AttendanceProfile] = {
    # A1: 000 考勤打卡管理制度 第二条.
    "chengdong": _two_punch(
        "chengdong",
        "城东区政务服务中心",
        time(9, 0),
        time(17, 0),
        approvals=ApprovalRules(full_chain_kinds=_CHENGDONG_FULL_CHAIN),
    ),
    # A3: 001 五(四): sign-in counts from 07:00, sign-out until 19:30.
    "wushen": _two_punch(
        "wushen",
        "乌审旗政务服务中心",
        time(8, 30),
        time(17, 30),
        valid_from=time(7, 0),
        valid_until=time(19, 30),
    ),
    # A3: 002 四(二)1(3); A5: 002 四(二)2.
    "qujiang": _two_punch(
        "qujiang",
        "衢江区政务服务中心",
        time(8, 20),
        time(17, 0),
        approvals=ApprovalRules(
            steps=(
                ChainStep(up_to_days=1, approvers=("window_lead", "centre_deputy")),
                ChainStep(approvers=("window_lead", "centre_head")),
            ),
            substitute_required_from_days=1,
        ),
    ),
    # A3: 003 (四)2(4): 9:00–12:00 and 13:00–17:00, four punches. A punch goes to the slot
    # whose window holds it; the windows split each gap half-way between two deadlines
    # (10:30, 12:30, 15:00), so a punch belongs to the deadline it is nearest to.
    "yanjin": AttendanceProfile(
        name="yanjin",
        label="延津县政务服务中心",
        slots=(
            PunchSlot(name="morning_in", kind="sign_in", deadline=time(9, 0)),
            PunchSlot(
                name="morning_out", kind="sign_out", deadline=time(12, 0), window_from=time(10, 30)
            ),
            PunchSlot(
                name="afternoon_in", kind="sign_in", deadline=time(13, 0), window_from=time(12, 30)
            ),
            PunchSlot(
                name="afternoon_out", kind="sign_out", deadline=time(17, 0), window_from=time(15, 0)
            ),
        ),
    ),
}

DEFAULT_PROFILE = "chengdong"


class UnknownProfileError(ValueError):
    """A profile name that is neither a preset nor defined in the hall config."""


def get_profile(name_or_model: str | AttendanceProfile | AttendanceSettings) -> AttendanceProfile:
    """The profile for a preset name, a profile given as data, or the hall's settings."""
    if isinstance(name_or_model, AttendanceSettings):
        return name_or_model.resolved_profile()
    if isinstance(name_or_model, AttendanceProfile):
        return name_or_model
    try:
        return PRESETS[name_or_model.strip()]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        close = get_close_matches(name_or_model.strip(), list(PRESETS), n=1)
        hint = f"; 是否应为 / did you mean {close[0]!r}?" if close else ""
        raise UnknownProfileError(
            f"未知考勤方案 / unknown attendance profile {name_or_model!r} (known: {known}){hint}"
        ) from None


class AttendanceSettings(StrictModel):
    """The ``attendance:`` section of a hall config."""

    profile: str | AttendanceProfile = DEFAULT_PROFILE
    """A preset name (chengdong, wushen, qujiang, yanjin) or a whole profile as data."""
    holidays: tuple[date, ...] = ()
    """Dates the hall is closed although the statutory calendar says workday (A6 override)."""
    workdays: tuple[date, ...] = ()
    """Dates the hall works although the statutory calendar says holiday (A6 override)."""
    monthly_conversion: MonthlyConversion | None = None
    """A2 for this hall over the profile's own, so a preset can be kept with another
    threshold or ``per_threshold`` (``{profile: chengdong, monthly_conversion: {mode:
    per_threshold}}``); omitted: the profile's (3, ``once``)."""

    @model_validator(mode="after")
    def _check(self) -> AttendanceSettings:
        if isinstance(self.profile, str):
            get_profile(self.profile)  # raises with the list of known names
        both = set(self.holidays) & set(self.workdays)
        if both:
            days = ", ".join(str(d) for d in sorted(both))
            raise ValueError(f"dates both holiday and workday / 日期重复: {days}")
        return self

    def resolved_profile(self) -> AttendanceProfile:
        """The profile these settings name, with this hall's monthly conversion if set."""
        profile = get_profile(self.profile)
        if self.monthly_conversion is not None:
            profile = profile.model_copy(update={"monthly_conversion": self.monthly_conversion})
        return profile
