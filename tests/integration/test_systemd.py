"""Every node role has a systemd unit that systemd itself accepts without a warning."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

ROLES = ["controller", "kiosk", "display@", "screen", "bridge", "terminal", "console"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("units")
    subprocess.run(
        [
            "bash",
            str(REPO / "systemd" / "install.sh"),
            "--dest",
            str(dest),
            "--user",
            "root",
            "--prefix",
            str(REPO),
        ],
        check=True,
    )
    return dest


def _unit(rendered: Path, role: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(rendered / f"servicehall-{role}.service")
    return parser


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
@pytest.mark.parametrize("role", ROLES)
def test_systemd_analyze_verify_has_no_warning(rendered: Path, role: str) -> None:
    unit = rendered / f"servicehall-{role}.service"
    target = unit
    if role.endswith("@"):
        target = rendered / f"servicehall-{role}W03.service"
        target.unlink(missing_ok=True)
        target.symlink_to(unit.name)
    res = subprocess.run(["systemd-analyze", "verify", str(target)], capture_output=True, text=True)
    assert res.returncode == 0 and res.stderr.strip() == "" and res.stdout.strip() == "", res.stderr


@pytest.mark.parametrize("role", ROLES)
def test_units_are_notify_watchdogged_and_hardened(rendered: Path, role: str) -> None:
    service = _unit(rendered, role)["Service"]
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "always"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["StateDirectory"].startswith("servicehall/")
    assert service["ExecStart"].startswith(f"{REPO}/.venv/bin/hall ")


def test_only_device_roles_get_devices(rendered: Path) -> None:
    """The controller sees no devices; the bridge gets USB, input and serial; nothing else does."""
    assert _unit(rendered, "controller")["Service"]["PrivateDevices"] == "yes"
    assert "DeviceAllow" in _unit(rendered, "bridge")["Service"]
    for role in ("controller", "kiosk", "display@", "screen", "console"):
        assert "DeviceAllow" not in _unit(rendered, role)["Service"]


def test_the_console_serves_the_citizens_pages_on_loopback_unless_its_env_file_says(
    rendered: Path,
) -> None:
    """The public listener is on by default, on 127.0.0.1 only (the hall's nginx proxies it);
    ``/etc/servicehall/console.env`` may move or empty it."""
    lines = (rendered / "servicehall-console.service").read_text().splitlines()
    assert "Environment=SERVICEHALL_PUBLIC_LISTEN=127.0.0.1:8081" in lines
    assert "EnvironmentFile=-/etc/servicehall/console.env" in lines  # overrides Environment=
