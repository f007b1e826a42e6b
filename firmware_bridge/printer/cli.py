"""`hall print-preview`: a PNG of a sample ticket or notice, as the printer would print it."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "print-preview",
        help="write a PNG of a sample ticket or one-time notice / 打印预览",
        description=(
            "Render a sample ticket (or, with --notice, a one-time notice) as PNG at 8 dots/mm. "
            "With --via-usb the document goes through the real driver and python-escpos onto "
            "an emulated USB printer, and the picture is drawn from the bytes it received."
        ),
    )
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper width in mm")
    p.add_argument("--notice", metavar="ITEM", help="print the one-time notice of this item")
    p.add_argument("--via-usb", action="store_true", help="print through the emulated USB printer")
    p.add_argument(
        "--mode", choices=("text", "raster"), default="text", help="with --via-usb: print mode"
    )
    p.set_defaults(handler=_preview)


def _preview(args: argparse.Namespace) -> int:
    import sys

    from firmware_bridge.printer.document import Document
    from firmware_bridge.printer.render import render_preview
    from firmware_bridge.printer.samples import SAMPLE_NOTICES, sample_ticket

    document: Document
    if args.notice:
        notice = SAMPLE_NOTICES.get(args.notice)
        if notice is None:
            known = "、".join(SAMPLE_NOTICES)
            print(
                f"没有事项 {args.notice} 的示例告知单，可选：{known} / "
                f"no sample notice for {args.notice!r}; known items: {known}",
                file=sys.stderr,
            )
            return 2
        document = notice
    else:
        document = sample_ticket()

    if args.via_usb:
        image = _through_emulator(document, args.width, args.mode)
        if image is None:
            return 1
    else:
        image = render_preview(document, args.width)
    image.save(args.out)
    print(f"已写入 / wrote {args.out} ({image.width}x{image.height} dots, {args.width} mm)")
    return 0


def _through_emulator(document: Any, width_mm: int, mode: str) -> Any:
    import sys

    from firmware_bridge.printer.config import from_config
    from firmware_bridge.printer.render import render_printed
    from firmware_bridge.printer.usb_emulator import (
        MODEL_58MM,
        MODEL_80MM,
        EmulatedPrinter,
        EmulatedUsbBackend,
    )

    model = MODEL_58MM if width_mm == 58 else MODEL_80MM
    emulated = EmulatedPrinter(model)
    port = f"usb:{model.id_vendor:04x}:{model.id_product:04x}"
    printer = from_config(
        {"port": port, "width_mm": width_mm, "mode": mode},
        backend=EmulatedUsbBackend([emulated]),
    )
    printer.open()
    state = printer.print_document(document)
    printer.close()
    if state.is_fault:
        print(f"模拟打印机故障 / emulated printer reports {state}", file=sys.stderr)
        return None
    return render_printed(emulated.printed, width_mm)
