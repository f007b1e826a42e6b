"""Find an input device by what it is (name, USB vendor/product), and notice re-plugs.

``/dev/input/eventN`` numbers change with every plug; the config names the device by its
USB ids or a part of its name instead, and a pyudev monitor reports each new event node
that matches, so the source reopens a scanner someone unplugged and plugged back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceMatch:
    name: str | None = None
    """Case-insensitive part of the device's name (``evdev.InputDevice.name``)."""
    vendor: int | None = None
    product: int | None = None
    path: str | None = None
    """A fixed node, e.g. ``/dev/input/by-id/usb-…-event-kbd``; skips the search."""

    def matches(self, name: str, vendor: int | None, product: int | None) -> bool:
        if self.name is not None and self.name.casefold() not in name.casefold():
            return False
        if self.vendor is not None and vendor != self.vendor:
            return False
        return self.product is None or product == self.product

    def describe(self) -> str:
        parts = [f"name~{self.name!r}" if self.name else "",
                 f"vendor={self.vendor:04x}" if self.vendor is not None else "",
                 f"product={self.product:04x}" if self.product is not None else "",
                 self.path or ""]
        return " ".join(p for p in parts if p) or "any input device"


def find_device(
    match: DeviceMatch,
    list_devices: Callable[[], list[str]],
    open_device: Callable[[str], Any],
) -> str | None:
    """The first ``/dev/input/event*`` node that matches, or None."""
    if match.path is not None:
        return match.path
    for path in list_devices():
        try:
            device = open_device(path)
        except OSError:
            continue  # no permission on someone else's device: not ours
        try:
            if match.matches(device.name, device.info.vendor, device.info.product):
                return path
        finally:
            device.close()
    return None


def _hex(value: str | None) -> int | None:
    try:
        return int(value, 16) if value else None
    except ValueError:
        return None


def udev_identity(
    properties: Mapping[str, str], parent_properties: Mapping[str, str]
) -> tuple[str, int | None, int | None]:
    """(name, vendor, product) of a udev input event node; the name lives on its parent."""
    name = parent_properties.get("NAME", "").strip('"')
    return name, _hex(properties.get("ID_VENDOR_ID")), _hex(properties.get("ID_MODEL_ID"))


class HotplugMonitor:
    """Calls ``on_add(node)`` for every matching event node that appears."""

    def __init__(self, match: DeviceMatch, on_add: Callable[[str], None]) -> None:
        self.match = match
        self._on_add = on_add
        self._observer: Any = None

    def start(self) -> bool:
        """False when udev is unavailable (containers): the source then rescans instead."""
        try:
            import pyudev

            context = pyudev.Context()
            monitor = pyudev.Monitor.from_netlink(context)
            monitor.filter_by("input")
            self._observer = pyudev.MonitorObserver(monitor, callback=self._event)
            self._observer.daemon = True
            self._observer.start()
        except Exception as exc:  # pyudev raises OSError/ImportError/its own errors
            log.info("udev monitor unavailable (%s); falling back to rescanning", exc)
            self._observer = None
            return False
        return True

    def stop(self) -> None:
        if self._observer is not None:
            try:
                self._observer.stop()
            except Exception as exc:
                log.debug("udev observer stop: %s", exc)
            self._observer = None

    def _event(self, device: Any) -> None:
        node = device.device_node
        if device.action != "add" or not node or "/event" not in node:
            return
        parent = device.parent
        name, vendor, product = udev_identity(
            dict(device.properties), dict(parent.properties) if parent is not None else {}
        )
        if self.match.matches(name, vendor, product):
            try:
                self._on_add(node)
            except Exception:
                log.exception("hotplug handler failed for %s", node)
