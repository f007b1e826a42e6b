"""`make demo` runs a whole simulated hall and prints a live event log."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from bus import topics
from bus.models.views import WindowView
from bus.remote import MANAGER_USER
from tests.conftest import REPO
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

RUNNING = "demo hall running"


class DemoRun:
    """``hall demo`` in the background, its output read as it comes."""

    def __init__(self, data_dir: Path, duration: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hall.cli", "demo", "--data-dir", str(data_dir),
             "--rate", "6", "--duration", str(duration)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def started(self) -> dict[str, str]:
        """The JSON block the demo prints before its event log."""
        wait_until(lambda: any(RUNNING in line for line in self.lines), timeout=60)
        text = "".join(self.lines)
        return dict(json.loads(text[: text.index("}") + 1]))

    def finish(self) -> tuple[int, str, str]:
        _out, err = self.proc.communicate(timeout=120)
        self._reader.join(10)
        return self.proc.returncode, "".join(self.lines), err


def _publish_as(port: int, user: str | None, secret: Path | None, topic: str) -> ReasonCode:
    """One retained QoS 1 publish; the broker's CONNACK or PUBACK reason code."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if user is not None and secret is not None:
        client.username_pw_set(user, secret.read_text().strip())
    outcome: list[ReasonCode] = []
    client.on_connect = lambda c, _u, _f, rc, _p: (
        outcome.append(rc) if rc.is_failure
        else c.publish(topic, '{"v":1,"spoofed":true}', qos=1, retain=True)
    )
    client.on_publish = lambda _c, _u, _mid, rc, _p: outcome.append(rc)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        wait_until(lambda: outcome)
    finally:
        client.disconnect()
        client.loop_stop()
    return outcome[0]


def test_demo_hall_issues_calls_finishes_and_rates(tmp_path: Path) -> None:
    """The demo runs on the hall's generated broker: every process as its own node, the
    broker refusing anonymous clients and a spoofed retained view."""
    demo = DemoRun(tmp_path, duration=15)
    try:
        shown = demo.started()
        port = int(shown["broker"].rsplit(":", 1)[1])
        creds = Path(shown["credentials"])
        hall_id = "chengdong"
        window = topics.window_state(hall_id, "W01")

        anonymous = _publish_as(port, None, None, window)
        assert anonymous.is_failure, anonymous  # CONNACK: not authorised
        spoof = _publish_as(port, "display-W01", creds / "display-W01.secret", window)
        assert spoof.value == 0x87, spoof  # PUBACK: not authorised, nothing retained

        # The printed watch line works, with the manager's secret; what it shows of the
        # window is the controller's view, not the spoof.
        watch = subprocess.run(
            ["bash", "-c", shown["watch"].replace(f"'hall/{hall_id}/#'", window)
             + " -C 1 -W 10"],
            capture_output=True, text=True, timeout=20,
        )
        assert watch.returncode == 0, watch.stderr
        topic, _, payload = watch.stdout.strip().partition(" ")
        assert topic == window
        WindowView.model_validate_json(payload)
        assert f"-u {MANAGER_USER}" in shown["watch"] and creds.is_dir()
    finally:
        rc, out, err = demo.finish()
    assert rc == 0, err
    assert str(tmp_path / "logs") in out and str(tmp_path / "controller") in out
    for kind in (
        "ticket.issued",
        "ticket.called",
        "ticket.finished",
        "ticket.rated",
        "window.login",
    ):
        assert f" {kind} " in out, f"no {kind} in the demo log:\n{out[-2000:]}"
    assert " ! " not in out, out[-2000:]  # no command timed out or was refused
    assert (tmp_path / "controller" / "hall.sqlite3").exists()
    assert "Traceback" not in (tmp_path / "logs" / "controller.log").read_text()
    assert "refused" not in (tmp_path / "logs" / "bridge.log").read_text()
