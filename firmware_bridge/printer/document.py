"""What the kiosk prints: the queue ticket (RULES Q1) and the one-time notice (Q13).

The documents are plain data. ``layout()`` turns one into a list of blocks (text lines,
QR code, rule, cut) that every output path shares: the ESC/POS text encoder, the raster
renderer and the PNG preview, so that what people look at in a preview is what the
printer gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from config.schema import ItemType

Align = Literal["left", "center"]


@dataclass(frozen=True, slots=True)
class Ticket:
    """A queue ticket as RULES Q1 lists it. The number never shows why a ticket has priority."""

    hall_name: str
    number: str
    service: str
    department: str
    windows: tuple[str, ...]
    ahead: int
    estimated_wait_min: int | None
    issued_at: datetime
    status_url: str


@dataclass(frozen=True, slots=True)
class OneTimeNotice:
    """一次性告知单 (RULES Q13): everything a citizen needs to come back only once."""

    hall_name: str
    item_name: str
    item_type: ItemType
    """The hall's item type; its Chinese label (``label_zh``) is what is printed."""
    materials: tuple[str, ...]
    procedure: tuple[str, ...]
    promised_workdays: int | None
    """None for an item settled on the spot (当场办结)."""
    fees: str
    legal_basis: tuple[str, ...]
    window_location: str
    enquiry_phone: str
    printed_at: datetime | None = None


Document = Ticket | OneTimeNotice


# --- layout blocks ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One printed line. ``scale`` is the ESC/POS character magnification (GS !), 1..8."""

    text: str
    scale: int = 1
    align: Align = "left"
    bold: bool = False


@dataclass(frozen=True, slots=True)
class QrBlock:
    payload: str


@dataclass(frozen=True, slots=True)
class RuleBlock:
    """A separator line across the paper."""


@dataclass(frozen=True, slots=True)
class RasterBlock:
    """A 1-bit image as the printer gets it (GS v 0): rows of ``width_bytes``, MSB left."""

    width_bytes: int
    height: int
    data: bytes


@dataclass(frozen=True, slots=True)
class CutBlock:
    partial: bool = False


Block = TextBlock | QrBlock | RuleBlock | RasterBlock | CutBlock


# --- geometry -----------------------------------------------------------------------

DOTS_PER_MM = 8
"""203 dpi thermal heads: 8 dots per millimetre."""

PRINTABLE_DOTS = {58: 384, 80: 576}
"""Printable width of the usual heads: 48 mm of a 58 mm roll, 72 mm of an 80 mm roll."""

HALF_WIDTH_DOTS = 12
"""Font A is 12x24 dots; a Chinese character is 24x24, i.e. two columns."""


def columns(width_mm: int, scale: int = 1) -> int:
    """Half-width columns per line at the given magnification."""
    return PRINTABLE_DOTS[width_mm] // (HALF_WIDTH_DOTS * scale)


def display_width(text: str) -> int:
    """Columns a string takes on the printer in Chinese mode.

    Every character that GB18030 encodes in more than one byte comes from the 24x24 font
    and takes two columns; that includes "ambiguous" ones such as — and · which a Western
    terminal would count as one.
    """
    return sum(1 if len(ch.encode("gb18030", "replace")) == 1 else 2 for ch in text)


_BREAK_AFTER = ("、", "，", "；", " ", ",")


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrap by printed columns (not characters) so a line never runs past the paper edge.

    Continuation lines get ``indent`` so a numbered list stays readable.
    """
    lines: list[str] = []
    current = ""
    used = 0
    for ch in text:
        w = display_width(ch)
        if used + w > width and current:
            # Prefer to break after a list separator in the second half of the line, so
            # "5号窗口" is not split into "5号" and "窗口".
            cut = max(current.rfind(sep) for sep in _BREAK_AFTER) + 1
            if cut <= len(current) // 2:
                cut = len(current)
            lines.append(current[:cut])
            current = indent + current[cut:]
            used = display_width(current)
        current += ch
        used += w
    if current or not lines:
        lines.append(current)
    return lines


def _heading(text: str, width_mm: int, scale: int = 2) -> list[TextBlock]:
    """A centred title, double size if it fits on one line; a hall name is not split mid-word."""
    while scale > 1 and display_width(text) > columns(width_mm, scale):
        scale -= 1
    return [
        TextBlock(line, scale=scale, align="center", bold=True)
        for line in wrap(text, columns(width_mm, scale))
    ]


def _field(label: str, value: str, width_mm: int) -> list[TextBlock]:
    head = f"{label}："
    return [TextBlock(line) for line in wrap(head + value, columns(width_mm), " " * 4)]


def _ticket_blocks(ticket: Ticket, width_mm: int) -> list[Block]:
    wait = "—" if ticket.estimated_wait_min is None else f"约 {ticket.estimated_wait_min} 分钟"
    blocks: list[Block] = [
        *_heading(ticket.hall_name, width_mm),
        RuleBlock(),
        TextBlock("您的号码", align="center"),
        TextBlock(ticket.number, scale=4, align="center", bold=True),
        *(
            TextBlock(line, scale=2, align="center", bold=True)
            for line in wrap(ticket.service, columns(width_mm, 2))
        ),
        RuleBlock(),
        *_field("办理部门", ticket.department, width_mm),
        *_field("办理窗口", "、".join(ticket.windows), width_mm),
        *_field("前面等候", f"{ticket.ahead} 人", width_mm),
        *_field("预计等候", wait, width_mm),
        *_field("取号时间", ticket.issued_at.strftime("%Y-%m-%d %H:%M"), width_mm),
        QrBlock(ticket.status_url),
        TextBlock("扫码查看排队进度", align="center"),
        TextBlock("请留意语音叫号和窗口显示屏", align="center"),
        CutBlock(),
    ]
    return blocks


def _numbered(title: str, items: tuple[str, ...], width_mm: int) -> list[Block]:
    blocks: list[Block] = [TextBlock(f"{title}：", bold=True)]
    for i, item in enumerate(items, 1):
        prefix = f"{i}. "
        for line in wrap(prefix + item, columns(width_mm), " " * len(prefix)):
            blocks.append(TextBlock(line))
    return blocks


def _notice_blocks(notice: OneTimeNotice, width_mm: int) -> list[Block]:
    limit = (
        "当场办结" if notice.promised_workdays is None else f"{notice.promised_workdays} 个工作日"
    )
    blocks: list[Block] = [
        *_heading(notice.hall_name, width_mm),
        TextBlock("一次性告知单", scale=2, align="center", bold=True),
        RuleBlock(),
        *_field("事项名称", notice.item_name, width_mm),
        *_field("事项类型", notice.item_type.label_zh, width_mm),
        *_numbered("申请材料", notice.materials, width_mm),
        *_numbered("办理流程", notice.procedure, width_mm),
        *_field("承诺时限", limit, width_mm),
        *_field("收费标准", notice.fees, width_mm),
        *_numbered("设定依据", notice.legal_basis, width_mm),
        *_field("办理地点", notice.window_location, width_mm),
        *_field("咨询电话", notice.enquiry_phone, width_mm),
    ]
    if notice.printed_at is not None:
        blocks += _field("打印时间", notice.printed_at.strftime("%Y-%m-%d %H:%M"), width_mm)
    blocks.append(CutBlock())
    return blocks


def layout(document: Document, width_mm: int) -> list[Block]:
    """The blocks of a document for a 58 or 80 mm roll (long text wrapped to the paper)."""
    if width_mm not in PRINTABLE_DOTS:
        raise ValueError(f"width_mm must be one of {sorted(PRINTABLE_DOTS)}, not {width_mm}")
    if isinstance(document, Ticket):
        return _ticket_blocks(document, width_mm)
    if isinstance(document, OneTimeNotice):
        return _notice_blocks(document, width_mm)
    raise TypeError(f"not a printable document: {type(document).__name__}")
