"""KeySources over evdev: the real device (one reader thread) and a simulator.

The real source grabs the device (EVIOCGRAB) so a scanner's keystrokes reach only us, not
the kiosk UI that has focus. Unplugging ends ``read_loop`` with an OSError: the source goes
``offline``; the hotplug monitor (or, without udev, a rescan every few seconds) reattaches
it when a matching device appears again.
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from evdev import InputEvent

from bus.models.devices import DeviceState
from firmware_bridge.bridge.fanout import EventCallback, EventFanout
from firmware_bridge.inputs.hotplug import DeviceMatch, HotplugMonitor, find_device

log = logging.getLogger(__name__)

RESCAN_INTERVAL = 3.0
READ_POLL = 0.2


class Translator(Protocol):
    def feed(self, event: InputEvent) -> tuple[str, str] | None: ...


def _default_list() -> list[str]:
    import evdev

    return list(evdev.list_devices())


def _default_open(path: str) -> Any:
    import evdev

    return evdev.InputDevice(path)


class EvdevKeySource:
    def __init__(
        self,
        translator: Translator,
        match: DeviceMatch,
        *,
        grab: bool = True,
        hotplug: bool = True,
        list_devices: Callable[[], list[str]] = _default_list,
        open_device: Callable[[str], Any] = _default_open,
        rescan_interval: float = RESCAN_INTERVAL,
    ) -> None:
        self.translator = translator
        self.match = match
        self.grab = grab
        self.events = EventFanout()
        self._hotplug = HotplugMonitor(match, self._attach) if hotplug else None
        self._list = list_devices
        self._open = open_device
        self._rescan_interval = rescan_interval
        self._lock = threading.Lock()
        self._device: Any = None
        self._reader: threading.Thread | None = None
        self._rescanner: threading.Thread | None = None
        self._closing = threading.Event()
        self._state = DeviceState.OFFLINE
        self._failure_told = False

    def on_event(self, callback: EventCallback) -> None:
        self.events.on_event(callback)

    def state(self) -> DeviceState:
        return self._state

    def open(self) -> None:
        """Attach if the device is present; otherwise stay ``offline`` and wait for it."""
        self._closing.clear()
        if self._hotplug is None or not self._hotplug.start():
            self._rescanner = threading.Thread(target=self._rescan_loop, daemon=True,
                                               name="evdev-rescan")
            self._rescanner.start()
        self._scan()

    def close(self) -> None:
        self._closing.set()
        if self._hotplug is not None:
            self._hotplug.stop()
        with self._lock:
            device, self._device = self._device, None
            reader, self._reader = self._reader, None
        if device is not None:
            self._release(device)
        for thread in (reader, self._rescanner):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=2)
        self._state = DeviceState.OFFLINE

    def _scan(self) -> None:
        path = find_device(self.match, self._list, self._open)
        if path is None:
            log.debug("no input device matches %s", self.match.describe())
            return
        self._attach(path)

    def _attach(self, path: str) -> None:
        with self._lock:
            if self._device is not None or self._closing.is_set():
                return
            try:
                device = self._open(path)
            except OSError as exc:
                self._attach_failed("cannot open %s (%s); check permissions (group input)",
                                    path, exc)
                return
            if self.grab:
                try:
                    device.grab()  # keystrokes no longer reach the kiosk UI
                except OSError as exc:
                    # EBUSY: another process holds the grab. Close it, or every rescan
                    # leaks one open file descriptor.
                    self._attach_failed("cannot grab %s (%s); is another program using it?",
                                        path, exc)
                    self._release(device)
                    return
            self._failure_told = False
            self._device = device
            self._reader = threading.Thread(target=self._read, args=(device,), daemon=True,
                                            name=f"evdev {path}")
            self._state = DeviceState.OK
            self._reader.start()
        log.info("input device %s attached (%s)", path, self.match.describe())

    def _attach_failed(self, message: str, path: str, exc: OSError) -> None:
        """Warn once; the rescan every few seconds repeats the same failure all day."""
        log.log(logging.DEBUG if self._failure_told else logging.WARNING, message, path, exc)
        self._failure_told = True

    def _read(self, device: Any) -> None:
        try:
            for event in self._read_loop(device):
                out = self.translator.feed(event)
                if out is not None:
                    self.events.emit(*out)
        except (OSError, ValueError) as exc:  # ENODEV on unplug; EBADF after close()
            if not self._closing.is_set():
                log.warning("input device lost (%s); waiting for it to come back", exc)
        finally:
            with self._lock:
                if self._device is device:
                    self._device = None
            if not self._closing.is_set():
                self._state = DeviceState.OFFLINE
                self._release(device)

    def _read_loop(self, device: Any) -> Iterator[InputEvent]:
        """``InputDevice.read_loop`` with a timeout: its select() has none, and closing the fd
        from another thread does not wake a select() on Linux, so ``close`` could not stop it.
        """
        while not self._closing.is_set():
            ready, _, _ = select.select([device.fd], [], [], READ_POLL)
            if ready:
                yield from device.read()

    def _release(self, device: Any) -> None:
        for step in ("ungrab", "close"):
            try:
                getattr(device, step)()
            except (OSError, ValueError, AttributeError) as exc:
                log.debug("%s: %s", step, exc)

    def _rescan_loop(self) -> None:
        while not self._closing.wait(self._rescan_interval):
            if self._device is None:
                self._scan()


class SimKeySource:
    """``port: sim``: events injected as ``InputEvent`` streams through the same translator."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator
        self.events = EventFanout()
        self._state = DeviceState.OFFLINE

    def on_event(self, callback: EventCallback) -> None:
        self.events.on_event(callback)

    def open(self) -> None:
        self._state = DeviceState.OK

    def close(self) -> None:
        self._state = DeviceState.OFFLINE

    def state(self) -> DeviceState:
        return self._state

    def inject(self, events: Iterable[InputEvent]) -> None:
        for event in events:
            out = self.translator.feed(event)
            if out is not None:
                self.events.emit(*out)
