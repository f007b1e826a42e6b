"""Keypads and scanners on the bus: events out, and the queue commands a key means.

Every key is published on ``…/<device>/key`` (``KeyEvent``) and every scan on
``…/<device>/scan`` (``ScanEvent``). A caller keypad's key also sends the queue command for
the node's window (叫号 → ``cmd/<node>/queue/call``); an evaluator's rating key sends
``cmd/<node>/queue/rate`` for the ticket the window has just finished, read from the retained
window view. A caller keypad's 登录 key starts a sign-in (``bridge/signin.py``): the keys then
type the staff number and PIN, shown on the window's LED, and send ``queue/login`` with them;
they are not published (nobody reads a PIN off ``…/key``) and call nothing. With ``port:
sim`` the device also takes ``…/<device>/press`` (``SimPress``), so a demo presses keys the
way the hardware does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bus.core import Incoming
from bus.models.base import Reply
from bus.models.devices import DeviceState, KeyEvent, ScanEvent, SimPress
from firmware_bridge.bridge.endpoint import Endpoint
from firmware_bridge.bridge.logic import NoCommand, QueueCommand, caller_command, rating_command
from firmware_bridge.bridge.signin import SignIn, answer_lines, sign_in_key
from firmware_bridge.interfaces import EVENT_KEY, EVENT_RATING, EVENT_SCAN, split_caller_key

log = logging.getLogger("firmware_bridge.bridge")

SIM_PORT = "sim"


class InputEndpoint(Endpoint):
    """``keypad`` (caller), ``evaluator_keypad`` and ``scanner`` devices."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = self.config.kind
        self._rated: str | None = None
        """The ticket this evaluator got a rating accepted for (a second press is dropped)."""
        self.clock: Callable[[], float] = time.monotonic
        """Times the sign-in's keys (a test sets its own)."""
        self._sign_in: SignIn | None = None
        """A sign-in being typed on this caller keypad (``bridge/signin.py``); loop only."""
        self._answer_until: float | None = None
        """Until when the LED shows the controller's answer to the last sign-in."""
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
            action, entry = split_caller_key(value)
            if self.kind == "keypad" and self._signing_in(action, entry):
                return  # typed into a sign-in: not published (the PIN), no caller command
            if action is None:
                return  # a key that only types (0, Enter), outside a sign-in
            self.publish("key", KeyEvent(action=action))
            if self.kind == "keypad":
                self._caller_key(action)
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

    # Signing in at the keypad (bridge/signin.py) -------------------------------------------

    def poll(self, device: Any) -> DeviceState:
        """On the device thread; a caller keypad's sign-in times out on the loop."""
        state: DeviceState = device.state()
        if self.kind == "keypad":
            self.node.handoff(self.tick)
        return state

    def tick(self) -> None:
        """Give up a sign-in with no key for ``sign_in_timeout_s``; end the answer's time."""
        now = self.clock()
        timing = self.node.timing
        if self._sign_in is not None and self._sign_in.expired(now, timing.sign_in_timeout_s):
            log.info("%s: 登录超时，已放弃 / sign-in given up after %.0f s without a key",
                     self.label, timing.sign_in_timeout_s)
            self._sign_in = None
            self.node.overlay.show(None)
        if self._answer_until is not None and now >= self._answer_until:
            self._answer_until = None
            if self._sign_in is None:
                self.node.overlay.show(None)

    def _signing_in(self, action: str | None, entry: str | None) -> bool:
        """Whether the key belonged to a sign-in (登录, or any key while one is typed)."""
        self.tick()
        answered, self._answer_until = self._answer_until is not None, None
        keyed = sign_in_key(self._sign_in, action, entry, self.node.window or "", self.clock())
        if keyed is None:
            if answered:
                self.node.overlay.show(None)  # a key ends the answer's time: the view is back
            return False
        if self._sign_in is None:
            self.publish("key", KeyEvent(action="login"))
            if self._window() is None:
                return True
        self._sign_in = keyed.sign_in
        self.node.overlay.show(keyed.sign_in.lines() if keyed.sign_in is not None else None)
        if keyed.command is not None:
            self._send(keyed.command, "sign-in", self._signed_in)
        return True

    def _signed_in(self, reply: Reply | None) -> None:
        """The controller's answer to the sign-in: on the LED for ``sign_in_answer_s``."""
        if self._sign_in is None or self._sign_in.step != "sent":
            return  # given up (timed out) before the answer came
        self._sign_in = None
        self._answer_until = self.clock() + self.node.timing.sign_in_answer_s
        self.node.overlay.show(answer_lines(reply))

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
    # A caller key's value is its action and what it types (``next/1``): either presses it.
    codes = [code for code, mapped in table.items() if mapped == value]
    codes += [code for code, mapped in table.items() if value in split_caller_key(mapped)]
    if not codes:
        raise ValueError(f"no key for {value!r} in the keymap")
    return [
        InputEvent(0, 0, ecodes.EV_KEY, codes[0], 1),
        InputEvent(0, 1, ecodes.EV_KEY, codes[0], 0),
    ]
