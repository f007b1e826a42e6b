"""Helpers for the attendance tests through the real controller and Mosquitto."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bus.models.base import ErrorBody, Reply
from hall.cli import main as hall_main
from store import tables
from store.database import DB_FILENAME
from tests.integration.harness import ControllerThread, Node

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY = dt.date(2026, 11, 24)


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), SHANGHAI)


Running = tuple[ControllerThread, Node]


def ok(reply: Reply) -> dict[str, Any]:
    """The result of a reply that must have succeeded."""
    assert reply.ok and reply.result is not None, reply.error
    return reply.result.model_dump(mode="json")


def refused(reply: Reply) -> ErrorBody:
    """The error of a reply that must have been refused."""
    assert not reply.ok and reply.error is not None, reply.result
    return reply.error


def punch(node: Node, staff: str, when: dt.datetime, **extra: Any) -> Reply:
    fields = {"staff_id": staff, "time": when.isoformat(), "source": "face"}
    fields.setdefault("device", "terminal-1")
    fields.update(extra)
    return node.send("att", "punch", **fields)


def punch_rows(controller: ControllerThread) -> list[dict[str, Any]]:
    with controller.engine.connect() as conn:
        rows = conn.execute(sa.select(tables.punches).order_by(tables.punches.c.seq))
        return [dict(r) for r in rows.mappings()]


def report(node: Node, month: str = "2026-11") -> dict[str, Any]:
    return ok(node.send("att", "report", month=month, days=True))


def run_hall(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = hall_main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def sick_day(node: Node, staff: str, day: dt.date) -> Reply:
    return node.send(
        "att",
        "request",
        staff_id=staff,
        kind="sick",
        start=at(day, "00:00").isoformat(),
        end=at(day, "23:59:59").isoformat(),
        reason="发烧",
    )


def chief_signs(running: Running, verb: str, request_id: str, department: str) -> Reply:
    """The department's chief approves (or rejects) the step waiting, signed in as themselves
    (the ``acting_user`` the console sends; the manager's credentials do not sign it)."""
    from bus.models.attendance import Approve, Reject

    controller, node = running
    user = f"chief-{department}"
    added = node.send("users", "add", user=user, role="chief", department=department,
                      display_name=f"{department} 首席", password="chief-pass-123")  # fmt: skip
    assert added.ok or (added.error is not None and added.error.code == "user_exists"), added.error
    model = Approve if verb == "approve" else Reject
    cmd = model(id=f"{user}-{request_id}-{verb}", request_id=request_id, acting_user=user)
    reply: Reply = controller.call(lambda: controller.controller.execute(cmd))
    return reply


def backup(data_dir: Path, to: Path) -> Path:
    """A consistent copy of the live database (WAL included), as an operator would take."""
    to.mkdir(parents=True)
    source = sqlite3.connect(data_dir / DB_FILENAME)
    target = sqlite3.connect(to / DB_FILENAME)
    with target:
        source.backup(target)
    source.close()
    target.close()
    return to
