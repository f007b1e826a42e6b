"""The real driver and unmodified python-escpos/pyusb against the emulated USB printer."""

from __future__ import annotations

import errno

import pytest
import usb.core
import usb.util
from escpos.printer import Usb

from bus.models.devices import DeviceState
from firmware_bridge.interfaces import TicketPrinter
from firmware_bridge.printer.document import (
    PRINTABLE_DOTS,
    CutBlock,
    QrBlock,
    RasterBlock,
    TextBlock,
)
from firmware_bridge.printer.driver import OPEN_RETRY_DELAY_S, EscposUsbPrinter
from firmware_bridge.printer.render import raster_to_image
from firmware_bridge.printer.samples import SAMPLE_NOTICES, sample_ticket
from firmware_bridge.printer.usb_emulator import EmulatedPrinter, EmulatedUsbBackend

SERVICE_GB18030 = "社保卡补换".encode("gb18030")
QR_STORE = b"\x1d(k"  # GS ( k: native QR, store/print
RASTER = b"\x1dv0"  # GS v 0: raster bit image


def texts(printer: EmulatedPrinter) -> list[str]:
    return [b.text for b in printer.printed if isinstance(b, TextBlock)]


def test_pyusb_enumerates_the_emulated_printer_like_a_real_one(
    emulated: EmulatedPrinter, backend: EmulatedUsbBackend
) -> None:
    m = emulated.model
    dev = usb.core.find(idVendor=m.id_vendor, idProduct=m.id_product, backend=backend)
    assert dev is not None
    assert (dev.manufacturer, dev.product) == (m.manufacturer, m.product)
    intf = dev.get_active_configuration()[(0, 0)]
    assert intf.bInterfaceClass == 7  # USB printer class
    directions = {
        usb.util.endpoint_direction(ep.bEndpointAddress): usb.util.endpoint_type(ep.bmAttributes)
        for ep in intf
    }
    assert directions == {
        usb.util.ENDPOINT_IN: usb.util.ENDPOINT_TYPE_BULK,
        usb.util.ENDPOINT_OUT: usb.util.ENDPOINT_TYPE_BULK,
    }
    device_id = dev.ctrl_transfer(0xA1, 0, 0, 0, 1024).tobytes()
    assert b"CMD:ESC/POS" in device_id
    usb.util.dispose_resources(dev)


def test_unmodified_python_escpos_prints_and_reads_status(
    emulated: EmulatedPrinter, backend: EmulatedUsbBackend
) -> None:
    m = emulated.model
    p = Usb(m.id_vendor, m.id_product, usb_args={"backend": backend}, in_ep=m.in_ep,
            out_ep=m.out_ep)  # fmt: skip
    p.open()
    p.text("Hello 你好\n")
    assert p.is_online()
    assert p.paper_status() == 2
    emulated.set_switches(paper_near_end=True)
    assert p.paper_status() == 1
    p.close()
    assert "Hello 你好" in texts(emulated)


def test_a_ticket_arrives_as_gb18030_text_with_a_native_qr_code_and_a_cut(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter
) -> None:
    ticket = sample_ticket()
    assert driver.print_document(ticket) is DeviceState.OK
    assert SERVICE_GB18030 in emulated.received
    assert b"\x1c&" in emulated.received  # Chinese character mode on
    assert QR_STORE in emulated.received
    printed = emulated.printed
    assert QrBlock(ticket.status_url) in printed
    assert TextBlock("A012", scale=4, align="center", bold=True) in printed  # the big number
    assert "前面等候：7 人" in texts(emulated)
    assert isinstance(printed[-1], CutBlock)


def test_a_one_time_notice_prints_materials_and_phone(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter
) -> None:
    notice = SAMPLE_NOTICES["个体工商户设立登记"]
    assert driver.print_document(notice) is DeviceState.OK
    lines = texts(emulated)
    assert "1. 个体工商户登记（备案）申请书" in lines
    assert "承诺时限：3 个工作日" in lines
    assert any(notice.enquiry_phone in line for line in lines)


@pytest.mark.expect_log(
    "WARNING", r"\): ok -> (paper_out|cover_open|error): ", logger="firmware_bridge.printer.driver"
)
@pytest.mark.expect_log(
    "WARNING", r"\): not printing ticket A012: ", logger="firmware_bridge.printer.driver"
)
@pytest.mark.parametrize(
    ("switch", "state"),
    [
        ("paper_out", DeviceState.PAPER_OUT),
        ("cover_open", DeviceState.COVER_OPEN),
        ("cutter_error", DeviceState.ERROR),
    ],
)
def test_a_fault_is_a_state_and_no_ticket_is_sent_into_it(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter, switch: str, state: DeviceState
) -> None:
    emulated.set_switches(**{switch: True})
    assert driver.state() is state
    assert driver.print_document(sample_ticket()) is state
    # Nothing waits in the printer's buffer to come out after the kiosk said "reprint".
    assert SERVICE_GB18030 not in emulated.received
    emulated.set_switches(**{switch: False})
    assert driver.print_document(sample_ticket()) is DeviceState.OK
    assert SERVICE_GB18030 in emulated.received


def test_paper_near_end_still_prints_and_says_so(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter
) -> None:
    emulated.set_switches(paper_near_end=True)
    assert driver.print_document(sample_ticket()) is DeviceState.PAPER_NEAR_END
    assert "A012" in texts(emulated)


@pytest.mark.expect_log(
    "WARNING", r"\): ok -> paper_out: 打印机缺纸", logger="firmware_bridge.printer.driver"
)
@pytest.mark.parametrize(
    "mode",
    [
        "text",
        pytest.param(
            "raster",
            marks=pytest.mark.expect_log(
                "WARNING",
                r"\): print of ticket A012 failed \(\[Errno 110\] Operation timed out\)",
                logger="firmware_bridge.printer.driver",
            ),
        ),
    ],
)
def test_paper_running_out_mid_ticket_reports_paper_out(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter, mode: str
) -> None:
    driver.mode = "raster" if mode == "raster" else "text"
    emulated.paper_out_after_bytes = len(emulated.received) + 200
    assert driver.print_document(sample_ticket()) is DeviceState.PAPER_OUT
    assert not any(isinstance(b, CutBlock) for b in emulated.printed)


@pytest.mark.expect_log(
    "WARNING",
    r"\): print of ticket A012 failed \(\[Errno 19\] No such device",
    logger="firmware_bridge.printer.driver",
)
@pytest.mark.expect_log(
    "WARNING", r"\): ok -> offline: 打印机未连接", logger="firmware_bridge.printer.driver"
)
def test_unplug_mid_print_is_offline_and_a_replug_recovers(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter
) -> None:
    emulated.unplug_after_bytes = len(emulated.received) + 150
    assert driver.print_document(sample_ticket()) is DeviceState.OFFLINE
    assert driver.state() is DeviceState.OFFLINE
    assert not any(isinstance(b, CutBlock) for b in emulated.printed)
    emulated.plug()
    assert driver.state() is DeviceState.OK
    assert driver.print_document(sample_ticket()) is DeviceState.OK
    assert isinstance(emulated.printed[-1], CutBlock)


def test_unplugged_printer_raises_enodev_in_pyusb(
    emulated: EmulatedPrinter, backend: EmulatedUsbBackend
) -> None:
    m = emulated.model
    dev = usb.core.find(idVendor=m.id_vendor, idProduct=m.id_product, backend=backend)
    dev.write(m.out_ep, b"\x1b@")
    emulated.unplug()
    with pytest.raises(usb.core.USBError) as info:
        dev.write(m.out_ep, b"\x1b@")
    assert info.value.errno == errno.ENODEV
    assert usb.core.find(idVendor=m.id_vendor, backend=backend) is None
    usb.util.dispose_resources(dev)


@pytest.mark.expect_log(
    "WARNING",
    r"\): not printing ticket A012: 打印机未连接",
    logger="firmware_bridge.printer.driver",
)
def test_open_without_printer_retries_a_bounded_number_of_times_then_is_offline(
    sleeps: list[float],
) -> None:
    printer = EscposUsbPrinter(0x0416, 0x5011, backend=EmulatedUsbBackend([]), sleep=sleeps.append)
    printer.open()
    assert printer.state() is DeviceState.OFFLINE
    assert printer.print_document(sample_ticket()) is DeviceState.OFFLINE
    assert sleeps == [OPEN_RETRY_DELAY_S, OPEN_RETRY_DELAY_S * 2]


def test_a_printer_plugged_in_after_start_is_picked_up(emulated: EmulatedPrinter) -> None:
    emulated.unplug()
    backend = EmulatedUsbBackend([emulated])
    m = emulated.model
    printer = EscposUsbPrinter(m.id_vendor, m.id_product, width_mm=m.width_mm,
                               backend=backend, sleep=lambda _: None)  # fmt: skip
    printer.open()
    assert printer.state() is DeviceState.OFFLINE
    emulated.plug()
    assert printer.state() is DeviceState.OK
    printer.close()
    assert printer.state() is DeviceState.OFFLINE  # closed on purpose: not reopened


def test_raster_mode_sends_a_raster_image_of_the_printable_width(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter
) -> None:
    driver.mode = "raster"
    assert driver.print_document(sample_ticket()) is DeviceState.OK
    assert RASTER in emulated.received
    assert SERVICE_GB18030 not in emulated.received  # no font ROM needed
    rasters = [b for b in emulated.printed if isinstance(b, RasterBlock)]
    assert rasters
    assert {r.width_bytes * 8 for r in rasters} == {PRINTABLE_DOTS[emulated.model.width_mm]}
    assert sum(r.height for r in rasters) > 400  # the whole ticket, not a stub
    inked = sum(raster_to_image(r).histogram()[0] for r in rasters)
    assert inked > 5000  # black dots: text and QR code were drawn
    assert isinstance(emulated.printed[-1], CutBlock)


def test_driver_satisfies_the_ticket_printer_interface(driver: EscposUsbPrinter) -> None:
    assert isinstance(driver, TicketPrinter)


@pytest.mark.expect_log(
    "WARNING", r"\): ok -> error: 打印机故障", logger="firmware_bridge.printer.driver"
)
def test_status_garbage_is_an_error_not_ok(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(emulated, "_answer", lambda n: emulated.replies.append(0xFF))
    assert driver.state() is DeviceState.ERROR


@pytest.mark.expect_log(
    "WARNING", r"\): ok -> offline: 打印机未连接", logger="firmware_bridge.printer.driver"
)
def test_a_printer_that_never_answers_status_is_offline(
    driver: EscposUsbPrinter, emulated: EmulatedPrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(emulated, "_answer", lambda n: None)
    assert driver.state() is DeviceState.OFFLINE
