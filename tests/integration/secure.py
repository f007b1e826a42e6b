"""The hall's generated secure broker config in a test: Mosquitto on it, each node's URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from config.schema import HallConfig
from controller.broker import BrokerFiles, free_port, write_broker_config
from tests.conftest import Broker, start_mosquitto


@dataclass
class SecureBroker:
    """Mosquitto running ``hall broker config``'s files, as a hall runs it."""

    broker: Broker
    files: BrokerFiles
    directory: Path

    @property
    def port(self) -> int:
        return self.broker.port

    def secret(self, user: str) -> str:
        return (self.files.credentials_dir / f"{user}.secret").read_text().strip()

    def url(self, user: str) -> str:
        return f"mqtt://{user}:{self.secret(user)}@127.0.0.1:{self.broker.port}"

    def restart(self) -> None:
        """Start Mosquitto again on the same port and config (after it was killed)."""
        self.broker.process = start_mosquitto(
            self.directory, self.files.config, self.broker.port
        ).process

    def stop(self) -> None:
        if self.broker.process.poll() is None:
            self.broker.process.terminate()
            self.broker.process.wait(10)


def start_secure_broker(
    hall: HallConfig, directory: Path, *, persistence: bool = False
) -> SecureBroker:
    """Write the generated config under ``directory`` and start Mosquitto on it."""
    port = free_port()
    # The test's temporary folders are private to root: keep Mosquitto from dropping to its user.
    run_as = "root" if os.geteuid() == 0 else None
    files = write_broker_config(
        hall, directory / "broker", port=port, persistence=persistence, run_as=run_as
    )
    return SecureBroker(start_mosquitto(directory, files.config, port), files, directory)
