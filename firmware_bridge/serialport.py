"""Small pyserial helpers shared by the serial drivers."""

from __future__ import annotations

import logging
from typing import Any

import serial

log = logging.getLogger(__name__)


def close_quietly(port: Any, name: str) -> None:
    """Close a pyserial port that may already be dead (unplugged): never raises."""
    if port is None:
        return
    try:
        port.close()
    except (serial.SerialException, OSError) as exc:
        log.debug("close %s: %s", name, exc)
