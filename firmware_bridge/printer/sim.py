"""``SimPrinter``: the ticket printer for ``port: sim`` — every document becomes a PNG.

Used by the demo (a printed ticket appears as a picture) and by node tests. Its state is a
switch, so the kiosk's "打印机缺纸" screen can be shown without hardware.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bus.models.devices import DeviceState
from firmware_bridge.printer.document import PRINTABLE_DOTS, OneTimeNotice, Ticket
from firmware_bridge.printer.render import render_preview

log = logging.getLogger(__name__)


class SimPrinter:
    """Writes ``<out_dir>/<seq>-<what>.png`` for each document printed while not in a fault."""

    def __init__(self, out_dir: str | Path, *, width_mm: int = 80) -> None:
        if width_mm not in PRINTABLE_DOTS:
            raise ValueError(f"width_mm must be one of {sorted(PRINTABLE_DOTS)}")
        self.out_dir = Path(out_dir)
        self.width_mm = width_mm
        self.printed: list[Path] = []
        self._state = DeviceState.OFFLINE
        self._fault: DeviceState | None = None

    def open(self) -> None:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("sim printer: cannot create %s (%s): check the path", self.out_dir, exc)
            self._state = DeviceState.ERROR
            return
        self._state = self._fault or DeviceState.OK

    def close(self) -> None:
        self._state = DeviceState.OFFLINE

    def state(self) -> DeviceState:
        return self._state

    def set_state(self, state: DeviceState) -> None:
        """Pretend a fault (paper out, cover open...) or clear it with ``DeviceState.OK``."""
        self._fault = None if state is DeviceState.OK else state
        if self._state is not DeviceState.OFFLINE or state is DeviceState.OFFLINE:
            self._state = state

    def print_document(self, document: object) -> DeviceState:
        if not isinstance(document, Ticket | OneTimeNotice):
            raise TypeError(f"not a printable document: {type(document).__name__}")
        if self._state.is_fault:
            return self._state
        what = document.number if isinstance(document, Ticket) else document.item_name
        name = f"{len(self.printed) + 1:04d}-{_safe(what)}.png"
        path = self.out_dir / name
        try:
            render_preview(document, self.width_mm).save(path)
        except OSError as exc:
            log.warning("sim printer: cannot write %s (%s): check disk space", path, exc)
            return DeviceState.ERROR
        self.printed.append(path)
        return self._state


def _safe(text: str) -> str:
    """A file name part: keep letters (Chinese too), digits and dashes."""
    return re.sub(r"[^\w-]+", "_", text)[:40] or "document"
