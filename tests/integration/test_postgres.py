"""The controller on PostgreSQL (selected by a database URL, for multi-hall deployments)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
import sqlalchemy as sa

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
        assert [node.send("queue", "issue", service="B01").result["ticket"] for _ in range(2)] == [  # type: ignore[index]
            "B001",
            "B002",
        ]
        assert node.send("queue", "issue", service="B01", id="same").ok
        assert node.send("queue", "issue", service="B01", id="same").ok  # applied once
        controller.stop()
        controller = ControllerThread(hall, tmp_path, mosquitto.url, clock, db_url=postgres).start()
        assert node.send("queue", "issue", service="B02").result["ticket"] == "B004"  # type: ignore[index]
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
