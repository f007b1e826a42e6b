"""Payloads of the microcontroller protocol: typed values to bytes and back. Pure.

Decoders return ``None`` for a payload that does not parse, so that the receiver can NAK it
(``BAD_PAYLOAD``) instead of raising on the reader thread.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from firmware_bridge.mcu.frames import MAX_PAYLOAD

PROTOCOL_VERSION = 1
TEXT_ENCODING = "utf-8"
"""Text is UTF-8 on the wire; the firmware holds the glyphs (GB2312 set) it can draw."""
MAX_TEXT_BYTES = MAX_PAYLOAD - 2
ALL_LINES = 0xFF
MAX_BRIGHTNESS = 100


class DeviceType(enum.IntEnum):
    DISPLAY = 0x01
    CALLER = 0x02
    EVALUATOR = 0x03


class Capability(enum.IntFlag):
    TEXT = 0x0001
    BRIGHTNESS = 0x0002
    KEYS = 0x0004
    RATING = 0x0008
    BLINK = 0x0010


class TextFlags(enum.IntFlag):
    NONE = 0x00
    BLINK = 0x01
    SCROLL = 0x02


class KeyCode(enum.IntEnum):
    """Key codes the caller firmware sends; the host maps them to actions (configurable)."""

    NEXT = 0x01
    RECALL = 0x02
    SKIP = 0x03
    TRANSFER = 0x04
    HOLD = 0x05
    PAUSE = 0x06
    RESUME = 0x07
    FINISH = 0x08


class KeyAction(enum.IntEnum):
    PRESS = 0x01
    LONG_PRESS = 0x02


@dataclass(frozen=True, slots=True)
class Identity:
    device_type: int
    protocol_version: int
    firmware: tuple[int, int, int]
    capabilities: Capability
    lines: int
    columns: int
    model: str = ""

    @property
    def firmware_version(self) -> str:
        return ".".join(str(part) for part in self.firmware)


_IDENTITY = struct.Struct(">BBBBBHBB")


def encode_identity(identity: Identity) -> bytes:
    model = identity.model.encode("ascii", "replace")[:32]
    return (
        _IDENTITY.pack(
            identity.device_type,
            identity.protocol_version,
            *identity.firmware,
            int(identity.capabilities),
            identity.lines,
            identity.columns,
        )
        + model
    )


def decode_identity(payload: bytes) -> Identity | None:
    if len(payload) < _IDENTITY.size:
        return None
    dev, proto, major, minor, patch, caps, lines, cols = _IDENTITY.unpack_from(payload)
    model = payload[_IDENTITY.size :].decode("ascii", "replace")
    return Identity(dev, proto, (major, minor, patch), Capability(caps), lines, cols, model)


def truncate_utf8(text: str, limit: int = MAX_TEXT_BYTES) -> bytes:
    """UTF-8 of ``text`` cut at a character boundary: the firmware never sees half a glyph."""
    data = text.encode(TEXT_ENCODING)
    if len(data) <= limit:
        return data
    return data[:limit].decode(TEXT_ENCODING, "ignore").encode(TEXT_ENCODING)


def encode_show_text(line: int, text: str, flags: TextFlags = TextFlags.NONE) -> bytes:
    if not 0 <= line < ALL_LINES:
        raise ValueError(f"line {line} out of range 0..254")
    return bytes((line, int(flags))) + truncate_utf8(text)


def decode_show_text(payload: bytes) -> tuple[int, TextFlags, str] | None:
    if len(payload) < 2:
        return None
    try:
        text = payload[2:].decode(TEXT_ENCODING)
    except UnicodeDecodeError:
        return None
    return payload[0], TextFlags(payload[1] & 0x03), text


def encode_brightness(level: int) -> bytes:
    if not 0 <= level <= MAX_BRIGHTNESS:
        raise ValueError(f"brightness {level} out of range 0..{MAX_BRIGHTNESS}")
    return bytes((level,))


def decode_brightness(payload: bytes) -> int | None:
    if len(payload) != 1 or payload[0] > MAX_BRIGHTNESS:
        return None
    return payload[0]


def encode_key(code: int, action: KeyAction = KeyAction.PRESS) -> bytes:
    return bytes((code, int(action)))


def decode_key(payload: bytes) -> tuple[int, int] | None:
    if len(payload) != 2:
        return None
    return payload[0], payload[1]


def encode_rating(value: int) -> bytes:
    if not 1 <= value <= 5:
        raise ValueError(f"rating {value} out of range 1..5")
    return bytes((value,))


def decode_rating(payload: bytes) -> int | None:
    if len(payload) != 1 or not 1 <= payload[0] <= 5:
        return None
    return payload[0]
