"""Layout blocks onto a python-escpos printer object, in text mode or raster mode.

Text mode sends Chinese as GB18030 bytes with the Chinese character mode on (FS &).
python-escpos's own ``text()`` is not used for it: its MagicEncode only switches to
GB18030 when a line holds a CJK ideograph, so a line of full-width punctuation or digits
would go through a Western code page and come out as "?". Writing the bytes with
``_raw`` keeps every line in one encoding.

Raster mode draws the page with Pillow (``render.render_page``) and prints it with GS v 0,
for heads that have no Chinese font ROM.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Literal

from escpos.capabilities import Profile, get_profile
from escpos.escpos import Escpos

from firmware_bridge.printer.document import (
    PRINTABLE_DOTS,
    Block,
    CutBlock,
    Document,
    QrBlock,
    RasterBlock,
    RuleBlock,
    TextBlock,
    columns,
    layout,
)
from firmware_bridge.printer.render import qr_module_dots, render_page

Mode = Literal["text", "raster"]

ESC_INIT = b"\x1b@"
FS_CHINESE_ON = b"\x1c&"
FS_CHINESE_OFF = b"\x1c."
TEXT_ENCODING = "gb18030"
RASTER_FRAGMENT_ROWS = 256
"""GS v 0 band height: small bands keep a cheap head's receive buffer from overflowing."""


def printer_profile(width_mm: int) -> Profile:
    """python-escpos profile for a generic Chinese 58/80 mm head with cutter and native QR.

    The built-in "default" profile has no paper width, which makes ``image()`` print a
    warning and skip the width check; the POS-5890 profile claims no cutter. So: the
    default profile's data with the real printable width.
    """
    base = get_profile("default")
    profile = Profile(features=dict(base.profile_data["features"]))
    data = copy.deepcopy(base.profile_data)
    data["media"] = {"dpi": 203, "width": {"mm": width_mm, "pixels": PRINTABLE_DOTS[width_mm]}}
    profile.profile_data = data  # instance attribute: the class data is shared by all users
    return profile


def send_blocks(printer: Escpos, blocks: Sequence[Block], width_mm: int) -> None:
    """Text mode: each block as ESC/POS commands with GB18030 text."""
    printer.hw("INIT")
    printer._raw(FS_CHINESE_ON)
    for block in blocks:
        if isinstance(block, TextBlock):
            printer.set(
                align=block.align,
                bold=block.bold,
                custom_size=True,
                width=block.scale,
                height=block.scale,
            )
            printer._raw(block.text.encode(TEXT_ENCODING, "replace") + b"\n")
        elif isinstance(block, RuleBlock):
            printer.set(align="left", bold=False, custom_size=True, width=1, height=1)
            printer._raw(b"-" * columns(width_mm) + b"\n")
        elif isinstance(block, QrBlock):
            printer.set(align="center", custom_size=True, width=1, height=1)
            printer.qr(block.payload, native=True, size=qr_module_dots(width_mm))
            printer._raw(b"\n")
        elif isinstance(block, RasterBlock):
            _send_raster(printer, block)
        elif isinstance(block, CutBlock):
            printer.cut(mode="PART" if block.partial else "FULL")
    printer._raw(FS_CHINESE_OFF)


def _send_raster(printer: Escpos, block: RasterBlock) -> None:
    size = block.width_bytes.to_bytes(2, "little") + block.height.to_bytes(2, "little")
    printer._raw(b"\x1dv0\x00" + size + block.data)


def send_raster(printer: Escpos, document: Document, width_mm: int) -> None:
    """Raster mode: the whole page as GS v 0 bands, then the cut."""
    printer.hw("INIT")
    printer.image(
        render_page(document, width_mm),
        impl="bitImageRaster",
        fragment_height=RASTER_FRAGMENT_ROWS,
    )
    cuts = [b for b in layout(document, width_mm) if isinstance(b, CutBlock)]
    if cuts:
        printer.cut(mode="PART" if cuts[-1].partial else "FULL")


def send_document(printer: Escpos, document: Document, width_mm: int, mode: Mode) -> None:
    if mode == "raster":
        send_raster(printer, document, width_mm)
    else:
        send_blocks(printer, layout(document, width_mm), width_mm)
