"""The controller's retained state when one service cannot produce its own."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from bus import topics
from bus.models.base import Command
from bus.models.notices import PushNotice
from bus.testing import FakeBroker
from config.schema import HallConfig
from hall.compose import build_controller
from store.database import open_engine
from store.service import Outcome, Publication

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


class BrokenStartup:
    """A service whose retained state cannot be built (a face store that fails to seal)."""

    area = "broken"

    def load(self, conn: Connection, now: dt.datetime) -> None:
        return None

    def startup(self, now: dt.datetime) -> list[Publication]:
        raise RuntimeError("store unreadable")

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        return Outcome.refused("unknown_command", "未知命令 / unknown")

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        return None


@pytest.mark.expect_log(
    "ERROR", r"^retained state of broken not published", logger="controller.app"
)
def test_a_service_failing_to_publish_its_state_does_not_hold_back_the_others(
    hall: HallConfig, tmp_path: Path
) -> None:
    """On a reconnect the controller refills the retained topics; a service that raised
    there used to stop the loop, so the services after it and the time beacon stayed empty."""
    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    engine = open_engine(tmp_path)
    try:
        controller = build_controller(hall, engine, bus, lambda: NOW)
        # The broken service first, so that every real one comes after it.
        controller.services = {"broken": BrokenStartup(), **controller.services}
        controller.start()
        bus.start()  # connected: the listener publishes the state
        assert topics.time_beacon(hall.hall_id) in broker.retained
        assert controller.execute(PushNotice(id="n1", text="今日下午系统维护")).ok
        bus.drop()
        broker.retained.clear()  # a broker restarted without persistence
        bus.restore()
        assert topics.time_beacon(hall.hall_id) in broker.retained
        assert topics.notice(hall.hall_id, "N0001") in broker.retained
    finally:
        engine.dispose()


def test_a_stats_query_ending_before_it_starts_is_refused_in_chinese_and_english(
    hall: HallConfig, tmp_path: Path
) -> None:
    """The console shows the reply's message as it is: it was the CLI's "--to is before
    --from", in English only and naming options the console does not have."""
    from bus.models.queue import StatsQuery

    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    engine = open_engine(tmp_path)
    try:
        controller = build_controller(hall, engine, bus, lambda: NOW)
        controller.start()
        query = StatsQuery.model_validate({"id": "s1", "from": "2026-11-24", "to": "2026-11-23"})
        reply = controller.execute(query)
        assert not reply.ok and reply.error is not None
        assert reply.error.code == "invalid"
        assert reply.error.message == "结束日期早于开始日期 / to is before from"
    finally:
        engine.dispose()
