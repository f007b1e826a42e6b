"""The server-side SVG charts (``console.charts``): well-formed SVG that names the CJK font,
every bar and cell with its number, the heat map shaded by value, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from console.charts import FONT_FAMILY, Series, bar_chart, heat_map

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def test_grouped_bars_carry_their_values_and_the_legend_names_each_series() -> None:
    svg = bar_chart(
        ["A", "B", "-"],
        [Series("取号", [5, 2, 0]), Series("办结", [4, 1, None])],
        title="各类别取号",
    )
    root = _parse(svg)
    assert root.get("font-family") == FONT_FAMILY and "WenQuanYi Micro Hei" in FONT_FAMILY
    assert root.get("role") == "img" and root.get("aria-label") == "各类别取号"
    bars = [(g.get("data-group"), g.get("data-series"), g.get("data-value"))
            for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]  # fmt: skip
    assert bars == [("A", "取号", "5"), ("A", "办结", "4"), ("B", "取号", "2"),
                    ("B", "办结", "1"), ("-", "取号", "0")]  # fmt: skip
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "取号" in texts and "办结" in texts and "各类别取号" in texts
    heights = {
        (g.get("data-group"), g.get("data-series")): float(g.find(f"{SVG}rect").get("height"))  # type: ignore[union-attr, arg-type]
        for g in root.iter(f"{SVG}g") if g.get("class") == "bar"
    }  # fmt: skip
    assert heights["A", "取号"] == pytest.approx(heights["B", "取号"] * 2.5)  # to scale
    assert heights["-", "取号"] == 0


def test_the_axis_counts_in_whole_steps() -> None:
    root = _parse(bar_chart(["09", "10"], [Series("n", [7, 3])], title="t"))
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert ticks == ["0", "2", "4", "6", "8"]


def test_labels_are_escaped_and_a_series_must_match_its_groups() -> None:
    svg = bar_chart(['<b>&"'], [Series("<i>", [1])], title="a & b")
    root = _parse(svg)
    assert "<b>" not in svg and root.get("aria-label") == "a & b"
    assert any(t.text == '<b>&"' for t in root.iter(f"{SVG}text"))
    with pytest.raises(ValueError, match="has 1 values for 2"):
        bar_chart(["A", "B"], [Series("n", [1])], title="t")
    assert _parse(bar_chart([], [Series("n", [])], title="empty")) is not None


def test_the_heat_map_shades_each_cell_by_its_value_and_writes_it() -> None:
    rows = [("1", "周一"), ("2", "周二")]
    columns = [("09", "09"), ("10", "10")]
    root = _parse(heat_map(rows, columns, {("1", "09"): 6, ("2", "10"): 3}, title="高峰时段"))
    cells = {
        (g.get("data-row"), g.get("data-column")): g
        for g in root.iter(f"{SVG}g") if g.get("class") == "cell"
    }  # fmt: skip
    assert len(cells) == 4
    values = {k: g.get("data-value") for k, g in cells.items()}
    assert values == {("1", "09"): "6", ("1", "10"): "0", ("2", "09"): "0", ("2", "10"): "3"}

    def fill(key: tuple[str, str]) -> str:
        rect = cells[key].find(f"{SVG}rect")
        assert rect is not None
        return str(rect.get("fill"))

    assert fill(("1", "09")) == "#0b57d0"  # the busiest cell is the darkest
    assert fill(("1", "10")) == "#ffffff"  # an empty cell is white, with no number
    assert sum(int(fill(("2", "10"))[i : i + 2], 16) for i in (1, 3, 5)) > sum(
        int(fill(("1", "09"))[i : i + 2], 16) for i in (1, 3, 5)
    )
    assert [t.text for t in cells[("2", "10")].iter(f"{SVG}text")] == ["3"]
    assert [t.text for t in cells[("1", "10")].iter(f"{SVG}text")] == []
