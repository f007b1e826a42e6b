"""The controller keeps the devices' state changes: a printer's fault and recovery, a node
going offline, across a controller restart, and ``devices/history`` answers who may ask."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from bus import topics
from bus.models.audit import DeviceHistoryQuery
from bus.models.devices import DeviceState, DeviceStatus
from bus.models.replies import DeviceHistoryResult
from bus.models.state import NodeStatus
from bus.models.users import AddUser
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from controller.app import Controller
from hall.compose import build_controller
from store.database import open_engine

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


def start(hall: HallConfig, broker: FakeBroker, data: Path, clock: Clock) -> Controller:
    bus = broker.client(hall.hall_id, "controller", role="controller")
    controller = build_controller(hall, open_engine(data), bus, clock)
    controller.start()
    bus.start()
    return controller


def history(c: Controller, user: str = "", **fields: object) -> DeviceHistoryResult:
    query = DeviceHistoryQuery.model_validate({"id": "h", **fields})
    reply = c.execute(
        query.model_copy(update={"acting_user": user or None}), "console" if user else None
    )
    assert reply.ok, reply.error
    return DeviceHistoryResult.model_validate(reply.result)


def printer(bridge: FakeBus, hall: HallConfig, state: DeviceState, detail: str = "") -> None:
    """What the kiosk's bridge publishes, as the simulator does: retained state."""
    topic = topics.device(hall.hall_id, "kiosk-1", "printer", "state")
    bridge.publish(topic, DeviceStatus(state=state, detail=detail, since=NOW), retain=True)


def test_a_fault_and_its_recovery_are_kept_across_a_restart(
    hall: HallConfig, tmp_path: Path
) -> None:
    broker, clock = FakeBroker(), Clock()
    c = start(hall, broker, tmp_path, clock)
    bridge = broker.client(hall.hall_id, "bridge-kiosk-1")
    bridge.start()
    printer(bridge, hall, DeviceState.OK)
    clock.now = NOW + dt.timedelta(minutes=5)
    printer(bridge, hall, DeviceState.PAPER_OUT, "缺纸")
    printer(bridge, hall, DeviceState.PAPER_OUT, "缺纸")  # said again: no new change
    clock.now = NOW + dt.timedelta(minutes=12)
    printer(bridge, hall, DeviceState.OK)
    got = history(c)
    changes = [(x.at, x.state, x.previous, x.fault, x.recovered) for x in got.changes]
    assert changes == [
        (NOW + dt.timedelta(minutes=12), "ok", "paper_out", False, True),
        (NOW + dt.timedelta(minutes=5), "paper_out", "ok", True, False),
    ]
    now = {(d.node, d.device): d for d in got.devices}
    assert now[("kiosk-1", "printer")].state == "ok"
    assert now[("kiosk-1", "printer")].seen_at == NOW + dt.timedelta(minutes=12)
    c.bus.stop()
    c.engine.dispose()
    # A restart: the retained "ok" comes again and is no change; the history is still there.
    clock.now = NOW + dt.timedelta(hours=1)
    again = start(hall, broker, tmp_path, clock)
    after = history(again)
    assert [x.state for x in after.changes] == ["ok", "paper_out"]
    assert {(d.node, d.device): d for d in after.devices}[("kiosk-1", "printer")].seen_at == (
        NOW + dt.timedelta(minutes=12)
    )
    # A node's last will is a fault of the node itself (device "").
    node = broker.client(hall.hall_id, "display-W01")
    node.start()
    status = topics.node_status(hall.hall_id, "display-W01")
    node.publish(status, NodeStatus(state="online", role="display", at=clock.now), retain=True)
    clock.now += dt.timedelta(minutes=1)
    node.publish(status, NodeStatus(state="offline", role="display"), retain=True)
    one = history(again, node="display-W01")
    assert [(x.device, x.state, x.fault) for x in one.changes] == [("", "offline", True)]
    assert [d.node for d in one.devices] == ["display-W01"]
    again.engine.dispose()


@pytest.mark.expect_log("WARNING", "refused devices/history", logger="controller.app")
def test_the_manager_chiefs_and_the_auditor_read_it_staff_and_patrol_not(
    hall: HallConfig, tmp_path: Path
) -> None:
    c = start(hall, FakeBroker(), tmp_path, Clock())
    for user, role, extra in (
        ("boss", "manager", {}),
        ("li", "auditor", {}),
        ("chief", "chief", {"department": "qiye"}),
        ("zhang", "staff", {"staff_id": "S001", "windows": ["W01"]}),
        ("wu", "patrol", {}),
    ):
        add = AddUser.model_validate(
            {"id": f"add-{user}", "user": user, "role": role, "password": "pass-word-1", **extra}
        )
        assert c.execute(add).ok
    for user in ("boss", "li", "chief"):
        assert history(c, user).changes == ()
    for user in ("zhang", "wu"):
        reply = c.execute(DeviceHistoryQuery(id=f"h-{user}", acting_user=user), "console")
        assert reply.error is not None and reply.error.code == "forbidden"
    c.engine.dispose()
