"""Host side of the microcontroller link over pyserial.

Threads: one reader (blocking ``serial.read`` with a short timeout, feeding the decoder)
and one keeper (identify, heartbeat, reconnect, re-sync after a device reboot). Events from
the device are handed to listeners on the reader thread; a listener must not block (the
bridge hands them to its event loop with ``call_soon_threadsafe``, STYLE 8).

A device that never answers is ``offline`` after a bounded time
(``(max_retries + 1) * ack_timeout``), never a hang; the keeper keeps trying to identify it
every ``reconnect_interval`` and it comes back ``ok`` when it answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from bus.models.devices import DeviceState
from firmware_bridge.interfaces import DeviceOffline
from firmware_bridge.mcu.endpoint import Endpoint, SendResult, Timing
from firmware_bridge.mcu.frames import Frame, MsgType, NakReason
from firmware_bridge.mcu.messages import Identity, decode_identity
from firmware_bridge.serialport import close_quietly

log = logging.getLogger(__name__)

DEFAULT_BAUDRATE = 115200
READ_TIMEOUT = 0.02

FrameListener = Callable[[Frame], None]
OnlineListener = Callable[[Identity], None]


class McuLink:
    """A serial link to one microcontroller board (display, caller or evaluator)."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        timing: Timing | None = None,
        serial_factory: Callable[..., Any] = serial.Serial,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.timing = timing or Timing()
        self._serial_factory = serial_factory
        self._serial: Any = None
        self.endpoint = Endpoint(self._write, self._on_frame, self.timing)
        self._state = DeviceState.OFFLINE
        self._state_lock = threading.Lock()
        self.identity: Identity | None = None
        self._identified = threading.Event()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._resync = False
        self._identifying = False
        self._silence_told = False
        """The board's silence is in the log already; the keeper's retries stay quiet."""
        self._reader: threading.Thread | None = None
        self._keeper: threading.Thread | None = None
        self._frame_listeners: list[FrameListener] = []
        self._online_listeners: list[OnlineListener] = []
        self._state_listeners: list[Callable[[DeviceState], None]] = []

    # -- listeners -----------------------------------------------------------------------

    def on_frame(self, listener: FrameListener) -> None:
        """Device-originated messages (keys, ratings), called on the reader thread."""
        self._frame_listeners.append(listener)

    def on_online(self, listener: OnlineListener) -> None:
        """Called on the keeper thread after every (re)identification; may send."""
        self._online_listeners.append(listener)

    def on_state(self, listener: Callable[[DeviceState], None]) -> None:
        self._state_listeners.append(listener)

    # -- lifecycle -----------------------------------------------------------------------

    def open(self) -> None:
        """Open the port and identify the device (bounded time).

        Raises ``DeviceOffline`` only when the port itself cannot be opened (the bridge
        retries with back-off); a silent device leaves the link ``offline`` and retrying.
        """
        self._stop.clear()
        self._open_port()
        self.identify()
        self._keeper = threading.Thread(
            target=self._keep_loop, name=f"mcu-keep {self.port}", daemon=True
        )
        self._keeper.start()

    def _open_port(self) -> None:
        try:
            port = self._serial_factory(self.port, self.baudrate, timeout=READ_TIMEOUT)
        except (serial.SerialException, OSError) as exc:
            self._set_state(DeviceState.OFFLINE)
            raise DeviceOffline(f"cannot open {self.port}: {exc}") from exc
        self.endpoint.decoder.idle()  # bytes of a previous session are garbage now
        self._serial = port
        self._reader = threading.Thread(
            target=self._read_loop, args=(port,), name=f"mcu-read {self.port}", daemon=True
        )
        self._reader.start()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in (self._keeper, self._reader):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=2)
        self._keeper = self._reader = None
        self._close_port()
        self._set_state(DeviceState.OFFLINE)

    def _close_port(self) -> None:
        port, self._serial = self._serial, None
        close_quietly(port, self.port)

    def state(self) -> DeviceState:
        return self._state

    # -- requests ------------------------------------------------------------------------

    def identify(self) -> Identity | None:
        """Ask the device who it is; ``None`` (and ``offline``) if it does not answer."""
        self._identified.clear()
        self._identifying = True
        try:
            self.endpoint.reset_session()
            result = self.endpoint.send(MsgType.IDENTIFY)
            answered = result is SendResult.ACKED and self._identified.wait(
                self.timing.reply_timeout
            )
        finally:
            self._identifying = False
        if answered:
            self._silence_told = False
            self._set_state(DeviceState.OK)
            self._resync = False
            self._notify_online()
            return self.identity
        # The keeper asks again every reconnect_interval: say it once, not every 2 s.
        level = logging.DEBUG if self._silence_told else logging.WARNING
        log.log(level, "%s: no identify reply (%s); check power and cable", self.port,
                result.value)
        self._silence_told = True
        self._set_state(DeviceState.OFFLINE)
        return None

    def send(self, msg_type: int, payload: bytes = b"") -> SendResult:
        """Send one message reliably; a timeout marks the device ``offline``."""
        if self._serial is None:
            return SendResult.TIMEOUT
        result = self.endpoint.send(msg_type, payload)
        if result is SendResult.TIMEOUT and not self._stop.is_set():
            # While closing, the reader has stopped: a heartbeat in flight cannot hear its
            # ACK, and that says nothing about the device.
            log.warning("%s: no ACK after %d tries; device offline", self.port,
                        self.timing.max_retries + 1)
            self._set_state(DeviceState.OFFLINE)
        return result

    # -- internals -----------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        port = self._serial
        if port is None:
            raise OSError("port closed")
        try:
            port.write(data)
        except serial.SerialException as exc:
            raise OSError(str(exc)) from exc

    def _set_state(self, new: DeviceState) -> None:
        with self._state_lock:
            if new == self._state:
                return
            self._state = new
        for listener in self._state_listeners:
            try:
                listener(new)
            except Exception:
                log.exception("state listener failed")

    def _notify_online(self) -> None:
        identity = self.identity
        if identity is None:
            return
        for listener in self._online_listeners:
            try:
                listener(identity)
            except Exception:
                log.exception("online listener failed")

    def _on_frame(self, frame: Frame) -> NakReason | None:
        if frame.type == MsgType.IDENTIFY_REPLY:
            identity = decode_identity(frame.payload)
            if identity is None:
                return NakReason.BAD_PAYLOAD
            self.identity = identity
            if not self._identifying:
                # Unsolicited: the device (re)booted and announces itself. Its screen is
                # blank now, so the keeper re-identifies / re-sends what it should show.
                self._resync = True
                self._wake.set()
            self._identified.set()
            return None
        if frame.type not in (MsgType.KEY_EVENT, MsgType.RATING):
            return NakReason.UNKNOWN_TYPE
        for listener in self._frame_listeners:
            try:
                listener(frame)
            except Exception:
                log.exception("frame listener failed")
        return None

    def _read_loop(self, port: Any) -> None:
        last_byte = time.monotonic()
        while not self._stop.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError) as exc:
                # Unplugged (or the board's USB-serial reset): report it; the keeper reopens
                # the port when the device node comes back.
                if not self._stop.is_set():
                    log.warning("%s: read failed (%s); device offline", self.port, exc)
                    self._set_state(DeviceState.OFFLINE)
                    self._close_port()
                return
            now = time.monotonic()
            if data:
                last_byte = now
                self.endpoint.feed(data)
            elif self.endpoint.decoder.pending and now - last_byte >= self.timing.idle_gap:
                self.endpoint.idle()

    def _reconnect(self) -> None:
        if self._reader is None or not self._reader.is_alive():
            try:
                self._open_port()
            except DeviceOffline as exc:
                log.debug("%s", exc)
                return
        self.identify()

    def _keep_loop(self) -> None:
        last_try = time.monotonic()
        while not self._stop.is_set():
            self._wake.wait(self.timing.heartbeat_interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            if self._resync and self._state == DeviceState.OK:
                self._resync = False
                self._notify_online()
            elif self._state != DeviceState.OK:
                if self._resync or time.monotonic() - last_try >= self.timing.reconnect_interval:
                    last_try = time.monotonic()
                    self._reconnect()
            else:
                self.send(MsgType.HEARTBEAT)
