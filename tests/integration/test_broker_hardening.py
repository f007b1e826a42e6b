"""The generated broker keeps what it must (retained state over a restart) and refuses what
it must not take (a packet over ``MAX_PACKET_BYTES``, anonymous clients by default)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from bus import topics
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from controller.broker import (
    DEFAULT_BROKER_USER,
    INSECURE_WARNING,
    MAX_PACKET_BYTES,
    BrokerFiles,
    free_port,
    write_broker_config,
)
from tests.conftest import REPO, Broker, start_mosquitto
from tests.waiting import wait_for_port, wait_until

pytestmark = pytest.mark.integration


def _secret(files: BrokerFiles, user: str) -> str:
    return (files.credentials_dir / f"{user}.secret").read_text().strip()


def _client(port: int, user: str | None, password: str | None) -> mqtt.Client:
    """A raw MQTT 5 client (not PahoBus: these tests look at the broker's reason codes)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if user is not None:
        client.username_pw_set(user, password)
    return client


class Observer:
    """The manager's user, subscribed to the whole hall: what any subscriber could get."""

    def __init__(self, hall: HallConfig, port: int, files: BrokerFiles) -> None:
        self.messages: list[tuple[str, int, bytes]] = []
        self._ready = threading.Event()
        self.client = _client(port, MANAGER_USER, _secret(files, MANAGER_USER))
        self.client.on_subscribe = lambda *_args: self._ready.set()
        self.client.on_message = lambda _c, _u, m: self.messages.append(
            (m.topic, len(m.payload), bytes(m.payload[:32]))
        )
        self.client.on_connect = lambda c, *_args: c.subscribe(topics.everything(hall.hall_id), 1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._ready.wait(10), "the manager could not subscribe"

    def heard(self, topic: str, start: bytes) -> bool:
        return any(t == topic and head.startswith(start) for t, _n, head in self.messages)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def secured(hall: HallConfig, tmp_path: Path) -> Iterator[tuple[Broker, BrokerFiles]]:
    port = free_port()
    run_as = "root" if os.geteuid() == 0 else None  # tmp_path is private to root
    files = write_broker_config(
        hall, tmp_path / "broker", port=port, persistence=False, run_as=run_as
    )
    broker = start_mosquitto(tmp_path, files.config, port)
    yield broker, files
    broker.process.terminate()
    broker.process.wait(10)


def test_packet_over_the_limit_is_refused_and_reaches_nobody(
    secured: tuple[Broker, BrokerFiles], hall: HallConfig
) -> None:
    """A kiosk with its real credentials sends 2 MiB (as large as a face-template store),
    then one byte over ``MAX_PACKET_BYTES``: the first arrives, the second is cut off with
    a reason code of 0x80 or more and nothing of it reaches a subscriber."""
    broker, files = secured
    topic = topics.node_status(hall.hall_id, "kiosk-1")  # a topic the kiosk may write
    observer = Observer(hall, broker.port, files)
    kiosk = _client(broker.port, "kiosk-1", _secret(files, "kiosk-1"))
    closed: list[ReasonCode] = []
    acked: list[ReasonCode] = []
    kiosk.on_disconnect = lambda _c, _u, _f, rc, _p: closed.append(rc)
    kiosk.on_publish = lambda _c, _u, _mid, rc, _p: acked.append(rc)
    kiosk.reconnect_delay_set(60, 60)  # once cut off, stay off: the test counts one session
    try:
        kiosk.connect("127.0.0.1", broker.port)
        kiosk.loop_start()
        kiosk.publish(topic, b"L" * (2 * 1024 * 1024), qos=1).wait_for_publish(10)
        wait_until(lambda: observer.heard(topic, b"LLLL"))
        assert acked and not acked[-1].is_failure
        kiosk.publish(topic, b"X" * (MAX_PACKET_BYTES + 1), qos=1)
        wait_until(lambda: closed, timeout=20)
        assert closed[0].value >= 0x80, closed[0]  # 0x95: packet too large
        assert len(acked) == 1, acked  # the oversized packet was never acknowledged
        # Ordered after the refused packet: once the sentinel is heard, the other would be.
        controller = _client(broker.port, "controller", _secret(files, "controller"))
        controller.connect("127.0.0.1", broker.port)
        controller.loop_start()
        sentinel = topics.node_status(hall.hall_id, "controller")
        controller.publish(sentinel, b"sentinel", qos=1).wait_for_publish(10)
        wait_until(lambda: observer.heard(sentinel, b"sentinel"))
        controller.disconnect()
        controller.loop_stop()
        assert not observer.heard(topic, b"XXXX")
        assert max(n for _t, n, _h in observer.messages) < MAX_PACKET_BYTES
    finally:
        kiosk.loop_stop()
        observer.close()


def test_limit_is_in_the_generated_config(hall: HallConfig, tmp_path: Path) -> None:
    files = write_broker_config(hall, tmp_path / "broker", port=1884, persistence=False)
    assert f"max_packet_size {MAX_PACKET_BYTES}\n" in files.config.read_text()
    assert "set_tcp_nodelay true\n" in files.config.read_text()  # the broker's side of Nagle off


@pytest.fixture
def reachable_dir() -> Iterator[Path]:
    """A folder the ``mosquitto`` user can reach (pytest's are private to root), so the
    broker drops to its own user as in production."""
    base = Path(tempfile.mkdtemp(prefix="servicehall-broker-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_retained_state_survives_a_broker_restart(
    hall: HallConfig, reachable_dir: Path
) -> None:
    """Persistence as production runs it: Mosquitto started as root drops to ``mosquitto``,
    which owns the persistence directory, saves at SIGTERM and loads it again."""
    port = free_port()
    files = write_broker_config(hall, reachable_dir / "broker", port=port)
    data = files.config.parent / "data"
    if os.geteuid() == 0:
        assert data.stat().st_uid == pwd.getpwnam(DEFAULT_BROKER_USER).pw_uid
    topic = topics.window_state(hall.hall_id, "W01")
    broker = start_mosquitto(reachable_dir, files.config, port)
    try:
        res = subprocess.run(
            ["mosquitto_pub", "-V", "mqttv5", "-p", str(port), "-u", "controller",
             "-P", _secret(files, "controller"), "-q", "1", "-r", "-t", topic,
             "-m", '{"kept": true}'],
            capture_output=True, text=True, timeout=10,
        )
        assert res.returncode == 0, res.stderr
        broker.process.send_signal(signal.SIGTERM)  # Mosquitto saves on its way out
        broker.process.wait(10)
        assert (data / "mosquitto.db").exists(), broker.log_file.read_text()
        assert "Error saving" not in broker.log_file.read_text()
        broker = start_mosquitto(reachable_dir, files.config, port)
        got = subprocess.run(
            ["mosquitto_sub", "-V", "mqttv5", "-p", str(port), "-u", MANAGER_USER,
             "-P", _secret(files, MANAGER_USER), "-t", topic, "-C", "1", "-W", "5"],
            capture_output=True, text=True, timeout=15,
        )
        assert got.stdout.strip() == '{"kept": true}', (got.stdout, got.stderr)
    finally:
        broker.process.terminate()
        broker.process.wait(10)


def _broker_run(tmp_path: Path, *extra: str) -> tuple[int, subprocess.Popen[str]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hall.cli", "broker", "run", "--config", "chengdong",
         "--dir", str(tmp_path / "broker"), "--port", str(port), *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert wait_for_port(port), proc.stderr.read() if proc.stderr else ""
    return port, proc


def _anonymous_publish(port: int) -> int:
    return subprocess.run(
        ["mosquitto_pub", "-V", "mqttv5", "-p", str(port), "-q", "1", "-t", "x", "-m", "y"],
        capture_output=True, timeout=10,
    ).returncode


def test_broker_run_is_secure_unless_told_insecure(tmp_path: Path) -> None:
    port, proc = _broker_run(tmp_path)
    try:
        assert _anonymous_publish(port) != 0
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "credentials" in out and INSECURE_WARNING not in out + err
    port, proc = _broker_run(tmp_path, "--insecure")
    try:
        assert _anonymous_publish(port) == 0
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert INSECURE_WARNING in err
