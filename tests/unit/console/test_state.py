"""The console's live cache: typed views kept, every change numbered, resume or refresh."""

from __future__ import annotations

import asyncio

import pytest

from bus.models.views import WindowStatus
from config.schema import HallConfig
from console.state import HallState
from tests.unit.console.helpers import Console, issued
from tests.viewdata import current


def test_retained_window_view_is_kept_typed_and_numbered(hall: HallConfig) -> None:
    c = Console(hall)
    before = c.state.seq
    c.publish_window(current=current("C007"))
    assert c.state.windows["W03"].current is not None
    assert c.state.windows["W03"].current.ticket == "C007"
    assert c.state.seq == before + 1
    assert c.state.event_id == f"{c.state.epoch}-{c.state.seq}"


def test_a_client_resuming_gets_only_the_parts_it_missed(hall: HallConfig) -> None:
    c = Console(hall)
    seen = c.state.event_id
    c.publish_window(status=WindowStatus.PAUSED)
    c.node("kiosk-1", "offline")
    assert c.state.changes_since(seen) == frozenset({"window:W03", "windows", "nodes"})
    assert c.state.changes_since(c.state.event_id) == frozenset()


def test_an_id_of_an_earlier_run_or_off_the_ring_means_a_full_refresh(hall: HallConfig) -> None:
    c = Console(hall)
    state = HallState(c.bus, hall, ring=3)
    old = state.event_id
    for _ in range(5):
        state.touch("queue")
    assert state.changes_since(old) is None  # fell off the ring
    assert state.changes_since(f"{state.seq - 2}") is None  # no epoch
    assert state.changes_since(f"deadbeef-{state.seq}") is None  # an earlier run
    assert state.changes_since(None) is None
    assert state.changes_since(f"{state.epoch}-{state.seq - 1}") == frozenset({"queue"})


def test_events_track_waiting_skipped_and_todays_counts(hall: HallConfig) -> None:
    c = Console(hall)
    c.publish_event("ticket.issued", issued("C001", minutes_ago=40), seq=1)
    c.publish_event("ticket.issued", issued("C002", minutes_ago=10), seq=2)
    c.publish_event("ticket.issued", issued("C002", minutes_ago=10), seq=2)  # a duplicate
    assert [t.ticket for t in c.state.waiting(["C"])] == ["C001", "C002"]
    assert c.state.day_tickets.counters().issued == 2
    longest = c.state.longest_wait("C")
    assert longest is not None and longest.total_seconds() == 40 * 60
    skipped = {
        "ticket": "C001", "key": "2026-11-24/C001", "category": "C", "service_name": "抵押登记",
        "department": "budongchan", "department_name": "不动产登记", "windows": (3,),
        "priority": False, "window": "W03",
    }
    c.publish_event("ticket.skipped", skipped, seq=3)
    assert [t.ticket for t in c.state.skipped(["C"])] == ["C001"]
    assert [t.ticket for t in c.state.waiting(["C"])] == ["C002"]


def test_connection_loss_and_the_controllers_will_make_the_console_lost(hall: HallConfig) -> None:
    c = Console(hall)
    assert c.state.connected and c.state.controller_online and not c.state.lost
    c.node("controller", "offline")
    assert c.state.lost
    c.node("controller", "online")
    c.bus.drop()
    assert c.state.lost


@pytest.mark.expect_log("WARNING", "ignored unreadable message", logger="console.state")
def test_an_unreadable_view_is_logged_and_changes_nothing(hall: HallConfig) -> None:
    c = Console(hall)
    seq = c.state.seq
    c.controller.publish("hall/chengdong/state/queue", b'{"v": 1, "nonsense": true}', retain=True)
    assert c.state.queue is None and c.state.seq == seq


def test_wait_wakes_on_a_change_and_times_out_otherwise(hall: HallConfig) -> None:
    c = Console(hall)

    async def scenario() -> tuple[bool, bool]:
        seq = c.state.seq
        quiet = await c.state.wait(seq, 0.01)
        loop = asyncio.get_running_loop()
        loop.call_later(0.01, c.state.touch, "queue")
        woke = await c.state.wait(seq, 2)
        return quiet, woke

    assert asyncio.run(scenario()) == (False, True)
