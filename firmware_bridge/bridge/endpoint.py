"""What every device endpoint of the bridge shares: its worker thread and retained state.

An endpoint is one device of the hall config exposed as ``dev/<node>/<device>/…``. Its
callbacks run on the bridge's loop; the device itself is only touched on its worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from bus import topics
from bus.core import Bus, Incoming, Payload
from bus.models.base import Reply
from bus.models.devices import DeviceState, DeviceStatus
from bus.models.views import WindowData
from config.schema import DeviceConfig
from firmware_bridge.bridge.logic import STATE_TEXT, Backoff, QueueCommand
from firmware_bridge.bridge.signin import ANSWER_S, SIGN_IN_TIMEOUT_S
from firmware_bridge.bridge.worker import DeviceWorker, Handoff
from firmware_bridge.interfaces import Device

log = logging.getLogger("firmware_bridge.bridge")

M = TypeVar("M", bound=BaseModel)

STOPPED_DETAIL = "网桥已停止 / the bridge stopped"


@dataclass(frozen=True, slots=True)
class Timing:
    """The bridge's intervals in one place, so tests can shorten them (STYLE 8)."""

    state_poll_s: float = 1.0
    """Keypads, displays and scanners report state changes at most this late."""
    printer_poll_s: float = 5.0
    """DLE EOT status queries take up to ~4 s on a silent printer."""
    finger_poll_s: float = 0.3
    """How often the fingerprint sensor is looked at (GenImg): a touch lasts ~1 s."""
    open_first_s: float = 1.0
    open_cap_s: float = 30.0
    """Back-off between attempts to open a device: 1, 2, 4 … 30 s."""
    command_timeout_s: float = 5.0
    """A queue command from a key with no reply by then is logged as lost."""
    watchdog_s: float = 10.0
    """systemd WATCHDOG=1 interval; the unit has WatchdogSec=30."""
    sign_in_timeout_s: float = SIGN_IN_TIMEOUT_S
    """A sign-in typed on a caller keypad is given up after this long without a key."""
    sign_in_answer_s: float = ANSWER_S
    """The LED shows the controller's answer to a sign-in this long."""


class Overlay:
    """What a window's LED boards show over the window view for a while: a sign-in being
    typed on the window's caller keypad, then the controller's answer (``bridge/signin.py``).

    One per window in a bridge process, so a caller keypad and the LED board of the window's
    display node (two nodes, one Pi) share it; only the loop touches it."""

    def __init__(self) -> None:
        self.lines: tuple[str, ...] | None = None
        """The lines shown instead of the view; None: the view."""
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        """``listener()`` whenever the lines change (an LED board renders again)."""
        self._listeners.append(listener)

    def show(self, lines: tuple[str, ...] | None) -> None:
        if lines == self.lines:
            return
        self.lines = lines
        for listener in list(self._listeners):
            listener()


ReplyCallback = Callable[[Reply | None], None]


class NodeContext(Protocol):
    """What an endpoint needs from its node (``bridge.node.NodeBridge``)."""

    hall_id: str
    node_id: str
    window: str | None
    bus: Bus
    handoff: Handoff
    timing: Timing
    overlay: Overlay
    """Shown by the window's LED boards over the view (a keypad sign-in)."""

    @property
    def view(self) -> WindowData | None:
        """The node's window, as last published retained on ``state/window/<w>``."""
        ...

    def send(self, command: QueueCommand, label: str, on_reply: ReplyCallback | None) -> None:
        """Send ``cmd/<node>/queue/<verb>`` as this node (not while disconnected)."""
        ...


class Endpoint:
    """Base of the device endpoints: the retained state and the worker."""

    poll_attr = "state_poll_s"

    def __init__(self, node: NodeContext, config: DeviceConfig, device: Device) -> None:
        self.node = node
        self.config = config
        self.name = config.name
        self.device = device
        self.state = DeviceState.OFFLINE
        self.detail = self.hint(DeviceState.OFFLINE)
        self.since = dt.datetime.now(dt.UTC)
        self.invalid_messages = 0
        """Messages to this device that could not be read (logged with their topic)."""
        timing = node.timing
        self.worker = DeviceWorker(
            f"{node.node_id}/{self.name}",
            device,
            node.handoff,
            self.state_changed,
            poll=self.poll,
            poll_s=float(getattr(timing, self.poll_attr)),
            backoff=Backoff(timing.open_first_s, timing.open_cap_s),
        )

    @property
    def label(self) -> str:
        return f"{self.node.node_id}/{self.name}"

    def topic(self, leaf: str) -> str:
        return topics.device(self.node.hall_id, self.node.node_id, self.name, leaf)

    def publish(self, leaf: str, payload: Payload, *, retain: bool = False) -> None:
        self.node.bus.publish(self.topic(leaf), payload, qos=1, retain=retain)

    # Lifecycle (loop) ---------------------------------------------------------------------

    def start(self) -> None:
        self.subscribe()
        self.publish_state()
        self.worker.start()

    def subscribe(self) -> None:
        """Subscribe to this device's inbound topics (print, show, press)."""

    def stop(self) -> None:
        self.worker.stop()
        self.state, self.detail = DeviceState.OFFLINE, STOPPED_DETAIL
        self.since = dt.datetime.now(dt.UTC)
        self.publish_state()

    def on_view(self, view: WindowData | None) -> None:
        """The node's window view changed (only endpoints that show or rate care)."""

    # State ---------------------------------------------------------------------------------

    def poll(self, device: Any) -> DeviceState:
        """Runs on the device thread every poll interval."""
        state: DeviceState = device.state()
        return state

    def hint(self, state: DeviceState) -> str:
        return STATE_TEXT[state]

    def state_changed(self, state: DeviceState, detail: str = "") -> None:
        """On the loop: publish the retained state when it (or its reason) changed."""
        detail = detail or self.hint(state)
        if state == self.state and detail == self.detail:
            return
        if state != self.state:
            self.since = dt.datetime.now(dt.UTC)
            level = logging.WARNING if state.is_fault else logging.INFO
            log.log(level, "%s: %s -> %s: %s", self.label, self.state, state, detail)
        self.state, self.detail = state, detail
        self.publish_state()

    def publish_state(self) -> None:
        status = DeviceStatus(state=self.state, detail=self.detail, since=self.since)
        self.publish("state", status, retain=True)

    def parse(self, model: type[M], message: Incoming) -> M | None:
        """``message`` as ``model``, or None after counting and logging it (STYLE 2)."""
        try:
            return model.model_validate_json(message.payload)
        except ValidationError as exc:
            self.invalid(message.topic, exc.errors()[0].get("msg", exc))
            return None

    def invalid(self, message_topic: str, problem: object) -> None:
        self.invalid_messages += 1
        log.warning("%s: ignored an invalid message on %s: %s", self.label, message_topic, problem)
