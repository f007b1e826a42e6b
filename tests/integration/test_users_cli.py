"""``hall users`` as the manager runs it: a process, a real Mosquitto, the controller."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.schema import HallConfig
from tests.conftest import REPO, Broker
from tests.integration.harness import ControllerThread, ManualClock

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def controller(hall: HallConfig, tmp_path: Path, mosquitto: Broker) -> Iterator[ControllerThread]:
    running = ControllerThread(hall, tmp_path / "data", mosquitto.url, ManualClock(NOW)).start()
    yield running
    running.stop()


def _hall_users(broker: Broker, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hall.cli", "users", *args, "--broker", broker.url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_the_first_manager_is_added_and_listed_without_a_hash(
    controller: ControllerThread, mosquitto: Broker, tmp_path: Path
) -> None:
    secret = tmp_path / "password"
    secret.write_text("Hall-Manager-2026\n")
    added = _hall_users(
        mosquitto, "add", "admin", "--role", "manager", "--display-name", "王主任",
        "--password-file", str(secret),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("已添加用户 / user added: admin（王主任），中心管理员 manager")
    staff = _hall_users(
        mosquitto, "add", "zhangmin", "--role", "staff", "--staff-id", "S001",
        "--window", "W01", "--window", "W02", "--password-file", str(secret),
    )  # fmt: skip
    assert staff.returncode == 0, staff.stderr

    listed = _hall_users(mosquitto, "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("admin（王主任），中心管理员 manager")
    assert (
        lines[1] == "zhangmin（zhangmin），窗口人员 staff，员工 staff S001，窗口 windows W01、W02"
    )
    assert "argon2" not in listed.stdout and "Hall-Manager-2026" not in listed.stdout


def test_a_refusal_is_said_in_words_and_exits_2(
    controller: ControllerThread, mosquitto: Broker, tmp_path: Path
) -> None:
    secret = tmp_path / "password"
    secret.write_text("short\n")
    refused = _hall_users(
        mosquitto, "add", "admin", "--role", "manager", "--password-file", str(secret)
    )
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "未执行 / refused (weak_password): "
        "密码至少 8 个字符 / a password needs at least 8 characters"
    )
