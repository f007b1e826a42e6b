"""PNG preview, the simulator, config and `hall print-preview`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pydantic import ValidationError

from bus.models.devices import DeviceState
from firmware_bridge.interfaces import TicketPrinter
from firmware_bridge.printer import PrinterOptions, Ticket, from_config
from firmware_bridge.printer.document import (
    HALF_WIDTH_DOTS,
    PRINTABLE_DOTS,
    TextBlock,
    display_width,
    layout,
)
from firmware_bridge.printer.driver import EscposUsbPrinter
from firmware_bridge.printer.render import render_preview
from firmware_bridge.printer.samples import SAMPLE_NOTICES, sample_ticket
from firmware_bridge.printer.sim import SimPrinter
from hall.cli import main as hall


def ink(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    """Dark pixels in the image (or a box of it)."""
    region = image.convert("L").crop(box) if box else image.convert("L")
    return sum(region.histogram()[:128])


@pytest.mark.parametrize("width_mm", [58, 80])
@pytest.mark.parametrize("document", [sample_ticket(), *SAMPLE_NOTICES.values()])
def test_preview_is_the_paper_width_with_print_inside_the_printable_area(
    document: object, width_mm: int
) -> None:
    image = render_preview(document, width_mm)  # type: ignore[arg-type]
    assert image.width == width_mm * 8
    margin = (image.width - PRINTABLE_DOTS[width_mm]) // 2
    assert ink(image) > 5000
    # Nothing spills past the printable area, where the head cannot print.
    assert ink(image, (0, 0, margin, image.height)) == 0
    assert ink(image, (image.width - margin, 0, image.width, image.height)) == 0


def test_the_big_number_is_the_tallest_line() -> None:
    """The number must be readable from a step away: it is printed larger than anything else."""
    blocks = [b for b in layout(sample_ticket(), 80) if isinstance(b, TextBlock)]
    assert max(blocks, key=lambda b: b.scale).text == "A012"


def test_dashes_and_dots_count_double_width_as_the_chinese_font_prints_them() -> None:
    """A Western width table says — is narrow; the printer's GB font prints it 24 dots wide."""
    assert display_width("3—5号·A") == 1 + 2 + 1 + 2 + 2 + 1


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet="政务服务中心人社局窗口ABC123、（）·—", min_size=1, max_size=60),
    st.sampled_from([58, 80]),
)
def test_no_laid_out_line_is_wider_than_the_head(text: str, width_mm: int) -> None:
    ticket = Ticket(
        hall_name=text, number="B101", service=text, department=text, windows=(text, text),
        ahead=0, estimated_wait_min=None, issued_at=datetime(2026, 1, 5, 8, 30),
        status_url="https://example.gov.cn/q",
    )  # fmt: skip
    for block in layout(ticket, width_mm):
        if isinstance(block, TextBlock):
            assert (
                display_width(block.text) * HALF_WIDTH_DOTS * block.scale
                <= (PRINTABLE_DOTS[width_mm])
            )


def test_sim_printer_writes_a_png_per_document_and_obeys_faults(tmp_path: Path) -> None:
    printer = from_config({"kind": "printer", "port": "sim", "width_mm": 58,
                           "preview_dir": str(tmp_path / "out")})  # fmt: skip
    assert isinstance(printer, SimPrinter)
    assert isinstance(printer, TicketPrinter)
    printer.open()
    assert printer.print_document(sample_ticket()) is DeviceState.OK
    (path,) = printer.printed
    with Image.open(path) as image:
        assert image.width == 58 * 8
    printer.set_state(DeviceState.PAPER_OUT)
    assert printer.print_document(sample_ticket()) is DeviceState.PAPER_OUT
    assert len(list((tmp_path / "out").iterdir())) == 1
    printer.set_state(DeviceState.OK)
    assert printer.print_document(SAMPLE_NOTICES["社保卡补换"]) is DeviceState.OK
    assert len(printer.printed) == 2


def test_usb_port_in_config_builds_the_driver() -> None:
    printer = from_config({"kind": "printer", "port": "usb:0416:5011", "mode": "raster"})
    assert isinstance(printer, EscposUsbPrinter)
    assert (printer.id_vendor, printer.id_product, printer.width_mm, printer.mode) == (
        0x0416, 0x5011, 80, "raster",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"port": "/dev/usb/lp0"}, "usb:VVVV:PPPP"),
        ({"port": "sim", "width_mm": 76}, "width_mm"),
        ({"port": "sim", "papper": 1}, "papper"),
    ],
)
def test_bad_printer_config_says_what_is_wrong(options: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValidationError) as info:
        PrinterOptions.model_validate(options)
    assert complaint in str(info.value)


def test_hall_print_preview_writes_the_requested_width(tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    assert hall(["print-preview", "--out", str(out), "--width", "58"]) == 0
    with Image.open(out) as image:
        assert image.width == 464
        assert ink(image) > 5000


@pytest.mark.parametrize("mode", ["text", "raster"])
def test_hall_print_preview_via_the_emulated_usb_printer(tmp_path: Path, mode: str) -> None:
    out = tmp_path / "n.png"
    argv = ["print-preview", "--out", str(out), "--notice", "社保卡补换", "--via-usb"]
    assert hall([*argv, "--mode", mode]) == 0
    with Image.open(out) as image:
        assert image.width == 640
        assert image.height > 800  # the whole notice, not just a header
        assert ink(image) > 10000


def test_hall_print_preview_rejects_an_unknown_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hall(["print-preview", "--out", str(tmp_path / "x.png"), "--notice", "无此事项"]) == 2
    assert "社保卡补换" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_hall_print_preview_says_an_unknown_item_in_chinese_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hall(["print-preview", "--out", str(tmp_path / "x.png"), "--notice", "无此事项"]) == 2
    assert capsys.readouterr().err.startswith("没有事项 无此事项 的示例告知单")
