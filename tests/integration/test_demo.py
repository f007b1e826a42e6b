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


def _field(html: str, pattern: str) -> str:
    import re

    match = re.search(pattern, html)
    assert match is not None, f"{pattern!r} not in the page:\n{html[:2000]}"
    return match.group(1)


def test_demo_console_signs_in_the_w03_staff_who_calls_and_a_forged_post_changes_nothing(
    tmp_path: Path,
) -> None:
    """The demo starts the console (its URL printed, one login per role); the W03 staff demo
    user signs in and presses 叫号 with the page's CSRF token: the controller's answer comes
    back (a ticket called at W03), while the same POST without the token is refused."""
    import httpx

    from config.loader import load_hall, resolve_hall_path
    from hall.demo_users import demo_accounts

    hall = load_hall(resolve_hall_path("chengdong"))
    staff = next(a for a in demo_accounts(hall) if a["role"] == "staff")
    assert staff["windows"] == ["W03"]
    demo = DemoRun(tmp_path, duration=30)
    try:
        shown = demo.started()
        url = shown["console"]
        assert url.startswith("http://127.0.0.1:"), shown
        wait_until(lambda: any(f"{staff['user']} / " in line for line in demo.lines), timeout=60)
        out = "".join(demo.lines)
        for role in ("manager", "chief", "staff", "patrol", "auditor"):
            assert f"  {role}  (" in out or f" {role}  (" in out, out[-2000:]
        with httpx.Client(base_url=url, follow_redirects=False, timeout=20) as client:
            wait_until(lambda: _status(client, "/login") == 200, timeout=30)
            login = client.get("/login")
            token = login.cookies.get("hall_login") or client.cookies.get("hall_login")
            signed = client.post(
                "/login",
                data={"user": staff["user"], "password": staff["password"], "csrf": token},
            )
            assert signed.status_code == 303, signed.text
            page = client.get("/caller/W03")
            assert page.status_code == 200, page.text
            csrf = _field(page.text, r'"X-CSRF-Token": "([^"]+)"')
            cid = _field(page.text, r'id="cid" name="cid" value="([^"]+)"')
            forged = client.post("/caller/W03/do/call", data={"cid": cid})
            assert forged.status_code == 403
            called = client.post(
                "/caller/W03/do/call", data={"cid": cid}, headers={"X-CSRF-Token": csrf}
            )
            assert called.status_code == 200, called.text
            # The controller's answer in words: a ticket called, or its reason (nobody
            # waiting); never the console's "no answer" nor a refusal of the acting user.
            assert "未应答" not in called.text and "forbidden" not in called.text, called.text
            assert "只能操作" not in called.text and "代表用户" not in called.text, called.text
            other = client.post(
                "/caller/W05/do/call", data={"cid": cid}, headers={"X-CSRF-Token": csrf}
            )
            assert other.status_code == 403  # not one of this user's windows
    finally:
        rc, out, err = demo.finish()
    assert rc == 0, err
    log = (tmp_path / "logs" / "controller.log").read_text()
    assert "Traceback" not in log
    assert "from console: " not in log, log[-2000:]  # the controller refused nothing of it


def _status(client: object, path: str) -> int:
    import httpx

    assert isinstance(client, httpx.Client)
    try:
        return client.get(path).status_code
    except httpx.HTTPError:
        return 0


def test_demo_tickets_qr_codes_open_their_status_page_on_the_public_listener(
    tmp_path: Path,
) -> None:
    """The demo starts the citizens' listener too (its URL printed); a printed ticket's QR
    code (read off the simulated printer's picture) opens that ticket's status page there,
    and the staff's sign-in page is not served on it."""
    import cv2
    import httpx
    import numpy as np
    from PIL import Image

    demo = DemoRun(tmp_path, duration=30)
    try:
        shown = demo.started()
        public = shown["public"]
        assert public.startswith("http://127.0.0.1:") and public.endswith("/chengdong"), shown
        assert any(f"市民页面 / citizens' pages: {public}/" in line for line in demo.lines)
        printed = tmp_path / "tickets" / "kiosk-1"

        def first_ticket() -> Image.Image | None:
            for picture in sorted(printed.glob("*.png")):
                try:  # a preview still being written is not a picture yet
                    with Image.open(picture) as image:
                        return image.convert("L")
                except (OSError, SyntaxError):
                    return None
            return None

        ticket = wait_until(first_ticket, timeout=60)
        assert ticket is not None
        url, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(np.array(ticket))
        assert points is not None and url.startswith(f"{public}/t/"), url
        with httpx.Client(timeout=20) as client:
            wait_until(lambda: _status(client, url) == 200, timeout=30)
            page = client.get(url).text
            assert 'id="status"' in page and "未找到该号票" not in page
            assert client.get(f"{public}/login").status_code == 404
            assert client.get(f"{public}/t/q3W8xZp2LmN5vR7tAbCd").status_code == 404
    finally:
        rc, _out, err = demo.finish()
    assert rc == 0, err
