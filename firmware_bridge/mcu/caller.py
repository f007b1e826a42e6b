"""Keypad caller / evaluator keypad on the hall's microcontroller: the ``KeySource``.

Key codes from the board are mapped to caller actions by a configurable table; ratings are
passed through as ``("rating", "1".."5")``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator

from firmware_bridge.bridge.fanout import EventCallback, EventFanout
from firmware_bridge.interfaces import CALLER_ACTIONS, EVENT_KEY, EVENT_RATING
from firmware_bridge.mcu.device import McuDevice
from firmware_bridge.mcu.frames import Frame, MsgType
from firmware_bridge.mcu.link import McuLink
from firmware_bridge.mcu.messages import KeyCode, decode_key, decode_rating
from firmware_bridge.mcu.options import McuOptions, make_link
from firmware_bridge.mcu.sim import CALLER_IDENTITY, McuDeviceSim

log = logging.getLogger(__name__)

DEFAULT_KEYMAP: Mapping[int, str] = {code.value: code.name.lower() for code in KeyCode}


class McuKeypad(McuDevice):
    def __init__(
        self,
        link: McuLink,
        keymap: Mapping[int, str] | None = None,
        sim: McuDeviceSim | None = None,
    ) -> None:
        super().__init__(link, sim)
        self.keymap = dict(DEFAULT_KEYMAP if keymap is None else keymap)
        self.events = EventFanout()
        link.on_frame(self._on_frame)

    def on_event(self, callback: EventCallback) -> None:
        """``callback(kind, value)`` on the reader thread; it must not block."""
        self.events.on_event(callback)

    def _on_frame(self, frame: Frame) -> None:
        if frame.type == MsgType.KEY_EVENT:
            key = decode_key(frame.payload)
            if key is None:
                return
            action = self.keymap.get(key[0])
            if action is None:
                log.info("%s: key code 0x%02x is not mapped", self.link.port, key[0])
                return
            self.events.emit(EVENT_KEY, action)
        elif frame.type == MsgType.RATING:
            rating = decode_rating(frame.payload)
            if rating is not None:
                self.events.emit(EVENT_RATING, str(rating))


class McuKeypadOptions(McuOptions):
    """A keypad caller or evaluator keypad on the hall's microcontroller firmware."""

    keymap: dict[int, str] = Field(default_factory=lambda: dict(DEFAULT_KEYMAP))
    """Key code sent by the board → caller action (next, recall, skip, transfer, hold, …,
    logout; not login: the board has no digits to type a PIN)."""

    @field_validator("keymap")
    @classmethod
    def _known_actions(cls, value: dict[int, str]) -> dict[int, str]:
        for code, action in value.items():
            if action not in CALLER_ACTIONS:
                known = ", ".join(CALLER_ACTIONS)
                raise ValueError(f"key 0x{code:02x}: unknown action {action!r}; one of {known}")
            if action == "login":
                raise ValueError(
                    f"key 0x{code:02x}: login types 工号 and PIN, and the board has no digit "
                    "keys; sign in at a USB numeric keypad (driver keypad) or the console"
                )
        return value


def from_config(options: dict[str, Any]) -> McuKeypad:
    opts = McuKeypadOptions.model_validate(options)
    link, sim = make_link(opts, CALLER_IDENTITY)
    return McuKeypad(link, opts.keymap, sim)
