"""The Kivy side every front end shares: bus on Kivy's clock, rendering, overlay, systemd.

A front end is a view-model (plain Python) plus a ``build_view()`` that draws it. Any change
in the model schedules one redraw on the next frame. The "连接中断" overlay covers the
screen while the broker or the controller is unreachable and goes away by itself when they
are back. ``--screenshot`` saves the first settled frame with live data and stops.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sdnotify
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from bus.core import Bus
from kiosk.i18n import tr
from kiosk.model_base import FrontEndModel
from kiosk.widgets import RGBA, WHITE, YELLOW, Blocker, Text, hex_color, paint, vbox

log = logging.getLogger(__name__)

WATCHDOG_SECONDS = 10.0
"""Half of the units' WatchdogSec=30 or less: a frozen UI loop gets the process restarted."""
SETTLE_SECONDS = 0.6
"""A screenshot waits this long after the last change (retained messages come in a burst)."""
SCREENSHOT_TIMEOUT = 20.0


def clock_deliver(fn: Callable[[], None]) -> None:
    """Hand a bus callback (paho's thread) to Kivy's main loop."""
    Clock.schedule_once(lambda _dt: fn(), 0)


class FrontEndApp(App):  # type: ignore[misc]  # Kivy has no type hints
    """Base of the four apps; subclasses implement ``build_view``."""

    background: RGBA = WHITE

    def __init__(
        self,
        model: FrontEndModel,
        bus: Bus,
        *,
        title: str,
        screenshot: Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.title = title
        self.model = model
        self.bus = bus
        self.screenshot_path = screenshot
        self.exit_code = 0
        self._notifier = sdnotify.SystemdNotifier() if os.environ.get("NOTIFY_SOCKET") else None
        self._redraw = Clock.create_trigger(self._render, 0)
        self._settle = Clock.create_trigger(self._take_screenshot, SETTLE_SECONDS)
        self._shot_taken = False
        self._notices_shown: list[str] = []

    # Scale: everything is sized in hundredths of the shorter window side -----------------

    @property
    def u(self) -> float:
        return float(min(Window.width, Window.height)) / 100.0

    # Build -------------------------------------------------------------------------------

    def build(self) -> Widget:
        root = FloatLayout()
        self.content = vbox(size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        paint(self.content, self.background)
        root.add_widget(self.content)
        self.overlay = self._build_overlay()
        self.model.on_change(self._redraw)
        Clock.schedule_interval(self._every_second, 1.0)
        if self.screenshot_path is not None:
            Clock.schedule_once(self._give_up, SCREENSHOT_TIMEOUT)
        self.root_layout = root
        self._render()
        return root

    def _build_overlay(self) -> Widget:
        # While lost, nothing under the overlay can be touched (no ticket on stale data).
        box = Blocker(
            orientation="vertical", size_hint=(1, 1), pos_hint={"x": 0, "y": 0}, padding=self.u * 8
        )
        paint(box, hex_color("101010", 0.95))
        self._overlay_title = Text("", self.u * 12, YELLOW, halign="center", bold=True)
        self._overlay_hint = Text("", self.u * 4, WHITE, halign="center")
        box.add_widget(self._overlay_title)
        box.add_widget(self._overlay_hint)
        return box

    def on_start(self) -> None:
        self.model.start()
        self.bus.start()
        if self._notifier is not None:
            self._notifier.notify("READY=1")
            Clock.schedule_interval(lambda _dt: self._watchdog(), WATCHDOG_SECONDS)

    def _watchdog(self) -> None:
        if self._notifier is not None:
            self._notifier.notify("WATCHDOG=1")

    def on_stop(self) -> None:
        if self._notifier is not None:
            self._notifier.notify("STOPPING=1")
        try:
            self.bus.stop()
        except Exception:  # shutdown goes on whatever the broker does
            log.warning("bus did not stop cleanly", exc_info=True)

    # Render ------------------------------------------------------------------------------

    def build_view(self) -> Widget:
        raise NotImplementedError

    def _render(self, *_: Any) -> None:
        self.content.clear_widgets()
        if self.model.ready:
            self.content.add_widget(self.build_view())
        elif not self.model.lost:  # while lost the overlay alone explains the empty screen
            self.content.add_widget(
                Text(
                    tr("waiting_data", self.model.lang),
                    self.u * 6,
                    hex_color("6B7280"),
                    halign="center",
                )
            )
        self._notices_shown = [n.notice_id for n in self.model.visible_notices()]
        self._show_overlay(self.model.lost)
        if self.screenshot_path is not None and self.model.ready and not self.model.lost:
            self._settle()  # restarted by every change: shoot when the burst is over

    def _show_overlay(self, lost: bool) -> None:
        lang = self.model.lang
        self._overlay_title.text = tr("lost", lang)
        self._overlay_hint.text = tr("lost_hint", lang)
        attached = self.overlay.parent is not None
        if lost and not attached:
            self.root_layout.add_widget(self.overlay)  # on top; it also takes the touches
        elif not lost and attached:
            self.root_layout.remove_widget(self.overlay)

    def _every_second(self, _dt: float) -> None:
        # A notice can start or end with no message arriving: redraw when the set changes.
        shown = [n.notice_id for n in self.model.visible_notices()]
        if shown != self._notices_shown:
            self._redraw()
        self.tick()

    def tick(self) -> None:
        """Once a second: timeouts that the model measures (idle, thank-you)."""

    # Screenshot --------------------------------------------------------------------------

    def _take_screenshot(self, *_: Any) -> None:
        if self._shot_taken or self.screenshot_path is None:
            return
        self._shot_taken = True
        self.screenshot_path.parent.mkdir(parents=True, exist_ok=True)
        self.root_layout.export_to_png(str(self.screenshot_path))
        log.info("screenshot saved to %s", self.screenshot_path)
        self.stop()

    def _give_up(self, *_: Any) -> None:
        if not self._shot_taken:
            log.error("no live data within %.0f s; saving what is shown", SCREENSHOT_TIMEOUT)
            self.exit_code = 1
            self._take_screenshot()
