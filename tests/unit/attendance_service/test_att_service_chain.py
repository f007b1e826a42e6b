"""The attendance service's approvals against the store, without a broker: the profile's chain
(A5), 衢江's substitute rule and emergency leave that runs out of time."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from attendance.service import AttendanceService
from bus.models.attendance import Approve, ListRequests, MonthReportQuery, WriteoffRequest
from bus.models.base import Command
from config.attendance import AttendanceSettings
from config.schema import HallConfig
from store import tables
from store.calendar_store import HallCalendar
from store.database import open_engine
from store.events import EventFactory
from store.service import Outcome

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TUESDAY = dt.date(2026, 11, 24)
_ids = itertools.count(1)


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), SHANGHAI)


CHIEF_STEPS = ("chief_representative", "window_lead")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(tmp_path)
    add_users(engine)
    yield engine
    engine.dispose()


def add_users(engine: Engine) -> None:
    """The console users who sign: 社保's chief, 企业's chief, a window staff member, patrol."""
    rows = [
        ("chief-shebao", "社保首席", "chief", "shebao", None),
        ("chief-qiye", "企业首席", "chief", "qiye", None),
        ("s001", "张伟", "staff", "shebao", "S001"),
        ("patrol", "巡查员", "patrol", None, None),
    ]
    now = dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    with engine.begin() as conn:
        for user, display, role, department, staff in rows:
            conn.execute(
                tables.users.insert().values(
                    user_name=user, display_name=display, role=role, department=department,
                    staff_id=staff, windows=[], password_hash="x", pin_hash=None,
                    disabled=False, failed_attempts=0, locked_until=None, created_at=now,
                    updated_at=now,
                )
            )  # fmt: skip


def sign(
    engine: Engine,
    service: AttendanceService,
    now: dt.datetime,
    request_id: str,
    role: str,
    **f: Any,
) -> Outcome:
    """``role``'s approval as the user who holds it: 社保's chief or the manager (no acting
    user: the manager's own credentials)."""
    user = {"acting_user": "chief-shebao"} if role in CHIEF_STEPS else {}
    return run(engine, service, Approve, now, request_id=request_id, approver_role=role,
               **user, **f)  # fmt: skip


def service_for(hall: HallConfig, profile: str) -> AttendanceService:
    settings = AttendanceSettings(profile=profile)
    return AttendanceService(
        hall.model_copy(update={"attendance": settings}), HallCalendar(), EventFactory("t")
    )


def run(
    engine: Engine, service: AttendanceService, model: type[Command], now: dt.datetime, **f: Any
) -> Outcome:
    with engine.begin() as conn:
        return service.handle(conn, model(id=f"c{next(_ids)}", **f), now)


def day_status(engine: Engine, service: AttendanceService, now: dt.datetime, staff: str) -> str:
    result = run(engine, service, MonthReportQuery, now, month="2026-11", days=True).result
    assert result is not None
    return str(
        result.model_dump(mode="json")["staff"][staff]["days"][TUESDAY.isoformat()]["status"]
    )


def leave(engine: Engine, service: AttendanceService, now: dt.datetime, **f: Any) -> str:
    fields = {
        "staff_id": "S001",
        "kind": "personal",
        "start": at(TUESDAY, "00:00"),
        "end": at(TUESDAY, "23:59:59"),
        **f,
    }
    outcome = run(engine, service, WriteoffRequest, now, **fields)
    assert outcome.result is not None, outcome.error
    return str(outcome.result.model_dump(mode="json")["request_id"])


def test_qujiang_needs_a_substitute_before_the_window_lead_signs(
    engine: Engine, hall: HallConfig
) -> None:
    """A5 衢江: from 1 day a named substitute (顶岗) comes before any approval."""
    service = service_for(hall, "qujiang")
    now = at(TUESDAY, "08:00")
    request_id = leave(engine, service, now)
    alone = sign(engine, service, now, request_id, "window_lead")
    assert alone.error is not None and alone.error[0] == "approval_refused"
    assert "顶岗" in alone.error[1]
    named = sign(engine, service, now, request_id, "window_lead", substitute="S002")
    assert (
        named.result is not None
        and named.result.model_dump(mode="json")["next_role"] == "centre_deputy"
    )
    assert named.result.model_dump(mode="json")["substitute"] == "S002"
    done = sign(engine, service, now, request_id, "centre_deputy")
    assert done.result is not None and done.result.model_dump(mode="json")["status"] == "approved"
    assert day_status(engine, service, now + dt.timedelta(days=1), "S001") == "leave"


def test_emergency_leave_completed_in_time_becomes_leave(engine: Engine, hall: HallConfig) -> None:
    """A5 (第八条): reported by 09:30, signed within 3 workdays after it ends."""
    service = service_for(hall, "chengdong")
    request_id = leave(engine, service, at(TUESDAY, "09:10"), kind="sick", emergency=True)
    friday = at(TUESDAY + dt.timedelta(days=3), "10:00")
    assert day_status(engine, service, friday, "S001") == "absent"  # pending counts for nothing
    for role in ("chief_representative", "hall_centre"):
        sign(engine, service, friday, request_id, role)
    assert day_status(engine, service, friday, "S001") == "leave"


def test_emergency_leave_left_unsigned_past_its_deadline_is_absence(
    engine: Engine, hall: HallConfig
) -> None:
    service = service_for(hall, "chengdong")
    request_id = leave(engine, service, at(TUESDAY, "09:10"), kind="sick", emergency=True)
    listed = run(engine, service, ListRequests, at(TUESDAY, "12:00"), status="pending").result
    assert listed is not None and [
        r["request_id"] for r in listed.model_dump(mode="json")["requests"]
    ] == [request_id]
    monday = at(TUESDAY + dt.timedelta(days=6), "10:00")  # Wed, Thu, Fri have passed
    listed = run(engine, service, ListRequests, monday, status="rejected").result
    assert listed is not None and [
        r["request_id"] for r in listed.model_dump(mode="json")["requests"]
    ] == [request_id]
    for role in ("chief_representative", "hall_centre"):
        sign(engine, service, monday, request_id, role)
    assert day_status(engine, service, monday, "S001") == "absent"


def test_a_punch_on_a_rest_day_is_recorded_and_published_without_minutes(
    engine: Engine, hall: HallConfig
) -> None:
    """A Saturday punch counts for nothing (no minutes): it used to fail at publish time,
    where its event required minutes, and the punch was lost with an internal error."""
    from bus.models.attendance import Punch
    from bus.models.events import PunchAccepted, PunchData

    service = service_for(hall, "chengdong")
    saturday = at(dt.date(2026, 11, 28), "10:02")
    outcome = run(
        engine, service, Punch, saturday, staff_id="S001", time=saturday, source="face",
        device="terminal-1",
    )  # fmt: skip
    assert outcome.error is None
    (publication,) = outcome.publications
    assert isinstance(publication.payload, PunchAccepted)
    assert isinstance(publication.payload.data, PunchData)
    assert publication.payload.data.minutes is None
