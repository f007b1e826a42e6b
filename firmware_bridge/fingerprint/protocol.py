"""Packets of the R307 / AS608 / ZFM family fingerprint modules (UART). Pure.

Layout (all fields big-endian), from the module's user manual::

    EF 01 | ADDR(4) | PID(1) | LEN(2) | PAYLOAD(LEN-2) | SUM(2)

``LEN`` counts the payload plus the two checksum bytes; ``SUM`` is the low 16 bits of the
sum of PID, both LEN bytes and every payload byte. A command's payload is the instruction
code and its parameters; an acknowledgement's payload starts with the confirmation code.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, field

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF
DEFAULT_PASSWORD = 0x00000000
MAX_PACKET_PAYLOAD = 256 + 1
"""Data packets carry at most 256 bytes; a longer LEN is line noise, not a packet."""


class Pid(enum.IntEnum):
    COMMAND = 0x01
    DATA = 0x02
    ACK = 0x07
    END = 0x08


class Ins(enum.IntEnum):
    GEN_IMG = 0x01
    IMG2TZ = 0x02
    MATCH = 0x03
    SEARCH = 0x04
    REG_MODEL = 0x05
    STORE = 0x06
    LOAD_CHAR = 0x07
    DELETE = 0x0C
    EMPTY = 0x0D
    READ_SYS_PARA = 0x0F
    VFY_PWD = 0x13
    TEMPLATE_NUM = 0x1D
    READ_INDEX_TABLE = 0x1F


class Confirm(enum.IntEnum):
    """Confirmation codes (manual, "confirmation code's definition")."""

    OK = 0x00
    PACKET_ERROR = 0x01
    NO_FINGER = 0x02
    ENROLL_FAIL = 0x03
    DISORDERLY_IMAGE = 0x06
    TOO_FEW_POINTS = 0x07
    NO_MATCH = 0x08
    NOT_FOUND = 0x09
    COMBINE_FAIL = 0x0A
    BAD_PAGE = 0x0B
    READ_TEMPLATE_FAIL = 0x0C
    DELETE_FAIL = 0x10
    CLEAR_FAIL = 0x11
    WRONG_PASSWORD = 0x13
    NO_VALID_IMAGE = 0x15
    FLASH_ERROR = 0x18
    BAD_REGISTER = 0x1A
    ADDRESS_ERROR = 0x20
    MUST_VERIFY_PASSWORD = 0x21


def checksum(pid: int, length: int, payload: bytes) -> int:
    return (pid + (length >> 8) + (length & 0xFF) + sum(payload)) & 0xFFFF


@dataclass(frozen=True, slots=True)
class Packet:
    pid: int
    payload: bytes
    address: int = DEFAULT_ADDRESS

    @property
    def code(self) -> int:
        """Instruction code (command) or confirmation code (acknowledgement)."""
        return self.payload[0] if self.payload else -1


def encode(packet: Packet) -> bytes:
    length = len(packet.payload) + 2
    return (
        HEADER
        + struct.pack(">IBH", packet.address, packet.pid, length)
        + packet.payload
        + struct.pack(">H", checksum(packet.pid, length, packet.payload))
    )


def command(ins: Ins | int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return encode(Packet(Pid.COMMAND, bytes((int(ins),)) + params, address))


def ack(confirm: Confirm | int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return encode(Packet(Pid.ACK, bytes((int(confirm),)) + params, address))


@dataclass(frozen=True, slots=True)
class BadChecksum:
    """A complete packet whose checksum did not add up; the module answers 0x01."""

    pid: int
    address: int


_PREFIX = struct.Struct(">2sIBH")


@dataclass
class PacketDecoder:
    """Incremental decoder: resynchronises on the EF01 header, never raises on input."""

    _buf: bytearray = field(default_factory=bytearray)
    discarded: int = 0

    def feed(self, data: bytes) -> list[Packet | BadChecksum]:
        self._buf += data
        out: list[Packet | BadChecksum] = []
        buf = self._buf
        while True:
            start = buf.find(HEADER)
            if start < 0:
                # Keep a trailing 0xEF: it may be the first half of the next header.
                keep = 1 if buf.endswith(HEADER[:1]) else 0
                self._drop(len(buf) - keep)
                return out
            if start:
                self._drop(start)
            if len(buf) < _PREFIX.size:
                return out
            _, address, pid, length = _PREFIX.unpack_from(buf)
            if length < 2 or length > MAX_PACKET_PAYLOAD + 2 or pid not in Pid._value2member_map_:
                self._drop(1)
                continue
            total = _PREFIX.size + length
            if len(buf) < total:
                return out
            payload = bytes(buf[_PREFIX.size : total - 2])
            (received,) = struct.unpack_from(">H", buf, total - 2)
            if received != checksum(pid, length, payload):
                out.append(BadChecksum(pid, address))
                self._drop(1)  # rescan: a real packet may start inside the bad one
                continue
            del buf[:total]
            out.append(Packet(pid, payload, address))

    def idle(self) -> list[Packet | BadChecksum]:
        """The line went quiet: a partial packet is noise; drop its header and rescan."""
        out: list[Packet | BadChecksum] = []
        while self._buf:
            self._drop(1)
            out += self.feed(b"")
        return out

    @property
    def pending(self) -> int:
        return len(self._buf)

    def _drop(self, n: int) -> None:
        del self._buf[:n]
        self.discarded += n


@dataclass(frozen=True, slots=True)
class SysPara:
    """The 16 bytes of ReadSysPara (0x0F)."""

    status: int
    system_id: int
    capacity: int
    security_level: int
    address: int
    packet_size_code: int
    """0..3 for 32, 64, 128, 256-byte data packets."""
    baud_multiplier: int
    """Baud rate = 9600 × N."""


_SYS_PARA = struct.Struct(">HHHHIHH")


def encode_sys_para(p: SysPara) -> bytes:
    return _SYS_PARA.pack(
        p.status, p.system_id, p.capacity, p.security_level, p.address,
        p.packet_size_code, p.baud_multiplier,
    )


def decode_sys_para(data: bytes) -> SysPara | None:
    if len(data) < _SYS_PARA.size:
        return None
    return SysPara(*_SYS_PARA.unpack_from(data))
