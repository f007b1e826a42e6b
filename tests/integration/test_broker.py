"""The generated Mosquitto config: per-node users with least privilege (DESIGN.md, Security)."""

from __future__ import annotations

import functools
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bus import topics
from config.schema import HallConfig
from controller.broker import BrokerFiles, write_broker_config
from tests.conftest import Broker, start_mosquitto
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

Secured = tuple[Broker, BrokerFiles]
ACL_PROBE = '{"v":1,"id":"acl"}'


@pytest.fixture
def secured(hall: HallConfig, tmp_path: Path) -> Iterator[tuple[Broker, BrokerFiles]]:
    from controller.broker import free_port

    port = free_port()
    # The test's temporary folders are private to root: keep Mosquitto from dropping to its user.
    run_as = "root" if os.geteuid() == 0 else None
    files = write_broker_config(
        hall, tmp_path / "broker", port=port, persistence=False, run_as=run_as
    )
    broker = start_mosquitto(tmp_path, files.config, port)
    yield broker, files
    broker.process.terminate()
    broker.process.wait(10)


def _secret(files: BrokerFiles, user: str) -> str:
    return (files.credentials_dir / f"{user}.secret").read_text().strip()


def _as(tool: str, port: int, user: str, password: str, topic: str) -> list[str]:
    """A mosquitto_pub / mosquitto_sub command line for one broker user on one topic."""
    return [tool, "-V", "mqttv5", "-p", str(port), "-u", user, "-P", password, "-t", topic]


def _pub(
    port: int, user: str, password: str, topic: str, message: str = '{"v":1,"id":"acl"}'
) -> None:
    """Publish at QoS 1: mosquitto_pub returns once the broker has taken (or dropped) it."""
    subprocess.run(
        [*_as("mosquitto_pub", port, user, password, topic), "-q", "1", "-m", message],
        check=False,
        capture_output=True,
        timeout=10,
    )


def _received(port: int, files: BrokerFiles, topic: str, send: Callable[[], None]) -> bool:
    """Whether a message sent by ``send()`` reaches a reader of ``topic`` (the manager, who
    may read the whole hall).

    After ``send()`` has been acknowledged, the controller's own user publishes a sentinel on
    an event topic of its own the subscriber also listens to (one per call: the broker's log
    says when that subscription is in): the first message the subscriber sees tells whether
    ``send`` got through.
    """
    manager, controller = _secret(files, "manager"), _secret(files, "controller")
    sentinel = topics.event("chengdong", f"acl.sentinel-{uuid.uuid4().hex[:8]}")
    sub = subprocess.Popen(
        [
            *_as("mosquitto_sub", port, "manager", manager, topic),
            "-t",
            sentinel,
            "-C",
            "1",
            "-W",
            "10",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    broker_logs = files.config.parent.parent.glob
    wait_until(
        lambda: any(
            sentinel in p.read_text(errors="replace") for p in broker_logs("mosquitto-*.log")
        )
    )
    send()
    _pub(port, "controller", controller, sentinel, "sentinel")
    out, _ = sub.communicate(timeout=15)
    first = out.strip()
    assert first in (ACL_PROBE.encode(), b"sentinel"), f"the subscriber heard {first!r}"
    return first == ACL_PROBE.encode()


def test_every_node_has_its_own_secret_and_files_are_private(
    secured: Secured, hall: HallConfig
) -> None:
    _broker, files = secured
    secrets = {n.id: _secret(files, n.id) for n in hall.nodes}
    assert len(set(secrets.values())) == len(secrets)
    for path in (files.password_file, files.acl_file, *files.credentials_dir.iterdir()):
        assert path.stat().st_mode & 0o077 == 0, path
    assert all(s not in files.password_file.read_text() for s in secrets.values())


def test_kiosk_may_issue_but_not_punch_or_call(secured: Secured) -> None:
    broker, files = secured
    kiosk = _secret(files, "kiosk-1")
    issue = topics.command("chengdong", "kiosk-1", "queue", "issue")
    assert _received(broker.port, files, issue, lambda: _pub(broker.port, "kiosk-1", kiosk, issue))
    punch = topics.command("chengdong", "kiosk-1", "att", "punch")
    assert not _received(
        broker.port, files, punch, lambda: _pub(broker.port, "kiosk-1", kiosk, punch)
    )
    call = topics.command("chengdong", "kiosk-1", "queue", "call")
    assert not _received(
        broker.port, files, call, lambda: _pub(broker.port, "kiosk-1", kiosk, call)
    )


def test_a_node_writes_commands_only_as_itself(secured: Secured) -> None:
    """The sender in the topic is the broker user: kiosk-1 cannot send as kiosk-2, nor in the
    old shape without a sender."""
    broker, files = secured
    kiosk = _secret(files, "kiosk-1")
    for topic in (
        topics.command("chengdong", "kiosk-2", "queue", "issue"),
        topics.command("chengdong", "manager", "queue", "issue"),
        "hall/chengdong/cmd/queue/issue",
    ):
        assert not _received(
            broker.port, files, topic, functools.partial(_pub, broker.port, "kiosk-1", kiosk, topic)
        ), topic


def test_display_can_only_read_and_terminal_may_punch(secured: Secured) -> None:
    broker, files = secured
    display = _secret(files, "display-W03")
    issue = topics.command("chengdong", "display-W03", "queue", "issue")
    assert not _received(
        broker.port, files, issue, lambda: _pub(broker.port, "display-W03", display, issue)
    )
    punch = topics.command("chengdong", "terminal-1", "att", "punch")
    terminal = _secret(files, "terminal-1")
    assert _received(
        broker.port, files, punch, lambda: _pub(broker.port, "terminal-1", terminal, punch)
    )


def test_wrong_password_and_anonymous_are_refused(secured: Secured) -> None:
    broker, _files = secured
    for args in (["-u", "kiosk-1", "-P", "wrong"], []):
        res = subprocess.run(
            ["mosquitto_pub", "-V", "mqttv5", "-p", str(broker.port), *args, "-t", "x", "-m", "y"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert res.returncode != 0


def test_a_nodes_bridge_has_its_own_status_and_may_write_it(secured: Secured) -> None:
    """A kiosk app and its firmware bridge are both node kiosk-1; each says online/offline apart."""
    broker, files = secured
    kiosk = _secret(files, "kiosk-1")
    status = "hall/chengdong/node/kiosk-1.bridge/status"
    assert _received(
        broker.port, files, status, lambda: _pub(broker.port, "kiosk-1", kiosk, status)
    )
    other = "hall/chengdong/node/kiosk-2.bridge/status"
    assert not _received(
        broker.port, files, other, lambda: _pub(broker.port, "kiosk-1", kiosk, other)
    )


def test_controller_and_manager_cli_work_on_the_secured_broker(
    secured: Secured, hall: HallConfig, tmp_path: Path
) -> None:
    """Installed as install.sh does it: every process uses its own user, nothing anonymous."""
    import datetime as dt
    import sys
    import zoneinfo

    from tests.conftest import REPO
    from tests.integration.harness import ControllerThread, ManualClock

    broker, files = secured
    url = f"mqtt://controller:{_secret(files, 'controller')}@127.0.0.1:{broker.port}"
    clock = ManualClock(dt.datetime(2026, 11, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))
    controller = ControllerThread(hall, tmp_path / "data", url, clock).start()
    try:
        env = {
            **os.environ,
            "SERVICEHALL_MQTT_SECRET": str(files.credentials_dir / "manager.secret"),
        }
        res = subprocess.run(
            [
                sys.executable,
                "-m",
                "hall.cli",
                "notice",
                "push",
                "--config",
                "chengdong",
                "--broker",
                f"mqtt://127.0.0.1:{broker.port}",
                "--text",
                "测试公告",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert res.returncode == 0, res.stderr
        assert '"notice_id": "N0001"' in res.stdout
    finally:
        controller.stop()
