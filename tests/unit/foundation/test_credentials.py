"""A node finds its own MQTT password without it ever being on a command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bus.client import BrokerURL, node_credentials
from config.schema import HallConfig


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


def test_tls_hall_config_gives_every_node_the_halls_ca(hall: HallConfig) -> None:
    """broker.tls + ca_file in the hall YAML reach each node's client through its broker URL."""
    broker = hall.broker.model_copy(
        update={"tls": True, "port": 8883, "ca_file": "/etc/servicehall/ca.crt"}
    )
    url = BrokerURL.parse(hall.model_copy(update={"broker": broker}).broker_url())
    assert (url.tls, url.port, url.ca_file) == (True, 8883, "/etc/servicehall/ca.crt")
    assert BrokerURL.parse("mqtt://h:1").ca_file is None


def test_a_credentials_directory_gives_each_node_its_own_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process of several nodes (the bridge's --all-sim, the demo): each its own user."""
    (tmp_path / "kiosk-1.secret").write_text("k1\n")
    (tmp_path / "caller-W01.secret").write_text("c1\n")
    other = tmp_path / "other"
    other.write_text("one-for-all")
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.setenv("SERVICEHALL_MQTT_SECRET", str(other))
    url = BrokerURL.parse("mqtt://h:1")
    got = {n: node_credentials(url, n, tmp_path) for n in ("kiosk-1", "caller-W01")}
    assert {n: (u.username, u.password) for n, u in got.items()} == {
        "kiosk-1": ("kiosk-1", "k1"),
        "caller-W01": ("caller-W01", "c1"),
    }
    # A node without a file in the directory falls back to the usual places.
    assert node_credentials(url, "screen-1", tmp_path).password == "one-for-all"
