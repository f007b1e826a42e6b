"""Who signs a write-off (A5) is the signed-in user, never a role or name in the payload: a
chief signs the chief representative's step of their own department, the manager the hall
centre's; staff and patrol sign nothing; a step the user may not sign is refused in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from attendance.approvers import Signer, signing_step, waiting_for
from attendance.requests import RequestRefused
from bus.models.attendance import Approve, ListRequests, Reject, WriteoffRequest
from config.schema import HallConfig
from store.database import open_engine
from tests.unit.attendance_service.test_att_service_chain import (
    TUESDAY,
    add_users,
    at,
    leave,
    run,
    service_for,
)

NOW = at(TUESDAY, "08:00")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(tmp_path)
    add_users(engine)
    yield engine
    engine.dispose()


def _json(outcome: object) -> dict[str, Any]:
    result = getattr(outcome, "result", None)
    assert result is not None, getattr(outcome, "error", None)
    dumped: dict[str, Any] = result.model_dump(mode="json")
    return dumped


def _error(outcome: object) -> tuple[str, str]:
    error = getattr(outcome, "error", None)
    assert error is not None, "expected a refusal"
    return error[0], error[1]


def test_the_chief_signs_the_step_waiting_as_themselves(engine: Engine, hall: HallConfig) -> None:
    service = service_for(hall, "chengdong")
    request_id = leave(engine, service, NOW)  # S001, 社保
    signed = _json(run(engine, service, Approve, NOW, request_id=request_id,
                       acting_user="chief-shebao"))  # fmt: skip
    assert signed["next_role"] == "hall_centre"
    (signature,) = signed["approvals"]
    assert signature["role"] == "chief_representative" and signature["approver"] == "社保首席"
    done = _json(run(engine, service, Approve, NOW, request_id=request_id))  # the manager
    assert done["status"] == "approved"
    assert [a["approver"] for a in done["approvals"]] == ["社保首席", "中心管理员"]


def test_a_staff_member_cannot_approve_even_their_own(engine: Engine, hall: HallConfig) -> None:
    service = service_for(hall, "chengdong")
    request_id = leave(engine, service, NOW)
    for model in (Approve, Reject):
        code, message = _error(run(engine, service, model, NOW, request_id=request_id,
                                   acting_user="s001"))  # fmt: skip
        assert code == "not_an_approver"
        assert message.startswith("窗口人员（s001）不能审批核销申请")
    code, _ = _error(run(engine, service, Approve, NOW, request_id=request_id,
                         acting_user="patrol"))  # fmt: skip
    assert code == "not_an_approver"


def test_a_chief_approves_only_their_own_department(engine: Engine, hall: HallConfig) -> None:
    service = service_for(hall, "chengdong")
    request_id = leave(engine, service, NOW)  # S001 is 社保's, not 企业's
    code, message = _error(run(engine, service, Approve, NOW, request_id=request_id,
                               acting_user="chief-qiye"))  # fmt: skip
    assert code == "not_your_department"
    assert "不是本部门（qiye）人员的" in message
    other = leave(engine, service, NOW, staff_id="S005")  # 企业's
    assert _json(run(engine, service, Approve, NOW, request_id=other,
                     acting_user="chief-qiye"))["next_role"] == "hall_centre"  # fmt: skip


def test_a_mismatched_approver_role_is_refused(engine: Engine, hall: HallConfig) -> None:
    service = service_for(hall, "chengdong")
    request_id = leave(engine, service, NOW)
    as_chief = {"request_id": request_id, "acting_user": "chief-shebao"}
    code, message = _error(run(engine, service, Approve, NOW, **as_chief,
                               approver_role="hall_centre"))  # fmt: skip
    assert code == "approver_mismatch"
    assert message.startswith("您以首席代表身份登录，不能以“政务服务中心”签批")
    # The manager (the command line's credentials) does not sign the chief's step either.
    code, message = _error(run(engine, service, Approve, NOW, request_id=request_id,
                               approver_role="chief_representative"))  # fmt: skip
    assert code == "approver_mismatch"
    code, message = _error(run(engine, service, Approve, NOW, request_id=request_id))
    assert code == "not_your_step"
    assert "正等待“首席事务代表”审批" in message
    # A role no chain knows is refused as before.
    code, _ = _error(run(engine, service, Approve, NOW, request_id=request_id,
                         acting_user="chief-shebao", approver_role="section_chief"))  # fmt: skip
    assert code == "unknown_role"
    signed = _json(run(engine, service, Approve, NOW, **as_chief,
                       approver_role="chief_representative"))  # fmt: skip
    assert signed["next_role"] == "hall_centre"


def test_a_late_emergency_leave_is_flagged_by_the_time_it_arrived(
    engine: Engine, hall: HallConfig
) -> None:
    """The hall clock at receipt (10:15) decides, whatever the service is told; 09:20 is in
    time and is what the request records."""
    service = service_for(hall, "chengdong")
    late = run(engine, service, WriteoffRequest, at(TUESDAY, "10:15"), staff_id="S001", kind="sick",
               start=at(TUESDAY, "00:00"), end=at(TUESDAY, "23:59:59"), emergency=True)  # fmt: skip
    assert _error(late)[0] == "emergency_too_late"
    request_id = leave(engine, service, at(TUESDAY, "09:20"), kind="sick", emergency=True)
    listed = run(engine, service, ListRequests, at(TUESDAY, "12:00"), staff_id="S001").result
    assert listed is not None
    (request,) = [r for r in listed.model_dump(mode="json")["requests"]
                  if r["request_id"] == request_id]  # fmt: skip
    assert dt.datetime.fromisoformat(request["reported_at"]) == at(TUESDAY, "09:20")


def test_the_pure_rule_names_the_waiting_step_and_who_it_waits_for() -> None:
    chief = Signer("chief-shebao", "chief", "社保首席", "shebao")
    assert signing_step(chief, None, "window_lead", "R1", "shebao") == "window_lead"
    try:
        signing_step(chief, None, None, "R1", "shebao")
    except RequestRefused as refused:
        assert refused.code == "not_pending"
    else:
        raise AssertionError("a finished request has no step to sign")
    assert waiting_for("chief", "chief_representative")
    assert waiting_for("manager", "department_leader")
    assert not waiting_for("manager", "chief_representative")
    assert not waiting_for("staff", "chief_representative")
