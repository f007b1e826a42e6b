"""``EscposUsbPrinter``: the kiosk's ticket printer over pyusb through python-escpos.

Faults are states: open, state and print never let a USB or ESC/POS error escape. A
print that did not get through returns a fault state; the ticket stays issued and the
caller decides whether to reprint (a failed print never cancels a ticket).
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import usb.core
import usb.util
from escpos.exceptions import Error as EscposError
from escpos.printer import Usb

from bus.models.devices import DeviceState
from firmware_bridge.printer.document import PRINTABLE_DOTS, OneTimeNotice, Ticket
from firmware_bridge.printer.escpos_encode import Mode, printer_profile, send_document
from firmware_bridge.printer.status import HINTS, StatusQuery, query_bytes, state_from_status

log = logging.getLogger(__name__)

OPEN_ATTEMPTS = 3
OPEN_RETRY_DELAY_S = 0.5
"""First back-off between open attempts; doubled each time (0.5 s, 1 s)."""
USB_TIMEOUT_MS = 5000
"""A stopped printer NAKs once its buffer is full; without a timeout the write never ends."""
PRINTER_CLASS = 7

_IO_ERRORS = (usb.core.USBError, EscposError, OSError, ValueError)


class EscposUsbPrinter:
    """A USB ESC/POS printer found by vendor and product ID.

    ``backend`` is a pyusb backend (None: libusb as found by pyusb; the tests and the demo
    pass ``usb_emulator.EmulatedUsbBackend``). ``sleep`` is injected so the open retries
    cost no time in tests.
    """

    def __init__(
        self,
        id_vendor: int,
        id_product: int,
        *,
        width_mm: int = 80,
        mode: Mode = "text",
        backend: Any = None,
        open_attempts: int = OPEN_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if width_mm not in PRINTABLE_DOTS:
            raise ValueError(f"width_mm must be one of {sorted(PRINTABLE_DOTS)}")
        self.id_vendor = id_vendor
        self.id_product = id_product
        self.width_mm = width_mm
        self.mode: Mode = mode
        self._backend = backend
        self._open_attempts = max(open_attempts, 1)
        self._sleep = sleep
        self._usb: Usb | None = None
        self._wanted = False
        self._state = DeviceState.OFFLINE
        # The bridge may poll state() from one thread while a job prints from another.
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"EscposUsbPrinter({self.id_vendor:04x}:{self.id_product:04x}, {self.width_mm} mm)"

    # --- Device -------------------------------------------------------------------

    def open(self) -> None:
        """Find and claim the printer, with bounded retries; a missing printer is OFFLINE."""
        with self._lock:
            self._wanted = True
            for attempt in range(self._open_attempts):
                if self._connect():
                    self._set_state(self._query())
                    return
                if attempt + 1 < self._open_attempts:
                    self._sleep(OPEN_RETRY_DELAY_S * 2**attempt)
            self._set_state(DeviceState.OFFLINE)

    def close(self) -> None:
        with self._lock:
            self._wanted = False
            self._drop()
            self._state = DeviceState.OFFLINE

    def state(self) -> DeviceState:
        """Ask the printer (DLE EOT 1..4); reconnects once if it was unplugged and is back."""
        with self._lock:
            self._set_state(self._current())
            return self._state

    def print_document(self, document: object) -> DeviceState:
        """Print a ticket or notice; a fault state means it did not (all) come out.

        Nothing is sent to a printer that already reports a fault, so a job cannot sit in
        its buffer and come out later, after the kiosk has told the citizen to reprint.
        """
        if not isinstance(document, Ticket | OneTimeNotice):
            raise TypeError(f"not a printable document: {type(document).__name__}")
        with self._lock:
            before = self._current()
            if before.is_fault or self._usb is None:
                self._set_state(before)
                log.warning("%s: not printing %s: %s", self, _label(document), HINTS[before])
                return before
            try:
                send_document(self._usb, document, self.width_mm, self.mode)
            except _IO_ERRORS as exc:
                after = self._after_failure(exc)
                label = _label(document)
                log.warning("%s: print of %s failed (%s): %s", self, label, exc, HINTS[after])
                self._set_state(after)
                return after
            after = self._query()
            self._set_state(after)
            return after

    # --- internals ----------------------------------------------------------------

    def _current(self) -> DeviceState:
        if self._usb is None and not (self._wanted and self._connect()):
            return DeviceState.OFFLINE
        return self._query()

    def _connect(self) -> bool:
        self._drop()
        usb_args: dict[str, Any] = {}
        if self._backend is not None:
            # Usb(..., backend=x) would be swallowed by Escpos(**kwargs): it must go here.
            usb_args["backend"] = self._backend
        printer = Usb(
            self.id_vendor,
            self.id_product,
            usb_args=usb_args,
            timeout=USB_TIMEOUT_MS,
            profile=printer_profile(self.width_mm),
        )
        try:
            printer.open()
            self._pick_endpoints(printer)
        except _IO_ERRORS as exc:
            log.debug("%s: open failed: %s", self, exc)
            _quiet_close(printer)
            return False
        self._usb = printer
        return True

    @staticmethod
    def _pick_endpoints(printer: Usb) -> None:
        """Use the endpoints the printer declares: boards differ (0x81/0x03, 0x82/0x01...)."""
        device: Any = printer.device
        config = device.get_active_configuration()
        intf = usb.util.find_descriptor(config, bInterfaceClass=PRINTER_CLASS) or config[(0, 0)]
        for ep in intf:
            if usb.util.endpoint_type(ep.bmAttributes) != usb.util.ENDPOINT_TYPE_BULK:
                continue
            if usb.util.endpoint_direction(ep.bEndpointAddress) == usb.util.ENDPOINT_IN:
                printer.in_ep = ep.bEndpointAddress
            else:
                printer.out_ep = ep.bEndpointAddress

    def _query(self) -> DeviceState:
        if self._usb is None:
            return DeviceState.OFFLINE
        replies: dict[StatusQuery, int | None] = {}
        for query in StatusQuery:
            try:
                reply = self._usb.query_status(query_bytes(query))
            except usb.core.USBTimeoutError:
                reply = b""
            except _IO_ERRORS as exc:
                return self._after_failure(exc)
            # A late answer to an earlier query may be queued ahead: the last byte is ours.
            replies[query] = reply[-1] if len(reply) else None
        return state_from_status(replies)

    def _after_failure(self, exc: Exception) -> DeviceState:
        """The state after an I/O error; a job that failed is never reported as OK."""
        if isinstance(exc, usb.core.USBError) and exc.errno == errno.ENODEV:
            self._drop()
            return DeviceState.OFFLINE
        if isinstance(exc, usb.core.USBTimeoutError):
            state = self._query()
            return state if state.is_fault else DeviceState.ERROR
        if isinstance(exc, usb.core.USBError):
            self._drop()  # reopen on the next call rather than reuse a confused handle
        return DeviceState.ERROR

    def _drop(self) -> None:
        if self._usb is not None:
            _quiet_close(self._usb)
            self._usb = None

    def _set_state(self, state: DeviceState) -> None:
        if state != self._state:
            level = logging.WARNING if state.is_fault else logging.INFO
            log.log(level, "%s: %s -> %s: %s", self, self._state, state, HINTS[state])
        self._state = state


def _quiet_close(printer: Usb) -> None:
    try:
        printer.close()
    except Exception as exc:  # closing a vanished device must not turn into a crash
        log.debug("closing %r: %s", printer, exc)


def _label(document: Ticket | OneTimeNotice) -> str:
    return f"ticket {document.number}" if isinstance(document, Ticket) else document.item_name
