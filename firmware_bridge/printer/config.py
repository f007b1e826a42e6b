"""The printer's config schema and ``from_config`` (STYLE 5: each driver owns its schema).

A hall config device entry::

    {"kind": "printer", "port": "usb:0416:5011", "width_mm": 80, "mode": "text"}
    {"kind": "printer", "port": "sim", "width_mm": 58, "preview_dir": "var/tickets"}
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import field_validator

from config.base import StrictModel
from firmware_bridge.interfaces import TicketPrinter

_USB_PORT = re.compile(r"^usb:([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$")


class PrinterOptions(StrictModel):
    """A kiosk ticket printer (USB ESC/POS thermal printer)."""

    kind: Literal["printer"] = "printer"
    """Device kind; always ``printer`` here."""
    name: str | None = None
    """Optional device name, as the bridge names it in topics."""
    port: str
    """``sim`` for the PNG simulator, or ``usb:VVVV:PPPP`` (hex vendor and product ID, as
    ``lsusb`` shows them, e.g. ``usb:0416:5011``)."""
    width_mm: Literal[58, 80] = 80
    """Paper roll width in millimetres."""
    mode: Literal["text", "raster"] = "text"
    """``text``: GB18030 text with the printer's own Chinese font (fast); ``raster``: the
    ticket drawn as an image, for printers without a Chinese font ROM."""
    preview_dir: str = "var/print-preview"
    """Simulator only: where the PNG of each printed document is written."""

    @field_validator("port")
    @classmethod
    def _port(cls, value: str) -> str:
        if value != "sim" and not _USB_PORT.match(value):
            raise ValueError("port must be 'sim' or 'usb:VVVV:PPPP', e.g. 'usb:0416:5011'")
        return value

    @property
    def usb_ids(self) -> tuple[int, int]:
        match = _USB_PORT.match(self.port)
        if match is None:
            raise ValueError(f"not a USB port: {self.port}")
        return int(match.group(1), 16), int(match.group(2), 16)


def from_config(options: dict[str, Any] | PrinterOptions, *, backend: Any = None) -> TicketPrinter:
    """The driver or the simulator for a device entry; not opened yet (call ``open()``).

    ``backend`` is a pyusb backend for the USB driver (the demo and tests pass the emulator).
    """
    opts = (
        options if isinstance(options, PrinterOptions) else PrinterOptions.model_validate(options)
    )
    if opts.port == "sim":
        from firmware_bridge.printer.sim import SimPrinter

        return SimPrinter(opts.preview_dir, width_mm=opts.width_mm)
    from firmware_bridge.printer.driver import EscposUsbPrinter

    vendor, product = opts.usb_ids
    return EscposUsbPrinter(
        vendor, product, width_mm=opts.width_mm, mode=opts.mode, backend=backend
    )
