"""Draw layout blocks with Pillow: the raster mode's page and the PNG preview.

One renderer for three uses: raster printing (for heads without a Chinese font), the
simulator's preview files, and pictures of what the emulated printer actually received.
Sizes are in printer dots (8 per mm) so a preview is the paper at 1:1 on a 203 dpi head.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps

from firmware_bridge.printer.document import (
    DOTS_PER_MM,
    HALF_WIDTH_DOTS,
    PRINTABLE_DOTS,
    Block,
    CutBlock,
    Document,
    QrBlock,
    RasterBlock,
    RuleBlock,
    TextBlock,
    display_width,
    layout,
)

log = logging.getLogger(__name__)

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
"""Debian's fonts-wqy-microhei first; a kiosk image without it falls back to the next."""

CHAR_DOTS = 24  # a Chinese character on the head is 24x24 dots
LINE_GAP = 6  # ESC 2 default spacing is ~30 dots for a 24-dot line
RULE_HEIGHT = 14
CUT_HEIGHT = 24
PAPER_MARGIN = 16  # top/bottom margin in the preview, so nothing touches the edge


def qr_module_dots(width_mm: int) -> int:
    """QR module size: ~22 mm square for a status URL on either roll."""
    return 6 if width_mm >= 80 else 5


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    log.warning("no CJK font found (tried %s); Chinese text will not render", FONT_PATHS)
    return ImageFont.load_default(size)


def raster_to_image(block: RasterBlock) -> Image.Image:
    """A GS v 0 raster (1 = black dot) as a black-on-white "L" image."""
    size = (block.width_bytes * 8, block.height)
    data = block.data.ljust(block.width_bytes * block.height, b"\x00")
    # Pillow's "1" mode reads a set bit as white; the printer prints it black.
    return ImageOps.invert(Image.frombytes("1", size, data).convert("L"))


def _qr_image(payload: str, module: int) -> Image.Image:
    code = qrcode.QRCode(box_size=module, border=0, error_correction=qrcode.ERROR_CORRECT_L)
    code.add_data(payload)
    code.make(fit=True)
    image: Image.Image = code.make_image().get_image()
    return image.convert("L")


def _text_strip(block: TextBlock, dots: int) -> Image.Image:
    """Draw on the head's character grid (12 dots a half-width column, times the scale).

    The printer's fonts are monospaced; a proportional layout would make the preview's
    lines shorter than the printed ones and hide an overflow.
    """
    size = CHAR_DOTS * block.scale
    cell = HALF_WIDTH_DOTS * block.scale
    strip = Image.new("L", (dots, size + LINE_GAP), 255)
    font = _font(size)
    draw = ImageDraw.Draw(strip)
    x = 0
    if block.align == "center":
        x = max((dots - display_width(block.text) * cell) // 2, 0)
    for ch in block.text:
        span = display_width(ch) * cell
        cx = x + (span - int(font.getlength(ch))) // 2  # a glyph sits in the middle of its cell
        if block.bold and block.scale == 1:
            # Like the head's double-strike: a stroke would fill in small strokes.
            draw.text((cx + 1, 0), ch, font=font, fill=0)
        stroke = int(block.bold and block.scale > 1)
        draw.text((cx, 0), ch, font=font, fill=0, stroke_width=stroke)
        x += span
    return strip


def _block_image(block: Block, dots: int, module: int) -> Image.Image | None:
    """One block as its own strip of paper (None for a cut, drawn by the caller)."""
    if isinstance(block, TextBlock):
        return _text_strip(block, dots)
    if isinstance(block, RuleBlock):
        strip = Image.new("L", (dots, RULE_HEIGHT), 255)
        draw = ImageDraw.Draw(strip)
        for x in range(0, dots, 12):
            draw.line((x, RULE_HEIGHT // 2, x + 6, RULE_HEIGHT // 2), fill=0, width=2)
        return strip
    if isinstance(block, QrBlock):
        qr = _qr_image(block.payload or " ", module)
        strip = Image.new("L", (dots, qr.height + LINE_GAP * 2), 255)
        strip.paste(qr, (max((dots - qr.width) // 2, 0), LINE_GAP))
        return strip
    if isinstance(block, RasterBlock):
        return raster_to_image(block)
    return None


def render_blocks(
    blocks: Sequence[Block], dots: int, *, module: int = 6, show_cuts: bool = True
) -> Image.Image:
    """Stack the blocks on a strip ``dots`` wide ("L", white paper, black print)."""
    strips: list[Image.Image] = []
    for block in blocks:
        strip = _block_image(block, dots, module)
        if strip is None and isinstance(block, CutBlock) and show_cuts:
            strip = Image.new("L", (dots, CUT_HEIGHT), 255)
            draw = ImageDraw.Draw(strip)
            for x in range(0, dots, 8):
                draw.line((x, CUT_HEIGHT // 2, x + 3, CUT_HEIGHT // 2), fill=160)
        if strip is not None:
            strips.append(strip)
    height = max(sum(s.height for s in strips), 1)
    page = Image.new("L", (dots, height), 255)
    y = 0
    for strip in strips:
        # A raster wider than the head is cut off by the printer too; show it the same way.
        page.paste(strip.crop((0, 0, dots, strip.height)), (0, y))
        y += strip.height
    return page


def render_page(document: Document, width_mm: int) -> Image.Image:
    """The printable area as a 1-bit image, for raster mode (no cut marks)."""
    page = render_blocks(
        layout(document, width_mm),
        PRINTABLE_DOTS[width_mm],
        module=qr_module_dots(width_mm),
        show_cuts=False,
    )
    # Threshold rather than dither: dithered text is grainy on a thermal head.
    return page.point(lambda v: 0 if v < 128 else 255, mode="1")


def on_paper(content: Image.Image, width_mm: int) -> Image.Image:
    """Put a printable-area image on a roll of the full paper width, with margins."""
    paper = Image.new("L", (width_mm * DOTS_PER_MM, content.height + 2 * PAPER_MARGIN), 255)
    paper.paste(content.convert("L"), ((paper.width - content.width) // 2, PAPER_MARGIN))
    return paper


def render_preview(document: Document, width_mm: int = 80) -> Image.Image:
    """What the ticket or notice looks like on the roll: ``width_mm`` x 8 dots wide."""
    blocks = layout(document, width_mm)
    content = render_blocks(blocks, PRINTABLE_DOTS[width_mm], module=qr_module_dots(width_mm))
    return on_paper(content, width_mm)


def render_printed(blocks: Sequence[Block], width_mm: int = 80) -> Image.Image:
    """A picture of blocks read back from the bytes a printer received."""
    content = render_blocks(blocks, PRINTABLE_DOTS[width_mm], module=qr_module_dots(width_mm))
    return on_paper(content, width_mm)
