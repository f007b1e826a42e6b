"""Window display (LED strip / small LCD) on the hall's microcontroller: the ``Display``.

The driver keeps the lines it was asked to show, so that a board that reboots (and
announces itself blank) gets its text and brightness back without the node asking.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from bus.models.devices import DeviceState
from firmware_bridge.mcu.device import McuDevice
from firmware_bridge.mcu.endpoint import SendResult
from firmware_bridge.mcu.frames import MsgType
from firmware_bridge.mcu.link import McuLink
from firmware_bridge.mcu.messages import (
    ALL_LINES,
    MAX_BRIGHTNESS,
    Identity,
    TextFlags,
    encode_brightness,
    encode_show_text,
)
from firmware_bridge.mcu.options import McuOptions, make_link
from firmware_bridge.mcu.sim import DISPLAY_IDENTITY, McuDeviceSim

log = logging.getLogger(__name__)


class McuDisplay(McuDevice):
    def __init__(self, link: McuLink, sim: McuDeviceSim | None = None) -> None:
        super().__init__(link, sim)
        self._lines: dict[int, tuple[str, TextFlags]] = {}
        self._brightness: int | None = None
        self._lock = threading.Lock()
        link.on_online(self._resync)

    def show(self, line: int, text: str, flags: TextFlags = TextFlags.NONE) -> None:
        """Show ``text`` on ``line`` (0 = top). A fault becomes the ``offline`` state."""
        payload = encode_show_text(line, text, flags)
        with self._lock:
            self._lines[line] = (text, flags)
        self._send(MsgType.SHOW_TEXT, payload)

    def clear(self, line: int | None = None) -> None:
        with self._lock:
            if line is None:
                self._lines.clear()
            else:
                self._lines.pop(line, None)
        self._send(MsgType.CLEAR, bytes((ALL_LINES if line is None else line,)))

    def set_brightness(self, level: int) -> None:
        """``level`` in percent, 0..100 (clamped)."""
        level = max(0, min(MAX_BRIGHTNESS, level))
        with self._lock:
            self._brightness = level
        self._send(MsgType.BRIGHTNESS, encode_brightness(level))

    def _send(self, msg_type: MsgType, payload: bytes) -> bool:
        if self.link.state() != DeviceState.OK:
            return False  # kept in the cache; sent when the board comes back
        result = self.link.send(msg_type, payload)
        if result is SendResult.REJECTED:
            log.warning("%s rejected message 0x%02x; check line count and firmware version",
                        self.link.port, msg_type)
        return result is SendResult.ACKED

    def _resync(self, identity: Identity) -> None:
        with self._lock:
            lines = dict(self._lines)
            brightness = self._brightness
        for line, (text, flags) in sorted(lines.items()):
            if line < identity.lines:
                self.link.send(MsgType.SHOW_TEXT, encode_show_text(line, text, flags))
        if brightness is not None:
            self.link.send(MsgType.BRIGHTNESS, encode_brightness(brightness))


class McuDisplayOptions(McuOptions):
    """A window display on the hall's microcontroller firmware."""


def from_config(options: dict[str, Any]) -> McuDisplay:
    opts = McuDisplayOptions.model_validate(options)
    link, sim = make_link(opts, DISPLAY_IDENTITY)
    return McuDisplay(link, sim)
