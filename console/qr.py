"""A QR code as inline SVG, made on the server (no script, nothing fetched): the booking code a
citizen shows the kiosk's scanner (Q12). ``qrcode`` is the library the ticket printer uses."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from markupsafe import Markup

_SIZE = re.compile(r'\swidth="[^"]*"\sheight="[^"]*"')


def qr_svg(text: str, label: str) -> Markup:
    """``text`` as an SVG QR code (quiet zone of 4 modules, as scanners want), sized by CSS
    (``svg.qr``) and named ``label`` for screen readers."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.ERROR_CORRECT_M,
        border=4,
    )
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<?xml version='1.0' encoding='UTF-8'?>\n", "")
    named = f' class="qr" role="img" aria-label="{Markup.escape(label)}"'
    return Markup(_SIZE.sub(named, svg, count=1))
