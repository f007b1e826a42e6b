"""Write-off requests as the controller checks and stores them (A4, A5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from attendance.requests import RequestRefused, StoredRequest, new_request
from attendance.rules import Approval
from config.attendance import get_profile
from config.schema import HallConfig
from workdays.calendar import WorkdayCalendar

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TUESDAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)
PROFILE = get_profile("chengdong")


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), SHANGHAI)


def make(hall: HallConfig, now: dt.datetime = NOW, **fields: Any) -> StoredRequest:
    base: dict[str, Any] = {
        "staff_id": "S001",
        "kind": "personal",
        "start": at(TUESDAY, "00:00"),
        "end": at(TUESDAY, "23:59:59"),
    }
    return new_request(hall, PROFILE, WorkdayCalendar(), {**base, **fields}, "R00001", now)


def refusal(hall: HallConfig, now: dt.datetime = NOW, **fields: Any) -> str:
    with pytest.raises(RequestRefused) as caught:
        make(hall, now, **fields)
    return caught.value.code


def test_length_is_counted_in_workdays_and_halves(hall: HallConfig) -> None:
    assert make(hall).request.days == 1.0
    morning = make(hall, start=at(TUESDAY, "08:00"), end=at(TUESDAY, "12:00"))
    assert morning.request.days == 0.5
    over_weekend = make(hall, start=at(TUESDAY, "00:00"), end=at(dt.date(2026, 11, 30), "23:59"))
    assert over_weekend.request.days == 5.0  # Tue–Fri and Mon; Sat and Sun are free


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"staff_id": "S999"}, "unknown_staff"),
        ({"end": at(TUESDAY, "00:00")}, "invalid"),
        ({"substitute": "S001"}, "invalid"),
        ({"substitute": "S999"}, "unknown_staff"),
        ({"kind": "device_failure", "staff_ids": ["S002", "S998"]}, "unknown_staff"),
        ({"kind": "punch_correction", "end": at(TUESDAY, "09:00")}, "invalid"),
        (
            {
                "start": at(dt.date(2026, 11, 28), "00:00"),
                "end": at(dt.date(2026, 11, 29), "23:59"),
            },
            "no_workday",
        ),
    ],
)
def test_requests_the_hall_cannot_take_are_refused(
    hall: HallConfig, fields: dict[str, Any], code: str
) -> None:
    assert refusal(hall, **fields) == code


def test_emergency_leave_must_be_reported_by_0930_on_its_first_day(hall: HallConfig) -> None:
    """A5 (请休假制度 第八条)."""
    assert make(hall, at(TUESDAY, "09:30"), emergency=True).request.emergency
    assert refusal(hall, at(TUESDAY, "09:31"), emergency=True) == "emergency_too_late"
    assert make(hall, at(TUESDAY, "09:10"), emergency=True).request.reported_at == at(
        TUESDAY, "09:10"
    )


def test_late_emergency_leave_is_judged_by_when_the_controller_received_it(
    hall: HallConfig,
) -> None:
    """A ``reported_at`` the requester typed (09:10) does not date a 15:00 request: it was
    reported when the controller received it, too late (第八条)."""
    typed = {"emergency": True, "reported_at": at(TUESDAY, "09:10")}
    assert refusal(hall, at(TUESDAY, "15:00"), **typed) == "emergency_too_late"
    early = make(hall, at(TUESDAY, "09:20"), emergency=True, reported_at=at(TUESDAY, "08:00"))
    assert early.request.reported_at == at(TUESDAY, "09:20")


def test_the_request_command_has_no_reported_at_to_type() -> None:
    from pydantic import ValidationError

    from bus.models.attendance import WriteoffRequest

    with pytest.raises(ValidationError, match="reported_at"):
        WriteoffRequest.model_validate(
            {"id": "1", "staff_id": "S001", "kind": "sick", "emergency": True,
             "start": "2026-11-24T00:00:00+08:00", "end": "2026-11-24T23:59:59+08:00",
             "reported_at": "2026-11-24T09:10:00+08:00"}
        )  # fmt: skip


def test_a_device_failure_registration_writes_off_everyone_it_lists(hall: HallConfig) -> None:
    stored = make(hall, kind="device_failure", staff_ids=["S002", "S001", "S003"])
    assert stored.staff_ids == ("S001", "S002", "S003")
    assert [w.staff_id for w in stored.writeoffs("approved")] == ["S001", "S002", "S003"]


def test_a_stored_request_reads_back_the_same(hall: HallConfig) -> None:
    stored = make(hall, substitute="S002", reason="家中有事")
    signed = StoredRequest(
        stored.request_id,
        stored.request,
        stored.staff_ids,
        stored.reason,
        stored.created_at,
        (Approval("chief_representative", "王主任", True, NOW, "同意"),),
    )
    assert StoredRequest.from_data(signed.to_data()) == signed
