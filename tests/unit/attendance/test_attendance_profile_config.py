"""A1–A3 profiles as data in the hall config: presets, validation, custom hours."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from attendance.rules import DayStatus, Punch, evaluate_month
from config.attendance import (
    AttendanceProfile,
    AttendanceSettings,
    UnknownProfileError,
    get_profile,
)
from workdays.calendar import WorkdayCalendar

TZ = ZoneInfo("Asia/Shanghai")


def test_a3_presets_have_the_hours_of_the_rules() -> None:
    """A1/A3: deadlines and windows of the four presets."""
    deadlines = {
        name: [s.deadline for s in get_profile(name).slots]
        for name in ("chengdong", "wushen", "qujiang", "yanjin")
    }
    assert deadlines == {
        "chengdong": [time(9), time(17)],
        "wushen": [time(8, 30), time(17, 30)],
        "qujiang": [time(8, 20), time(17)],
        "yanjin": [time(9), time(12), time(13), time(17)],
    }
    wushen = get_profile("wushen").slots
    assert (wushen[0].valid_from, wushen[1].valid_until) == (time(7), time(19, 30))
    chengdong = get_profile("chengdong")
    assert chengdong.split_time == time(13)
    assert chengdong.duplicate_punch_seconds == 60
    assert (chengdong.monthly_conversion.threshold, chengdong.monthly_conversion.mode) == (
        3,
        "once",
    )


def test_a1_settings_default_to_chengdong_and_reject_unknown_names() -> None:
    """The hall's `attendance:` section: default profile, and a clear error for a typo."""
    assert AttendanceSettings().resolved_profile().name == "chengdong"
    assert get_profile(AttendanceSettings(profile="wushen")).name == "wushen"
    with pytest.raises(ValidationError, match="did you mean 'chengdong'"):
        AttendanceSettings(profile="chengdng")
    with pytest.raises(UnknownProfileError):
        get_profile("nowhere")


def test_a1_unknown_keys_in_a_profile_are_rejected() -> None:
    """Config that explains itself: a misspelt key is an error, not silently ignored."""
    with pytest.raises(ValidationError, match="deadlne"):
        AttendanceProfile.model_validate(
            {
                "name": "x",
                "slots": [
                    {"name": "in", "kind": "sign_in", "deadlne": "09:00"},
                    {"name": "out", "kind": "sign_out", "deadline": "17:00"},
                ],
            }
        )


def test_a1_slots_must_be_sign_in_sign_out_pairs() -> None:
    """A profile with a sign-out first is refused with the slot named."""
    with pytest.raises(ValidationError, match="sign_in"):
        AttendanceProfile.model_validate(
            {
                "name": "x",
                "slots": [
                    {"name": "out", "kind": "sign_out", "deadline": "17:00"},
                    {"name": "in", "kind": "sign_in", "deadline": "09:00"},
                ],
            }
        )


def test_a1_a_hall_with_other_hours_needs_no_code() -> None:
    """A profile written as data (as in a hall YAML) drives the same rules: 08:00–16:00,
    split at 12:00, sign-out valid until 18:00."""
    settings = AttendanceSettings.model_validate(
        {
            "profile": {
                "name": "custom",
                "split_time": "12:00",
                "slots": [
                    {"name": "sign_in", "kind": "sign_in", "deadline": "08:00"},
                    {
                        "name": "sign_out",
                        "kind": "sign_out",
                        "deadline": "16:00",
                        "valid_until": "18:00",
                    },
                ],
                "monthly_conversion": {"threshold": 2, "mode": "per_threshold"},
            }
        }
    )
    profile = get_profile(settings)
    day = date(2026, 11, 2)
    punches = [
        Punch("S1", datetime.combine(day, t, TZ))
        for t in (time(8, 0, 59), time(12, 0), time(18, 30))
    ]
    report = evaluate_month(profile, WorkdayCalendar(), punches, [], "2026-11", TZ)
    result = report.staff["S1"].days[1]
    assert result.status is DayStatus.EARLY  # 12:00 is a sign-out; 18:30 is ignored
    assert (result.sign_in, result.sign_out) == (time(8, 0, 59), time(12))
    assert result.early_minutes == 240


def test_a6_settings_refuse_a_date_that_is_both_holiday_and_workday() -> None:
    """A6 overrides in the hall config must not contradict each other."""
    with pytest.raises(ValidationError, match="2026-10-01"):
        AttendanceSettings(holidays=(date(2026, 10, 1),), workdays=(date(2026, 10, 1),))


def test_a2_hall_keeps_a_preset_with_its_own_monthly_conversion() -> None:
    """A2 is configurable: `attendance: {profile: chengdong, monthly_conversion: {mode:
    per_threshold}}` keeps the preset's hours and changes only the conversion."""
    settings = AttendanceSettings.model_validate(
        {"profile": "chengdong", "monthly_conversion": {"mode": "per_threshold", "threshold": 2}}
    )
    profile = settings.resolved_profile()
    assert profile.slots == get_profile("chengdong").slots
    assert (profile.monthly_conversion.mode, profile.monthly_conversion.threshold) == (
        "per_threshold",
        2,
    )
    assert get_profile(settings) == profile
    assert get_profile("chengdong").monthly_conversion.mode == "once"  # preset untouched
    with pytest.raises(ValidationError):
        AttendanceSettings.model_validate({"monthly_conversion": {"threshold": 0}})
