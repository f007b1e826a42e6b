"""One small interface per device class; each has a real driver and a simulator.

A device fault is a state (``DeviceState``), never an exception that escapes to the node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from bus.models.devices import DeviceState

EVENT_KEY = "key"
"""KeySource event kinds, the ``kind`` argument of ``KeySource.on_event`` callbacks."""
EVENT_RATING = "rating"
EVENT_SCAN = "scan"

CALLER_ACTIONS = (
    "next", "recall", "skip", "transfer", "hold", "pause", "resume", "finish", "login",
    "logout",
)
"""The caller actions of RULES.md Q5, as the ``value`` of a ``key`` event; ``login`` (登录)
starts a sign-in typed on the keypad (工号, then PIN), ``logout`` (退出) signs out."""

ENTRY_KEYS = (*"0123456789", "enter", "clear")
"""What a caller keypad's keys type while a staff member signs in: digits, 确认 (``enter``)
and 清除 (``clear``)."""


def caller_key(action: str | None, entry: str | None) -> str:
    """The ``value`` of a caller keypad's ``key`` event: the key's action, what it types in a
    sign-in, or both (``next/1``: the 1 key is 叫号, and types 1 in a sign-in)."""
    return "/".join(part for part in (action, entry) if part)


def split_caller_key(value: str) -> tuple[str | None, str | None]:
    """``(action, entry)`` of a ``key`` event's value (``caller_key`` read back)."""
    first, _, last = value.partition("/")
    action = first if first and first not in ENTRY_KEYS else None
    entry = (last or first) if (last or first) in ENTRY_KEYS else None
    return action, entry


class DeviceError(Exception):
    """Base of the device error hierarchy; drivers translate I/O errors into these."""


class DeviceOffline(DeviceError):
    """The device is unplugged, unpowered or does not answer."""


@runtime_checkable
class Device(Protocol):
    def open(self) -> None: ...
    def close(self) -> None: ...
    def state(self) -> DeviceState: ...


@runtime_checkable
class TicketPrinter(Device, Protocol):
    def print_document(self, document: object) -> DeviceState:
        """Print a rendered document; returns the state after printing (a fault, not a raise)."""
        ...


@runtime_checkable
class Display(Device, Protocol):
    def show(self, line: int, text: str) -> None: ...
    def set_brightness(self, level: int) -> None: ...


@runtime_checkable
class KeySource(Device, Protocol):
    """Keypad callers, evaluator keypads and scanners: events are pushed to a callback."""

    def on_event(self, callback: Callable[[str, str], None]) -> None:
        """``callback(kind, value)``: kind is ``key``, ``rating`` or ``scan``."""
        ...


@runtime_checkable
class FingerprintReader(Device, Protocol):
    def identify(self) -> int | None:
        """Capture and search; the template slot found, or None for not found / no finger."""
        ...

    def enroll(self, slot: int) -> bool: ...
    def delete(self, slot: int) -> bool: ...

    def count(self) -> int | None:
        """Templates stored in the module; None when it does not answer."""
        ...
