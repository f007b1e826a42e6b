"""kill -9 of the controller process while kiosks issue tickets, round after round: every
acknowledged ticket is in the store exactly once, and no number is given twice.

Two kiosks (their own passwords, the generated secure broker config) issue tickets as fast
as they get replies; each round waits for a few more acknowledgements, kills the
``hall controller`` process with SIGKILL and starts it again. A kiosk whose request timed out
resends the same command id (as a kiosk's retry does), so a command applied before the kill
but not answered is answered from the store afterwards, not applied twice. ``ROUNDS``: 3 in
``make test``, 30 in ``make soak``.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import uuid
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bus import topics
from bus.client import PahoBus
from bus.models.base import Reply
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from store import tables
from store.database import open_engine
from tests.integration.harness import Node, controller_process
from tests.integration.secure import SecureBroker, start_secure_broker
from tests.soaking import figures, scale
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

HALL = "chengdong"
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
ROUNDS = scale(3, 30)
ACKS_PER_ROUND = 4
"""Acknowledged tickets (all kiosks together) between two kills."""
KIOSKS = ("kiosk-1", "kiosk-2")
SERVICES = ("A01", "B01", "C01", "D01", "E01")
REQUEST_TIMEOUT_S = 2.0


class Kiosk(threading.Thread):
    """Issues tickets until told to stop; keeps what was acknowledged."""

    def __init__(self, node: str, secure: SecureBroker, service: str) -> None:
        super().__init__(daemon=True, name=node)
        self.bus = PahoBus(HALL, node, secure.url(node), role="kiosk")
        self.bus.start()
        assert self.bus.wait_connected(10)
        self.node = node
        self.service = service
        self.acknowledged: list[str] = []
        self.retries = 0
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def run(self) -> None:
        topic = topics.command(HALL, self.node, "queue", "issue")
        while not self.stopping.is_set():
            payload = {"v": 1, "id": uuid.uuid4().hex, "service": self.service}
            while not self.stopping.is_set():
                try:
                    future = self.bus.request(topic, payload, REQUEST_TIMEOUT_S)
                    reply = Reply.model_validate_json(future.result(REQUEST_TIMEOUT_S + 1).payload)
                except Exception:  # timed out (the controller is down): the same id again
                    self.retries += 1
                    continue
                assert reply.ok, reply.error
                assert reply.result is not None
                with self._lock:
                    self.acknowledged.append(reply.result.model_dump(mode="json")["ticket"])
                break

    def close(self) -> None:
        self.stopping.set()
        self.join(REQUEST_TIMEOUT_S * 3)
        self.bus.stop()


def _stored_tickets(data_dir: Path) -> list[str]:
    engine = open_engine(data_dir)
    try:
        q = tables.queue_records.c
        with engine.connect() as conn:
            rows = conn.execute(sa.select(q.data).where(q.kind == "ticket"))
            return [str(r.data["number"]) for r in rows]
    finally:
        engine.dispose()


@pytest.fixture
def secure(hall: HallConfig, tmp_path: Path) -> Iterator[SecureBroker]:
    running = start_secure_broker(hall, tmp_path)
    yield running
    running.stop()


def test_kill_9_rounds_under_load_lose_and_duplicate_nothing(
    hall: HallConfig, secure: SecureBroker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "controller.log"
    status = topics.node_status(HALL, "controller")
    watcher = Node(hall, secure.url(MANAGER_USER))

    def acks() -> int:
        return sum(k.count() for k in kiosks)

    def acked(target: int) -> None:
        wait_until(lambda: acks() >= target, timeout=60)

    def online_again(starts: int) -> None:
        wait_until(lambda: online() >= starts, timeout=30)

    def online() -> int:
        return sum(
            1 for m in watcher.messages(status) if m.payload and m.json()["state"] == "online"
        )

    proc = controller_process(data_dir, secure.url("controller"), NOW, log)
    kiosks: list[Kiosk] = []
    try:
        online_again(1)
        kiosks = [Kiosk(n, secure, SERVICES[i]) for i, n in enumerate(KIOSKS)]
        for kiosk in kiosks:
            kiosk.start()
        for round_ in range(ROUNDS):
            acked(acks() + ACKS_PER_ROUND)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            proc = controller_process(data_dir, secure.url("controller"), NOW, log)
            online_again(round_ + 2)  # one online per start
        acked(acks() + ACKS_PER_ROUND)  # and it works after the last
    finally:
        for kiosk in kiosks:
            kiosk.close()
        proc.terminate()
        proc.wait(10)
        watcher.close()
    acknowledged = [t for k in kiosks for t in k.acknowledged]
    stored = _stored_tickets(data_dir)
    lost = sorted(set(acknowledged) - set(stored))
    duplicated = sorted({t for t in stored if stored.count(t) > 1})
    figures(
        capsys,
        "kill -9 rounds",
        f"{ROUNDS} rounds, {len(KIOSKS)} kiosks: {len(acknowledged)} acknowledged, "
        f"{len(stored)} stored ({len(stored) - len(set(acknowledged))} applied but never "
        f"answered), lost {len(lost)}, duplicated {len(duplicated)}, acknowledged twice "
        f"{len(acknowledged) - len(set(acknowledged))}, resends {sum(k.retries for k in kiosks)}",
    )
    assert lost == [] and duplicated == []
    assert len(acknowledged) == len(set(acknowledged))
    assert "Traceback" not in log.read_text(errors="replace")
