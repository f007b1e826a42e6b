"""One end of the microcontroller link: ACK/NAK, retransmission, duplicate suppression.

Shared by the host driver (``link.py``) and the device simulator (``sim.py``) so that both
sides follow the same rules of PROTOCOL.md. It owns no thread and no port: the owner calls
``feed``/``idle`` from its reader thread and ``send`` from any *other* thread (``send``
blocks until the peer acknowledges, and the acknowledgement arrives through ``feed``).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from firmware_bridge.mcu.frames import (
    LINK_TYPES,
    Corrupt,
    Frame,
    FrameDecoder,
    MsgType,
    NakReason,
    encode,
)

log = logging.getLogger(__name__)

SESSION_TYPES = frozenset({MsgType.IDENTIFY, MsgType.IDENTIFY_REPLY})
"""Always delivered and restart duplicate detection: a reboot resets the peer's SEQ."""


@dataclass(frozen=True)
class Timing:
    """Link timing (PROTOCOL.md "Timing"); tests pass shorter values, never sleeps."""

    ack_timeout: float = 0.1
    max_retries: int = 3
    reply_timeout: float = 0.5
    heartbeat_interval: float = 1.0
    reconnect_interval: float = 2.0
    idle_gap: float = 0.05


class SendResult(enum.Enum):
    ACKED = "acked"
    REJECTED = "rejected"
    """The peer NAKed with a reason retransmission cannot fix (unknown type, bad payload)."""
    TIMEOUT = "timeout"
    """No ACK after every retry: the peer is gone."""


@dataclass
class LinkStats:
    sent: int = 0
    retransmits: int = 0
    timeouts: int = 0
    naks_received: int = 0
    duplicates: int = 0
    acks_dropped: int = 0


class Endpoint:
    """Stop-and-wait reliable delivery over an unreliable byte stream (window of one)."""

    def __init__(
        self,
        write: Callable[[bytes], None],
        deliver: Callable[[Frame], NakReason | None],
        timing: Timing | None = None,
    ) -> None:
        self._write = write
        self._deliver = deliver
        self.timing = timing or Timing()
        self.decoder = FrameDecoder()
        self.stats = LinkStats()
        self._send_lock = threading.Lock()
        self._cond = threading.Condition()
        self._tx_seq = 0
        self._outstanding: int | None = None
        self._answer: tuple[MsgType, int] | None = None  # (ACK|NAK, reason)
        self._last_rx_seq: int | None = None
        # Fault injection, used by the simulators: swallow outgoing ACKs / corrupt frames.
        self.drop_acks = 0
        self.corrupt_frames = 0

    def reset_session(self) -> None:
        with self._cond:
            self._tx_seq = 0
            self._last_rx_seq = None

    # -- receive side (reader thread) --------------------------------------------------

    def feed(self, data: bytes) -> None:
        for item in self.decoder.feed(data):
            self._handle(item)

    def idle(self) -> None:
        for item in self.decoder.idle():
            self._handle(item)

    def _handle(self, item: Frame | Corrupt) -> None:
        if isinstance(item, Corrupt):
            if item.type not in LINK_TYPES:
                # A hint only: the sender retransmits on timeout anyway.
                self._emit(Frame(item.seq, MsgType.NAK, bytes((NakReason.CRC,))))
            return
        if item.type == MsgType.ACK or item.type == MsgType.NAK:
            reason = item.payload[0] if item.payload else NakReason.CRC
            with self._cond:
                if self._outstanding == item.seq:
                    kind = MsgType(item.type)
                    self._answer = (kind, reason)
                    if kind == MsgType.NAK:
                        self.stats.naks_received += 1
                    self._cond.notify_all()
            return
        session = item.type in SESSION_TYPES
        if not session and item.seq == self._last_rx_seq:
            self.stats.duplicates += 1
            self._ack(item.seq)  # our earlier ACK was lost; do not apply it twice
            return
        try:
            verdict = self._deliver(item)
        except Exception:  # a handler bug must not kill the reader thread
            log.exception("handler failed for frame type 0x%02x", item.type)
            verdict = NakReason.BAD_PAYLOAD
        if verdict is not None:
            self._emit(Frame(item.seq, MsgType.NAK, bytes((verdict,))))
            return
        self._last_rx_seq = item.seq
        self._ack(item.seq)

    def _ack(self, seq: int) -> None:
        if self.drop_acks > 0:
            self.drop_acks -= 1
            self.stats.acks_dropped += 1
            return
        self._emit(Frame(seq, MsgType.ACK))

    def _emit(self, frame: Frame) -> None:
        data = encode(frame)
        if self.corrupt_frames > 0:
            self.corrupt_frames -= 1
            data = data[:-1] + bytes(((data[-1] ^ 0xFF),))
        try:
            self._write(data)
        except OSError as exc:  # the port went away; the sender's timeout reports it
            log.debug("write failed: %s", exc)

    # -- send side (any thread but the reader) ------------------------------------------

    def send(self, msg_type: int, payload: bytes = b"") -> SendResult:
        """Send reliably: retransmit on timeout or CRC NAK, at most ``max_retries`` times."""
        with self._send_lock:
            with self._cond:
                seq = self._tx_seq
                self._tx_seq = (self._tx_seq + 1) & 0xFF
                self._outstanding = seq
                self._answer = None
            frame = Frame(seq, msg_type, payload)
            try:
                for attempt in range(self.timing.max_retries + 1):
                    if attempt:
                        self.stats.retransmits += 1
                    self.stats.sent += 1
                    self._emit(frame)
                    with self._cond:
                        self._cond.wait_for(
                            lambda: self._answer is not None, self.timing.ack_timeout
                        )
                        answer, self._answer = self._answer, None
                    if answer is None:
                        continue
                    kind, reason = answer
                    if kind == MsgType.ACK:
                        return SendResult.ACKED
                    if reason not in (NakReason.CRC, NakReason.BUSY):
                        return SendResult.REJECTED
                self.stats.timeouts += 1
                return SendResult.TIMEOUT
            finally:
                with self._cond:
                    self._outstanding = None
