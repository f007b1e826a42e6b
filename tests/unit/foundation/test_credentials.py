"""A node finds its own MQTT password without it ever being on a command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bus.client import BrokerURL, node_credentials


def test_systemd_credential_fills_user_and_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mqtt").write_text("s3cret\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    url = node_credentials(BrokerURL.parse("mqtt://10.0.0.2:1883"), "kiosk-1")
    assert (url.username, url.password, url.host) == ("kiosk-1", "s3cret", "10.0.0.2")


def test_explicit_user_in_url_wins_and_no_secret_means_anonymous(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("x")
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.setenv("SERVICEHALL_MQTT_SECRET", str(secret))
    assert node_credentials(BrokerURL.parse("mqtt://manager:pw@h:1"), "n").username == "manager"
    assert node_credentials(BrokerURL.parse("mqtt://h:1"), "n").password == "x"
    monkeypatch.delenv("SERVICEHALL_MQTT_SECRET")
    assert node_credentials(BrokerURL.parse("mqtt://h:1"), "n").username is None
