"""A console started in the afternoon knows the morning: the day's tickets come from the
controller (``queue/today``), not only from the events heard since the console started."""

from __future__ import annotations

from pathlib import Path

from bus.models.replies import CallResult, StatsResult
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from controller.broker import free_port
from tests.conftest import start_mosquitto
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.ui.conftest import TUESDAY_0930
from tests.ui.console.harness import ConsoleThread
from tests.waiting import wait_until


def test_a_console_started_late_lists_the_days_tickets_and_counts_as_the_statistics(
    hall: HallConfig, tmp_path: Path
) -> None:
    broker = start_mosquitto(tmp_path)
    clock = ManualClock(TUESDAY_0930)
    controller = ControllerThread(hall, tmp_path, broker.url, clock).start()
    manager = Node(hall, broker.url, node=MANAGER_USER)
    evaluator = Node(hall, broker.url, node="evaluator-W03")
    console: ConsoleThread | None = None
    try:
        manager.staff_in("W03")
        for _ in range(4):
            assert manager.send("queue", "issue", service="B01").ok
        clock.advance(minutes=12)
        assert manager.send("queue", "call", window="W03").result_as(CallResult).ticket == "B001"
        clock.advance(minutes=8)
        assert manager.send("queue", "finish", window="W03").ok
        rated = evaluator.send("queue", "rate", window="W03", level=2, ticket="B001")
        assert rated.ok, rated.error
        clock.advance(minutes=1)
        assert manager.send("queue", "call", window="W03").ok
        assert manager.send("queue", "skip", window="W03").ok

        console = ConsoleThread(hall, broker.url, free_port()).start()
        state = console.state
        assert state is not None
        wait_until(lambda: state.day_tickets.loaded)
        assert [t.ticket for t in state.waiting(["B"])] == ["B003", "B004"]
        assert [t.ticket for t in state.skipped(["B"])] == ["B002"]
        assert state.day_tickets.window_counts("W03").ratings == [2]
        assert [b.ticket for b in state.day_tickets.bad_reviews()] == ["B001"]

        day = TUESDAY_0930.date().isoformat()
        stats = manager.send("queue", "stats", **{"from": day, "to": day})
        assert stats.ok, stats.error
        total = stats.result_as(StatsResult).total
        counters = state.day_tickets.counters()
        assert (counters.issued, counters.served, counters.skipped) == (
            total.issued, total.served, total.skipped
        ) == (4, 1, 1)
        assert counters.wait_mean_min == total.wait_mean_min
        assert counters.service_mean_min == total.service_mean_min == 8.0
        assert counters.satisfaction_rate == total.satisfaction_rate == 0.0

        assert manager.send("queue", "issue", service="B01").ok  # after the load: an event
        wait_until(lambda: [t.ticket for t in state.waiting(["B"])] == ["B003", "B004", "B005"])
        assert state.day_tickets.counters().issued == 5
    finally:
        if console is not None:
            console.stop()
        evaluator.close()
        manager.close()
        controller.stop()
        broker.process.terminate()
        broker.process.wait(timeout=10)
