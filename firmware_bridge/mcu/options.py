"""Config schema shared by the microcontroller drivers, and the ``port: sim`` wiring."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import Field

from config.base import StrictModel
from firmware_bridge.mcu.endpoint import Timing
from firmware_bridge.mcu.link import DEFAULT_BAUDRATE, McuLink
from firmware_bridge.mcu.messages import Identity
from firmware_bridge.mcu.sim import McuDeviceSim

SIM_PORT = "sim"


class McuOptions(StrictModel):
    port: str
    """Serial device of the board (prefer /dev/serial/by-id/…), or `sim` for the simulator."""
    baudrate: int = Field(DEFAULT_BAUDRATE, gt=0)
    """UART speed; the firmware's default is 115200 8N1."""
    ack_timeout_ms: int = Field(100, ge=10, le=5000)
    """How long to wait for an ACK before retransmitting."""
    max_retries: int = Field(3, ge=0, le=10)
    """Retransmissions before the board is reported offline."""
    heartbeat_s: float = Field(1.0, gt=0)
    """Interval of the liveness check while the board is quiet."""
    reconnect_s: float = Field(2.0, gt=0)
    """Interval of identify attempts while the board is offline."""

    def timing(self) -> Timing:
        return Timing(
            ack_timeout=self.ack_timeout_ms / 1000,
            max_retries=self.max_retries,
            heartbeat_interval=self.heartbeat_s,
            reconnect_interval=self.reconnect_s,
        )


def make_link(options: McuOptions, sim_identity: Identity) -> tuple[McuLink, McuDeviceSim | None]:
    """The link for ``options``; with ``port: sim`` also the in-process simulator behind it."""
    if options.port != SIM_PORT:
        return McuLink(options.port, baudrate=options.baudrate, timing=options.timing()), None
    path = Path(tempfile.mkdtemp(prefix="hall-mcu-sim-")) / "tty"
    sim = McuDeviceSim(path, sim_identity, timing=options.timing())
    sim.port.owned_dir = path.parent  # not one empty /tmp directory left per run
    sim.start()
    return McuLink(str(path), baudrate=options.baudrate, timing=options.timing()), sim
