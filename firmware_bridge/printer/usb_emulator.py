"""An ESC/POS thermal printer emulated at the pyusb backend level.

``EmulatedUsbBackend`` is a ``usb.backend.IBackend``: pyusb's ``usb.core.find`` enumerates
it and python-escpos's ``Usb`` printer talks to it unmodified, through the same calls
libusb would get (descriptors, set_configuration, claim_interface, bulk OUT/IN). So the
real driver code runs in tests and in the demo with no printer on the desk::

    emulated = EmulatedPrinter(MODEL_58MM)
    backend = EmulatedUsbBackend([emulated])
    Usb(0x0416, 0x5011, usb_args={"backend": backend})  # not backend=: Escpos eats it
"""

from __future__ import annotations

import array
import errno
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import usb.backend
import usb.core
import usb.util

from firmware_bridge.printer.emulated_printer import (
    MODEL_58MM,
    MODEL_80MM,
    EmulatedPrinter,
    PrinterModel,
    no_device_error,
)

__all__ = ["MODEL_58MM", "MODEL_80MM", "EmulatedPrinter", "EmulatedUsbBackend", "PrinterModel"]

LIBUSB_ERROR_PIPE = -9
PRINTER_CLASS = 7
GET_DEVICE_ID = 0  # USB printer class requests
GET_PORT_STATUS = 1
GET_DESCRIPTOR = 6
DESC_TYPE_STRING = 3


# --- descriptors --------------------------------------------------------------------


def _descriptors(printer: EmulatedPrinter, bus: int, address: int) -> dict[str, Any]:
    m = printer.model
    device = SimpleNamespace(
        bLength=18,
        bDescriptorType=1,
        bcdUSB=0x0200,
        bDeviceClass=0,
        bDeviceSubClass=0,
        bDeviceProtocol=0,
        bMaxPacketSize0=64,
        idVendor=m.id_vendor,
        idProduct=m.id_product,
        bcdDevice=0x0100,
        iManufacturer=1,
        iProduct=2,
        iSerialNumber=3,
        bNumConfigurations=1,
        address=address,
        bus=bus,
        port_number=address,
        port_numbers=(address,),
        speed=usb.util.SPEED_FULL,
    )
    config = SimpleNamespace(
        bLength=9,
        bDescriptorType=2,
        wTotalLength=9 + 9 + 7 + 7,
        bNumInterfaces=1,
        bConfigurationValue=1,
        iConfiguration=0,
        bmAttributes=0xC0,
        bMaxPower=50,
        extra_descriptors=[],
    )
    # Interface class 7 (printer), subclass 1, protocol 2 (bidirectional).
    interface = SimpleNamespace(
        bLength=9,
        bDescriptorType=4,
        bInterfaceNumber=0,
        bAlternateSetting=0,
        bNumEndpoints=2,
        bInterfaceClass=PRINTER_CLASS,
        bInterfaceSubClass=1,
        bInterfaceProtocol=2,
        iInterface=0,
        extra_descriptors=[],
    )
    endpoints = [
        SimpleNamespace(
            bLength=7,
            bDescriptorType=5,
            bEndpointAddress=ep,
            bmAttributes=usb.util.ENDPOINT_TYPE_BULK,
            wMaxPacketSize=m.max_packet,
            bInterval=0,
            bRefresh=0,
            bSynchAddress=0,
            extra_descriptors=[],
        )
        for ep in (m.out_ep, m.in_ep)
    ]
    return {"device": device, "config": config, "interface": interface, "endpoints": endpoints}


@dataclass
class _Dev:
    printer: EmulatedPrinter
    descriptors: dict[str, Any]


@dataclass
class _Handle:
    dev: _Dev
    generation: int
    claimed: set[int] = field(default_factory=set)


class EmulatedUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    """A USB bus with emulated printers on it, for ``usb.core.find(backend=...)``."""

    def __init__(self, printers: list[EmulatedPrinter] | None = None) -> None:
        super().__init__()
        self._devs = [
            _Dev(p, _descriptors(p, bus=1, address=i + 2)) for i, p in enumerate(printers or [])
        ]

    @property
    def printers(self) -> list[EmulatedPrinter]:
        return [d.printer for d in self._devs]

    def enumerate_devices(self) -> Iterator[_Dev]:
        return iter([d for d in self._devs if d.printer.plugged])

    def get_parent(self, dev: _Dev) -> None:
        return None

    def get_device_descriptor(self, dev: _Dev) -> Any:
        return dev.descriptors["device"]

    def get_configuration_descriptor(self, dev: _Dev, config: int) -> Any:
        self._check_index(config, 1)
        return dev.descriptors["config"]

    def get_interface_descriptor(self, dev: _Dev, intf: int, alt: int, config: int) -> Any:
        self._check_index(config, 1)
        self._check_index(intf, 1)
        self._check_index(alt, 1)
        return dev.descriptors["interface"]

    def get_endpoint_descriptor(self, dev: _Dev, ep: int, intf: int, alt: int, config: int) -> Any:
        self._check_index(ep, 2)
        return dev.descriptors["endpoints"][ep]

    @staticmethod
    def _check_index(index: int, count: int) -> None:
        # pyusb iterates descriptors until IndexError, as libusb's arrays end.
        if not 0 <= index < count:
            raise IndexError("descriptor index out of range")

    def open_device(self, dev: _Dev) -> _Handle:
        if not dev.printer.plugged:
            raise no_device_error()
        return _Handle(dev, dev.printer.generation)

    def close_device(self, dev_handle: _Handle) -> None:
        """Closing a handle to a vanished device succeeds in libusb too."""

    def _live(self, handle: _Handle) -> EmulatedPrinter:
        printer = handle.dev.printer
        if not printer.plugged or handle.generation != printer.generation:
            raise no_device_error()
        return printer

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        self._live(dev_handle).configuration = config_value

    def get_configuration(self, dev_handle: _Handle) -> int:
        return self._live(dev_handle).configuration

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        self._live(dev_handle)

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        self._live(dev_handle)
        dev_handle.claimed.add(intf)

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        dev_handle.claimed.discard(intf)
        self._live(dev_handle)

    def bulk_write(
        self, dev_handle: _Handle, ep: int, intf: int, data: array.array[int], timeout: int
    ) -> int:
        printer = self._live(dev_handle)
        if ep != printer.model.out_ep or intf not in dev_handle.claimed:
            raise usb.core.USBError("Pipe error", LIBUSB_ERROR_PIPE, errno.EPIPE)
        return printer.receive(bytes(data))

    def bulk_read(
        self, dev_handle: _Handle, ep: int, intf: int, buff: array.array[int], timeout: int
    ) -> int:
        printer = self._live(dev_handle)
        if ep != printer.model.in_ep or intf not in dev_handle.claimed:
            raise usb.core.USBError("Pipe error", LIBUSB_ERROR_PIPE, errno.EPIPE)
        data = printer.send(len(buff))
        buff[: len(data)] = array.array("B", data)
        return len(data)

    def ctrl_transfer(
        self,
        dev_handle: _Handle,
        bmRequestType: int,
        bRequest: int,
        wValue: int,
        wIndex: int,
        data: array.array[int],
        timeout: int,
    ) -> int:
        self._live(dev_handle)
        reply = self._control_reply(dev_handle.dev, bmRequestType, bRequest, wValue)
        if reply is None:
            if bmRequestType & 0x80 == 0:  # OUT requests we do not know are accepted
                return len(data)
            raise usb.core.USBError("Pipe error", LIBUSB_ERROR_PIPE, errno.EPIPE)
        n = min(len(reply), len(data))
        data[:n] = array.array("B", reply[:n])
        return n

    def _control_reply(
        self, dev: _Dev, request_type: int, request: int, value: int
    ) -> bytes | None:
        if request_type == 0x80 and request == GET_DESCRIPTOR and value >> 8 == DESC_TYPE_STRING:
            index = value & 0xFF
            m = dev.printer.model
            if index == 0:
                return b"\x04\x03\x09\x04"  # LANGID 0x0409, en-US
            strings = {1: m.manufacturer, 2: m.product, 3: m.serial}
            if index not in strings:
                return None
            body = strings[index].encode("utf-16-le")
            return bytes((len(body) + 2, DESC_TYPE_STRING)) + body
        if request_type == 0xA1 and request == GET_DEVICE_ID:
            return dev.printer.device_id()
        if request_type == 0xA1 and request == GET_PORT_STATUS:
            s = dev.printer.switches
            # bit 3: not error, bit 4: selected, bit 5: paper empty
            return bytes((0x08 * (not s.offline) | 0x10 | 0x20 * s.paper_out,))
        return None

    def clear_halt(self, dev_handle: _Handle, ep: int) -> None:
        self._live(dev_handle)

    def reset_device(self, dev_handle: _Handle) -> None:
        self._live(dev_handle)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        self._live(dev_handle)
        return False

    def detach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._live(dev_handle)

    def attach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        self._live(dev_handle)
