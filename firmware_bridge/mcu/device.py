"""What every microcontroller-backed device shares: a link, and maybe its own simulator."""

from __future__ import annotations

from bus.models.devices import DeviceState
from firmware_bridge.mcu.link import McuLink
from firmware_bridge.mcu.messages import Identity
from firmware_bridge.mcu.sim import McuDeviceSim


class McuDevice:
    def __init__(self, link: McuLink, sim: McuDeviceSim | None = None) -> None:
        self.link = link
        self.sim = sim
        """The in-process simulator behind the link when configured with ``port: sim``."""

    def open(self) -> None:
        """Bounded: a silent board leaves the device ``offline`` (see ``McuLink.open``)."""
        self.link.open()

    def close(self) -> None:
        try:
            self.link.close()
        finally:
            if self.sim is not None:
                self.sim.close()

    def state(self) -> DeviceState:
        return self.link.state()

    @property
    def identity(self) -> Identity | None:
        return self.link.identity
