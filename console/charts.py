"""Charts as SVG made on the server: grouped bars and an hour × weekday heat map.

Pure (the standard library only): labels and numbers in, one self-contained ``<svg>`` string
out, with its colours and the CJK font named in attributes rather than in a stylesheet, so the
same chart sits in a console page, in a downloaded file, and in the PDF bulletin (``hall
report bulletin``, which as the composition root may import a node's module). Every text is
escaped here; the font is the system's (WenQuanYi Micro Hei on Debian, Microsoft YaHei or
PingFang on an office PC), never downloaded. Each bar and cell carries its number as text and
in a ``<title>`` (a tooltip), and ``data-value`` for tests and scripts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

FONT_FAMILY = (
    "'Microsoft YaHei', 'PingFang SC', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', "
    "'Source Han Sans SC', sans-serif"
)
"""The console's own font stack (``console.css``): system CJK fonts only."""
INK = "#1b2430"
MUTED = "#5b6775"
GRID = "#d5dbe3"
PALETTE = ("#0b57d0", "#137333", "#a05a00", "#8e24aa", "#b3261e")
"""Series colours, in order: blue, green, amber, purple, red (the console's own)."""
HEAT_LOW = (232, 240, 254)
HEAT_HIGH = (11, 87, 208)
"""The heat map's lightest and darkest cell (RGB)."""


@dataclass(frozen=True, slots=True)
class Series:
    """One set of bars: its name (the legend) and a value per group (None: nothing to show)."""

    name: str
    values: Sequence[float | None]


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    """``12``, ``7.5``: a whole number without its ``.0``."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {_attr(css_class)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_attr(title)}" font-family="{_attr(FONT_FAMILY)}" font-size="12" '
        f'fill="{INK}"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _axis(top: float) -> tuple[float, float]:
    """The axis' step and top for values up to ``top``: a step of 1, 2 or 5 × a power of ten
    giving at most five intervals (whole numbers for counts), the top a multiple of it."""
    if top <= 0:
        return 1.0, 1.0
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if factor * step * 5 >= top:
                size = factor * step
                return size, size * math.ceil(top / size)
        step *= 10


def bar_chart(
    groups: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 260,
) -> str:
    """Grouped vertical bars: one group per label of ``groups``, one bar per series in each,
    its value written above it; a legend when there is more than one series."""
    for s in series:
        if len(s.values) != len(groups):
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {len(groups)}")
    left, right, top, bottom = 44, 12, 48 if len(series) > 1 else 30, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    step, axis_top = _axis(max(values, default=0.0))
    body: list[str] = [
        f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    ]
    ticks = round(axis_top / step)
    for i in range(ticks + 1):  # grid lines and the axis' numbers
        y = top + plot_h - plot_h * i / ticks
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{_number(step * i)}</text>"
        )
    if unit:
        body.append(f'<text x="{left}" y="{top - 6}" fill="{MUTED}">{escape(unit)}</text>')
    if len(series) > 1:
        x = float(left)
        for n, s in enumerate(series):
            colour = PALETTE[n % len(PALETTE)]
            body.append(
                f'<rect x="{x:.1f}" y="24" width="12" height="12" fill="{colour}"/>'
                f'<text x="{x + 16:.1f}" y="34">{escape(s.name)}</text>'
            )
            x += 28 + sum(12 if ord(ch) > 0x2E7F else 7 for ch in s.name)
    if not groups:
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" '
            f'text-anchor="middle" fill="{MUTED}">—</text>'
        )
        return _svg(width, height, title, body, "bars")
    slot = plot_w / len(groups)
    bar_w = max(2.0, min(28.0, slot * 0.8 / max(1, len(series))))
    for g, label in enumerate(groups):
        x0 = left + slot * g + (slot - bar_w * len(series)) / 2
        for n, s in enumerate(series):
            value = s.values[g]
            if value is None:
                continue
            h = plot_h * value / axis_top
            x, y = x0 + bar_w * n, top + plot_h - h
            tip = f"{label} · {s.name}: {_number(value)}{unit}"
            body.append(
                f'<g class="bar" data-group="{_attr(label)}" data-series="{_attr(s.name)}" '
                f'data-value="{_number(value)}"><title>{escape(tip)}</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"/>'
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="10">{_number(value)}</text></g>'
            )
        body.append(
            f'<text x="{left + slot * g + slot / 2:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(width, height, title, body, "bars")


def _heat(value: float, top: float) -> str:
    share = value / top if top > 0 else 0.0
    rgb = (round(lo + (hi - lo) * share) for lo, hi in zip(HEAT_LOW, HEAT_HIGH, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_map(
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    values: Mapping[tuple[str, str], float],
    *,
    title: str,
    cell: int = 40,
) -> str:
    """A grid of ``rows`` (key, label) × ``columns`` (key, label), each cell shaded by its value
    in ``values`` (keyed by (row key, column key)) against the largest, and its number written
    in it; an empty cell is left white."""
    left, top = 56, 48
    width = max(left + cell * len(columns) + 8, 320)
    height = top + cell * len(rows) + 8
    top_value = max(values.values(), default=0.0)
    body: list[str] = [
        f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    ]
    for c, (_key, label) in enumerate(columns):
        body.append(
            f'<text x="{left + cell * c + cell / 2:.1f}" y="{top - 8}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    for r, (row_key, row_label) in enumerate(rows):
        y = top + cell * r
        body.append(
            f'<text x="{left - 8}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(row_label)}</text>"
        )
        for c, (col_key, col_label) in enumerate(columns):
            x = left + cell * c
            value = values.get((row_key, col_key), 0.0)
            fill = _heat(value, top_value) if value else "#ffffff"
            ink = "#ffffff" if top_value and value / top_value > 0.55 else INK
            tip = f"{row_label} {col_label}: {_number(value)}"
            body.append(
                f'<g class="cell" data-row="{_attr(row_key)}" data-column="{_attr(col_key)}" '
                f'data-value="{_number(value)}"><title>{escape(tip)}</title>'
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="3" '
                f'fill="{fill}" stroke="{GRID}" stroke-width="1"/>'
                + (
                    f'<text x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 3:.1f}" '
                    f'text-anchor="middle" fill="{ink}">{_number(value)}</text>'
                    if value
                    else ""
                )
                + "</g>"
            )
    return _svg(width, height, title, body, "heat")
