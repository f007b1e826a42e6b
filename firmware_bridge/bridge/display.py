"""Window LED displays and fingerprint sensors on the bus.

The LED display renders the retained window view (window number, current ticket, 暂停服务)
and also takes explicit text on ``…/<display>/show`` (``ShowText``) until the view changes;
while a staff member signs in at the window's caller keypad it shows the sign-in (请输入工号,
请输入密码 ****, then the controller's answer) instead of the view.
The fingerprint sensor is looked at every ``finger_poll_s``; one ``FingerEvent`` per touch
(``{"slot": N}`` or ``{"slot": null}`` for an unknown finger), the next only after the finger
was lifted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bus.core import Incoming
from bus.models.devices import DeviceState, FingerEvent, ShowText
from bus.models.views import WindowData
from firmware_bridge.bridge.endpoint import Endpoint
from firmware_bridge.bridge.logic import led_lines
from firmware_bridge.bridge.signin import board_lines

log = logging.getLogger("firmware_bridge.bridge")

DEFAULT_LINES = 2
"""Lines assumed before the board has told us (the hall's boards are 2 x 16)."""


class DisplayEndpoint(Endpoint):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: dict[int, str] = {}
        """What was last sent per line; only the device thread touches it."""
        self._view: WindowData | None = None
        self.node.overlay.listen(self._render)

    def subscribe(self) -> None:
        self.node.bus.subscribe(self.topic("show"), self._on_show)

    def on_view(self, view: WindowData | None) -> None:
        self._view = view
        self._render()

    def _render(self) -> None:
        """The window view, or over it the keypad's sign-in (``Overlay``)."""
        view, overlay = self._view, self.node.overlay.lines

        def run(device: Any) -> None:
            count = _lines(device)
            lines = led_lines(view, count) if overlay is None else board_lines(overlay, count)
            self._show(device, lines)

        self.worker.submit(run)

    def _on_show(self, message: Incoming) -> None:
        show = self.parse(ShowText, message)
        if show is None:
            return

        def run(device: Any) -> None:
            if show.brightness is not None:
                device.set_brightness(show.brightness)
            count = _lines(device)
            self._show(device, (list(show.lines) + [""] * count)[:count])

        self.worker.submit(run)

    def _show(self, device: Any, lines: Sequence[str]) -> None:
        """On the device thread: send the lines that changed."""
        for number, text in enumerate(lines):
            if self._shown.get(number) != text:
                device.show(number, text)
                self._shown[number] = text


def _lines(device: Any) -> int:
    identity = getattr(device, "identity", None)
    lines = getattr(identity, "lines", 0) if identity is not None else 0
    return int(lines) or DEFAULT_LINES


class FingerprintEndpoint(Endpoint):
    poll_attr = "finger_poll_s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finger_down = False
        """A finger is on the sensor and was reported (device thread only)."""

    def poll(self, device: Any) -> DeviceState:
        touch = device.touch()
        if touch is not None:
            if not touch.finger:
                self.finger_down = False
            elif not self.finger_down:
                self.finger_down = True
                event = FingerEvent(slot=touch.slot)
                self.node.handoff(lambda: self.publish("finger", event))
        state: DeviceState = device.state()
        return state
