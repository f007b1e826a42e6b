"""Small Kivy building blocks shared by the front ends (import only after ``uikit.env``).

Text always wraps to its box (no label runs past its edge); buttons carry an ``action`` name
so that tests and logs can say which button was touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

RGBA = tuple[float, float, float, float]


def hex_color(value: str, alpha: float = 1.0) -> RGBA:
    v = value.lstrip("#")
    return (int(v[0:2], 16) / 255, int(v[2:4], 16) / 255, int(v[4:6], 16) / 255, alpha)


# The hall's palette: government blue, white cards, red for stopped, green for go.
BLUE = hex_color("0B4F9C")
DEEP = hex_color("08264A")
WHITE = hex_color("FFFFFF")
PAPER = hex_color("F2F5FA")
INK = hex_color("1A1A1A")
GREY = hex_color("6B7280")
RED = hex_color("C62828")
GREEN = hex_color("2E7D32")
AMBER = hex_color("F9A825")
YELLOW = hex_color("FFD54F")
LIGHT_BLUE = hex_color("DCE8F7")


def paint(widget: Widget, color: RGBA, radius: float = 0) -> Widget:
    """Give a widget a solid (optionally rounded) background that follows its size."""
    with widget.canvas.before:
        Color(*color)
        rect = RoundedRectangle(radius=[radius]) if radius else Rectangle()

    def follow(*_: Any) -> None:
        rect.pos, rect.size = widget.pos, widget.size

    widget.bind(pos=follow, size=follow)
    follow()
    return widget


class Text(Label):  # type: ignore[misc]  # Kivy has no type hints
    """A label whose text wraps to its width; ``fit`` makes its height follow the text."""

    def __init__(
        self,
        text: str,
        size: float,
        color: RGBA = INK,
        *,
        halign: str = "left",
        valign: str = "middle",
        fit: bool = False,
        shrink: bool = False,
        bold: bool = False,
        **kwargs: Any,
    ) -> None:
        if fit:
            kwargs.setdefault("size_hint_y", None)
        super().__init__(
            text=text,
            font_size=size,
            color=color,
            halign=halign,
            valign=valign,
            bold=bold,
            **kwargs,
        )
        self._fit = fit
        self._shrink = shrink
        """With ``shrink`` the font gets smaller until the text fits its box (long names)."""
        self._base_size = size
        self.bind(size=self._wrap)
        if fit:
            self.bind(texture_size=self._grow)
        if shrink:
            self.bind(texture_size=self._fit_font)
        self._wrap()

    def _wrap(self, *_: Any) -> None:
        unbounded = self._fit or self._shrink
        self.text_size = (self.width, None if unbounded else self.height)
        if self._shrink:
            self.font_size = self._base_size  # start again from the full size for this box

    def _grow(self, *_: Any) -> None:
        self.height = self.texture_size[1]

    def _fit_font(self, *_: Any) -> None:
        if self.height > 1 and self.texture_size[1] > self.height and self.font_size > 10:
            self.font_size *= 0.9


class TouchButton(Button):  # type: ignore[misc]
    """A touch target with a name (``action``) and wrapped, centred text."""

    action = StringProperty("")

    def __init__(
        self,
        text: str,
        action: str,
        on_press: Callable[[], None] | None,
        size: float,
        bg: RGBA = BLUE,
        fg: RGBA = WHITE,
        *,
        min_height: float | None = None,
        **kwargs: Any,
    ) -> None:
        if min_height is not None:
            kwargs.update(size_hint_y=None, height=min_height)
        super().__init__(
            text=text,
            font_size=size,
            color=fg,
            halign="center",
            valign="middle",
            background_normal="",
            background_down="",
            background_color=bg,
            **kwargs,
        )
        self.action = action
        self.disabled = on_press is None
        if self.disabled:
            self.background_disabled_normal = ""
            self.disabled_color = (*fg[:3], 0.75)
        self._callback = on_press
        self._min_height = min_height
        """With a minimum height the button grows to show all its text (long notices)."""
        self.bind(size=self._wrap)
        if min_height is not None:
            self.bind(texture_size=self._grow)
        self._wrap()

    def _wrap(self, *_: Any) -> None:
        pad = self.font_size * 0.6
        height = None if self._min_height is not None else max(self.height - pad, 1)
        self.text_size = (max(self.width - 2 * pad, 1), height)

    def _grow(self, *_: Any) -> None:
        assert self._min_height is not None
        self.height = max(self._min_height, self.texture_size[1] + self.font_size * 1.2)

    def on_release(self) -> None:
        if self._callback is not None:
            self._callback()


class Blocker(BoxLayout):  # type: ignore[misc]
    """A layer that takes every touch, so nothing under it can be pressed (the overlay)."""

    def on_touch_down(self, touch: Any) -> bool:
        return True

    def on_touch_move(self, touch: Any) -> bool:
        return True

    def on_touch_up(self, touch: Any) -> bool:
        return True


def vbox(**kwargs: Any) -> BoxLayout:
    return BoxLayout(orientation="vertical", **kwargs)


def hbox(**kwargs: Any) -> BoxLayout:
    return BoxLayout(orientation="horizontal", **kwargs)


def find_actions(root: Widget) -> dict[str, TouchButton]:
    """Every enabled button under ``root`` by its action (what UI tests touch)."""
    found: dict[str, TouchButton] = {}
    for w in root.walk(restrict=True):
        if isinstance(w, TouchButton) and not w.disabled:
            found.setdefault(w.action, w)
    return found
