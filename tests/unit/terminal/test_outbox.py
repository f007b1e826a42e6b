"""The offline outbox and its sender: durable before sending, in order, exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bus.testing import FakeBroker
from terminal.clock import ClockState
from terminal.outbox import Outbox
from terminal.sender import OutboxSender
from tests.conftest import REPO
from tests.unit.terminal.helpers import HALL, SHANGHAI, FakeIntake

AT = dt.datetime(2026, 11, 2, 8, 55, tzinfo=SHANGHAI)
SYNCED = ClockState(True, True, 0.4)


def _append(outbox: Outbox, staff: str, minutes: int = 0) -> str:
    entry = outbox.append(
        staff,
        "face",
        "terminal-1",
        AT + dt.timedelta(minutes=minutes),
        100.0 + minutes,
        "boot-1",
        SYNCED,
    )
    return entry.id


def test_a_punch_carries_its_time_clock_state_and_boot_as_sent(tmp_path: Path) -> None:
    """What the controller receives: the terminal's aware time, monotonic, boot id, sync."""
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    entry = outbox.append(
        "S001", "fingerprint", "terminal-1", AT, 12.5, "boot-1", ClockState(False, None, 185.0)
    )
    cmd = entry.command()
    assert (cmd.staff_id, cmd.source, cmd.device) == ("S001", "fingerprint", "terminal-1")
    assert cmd.time == AT and cmd.time.utcoffset() == dt.timedelta(hours=8)
    assert (cmd.monotonic, cmd.boot_id, cmd.clock_synced) == (12.5, "boot-1", False)
    again = Outbox(tmp_path / "outbox.sqlite3").get(entry.id)
    assert again is not None and again.beacon_offset_s == 185.0 and again.ntp_synced is None
    with pytest.raises(ValueError, match="aware"):
        outbox.append("S001", "face", "t", AT.replace(tzinfo=None), 1.0, "b", SYNCED)


def test_outbox_file_is_wal_with_full_sync_and_private(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    assert outbox._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    _append(outbox, "S001")
    for name in ("outbox.sqlite3", "outbox.sqlite3-wal"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_punches_wait_while_offline_and_go_in_order_exactly_once(tmp_path: Path) -> None:
    """Broker down → queued → broker back → sent oldest first; a second round sends nothing."""
    broker = FakeBroker()
    intake = FakeIntake(broker)
    bus = broker.client(HALL, "terminal-1")
    bus.start()
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    sender = OutboxSender(outbox, bus)

    bus.drop()
    ids = [_append(outbox, staff, i) for i, staff in enumerate(["S001", "S002", "S001"])]
    report = asyncio.run(sender.drain())
    assert report.stopped == "offline" and intake.stored == []
    assert outbox.pending_count() == 3

    bus.restore()
    report = asyncio.run(sender.drain())
    assert report.sent == ids and report.stopped is None
    assert intake.stored_ids == ids
    assert [p["staff_id"] for p in intake.stored] == ["S001", "S002", "S001"]
    assert outbox.counts() == {"pending": 0, "sent": 3, "refused": 0}

    asyncio.run(sender.drain())
    assert sum(intake.received.values()) == 3, "nothing is sent twice once acknowledged"


def test_controller_down_keeps_the_punch_and_the_same_id_is_resent(tmp_path: Path) -> None:
    """No reply (controller down, or the reply lost) leaves the punch queued; the resend has
    the same id, so the controller's idempotent intake stores it once."""
    broker = FakeBroker()
    intake = FakeIntake(broker)
    bus = broker.client(HALL, "terminal-1")
    bus.start()
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    sender = OutboxSender(outbox, bus)
    first, second = _append(outbox, "S001"), _append(outbox, "S002", 1)

    intake.swallow_replies = 1  # the controller stored it, the reply never arrived
    report = asyncio.run(sender.drain())
    assert report.stopped == "timeout" and report.sent == []
    assert intake.received[second] == 0, "order: the next punch waits for the first"
    entry = outbox.get(first)
    assert entry is not None and entry.state == "pending" and entry.attempts == 1

    report = asyncio.run(sender.drain())
    assert report.sent == [first, second]
    assert intake.received[first] == 2 and intake.stored_ids == [first, second]


@pytest.mark.expect_log(
    "WARNING", r"refused punch \S+ of S999: unknown_staff", logger="terminal.sender"
)
def test_a_refused_punch_is_kept_with_its_reason_and_does_not_block_the_rest(
    tmp_path: Path,
) -> None:
    broker = FakeBroker()
    intake = FakeIntake(broker, known={"S001"})
    bus = broker.client(HALL, "terminal-1")
    bus.start()
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    sender = OutboxSender(outbox, bus)
    stranger, good = _append(outbox, "S999"), _append(outbox, "S001", 1)

    report = asyncio.run(sender.drain())
    assert report.refused == [stranger] and report.sent == [good]
    refused = outbox.get(stranger)
    assert refused is not None and refused.state == "refused"
    assert refused.last_error is not None and refused.last_error.startswith("unknown_staff")
    asyncio.run(sender.drain())
    assert intake.received[stranger] == 1, "a refusal is not retried"


_CAPTURE = textwrap.dedent(
    """
    import datetime as dt, sys
    from terminal.clock import ClockState
    from terminal.outbox import Outbox
    outbox = Outbox(sys.argv[1])
    tz = dt.timezone(dt.timedelta(hours=8))
    for staff in ("S001", "S002"):
        entry = outbox.append(staff, "face", "terminal-1", dt.datetime.now(tz), 1.0, "b",
                              ClockState(True, True, 0.0))
        print(entry.id, flush=True)
    print("captured", flush=True)
    sys.stdin.read()  # the send would come next; we are killed before it
    """
)


def test_outbox_survives_kill_9_between_capture_and_send(tmp_path: Path) -> None:
    """A terminal killed right after taking punches sends them after it restarts, once."""
    path = tmp_path / "outbox.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CAPTURE, str(path)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline().strip() for _ in range(3)]
    assert lines[2] == "captured"
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL

    broker = FakeBroker()
    intake = FakeIntake(broker)
    bus = broker.client(HALL, "terminal-1")
    bus.start()
    outbox = Outbox(path)
    assert [e.id for e in outbox.entries("pending")] == lines[:2]
    report = asyncio.run(OutboxSender(outbox, bus).drain())
    assert report.sent == lines[:2] and intake.stored_ids == lines[:2]


def test_acknowledged_punches_are_forgotten_after_retention_refused_ones_are_kept(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    sent, refused, pending = (_append(outbox, s, i) for i, s in enumerate(["S1", "S2", "S3"]))
    outbox.mark_sent(sent, {"ok": True})
    outbox.mark_refused(refused, "unknown_staff", "未知人员", {"ok": False})
    assert outbox.prune_sent(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) == 0
    assert outbox.prune_sent(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == 1
    assert [(e.id, e.state) for e in outbox.entries()] == [
        (refused, "refused"),
        (pending, "pending"),
    ]
