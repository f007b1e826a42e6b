"""The typed results of ``att/report`` and the write-off commands keep the JSON they had."""

from __future__ import annotations

import datetime as dt
import typing

from attendance.rules import DayStatus, Flag
from bus.models.replies import DayFlag, MonthDay, WriteoffSignature
from bus.models.replies import DayStatus as WireDayStatus


def test_the_day_statuses_and_flags_on_the_wire_are_those_of_the_rules() -> None:
    assert set(typing.get_args(WireDayStatus)) == {s.value for s in DayStatus}
    assert set(typing.get_args(DayFlag)) == {f.value for f in Flag}


def test_a_day_lists_its_slots_only_for_a_split_day_profile() -> None:
    day = {
        "status": "late",
        "sign_in": "09:07:00",
        "sign_out": "17:31:00",
        "late_minutes": 7,
        "early_minutes": 0,
        "flags": [],
    }
    assert MonthDay.model_validate(day).model_dump(mode="json") == day
    split = {**day, "slots": {"morning_in": {"punch": "09:07:00", "minutes": 7, "excused": False}}}
    assert MonthDay.model_validate(split).model_dump(mode="json") == split


def test_write_off_times_keep_the_offset_they_were_stored_with() -> None:
    """The store writes ``isoformat()``: a UTC time stays ``+00:00``, as before (not ``Z``)."""
    at = dt.datetime(2026, 11, 10, 1, 0, tzinfo=dt.UTC)
    signature = WriteoffSignature(role="hall_centre", approver="", approve=True, at=at, note="")
    assert signature.model_dump(mode="json")["at"] == "2026-11-10T01:00:00+00:00"
