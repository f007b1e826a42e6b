"""The device end of a pseudo-terminal, for the serial simulators.

The simulator holds the master side; the slave's name is symlinked at a path of the
caller's choosing, so the real driver opens that path with pyserial exactly as it would
open ``/dev/ttyUSB0``. The simulator also keeps the slave open itself: on Linux the master
reports EIO (hang-up) while no process holds the slave, which would end the simulator
between two driver sessions.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import tty
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.02


class PtyPort:
    """A pty whose slave is reachable at ``link``; bytes from the driver go to ``on_data``."""

    def __init__(
        self,
        link: str | os.PathLike[str],
        on_data: Callable[[bytes], None],
        on_idle: Callable[[], None] | None = None,
    ) -> None:
        self.link = Path(link)
        self._on_data = on_data
        self._on_idle = on_idle
        self._master, self._slave = os.openpty()
        # Raw: no echo (the simulator would read its own replies) and no newline mangling.
        tty.setraw(self._slave)
        self.slave_name = os.ttyname(self._slave)
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.owned_dir: Path | None = None
        """A directory made just for ``link`` (``port: sim``), removed again by ``close``."""

    def start(self) -> None:
        self.link.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        self.link.symlink_to(self.slave_name)
        self._thread = threading.Thread(
            target=self._loop, name=f"pty {self.link.name}", daemon=True
        )
        self._thread.start()

    def write(self, data: bytes) -> None:
        with self._write_lock:
            view = memoryview(data)
            while view:
                written = os.write(self._master, view)
                view = view[written:]

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        with contextlib.suppress(FileNotFoundError):
            if self.link.is_symlink():
                self.link.unlink()
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.owned_dir is not None:
            with contextlib.suppress(OSError):
                self.owned_dir.rmdir()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], POLL_INTERVAL)
                data = os.read(self._master, 4096) if ready else b""
            except OSError as exc:
                log.debug("pty read: %s", exc)
                return
            try:
                if data:
                    self._on_data(data)
                elif self._on_idle is not None:
                    self._on_idle()
            except Exception:  # the simulator keeps running whatever a handler did
                log.exception("simulator handler failed")
