"""A simulated R307/AS608 fingerprint module over a pseudo-terminal.

It answers command packets as the module's manual says, so third-party clients (the
``pyfingerprint`` package) and our driver both work against it. A "finger" is an integer:
the same number placed twice is the same finger. ``place_finger(n)`` / ``remove_finger()``
are what a person does; ``hall sim fingerprint`` reads them from stdin (``place N``,
``remove``, ``list``).

Behaviour kept from the module: an empty sensor answers GenImg with 0x02; Img2Tz without an
image gives 0x15; Search with no match gives 0x09 with page 0 and score 0; a packet with a
bad checksum gets an acknowledgement with 0x01; packets for another address are ignored;
while the password is not 0, every command but VfyPwd needs it verified first (0x21).
"""

from __future__ import annotations

import logging
import os
import struct
import threading
from collections.abc import Callable

from firmware_bridge.fingerprint.protocol import (
    DEFAULT_ADDRESS,
    DEFAULT_PASSWORD,
    BadChecksum,
    Confirm,
    Ins,
    Packet,
    PacketDecoder,
    Pid,
    SysPara,
    ack,
    encode_sys_para,
)
from firmware_bridge.ptyport import PtyPort

log = logging.getLogger(__name__)

R307_CAPACITY = 1000
SYSTEM_ID = 0x0009
MATCH_SCORE = 120
IDLE_TICKS_TO_RESET = 5
"""Quiet poll intervals (20 ms each) after which a partial packet is dropped."""

Reply = tuple[int, bytes]


class FingerprintModuleSim:
    def __init__(
        self,
        link: str | os.PathLike[str],
        *,
        capacity: int = R307_CAPACITY,
        address: int = DEFAULT_ADDRESS,
        password: int = DEFAULT_PASSWORD,
        security_level: int = 3,
    ) -> None:
        self.capacity = capacity
        self.address = address
        self.password = password
        self.security_level = security_level
        self.slots: dict[int, int] = {}
        """Flash library: page id → the finger whose template is stored there."""
        self.char_buffers: dict[int, int | None] = {1: None, 2: None}
        self.image: int | None = None
        self.verified = password == DEFAULT_PASSWORD
        self.bad_checksums = 0
        self._finger: int | None = None
        self._lock = threading.Lock()
        self._decoder = PacketDecoder()
        self._idle_ticks = 0
        self.port = PtyPort(link, self._on_bytes, self._on_idle)

    @property
    def link(self) -> str:
        return str(self.port.link)

    def start(self) -> FingerprintModuleSim:
        self.port.start()
        return self

    def close(self) -> None:
        self.port.close()

    # -- the person at the sensor ----------------------------------------------------------

    def place_finger(self, finger: int) -> None:
        with self._lock:
            self._finger = finger

    def remove_finger(self) -> None:
        with self._lock:
            self._finger = None

    # -- protocol -------------------------------------------------------------------------

    def _on_idle(self) -> None:
        if self._decoder.pending:
            self._idle_ticks += 1
            if self._idle_ticks >= IDLE_TICKS_TO_RESET:
                self._idle_ticks = 0
                for item in self._decoder.idle():
                    self._answer(item)

    def _on_bytes(self, data: bytes) -> None:
        self._idle_ticks = 0
        for item in self._decoder.feed(data):
            self._answer(item)

    def _answer(self, item: Packet | BadChecksum) -> None:
        if item.address != self.address:
            return  # another module's packet on a shared line: the module stays silent
        if isinstance(item, BadChecksum):
            self.bad_checksums += 1
            self.port.write(ack(Confirm.PACKET_ERROR, address=self.address))
            return
        if item.pid != Pid.COMMAND or not item.payload:
            self.port.write(ack(Confirm.PACKET_ERROR, address=self.address))
            return
        with self._lock:
            code, params = self.execute(item.payload[0], item.payload[1:])
        self.port.write(ack(code, params, address=self.address))

    def execute(self, ins: int, params: bytes) -> Reply:
        """One instruction against the module's state: (confirmation code, return params)."""
        if ins == Ins.VFY_PWD:
            if len(params) != 4:
                return Confirm.PACKET_ERROR, b""
            self.verified = struct.unpack(">I", params)[0] == self.password
            return (Confirm.OK if self.verified else Confirm.WRONG_PASSWORD), b""
        if not self.verified:
            return Confirm.MUST_VERIFY_PASSWORD, b""
        handler = _HANDLERS.get(ins)
        if handler is None:
            return Confirm.PACKET_ERROR, b""
        try:
            return handler(self, params)
        except (struct.error, IndexError):  # parameters shorter than the instruction needs
            return Confirm.PACKET_ERROR, b""

    def _gen_img(self, params: bytes) -> Reply:
        if self._finger is None:
            return Confirm.NO_FINGER, b""
        self.image = self._finger
        return Confirm.OK, b""

    def _img2tz(self, params: bytes) -> Reply:
        if self.image is None:
            return Confirm.NO_VALID_IMAGE, b""
        # Manual: buffer ids other than 1 are treated as CharBuffer2.
        self.char_buffers[1 if params[0] == 1 else 2] = self.image
        return Confirm.OK, b""

    def _match(self, params: bytes) -> Reply:
        a, b = self.char_buffers[1], self.char_buffers[2]
        if a is not None and a == b:
            return Confirm.OK, struct.pack(">H", MATCH_SCORE)
        return Confirm.NO_MATCH, struct.pack(">H", 0)

    def _search(self, params: bytes) -> Reply:
        buffer_id, start, count = struct.unpack(">BHH", params[:5])
        finger = self.char_buffers[1 if buffer_id == 1 else 2]
        if finger is not None:
            for page in range(start, min(start + count, self.capacity)):
                if self.slots.get(page) == finger:
                    return Confirm.OK, struct.pack(">HH", page, MATCH_SCORE)
        return Confirm.NOT_FOUND, struct.pack(">HH", 0, 0)

    def _reg_model(self, params: bytes) -> Reply:
        a, b = self.char_buffers[1], self.char_buffers[2]
        if a is None or a != b:
            return Confirm.COMBINE_FAIL, b""
        return Confirm.OK, b""  # the merged template sits in both buffers

    def _store(self, params: bytes) -> Reply:
        buffer_id, page = struct.unpack(">BH", params[:3])
        if page >= self.capacity:
            return Confirm.BAD_PAGE, b""
        finger = self.char_buffers[1 if buffer_id == 1 else 2]
        if finger is None:
            return Confirm.READ_TEMPLATE_FAIL, b""
        self.slots[page] = finger
        return Confirm.OK, b""

    def _load_char(self, params: bytes) -> Reply:
        buffer_id, page = struct.unpack(">BH", params[:3])
        if page >= self.capacity:
            return Confirm.BAD_PAGE, b""
        if page not in self.slots:
            return Confirm.READ_TEMPLATE_FAIL, b""
        self.char_buffers[1 if buffer_id == 1 else 2] = self.slots[page]
        return Confirm.OK, b""

    def _delete(self, params: bytes) -> Reply:
        page, count = struct.unpack(">HH", params[:4])
        if page + count > self.capacity:
            return Confirm.BAD_PAGE, b""
        for slot in range(page, page + count):
            self.slots.pop(slot, None)
        return Confirm.OK, b""

    def _empty(self, params: bytes) -> Reply:
        self.slots.clear()
        return Confirm.OK, b""

    def _read_sys_para(self, params: bytes) -> Reply:
        status = 0x0004 if self.password != DEFAULT_PASSWORD else 0  # bit 2: password set
        return Confirm.OK, encode_sys_para(
            SysPara(status, SYSTEM_ID, self.capacity, self.security_level, self.address, 2, 6)
        )

    def _template_num(self, params: bytes) -> Reply:
        return Confirm.OK, struct.pack(">H", len(self.slots))

    def _read_index_table(self, params: bytes) -> Reply:
        page = params[0]
        if page > 3:
            return Confirm.BAD_PAGE, b""
        bits = bytearray(32)  # 256 slots per index page, bit i of byte j = slot 8j + i
        for slot in self.slots:
            offset = slot - page * 256
            if 0 <= offset < 256:
                bits[offset // 8] |= 1 << (offset % 8)
        return Confirm.OK, bytes(bits)


_HANDLERS: dict[int, Callable[[FingerprintModuleSim, bytes], Reply]] = {
    Ins.GEN_IMG: FingerprintModuleSim._gen_img,
    Ins.IMG2TZ: FingerprintModuleSim._img2tz,
    Ins.MATCH: FingerprintModuleSim._match,
    Ins.SEARCH: FingerprintModuleSim._search,
    Ins.REG_MODEL: FingerprintModuleSim._reg_model,
    Ins.STORE: FingerprintModuleSim._store,
    Ins.LOAD_CHAR: FingerprintModuleSim._load_char,
    Ins.DELETE: FingerprintModuleSim._delete,
    Ins.EMPTY: FingerprintModuleSim._empty,
    Ins.READ_SYS_PARA: FingerprintModuleSim._read_sys_para,
    Ins.TEMPLATE_NUM: FingerprintModuleSim._template_num,
    Ins.READ_INDEX_TABLE: FingerprintModuleSim._read_index_table,
}
