"""The controller on PostgreSQL (selected by a database URL, for multi-hall deployments)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
import sqlalchemy as sa

from bus.models.replies import IssueResult
from config.schema import HallConfig
from store.database import open_engine, schema_revision
from tests.conftest import Broker
from tests.integration.harness import ControllerThread, ManualClock, Node

pytestmark = pytest.mark.integration

START = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def test_migrations_tickets_and_restart_on_postgresql(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker, postgres: str
) -> None:
    clock = ManualClock(START)
    controller = ControllerThread(hall, tmp_path, mosquitto.url, clock, db_url=postgres).start()
    node = Node(hall, mosquitto.url)
    try:
        issued = [node.send("queue", "issue", service="B01") for _ in range(2)]
        assert [reply.result_as(IssueResult).ticket for reply in issued] == [
            "B001",
            "B002",
        ]
        assert node.send("queue", "issue", service="B01", id="same").ok
        assert node.send("queue", "issue", service="B01", id="same").ok  # applied once
        controller.stop()
        controller = ControllerThread(hall, tmp_path, mosquitto.url, clock, db_url=postgres).start()
        assert node.send("queue", "issue", service="B02").result_as(IssueResult).ticket == "B004"
    finally:
        node.close()
        controller.stop()
    engine = open_engine(url=postgres)
    try:
        assert schema_revision(engine) is not None
        with engine.connect() as conn:
            audited = conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar()
        assert audited == 4  # four applied issues; the resend was answered from the store
    finally:
        engine.dispose()
