"""Keypads and scanners on the bus: events out, and the queue commands a key means.

Every key is published on ``…/<device>/key`` (``KeyEvent``) and every scan on
``…/<device>/scan`` (``ScanEvent``). A caller keypad's key also sends the queue command for
the node's window (叫号 → ``cmd/<node>/queue/call``); an evaluator's rating key sends
``cmd/<node>/queue/rate`` for the ticket the window has just finished, read from the retained
window view. With ``port: sim`` the device also takes ``…/<device>/press`` (``SimPress``),
so a demo presses keys the way the hardware does.
"""

from __future__ import annotations

import logging
from typing import Any

from bus.core import Incoming
from bus.models.base import Reply
from bus.models.devices import KeyEvent, ScanEvent, SimPress
from firmware_bridge.bridge.endpoint import Endpoint
from firmware_bridge.bridge.logic import NoCommand, QueueCommand, caller_command, rating_command
from firmware_bridge.interfaces import EVENT_KEY, EVENT_RATING, EVENT_SCAN

log = logging.getLogger("firmware_bridge.bridge")

SIM_PORT = "sim"


class InputEndpoint(Endpoint):
    """``keypad`` (caller), ``evaluator_keypad`` and ``scanner`` devices."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = self.config.kind
        self._rated: str | None = None
        """The ticket this evaluator got a rating accepted for (a second press is dropped)."""
        self.device.on_event(self._from_device)  # type: ignore[attr-defined]

    def subscribe(self) -> None:
        if self.config.port == SIM_PORT:
            self.node.bus.subscribe(self.topic("press"), self._on_press)

    def _from_device(self, kind: str, value: str) -> None:
        """On the device's reader thread: hand over to the loop at once."""
        self.node.handoff(lambda: self.event(kind, value))

    def event(self, kind: str, value: str) -> None:
        """One key, rating or scan from the device (on the loop)."""
        if kind == EVENT_SCAN:
            self.publish("scan", ScanEvent(text=value))
        elif kind == EVENT_KEY:
            self.publish("key", KeyEvent(action=value))
            if self.kind == "keypad":
                self._caller_key(value)
        elif kind == EVENT_RATING:
            self.publish("key", KeyEvent(action="rating", value=value))
            if self.kind == "evaluator_keypad":
                self._rating_key(value)
        else:
            log.info("%s: ignored device event %s %r", self.label, kind, value)

    def _caller_key(self, action: str) -> None:
        window = self._window()
        if window is None:
            return
        self._send(caller_command(action, window, self.node.view), f"key {action}")

    def _rating_key(self, value: str) -> None:
        window = self._window()
        if window is None:
            return
        try:
            level = int(value)
        except ValueError:
            level = 0
        command = rating_command(level, window, self.node.view, self._rated)
        if isinstance(command, QueueCommand):
            ticket = str(command.fields["ticket"])

            def rated(reply: Reply | None) -> None:
                # Accepted or refused for good (already rated, too late): stop sending.
                if reply is not None:
                    self._rated = ticket

            self._send(command, f"rating {level}", rated)
        else:
            self._send(command, f"rating {level}")

    def _send(
        self,
        command: QueueCommand | NoCommand,
        label: str,
        on_reply: Any = None,
    ) -> None:
        if isinstance(command, NoCommand):
            log.info("%s: %s sends nothing: %s", self.label, label, command.reason)
            return
        self.node.send(command, f"{self.label} {label}", on_reply)

    def _window(self) -> str | None:
        if self.node.window is None:
            log.warning(
                "%s: 节点没有配置窗口，按键不能叫号 / node %s has no window in the hall config",
                self.label, self.node.node_id,
            )
        return self.node.window

    # Simulated presses ----------------------------------------------------------------------

    def _on_press(self, message: Incoming) -> None:
        press = self.parse(SimPress, message)
        if press is None:
            return
        self.worker.submit(lambda device: sim_press(device, press), self._pressed)

    def _pressed(self, result: object) -> None:
        if isinstance(result, ValueError):
            log.info("%s: simulated press not possible: %s", self.label, result)


def sim_press(device: Any, press: SimPress) -> None:
    """Press a key on the simulator behind ``device`` (on the device thread).

    A microcontroller keypad (``McuKeypad`` with its ``sim``) gets the key over its serial
    link; an evdev simulator (``SimKeySource``) gets the key-down/up ``InputEvent``s that
    its keymap turns into the action. ValueError when the device cannot make that key.
    """
    mcu_sim = getattr(device, "sim", None)
    if mcu_sim is not None:
        from firmware_bridge.mcu.messages import KeyCode

        if press.key is not None:
            codes = [c for c, action in device.keymap.items() if action == press.key]
            if not codes:
                raise ValueError(f"no key for {press.key!r} in the keymap")
            mcu_sim.press(KeyCode(codes[0]))
        if press.rating is not None:
            mcu_sim.rate(press.rating)
        if press.scan is not None:
            raise ValueError("a keypad board cannot scan")
        return
    inject = getattr(device, "inject", None)
    if inject is None:
        raise ValueError(f"{type(device).__name__} is not a simulator")
    if press.scan is not None:
        from firmware_bridge.inputs.scanner import events_for_text

        inject(events_for_text(press.scan))
    for wanted in (press.key, None if press.rating is None else str(press.rating)):
        if wanted is not None:
            inject(_key_events(device, wanted))


def _key_events(device: Any, value: str) -> list[Any]:
    from evdev import InputEvent, ecodes  # only simulated evdev devices get here

    table: dict[int, str] = getattr(device.translator, "table", {})
    codes = [code for code, mapped in table.items() if mapped == value]
    if not codes:
        raise ValueError(f"no key for {value!r} in the keymap")
    return [
        InputEvent(0, 0, ecodes.EV_KEY, codes[0], 1),
        InputEvent(0, 1, ecodes.EV_KEY, codes[0], 0),
    ]
