"""Frames of the hall's microcontroller protocol (see ``firmware_bridge/PROTOCOL.md``).

Pure: no I/O, no clock. ``encode`` builds one frame; ``FrameDecoder`` turns a byte stream
into frames, resynchronising on garbage. The decoder never raises on input bytes: a serial
line delivers noise, truncated frames and reboots mid-frame, and none of that may take a
node down (STYLE 7).

Wire layout (all multi-byte fields big-endian)::

    SOF(0xA5) LEN SEQ TYPE PAYLOAD[LEN] CRC16_HI CRC16_LO

CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0) over LEN..PAYLOAD.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, field

SOF = 0xA5
HEADER_LEN = 4  # SOF LEN SEQ TYPE
CRC_LEN = 2
MAX_PAYLOAD = 240
"""Bounded so that a corrupted LEN byte cannot make the decoder wait for a kilobyte."""


class MsgType(enum.IntEnum):
    """Message types; ACK and NAK are link-level and never acknowledged themselves."""

    ACK = 0x01
    NAK = 0x02
    IDENTIFY = 0x10
    IDENTIFY_REPLY = 0x11
    HEARTBEAT = 0x12
    SHOW_TEXT = 0x20
    CLEAR = 0x21
    BRIGHTNESS = 0x22
    KEY_EVENT = 0x30
    RATING = 0x31


class NakReason(enum.IntEnum):
    CRC = 0x01
    """A frame arrived with a bad CRC; the SEQ echoed is a best guess. Sender retransmits."""
    UNKNOWN_TYPE = 0x02
    BAD_PAYLOAD = 0x03
    BUSY = 0x04


LINK_TYPES = frozenset({MsgType.ACK, MsgType.NAK})


def crc16_ccitt_false(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE; check value for b"123456789" is 0x29B1."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


@dataclass(frozen=True, slots=True)
class Frame:
    seq: int
    type: int
    payload: bytes = b""


def encode(frame: Frame) -> bytes:
    """The bytes of one frame. Raises ValueError for a payload the protocol cannot carry."""
    if len(frame.payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(frame.payload)} bytes exceeds {MAX_PAYLOAD}")
    if not (0 <= frame.seq <= 0xFF and 0 <= frame.type <= 0xFF):
        raise ValueError("seq and type are single bytes")
    body = bytes((len(frame.payload), frame.seq, frame.type)) + frame.payload
    return bytes((SOF,)) + body + struct.pack(">H", crc16_ccitt_false(body))


@dataclass(frozen=True, slots=True)
class Corrupt:
    """A frame-shaped run of bytes whose CRC did not match; ``seq`` is unverified."""

    seq: int
    type: int


@dataclass
class DecoderStats:
    frames: int = 0
    crc_errors: int = 0
    discarded_bytes: int = 0


@dataclass
class FrameDecoder:
    """Incremental decoder. ``feed`` returns the frames (and CRC failures) completed so far.

    On a CRC failure only the start byte is dropped and the rest is rescanned, so a real
    frame that garbage had swallowed is still found. ``idle`` is called by the reader when
    the line has been quiet: a partial frame then is garbage (a corrupted LEN), not a frame
    in flight.
    """

    _buf: bytearray = field(default_factory=bytearray)
    stats: DecoderStats = field(default_factory=DecoderStats)

    def feed(self, data: bytes) -> list[Frame | Corrupt]:
        self._buf += data
        return self._drain()

    def idle(self) -> list[Frame | Corrupt]:
        """The line went quiet: drop a stale partial frame's start byte and rescan."""
        out: list[Frame | Corrupt] = []
        while self._buf:
            self._drop(1)
            out += self._drain()
        return out

    @property
    def pending(self) -> int:
        return len(self._buf)

    def _drop(self, n: int) -> None:
        del self._buf[:n]
        self.stats.discarded_bytes += n

    def _drain(self) -> list[Frame | Corrupt]:
        out: list[Frame | Corrupt] = []
        buf = self._buf
        while buf:
            start = buf.find(SOF)
            if start < 0:
                self._drop(len(buf))
                break
            if start:
                self._drop(start)
            if len(buf) < 2:
                break
            length = buf[1]
            if length > MAX_PAYLOAD:
                self._drop(1)
                continue
            total = HEADER_LEN + length + CRC_LEN
            if len(buf) < total:
                break
            body = bytes(buf[1 : HEADER_LEN + length])
            (crc,) = struct.unpack_from(">H", buf, HEADER_LEN + length)
            if crc != crc16_ccitt_false(body):
                self.stats.crc_errors += 1
                out.append(Corrupt(seq=buf[2], type=buf[3]))
                self._drop(1)
                continue
            del buf[:total]
            self.stats.frames += 1
            out.append(Frame(seq=body[1], type=body[2], payload=body[3:]))
        return out
