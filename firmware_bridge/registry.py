"""Which code drives which device: one explicit table (STYLE 5).

A hall config device entry (``config.schema.DeviceConfig``) has a ``kind``, a ``port`` and
driver ``options``. The driver is the one named like the kind, unless ``options.driver``
picks another driver for the same kind (a caller keypad can be a USB keypad or one of our
microcontroller boards)::

    - {name: led,  kind: led,    port: /dev/serial/by-id/usb-1a86_USB_Serial-if00-port0}
    - {name: keys, kind: keypad, port: auto, options: {name: "Keypad", keymap: {KEY_KP1: next}}}
    - {name: keys, kind: keypad, port: /dev/ttyUSB1, options: {driver: mcu_keypad}}
    - {name: fingerprint, kind: fingerprint, port: sim}

``port: sim`` makes every driver build its in-process simulator. Modules are imported only
when their driver is used, so a kiosk without evdev or a terminal without pyusb still runs.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from config.base import StrictModel
from config.loader import Finding, validation_findings
from firmware_bridge.interfaces import Device


@dataclass(frozen=True)
class DriverEntry:
    module: str
    factory: str
    """``factory(options: dict) -> Device``; not opened yet."""
    options: str
    """The driver's pydantic schema (a ``config.base.StrictModel``), for docs and checks."""
    kinds: tuple[str, ...]
    """Device kinds of the hall config this driver can serve."""


DRIVERS: dict[str, DriverEntry] = {
    "printer": DriverEntry(
        "firmware_bridge.printer", "from_config", "PrinterOptions", ("printer",)),
    "led": DriverEntry(
        "firmware_bridge.mcu.display", "from_config", "McuDisplayOptions", ("led",)),
    "mcu_keypad": DriverEntry(
        "firmware_bridge.mcu.caller", "from_config", "McuKeypadOptions",
        ("keypad", "evaluator_keypad")),
    "keypad": DriverEntry(
        "firmware_bridge.inputs.drivers", "keypad_from_config", "CallerKeypadOptions",
        ("keypad",)),
    "evaluator_keypad": DriverEntry(
        "firmware_bridge.inputs.drivers", "evaluator_from_config", "EvaluatorKeypadOptions",
        ("evaluator_keypad",)),
    "scanner": DriverEntry(
        "firmware_bridge.inputs.drivers", "scanner_from_config", "ScannerOptions", ("scanner",)),
    "fingerprint": DriverEntry(
        "firmware_bridge.fingerprint.driver", "from_config", "FingerprintOptions",
        ("fingerprint",)),
}


class UnknownDriver(KeyError):
    pass


def entry(driver: str) -> DriverEntry:
    try:
        return DRIVERS[driver]
    except KeyError:
        close = difflib.get_close_matches(driver, DRIVERS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(DRIVERS)}"
        raise UnknownDriver(f"no driver {driver!r}{hint}") from None


def options_model(driver: str) -> type[StrictModel]:
    spec = entry(driver)
    model: type[StrictModel] = getattr(importlib.import_module(spec.module), spec.options)
    return model


def _serving(kind: str, options: Mapping[str, Any]) -> tuple[str, DriverEntry, dict[str, Any]]:
    """The driver for a device entry, its table entry and the options without ``driver``."""
    opts = dict(options)
    driver = str(opts.pop("driver", kind))
    spec = entry(driver)
    if kind not in spec.kinds:
        raise UnknownDriver(f"driver {driver!r} serves {', '.join(spec.kinds)}, not {kind!r}")
    return driver, spec, opts


def check_options(kind: str, port: str, options: Mapping[str, Any]) -> list[Finding]:
    """What the driver's own schema says about one hall-config device entry, without
    building anything: ``(key path in the entry, message, fix)``, e.g.
    ``(("options", "width_mm"), "Input should be 58 or 80", "")``; empty if it is fine.

    Used by ``hall config check``. Imports the driver's module (not its device library
    beyond what that module imports); an ``ImportError`` is the caller's to report.
    """
    try:
        driver, _, opts = _serving(kind, options)
    except UnknownDriver as exc:
        where = ("options", "driver") if "driver" in options else ("kind",)
        known = [d for d, e in DRIVERS.items() if kind in e.kinds]
        return [(where, str(exc.args[0]), f"drivers for {kind}: {', '.join(known) or 'none'}")]
    model = options_model(driver)
    data = {"port": port, **opts}
    try:
        model.model_validate(data)
    except ValidationError as err:
        found: list[Finding] = []
        for loc, message, given in validation_findings(err, model, data):
            hint = given or f"the {driver} driver's options: {model.__module__}.{model.__name__}"
            # ``port`` is the entry's own key; everything else sits under ``options``.
            if loc[:1] == ("port",) and "port" not in opts:
                found.append((loc, message, hint))
            else:
                found.append((("options", *loc), message, hint))
        return found
    return []


def build(kind: str, port: str, options: dict[str, Any] | None = None) -> Device:
    """The device for one hall-config entry. Raises ``UnknownDriver`` or pydantic's
    ``ValidationError`` (bad options) — config errors, reported before anything opens."""
    _, spec, opts = _serving(kind, options or {})
    factory = getattr(importlib.import_module(spec.module), spec.factory)
    device: Device = factory({"port": port, **opts})
    return device
