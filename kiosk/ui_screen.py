"""The hall screen's widgets: calls (newest highlighted), waiting per category, notices."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk.app import FrontEndApp
from kiosk.i18n import pick, tr
from kiosk.model_screen import ScreenModel
from kiosk.widgets import DEEP, RED, WHITE, YELLOW, Text, hbox, hex_color, paint, vbox

TICKER_PX_PER_SECOND = 120.0
NAVY = hex_color("0A1A33")
ROW = hex_color("13294B")
MUTED = hex_color("9FB3D1")


class Ticker(StencilView):  # type: ignore[misc]
    """One line of notices that scrolls from right to left when it is wider than the screen."""

    def __init__(self, size: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = Label(text="", font_size=size, color=YELLOW, size_hint=(None, None))
        self.label.bind(texture_size=self._sized)
        self.add_widget(self.label)
        self.bind(pos=self._place, size=self._place)
        self._offset = 0.0
        Clock.schedule_interval(self._step, 1 / 30)

    def set_text(self, text: str) -> None:
        if text != self.label.text:
            self.label.text = text
            self._offset = 0.0  # a new notice starts fully readable at the left edge

    def _sized(self, *_: Any) -> None:
        self.label.size = self.label.texture_size
        self._place()

    def _place(self, *_: Any) -> None:
        self.label.y = self.y + (self.height - self.label.height) / 2
        self.label.x = self.x + self.width * 0.01 - self._offset

    def _step(self, dt: float) -> None:
        if self.label.width <= self.width * 0.98:
            if self._offset:
                self._offset = 0.0
                self._place()
            return
        self._offset += TICKER_PX_PER_SECOND * dt
        if self._offset > self.label.width + self.width * 0.01:
            self._offset = -self.width * 0.97  # re-enter from the right edge
        self._place()


class ScreenApp(FrontEndApp):
    background = NAVY
    model: ScreenModel

    def build(self) -> Widget:
        self.ticker = Ticker(self.u * 4.2, size_hint_y=None, height=self.u * 8)
        paint(self.ticker, DEEP)
        self.clock_label = Text("", self.u * 4.5, WHITE, halign="right", size_hint_x=0.25)
        return super().build()

    def tick(self) -> None:
        self.clock_label.text = f"{self.model.now():%H:%M}"

    def t(self, key: str, **params: Any) -> str:
        return tr(key, self.model.lang, **params)

    def build_view(self) -> Widget:
        m = self.model
        u = self.u
        page = vbox()
        header = hbox(size_hint_y=None, height=u * 11, padding=(u * 3, u * 1))
        paint(header, hex_color("0B4F9C"))
        header.add_widget(
            Text(pick(m.lang, m.hall.name, m.hall.name_en), u * 5.5, WHITE, bold=True, shrink=True)
        )
        if self.clock_label.parent is not None:
            self.clock_label.parent.remove_widget(self.clock_label)
        self.tick()
        header.add_widget(self.clock_label)
        page.add_widget(header)
        urgent = m.urgent_notice()
        if urgent is not None:
            page.add_widget(self._urgent(m.notice_text(urgent)))
        else:
            body = hbox(padding=u * 2.5, spacing=u * 3)
            body.add_widget(self._calls())
            body.add_widget(self._waiting())
            page.add_widget(body)
        ticker_text = "    ".join(
            f"【{self.t('notice')}】{m.notice_text(n)}" for n in m.ticker_notices()
        )
        self.ticker.set_text(ticker_text)
        if self.ticker.parent is not None:
            self.ticker.parent.remove_widget(self.ticker)
        if ticker_text:
            page.add_widget(self.ticker)
        return page

    def _urgent(self, text: str) -> Widget:
        box = vbox(padding=self.u * 6)
        paint(box, hex_color("7F1010"))
        box.add_widget(
            Text(
                f"【{self.t('notice')}】",
                self.u * 8,
                YELLOW,
                halign="center",
                bold=True,
                size_hint_y=0.3,
            )
        )
        box.add_widget(Text(text, self.u * 7, WHITE, halign="center"))
        return box

    def _calls(self) -> Widget:
        m = self.model
        u = self.u
        col = vbox(size_hint_x=0.5, spacing=u * 1.2)
        col.add_widget(
            Text(self.t("calls"), u * 5, MUTED, bold=True, size_hint_y=None, height=u * 7)
        )
        calls = m.calls()
        if not calls:
            col.add_widget(Text(self.t("no_calls"), u * 5, MUTED, halign="center"))
            return col
        for i, call in enumerate(calls[:5]):
            newest = i == 0
            row = hbox(
                size_hint_y=None,
                height=u * (15 if newest else 9.5),
                padding=(u * 2.5, 0),
                spacing=u * 2,
            )
            paint(row, YELLOW if newest else ROW, radius=u)
            ink = hex_color("1A1A1A") if newest else WHITE
            size = u * (8 if newest else 5.5)
            row.add_widget(
                Text(call.ticket, size, RED if newest else YELLOW, bold=True, size_hint_x=0.34)
            )
            window = self.t("window_n", n=call.window_number or "?")
            row.add_widget(Text(window, size, ink, bold=True, halign="right"))
            col.add_widget(row)
        col.add_widget(Widget())
        return col

    def _waiting(self) -> Widget:
        u = self.u
        col = vbox(size_hint_x=0.5, spacing=u * 0.6)
        grid = GridLayout(cols=4, spacing=(u * 1.2, u * 0.6), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        widths = (0.36, 0.14, 0.22, 0.28)
        heads = ("category", "waiting", "est", "windows")
        for key, w in zip(heads, widths, strict=True):
            grid.add_widget(Text(self.t(key), u * 3.4, MUTED, size_hint=(w, None), height=u * 6))
        for row in self.model.waiting_rows():
            cells = (
                (f"{row.prefix}  {row.name}", WHITE),
                (str(row.waiting), YELLOW),
                (self.t("minutes", n=row.minutes), WHITE),
                (("、" if self.model.lang == "zh" else ", ").join(map(str, row.windows)), MUTED),
            )
            for (text, color), w in zip(cells, widths, strict=True):
                grid.add_widget(
                    Text(text, u * 3.6, color, size_hint=(w, None), height=u * 7.2, shrink=True)
                )
        col.add_widget(grid)
        col.add_widget(Widget())
        return col
