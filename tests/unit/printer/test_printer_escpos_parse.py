"""The ESC/POS reader: what the printer gets is what the preview shows; garbage never raises."""

from __future__ import annotations

import itertools

import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st

from bus.models.devices import DeviceState
from firmware_bridge.printer.document import CutBlock, QrBlock, RasterBlock, TextBlock, layout
from firmware_bridge.printer.escpos_encode import printer_profile, send_blocks
from firmware_bridge.printer.escpos_parse import EscposParser, parse_escpos
from firmware_bridge.printer.samples import SAMPLE_NOTICES, sample_ticket
from firmware_bridge.printer.status import StatusQuery, is_status_byte, state_from_status
from firmware_bridge.printer.usb_emulator import MODEL_58MM, EmulatedPrinter


def encoded(document: object, width_mm: int) -> bytes:
    printer = Dummy(profile=printer_profile(width_mm))
    send_blocks(printer, layout(document, width_mm), width_mm)  # type: ignore[arg-type]
    return bytes(printer.output)


@pytest.mark.parametrize("width_mm", [58, 80])
@pytest.mark.parametrize("document", [sample_ticket(), *SAMPLE_NOTICES.values()])
def test_text_mode_bytes_read_back_as_the_laid_out_lines(document: object, width_mm: int) -> None:
    """The preview is drawn from the layout; the printer must print the same lines."""
    expected = [b for b in layout(document, width_mm) if isinstance(b, TextBlock)]  # type: ignore[arg-type]
    printed = [b for b in parse_escpos(encoded(document, width_mm)) if isinstance(b, TextBlock)]
    assert [b for b in printed if b.text.strip("-")] == expected


def test_qr_payload_and_cut_are_read_back() -> None:
    ticket = sample_ticket()
    blocks = parse_escpos(encoded(ticket, 80))
    assert QrBlock(ticket.status_url) in blocks
    assert isinstance(blocks[-1], CutBlock)


def test_a_head_without_chinese_font_prints_garbage_for_gb18030() -> None:
    """Why raster mode exists: the same bytes on a Western head are not 社保卡补换."""
    parser = EscposParser(chinese_font=False)
    parser.feed(encoded(sample_ticket(), 80))
    lines = [b.text for b in parser.finish() if isinstance(b, TextBlock)]
    assert "A012" in lines
    assert not any("社保卡补换" in line for line in lines)


def test_raster_command_is_read_as_an_image() -> None:
    blocks = parse_escpos(b"\x1dv0\x00\x02\x00\x03\x00" + b"\xff\x00" * 3)
    assert blocks == [RasterBlock(2, 3, b"\xff\x00" * 3)]


def test_real_time_queries_are_found_at_command_boundaries_only() -> None:
    parser = EscposParser()
    assert parser.feed(b"\x10\x04\x01") == [1]
    # The same bytes inside raster data are pixels, not a status query.
    assert parser.feed(b"\x1dv0\x00\x03\x00\x01\x00\x10\x04\x01") == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_never_raise_out_of_the_parser(data: bytes) -> None:
    parser = EscposParser()
    parser.feed(data)
    parser.finish()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.lists(st.integers(0, 400), max_size=6))
def test_chunking_does_not_change_what_is_read(data: bytes, cuts: list[int]) -> None:
    whole = parse_escpos(data)
    parser = EscposParser()
    points = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    for a, b in itertools.pairwise(points):
        parser.feed(data[a:b])
    assert parser.finish() == whole


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.booleans())
def test_random_bytes_on_the_wire_leave_the_emulated_printer_consistent(
    data: bytes, paper_out: bool
) -> None:
    printer = EmulatedPrinter(MODEL_58MM)
    printer.set_switches(paper_out=paper_out)
    printer.receive(data)
    assert printer.received == data
    assert all(is_status_byte(b) for b in printer.replies)
    printer.set_switches(paper_out=False)  # what was held is read now
    # A half-read command (a raster still waiting for its data) swallows a query, as on
    # a real head; a power cycle clears it and the printer answers again.
    printer.unplug()
    printer.plug()
    printer.receive(b"\x10\x04\x04")
    assert list(printer.replies) == [0x12]


@pytest.mark.parametrize(
    ("replies", "state"),
    [
        ({StatusQuery.PRINTER: None}, DeviceState.OFFLINE),
        ({StatusQuery.PRINTER: 0x12, StatusQuery.PAPER_SENSOR: 0x12}, DeviceState.OK),
        ({StatusQuery.PRINTER: 0x12, StatusQuery.PAPER_SENSOR: 0x1E}, DeviceState.PAPER_NEAR_END),
        ({StatusQuery.PRINTER: 0x1A, StatusQuery.PAPER_SENSOR: 0x72}, DeviceState.PAPER_OUT),
        ({StatusQuery.PRINTER: 0x1A, StatusQuery.OFFLINE_CAUSE: 0x16}, DeviceState.COVER_OPEN),
        ({StatusQuery.PRINTER: 0x1A, StatusQuery.ERROR_CAUSE: 0x1A}, DeviceState.ERROR),
        ({StatusQuery.PRINTER: 0xFF}, DeviceState.ERROR),
    ],
)
def test_status_bytes_map_to_states(
    replies: dict[StatusQuery, int | None], state: DeviceState
) -> None:
    assert state_from_status(replies) is state
