"""One node floods the controller through a real Mosquitto while another takes tickets: the
other keeps its latency, and every flood message gets its answer.

The flooder is a process of its own (as a misbehaving kiosk is), sending commands as fast
as it can (at least 3,000, and until kiosk-1 has its 50 tickets), one in ten not JSON, one
in ten nested 3,000 deep, one in ten on a topic outside the grammar. The controller's
intake refuses what is over kiosk-2's rate limit on paho's thread and serves kiosk-1 and
kiosk-2 in turns, so kiosk-1 waits for at most one of kiosk-2's commands. What the
controller cannot help is the broker's queue towards it: all messages to the controller
share one connection, and Mosquitto drops beyond its ``max_queued_messages`` (1,000 by
default) when a flood outpaces the controller's reading, whoever sent them; the hall's
generated broker config has a deeper queue (``controller/broker.py:MAX_QUEUED_MESSAGES``),
and this test runs on that config, every node with its own password. The topics outside
the grammar are refused by its ACL (PUBACK 0x87), and counted as answered.

``make soak`` floods for as long as ten times the valid issues take (a minute or so), at
``SOAK_FLOOD_RATE``: as fast as it can, a flood of that length would outgrow even the deep
queue (some 7,000 a second for a minute), and the broker would drop what is beyond it."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import subprocess
import sys
import time
import uuid
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from bus import topics
from bus.client import PahoBus
from bus.models.base import Reply
from config.schema import HallConfig
from tests.conftest import REPO
from tests.integration.harness import ControllerThread, ManualClock
from tests.integration.secure import SecureBroker, start_secure_broker
from tests.soaking import figures, scale

pytestmark = pytest.mark.integration

TUESDAY_0930 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
FLOOD = scale(3000, 30_000)
VALID_ISSUES = scale(50, 500)
SOAK_FLOOD_RATE = 2_000
"""Messages a second of the soak's flood: 100 times a node's rate limit, answered as they come."""
FLOOD_RATE = scale(0, SOAK_FLOOD_RATE)
"""0: as fast as the flooder can."""
ISSUE_INTERVAL_S = 0.1
"""kiosk-1 takes a ticket every 100 ms at most: a very busy kiosk, well inside its own rate
limit (20 a second), so that only the flood can be what slows it."""
P99_BOUND_S = 0.5
"""Asserted bound on a loaded 2-core CI box (issue #12 asks 200 ms of an idle one); the
measured p50 and p99 are printed."""


@pytest.fixture
def broker(hall: HallConfig, tmp_path: Path) -> Iterator[SecureBroker]:
    """Mosquitto on the hall's generated config (``hall broker config``): its queue towards
    each client is deep enough for a flood (see the module docstring)."""
    running = start_secure_broker(hall, tmp_path)
    yield running
    running.stop()


@pytest.fixture
def controller(
    hall: HallConfig, tmp_path: Path, broker: SecureBroker
) -> Iterator[ControllerThread]:
    running = ControllerThread(
        hall, tmp_path / "data", broker.url("controller"), ManualClock(TUESDAY_0930)
    ).start()
    yield running
    running.stop()


@pytest.mark.expect_log("WARNING", r"^kiosk-2 is over its rate limit", logger="controller.app")
@pytest.mark.expect_log("WARNING", r"^refused message on", logger="controller.app")
def test_a_flooding_node_does_not_delay_another_and_every_flood_message_is_answered(
    hall: HallConfig,
    broker: SecureBroker,
    controller: ControllerThread,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kiosk = PahoBus(hall.hall_id, "kiosk-1", broker.url("kiosk-1"), role="kiosk")
    kiosk.start()
    assert kiosk.wait_connected(10)
    stop = tmp_path / "stop-flooding"
    flooder = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.flooder", broker.url("kiosk-2"), hall.hall_id,
         "kiosk-2", str(FLOOD), str(stop), *([str(FLOOD_RATE)] if FLOOD_RATE else [])],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert flooder.stdout is not None and flooder.stdout.readline().strip() == "ready"
        flood_started = time.monotonic()
        latencies, starts = [], []
        issue = topics.command(hall.hall_id, "kiosk-1", "queue", "issue")
        for i in range(VALID_ISSUES):
            # Pacing, not waiting for an event: the next citizen's touch on the screen.
            time.sleep(max(0.0, flood_started + i * ISSUE_INTERVAL_S - time.monotonic()))
            started = time.monotonic()
            reply = kiosk.request(issue, {"v": 1, "id": uuid.uuid4().hex, "service": "A01"}, 10)
            body = Reply.model_validate_json(reply.result(11).payload)
            latencies.append(time.monotonic() - started)
            starts.append(started)
            assert body.ok, body.error
        stop.touch()
        out, _err = flooder.communicate(timeout=120)
    finally:
        stop.touch()
        if flooder.poll() is None:
            flooder.kill()
        kiosk.stop()
    report = json.loads(out.strip().splitlines()[-1])
    flood_ended = flood_started + report["seconds"]
    during = [lat for lat, at in zip(latencies, starts, strict=True) if at < flood_ended]
    p50 = statistics.median(latencies)
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98]
    figures(
        capsys,
        "flood + latency",
        (
            f"flood of {report['sent']} messages in {report['seconds']} s; {len(during)} of "
            f"{VALID_ISSUES} valid issues sent during it: latency p50 {p50 * 1000:.1f} ms, p99 "
            f"{p99 * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms (during the flood: max "
            f"{max(during, default=0) * 1000:.1f} ms); answers {report['codes']}, missing "
            f"{report['missing']}"
        ),
    )
    assert len(during) == VALID_ISSUES, "the flood ended before the valid issues did"
    assert p99 < P99_BOUND_S
    assert report["missing"] == 0
    codes = report["codes"]
    assert codes.get("rate_limited", 0) > 0
    assert {"bad_json", "too_deep", "puback_0x87", "unknown_service"} <= codes.keys()
    counted = controller.call(lambda: controller.controller.counters)
    reached = report["sent"] - codes["puback_0x87"]  # the ACL's refusals never reach it
    assert sum(counted.values()) == reached - codes["unknown_service"]
