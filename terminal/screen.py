"""The terminal's Kivy screen: a thin renderer of ``view.ScreenState`` (no logic here).

Shows the hall's clock, the prompt (请眨眼 while waiting for a blink), the last result (name,
time, on time / late) and the connection badge with the outbox count. The node's loop runs
in another thread; state changes reach Kivy through ``Clock.schedule_once``.
"""

from __future__ import annotations

import datetime as dt
import signal
from typing import Any

from config.schema import HallConfig
from terminal.view import ScreenState, TerminalView

SIZE = (800, 480)
"""The 7-inch Raspberry Pi touchscreen."""


def run_screen(hall: HallConfig, view: TerminalView, fullscreen: bool = True) -> None:
    """Open the window and run Kivy until it is closed (blocks the main thread)."""
    from uikit.env import prepare

    prepare(SIZE, fullscreen=fullscreen)

    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.label import Label

    class TerminalApp(App):  # type: ignore[misc]
        def build(self) -> Any:
            self.title = f"{hall.name} 考勤机"
            root = BoxLayout(orientation="vertical", padding=16, spacing=8)
            self.clock_label = Label(font_size="40sp", size_hint_y=0.2)
            self.name_label = Label(font_size="48sp", size_hint_y=0.3)
            self.detail_label = Label(font_size="24sp", size_hint_y=0.2)
            self.prompt_label = Label(font_size="28sp", size_hint_y=0.15)
            self.status_label = Label(font_size="18sp", size_hint_y=0.15)
            for widget in (
                self.clock_label,
                self.name_label,
                self.detail_label,
                self.prompt_label,
                self.status_label,
            ):
                root.add_widget(widget)
            Clock.schedule_interval(self._tick, 1.0)
            # systemd stops us with SIGTERM: close the window so the node shuts down cleanly.
            signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: self.stop()))
            view.subscribe(lambda state: Clock.schedule_once(lambda _dt: self.render(state)))
            return root

        def _tick(self, _dt: float) -> None:
            self.clock_label.text = dt.datetime.now(hall.tz).strftime("%H:%M:%S")

        def render(self, state: ScreenState) -> None:
            result = state.result
            if result is not None:
                self.name_label.text = result.headline()
                self.detail_label.text = f"{result.shown_time:%H:%M:%S}  {result.verdict.text}"
            else:
                self.name_label.text = ""
                self.detail_label.text = state.camera_line
            self.prompt_label.text = "" if result is not None else state.prompt
            extra = f"  ·  {state.clock_note}" if state.clock_note else ""
            self.status_label.text = state.status_line + extra
            self.status_label.color = (0.2, 0.8, 0.3, 1) if state.online else (0.95, 0.5, 0.1, 1)

    TerminalApp().run()
