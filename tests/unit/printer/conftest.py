"""An emulated USB printer on an emulated bus, and the real driver pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from firmware_bridge.printer.driver import EscposUsbPrinter
from firmware_bridge.printer.usb_emulator import (
    MODEL_58MM,
    MODEL_80MM,
    EmulatedPrinter,
    EmulatedUsbBackend,
)


@pytest.fixture(params=[MODEL_58MM, MODEL_80MM], ids=["58mm", "80mm"])
def emulated(request: pytest.FixtureRequest) -> EmulatedPrinter:
    return EmulatedPrinter(request.param)


@pytest.fixture
def backend(emulated: EmulatedPrinter) -> EmulatedUsbBackend:
    return EmulatedUsbBackend([emulated])


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def driver(
    emulated: EmulatedPrinter, backend: EmulatedUsbBackend, sleeps: list[float]
) -> Iterator[EscposUsbPrinter]:
    model = emulated.model
    printer = EscposUsbPrinter(
        model.id_vendor,
        model.id_product,
        width_mm=model.width_mm,
        backend=backend,
        sleep=sleeps.append,
    )
    printer.open()
    yield printer
    printer.close()
