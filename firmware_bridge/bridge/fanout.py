"""Hand ``(kind, value)`` events from a device thread to every subscriber of a KeySource."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

EventCallback = Callable[[str, str], None]


class EventFanout:
    """The ``on_event`` half of ``KeySource``; a failing subscriber never stops the reader."""

    def __init__(self) -> None:
        self._callbacks: list[EventCallback] = []
        self._lock = threading.Lock()

    def on_event(self, callback: EventCallback) -> None:
        """``callback(kind, value)`` runs on the device's thread; it must not block."""
        with self._lock:
            self._callbacks.append(callback)

    def emit(self, kind: str, value: str) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(kind, value)
            except Exception:
                log.exception("event subscriber failed on %s %r", kind, value)
