"""One thread per device: open with bounded back-off, run jobs, poll the state (STYLE 8).

Everything that may block (USB status queries take ~4 s on a silent printer, serial
retransmits, fingerprint captures) runs here, never on the bridge's event loop. Results go
back through ``handoff`` (the loop's ``call_soon_threadsafe``), so the endpoints' callbacks
all run on the loop. A driver that raises is a bug, logged with its traceback; it becomes
the ``error`` state and the thread carries on.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bus.models.devices import DeviceState
from firmware_bridge.bridge.logic import Backoff
from firmware_bridge.interfaces import Device, DeviceOffline

log = logging.getLogger(__name__)

Handoff = Callable[[Callable[[], None]], None]
"""Runs a callable on the bridge's loop (``loop.call_soon_threadsafe``)."""
StateListener = Callable[[DeviceState, str], None]
Poll = Callable[[Any], DeviceState]
"""Called on the device thread every poll interval; returns the device's state."""

JOIN_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class _Job:
    run: Callable[[Any], Any]
    done: Callable[[Any], None] | None


class DeviceWorker:
    """Owns ``device``: only this thread calls it (after ``start``)."""

    def __init__(
        self,
        label: str,
        device: Device,
        handoff: Handoff,
        on_state: StateListener,
        *,
        poll: Poll | None = None,
        poll_s: float = 1.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.label = label
        self.device = device
        self._handoff = handoff
        self._on_state = on_state
        self._poll: Poll = poll or (lambda dev: dev.state())
        self._poll_s = poll_s
        self._backoff = backoff or Backoff()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._main, name=f"device {label}", daemon=True)
        self._state: DeviceState | None = None
        self._detail = ""
        self.opened = False

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, run: Callable[[Any], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run ``run(device)`` on the device thread, then ``done(result)`` on the loop.

        If ``run`` raises, ``done`` gets the exception object (the job failed, the bridge
        did not); ``run`` runs even before the device opened: drivers answer with a fault.
        """
        self._jobs.put(_Job(run, done))

    def stop(self) -> None:
        """Close the device on its own thread and wait (bounded) for it."""
        if self._thread.ident is None:
            # Never started (a shutdown between build and start): nobody else holds the
            # device, so close it here; a simulator built with it has threads to end.
            self._close()
            return
        self._jobs.put(None)
        self._thread.join(JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            log.warning("%s: device thread did not stop within %.0f s", self.label, JOIN_TIMEOUT_S)

    # The device thread --------------------------------------------------------------------

    def _main(self) -> None:
        next_open = next_poll = 0.0
        while True:
            now = time.monotonic()
            if not self.opened and now >= next_open:
                if self._open():
                    next_poll = 0.0
                else:
                    next_open = time.monotonic() + self._backoff.next()
            if self.opened and time.monotonic() >= next_poll:
                self._report(self._safely(self._poll, DeviceState.ERROR))
                next_poll = time.monotonic() + self._poll_s
            due = next_poll if self.opened else next_open
            timeout = max(0.0, due - time.monotonic()) if math.isfinite(due) else None
            try:
                job = self._jobs.get(timeout=timeout)
            except queue.Empty:
                continue
            if job is None:
                break
            self._run(job)
        self._close()

    def _open(self) -> bool:
        try:
            self.device.open()
        except DeviceOffline as exc:
            log.info("%s: %s; retrying", self.label, exc)
            self._report(DeviceState.OFFLINE, str(exc))
            return False
        except Exception:
            log.exception("%s: open failed", self.label)
            self._report(DeviceState.ERROR)
            return False
        self._backoff.reset()
        self.opened = True
        return True

    def _run(self, job: _Job) -> None:
        try:
            result: Any = job.run(self.device)
        except Exception as exc:
            log.exception("%s: device call failed", self.label)
            result = exc
            self._report(DeviceState.ERROR)
        if job.done is not None:
            done = job.done
            self._handoff(lambda: done(result))

    def _safely(self, fn: Poll, fallback: DeviceState) -> DeviceState:
        try:
            return fn(self.device)
        except Exception:
            log.exception("%s: state query failed", self.label)
            return fallback

    def _close(self) -> None:
        try:
            self.device.close()
        except Exception:  # shutdown handlers each run in their own try (STYLE 7)
            log.exception("%s: close failed", self.label)

    def _report(self, state: DeviceState, detail: str = "") -> None:
        """Hand a state to the loop when it changed (or came with a new reason)."""
        if state == self._state and (not detail or detail == self._detail):
            return
        self._state, self._detail = state, detail
        listener = self._on_state
        self._handoff(lambda: listener(state, detail))
