"""One node's devices on the bus: built from the hall config, one endpoint per device.

The node's window view (``state/window/<w>``, retained) is read once here and handed to
the endpoints that need it (LED text, the ticket to rate, what 恢复 means). Queue commands
go out with the node's own MQTT identity, which the broker's ACL allows for its role.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bus import topics
from bus.core import Bus, Incoming, RequestTimeout
from bus.models.base import COMMANDS, Reply
from bus.models.views import WindowData, WindowView
from config.schema import DeviceConfig, HallConfig, Node
from firmware_bridge import registry
from firmware_bridge.bridge.endpoint import Endpoint, Overlay, ReplyCallback, Timing
from firmware_bridge.bridge.logic import QueueCommand
from firmware_bridge.bridge.worker import Handoff
from firmware_bridge.interfaces import Device

log = logging.getLogger("firmware_bridge.bridge")

Builder = Callable[[str, str, dict[str, Any]], Device]
"""``registry.build``; tests pass one that builds a driver on an emulated backend."""

ENDPOINT_KINDS: Mapping[str, str] = {
    "printer": "firmware_bridge.bridge.printer:PrinterEndpoint",
    "keypad": "firmware_bridge.bridge.inputs:InputEndpoint",
    "evaluator_keypad": "firmware_bridge.bridge.inputs:InputEndpoint",
    "scanner": "firmware_bridge.bridge.inputs:InputEndpoint",
    "led": "firmware_bridge.bridge.display:DisplayEndpoint",
    "fingerprint": "firmware_bridge.bridge.display:FingerprintEndpoint",
}
"""Device kind → endpoint; kinds not here (camera, LCD ``display``) belong to other nodes.
Imported when used, so a display node never loads the printer stack."""


def bridge_devices(node: Node) -> list[DeviceConfig]:
    """The devices of ``node`` that the bridge owns."""
    return [d for d in node.devices if d.kind in ENDPOINT_KINDS]


class NodeBridge:
    def __init__(
        self,
        hall: HallConfig,
        node: Node,
        bus: Bus,
        handoff: Handoff,
        *,
        preview_dir: Path | None = None,
        timing: Timing | None = None,
        build: Builder = registry.build,
        overlay: Overlay | None = None,
    ) -> None:
        """Build (not open) every device; a config error raises here, before anything runs.

        ``preview_dir``: where simulated printers write their PNGs (``<dir>/<node>/``);
        None keeps the device's own ``preview_dir`` option. ``overlay``: what the window's
        LED boards show over the view, shared with the window's other nodes in this process.
        """
        self.hall_id = hall.hall_id
        self.node_id = node.id
        self.window = node.window
        self.bus = bus
        self.handoff = handoff
        self.timing = timing or Timing()
        self.overlay = overlay or Overlay()
        self._view: WindowData | None = None
        self.endpoints: dict[str, Endpoint] = {}
        for config in node.devices:
            if config.kind not in ENDPOINT_KINDS:
                log.info("%s/%s: kind %s is not a bridge device; skipped",
                         node.id, config.name, config.kind)
                continue
            options = dict(config.options)
            if config.kind == "printer" and config.port == "sim" and preview_dir is not None:
                options["preview_dir"] = str(preview_dir / node.id)
            device = build(config.kind, config.port, options)
            self.endpoints[config.name] = _endpoint_class(config.kind)(self, config, device)

    @property
    def view(self) -> WindowData | None:
        return self._view

    # Lifecycle (loop) -------------------------------------------------------------------

    def start(self) -> None:
        """Subscribe and start the device threads; the bus is started by the caller."""
        self.bus.on_connection(self._connection)
        if self.window is not None:
            self.bus.subscribe(topics.window_state(self.hall_id, self.window), self._on_view)
        for endpoint in self.endpoints.values():
            endpoint.start()

    def stop(self) -> None:
        for endpoint in self.endpoints.values():
            try:
                endpoint.stop()
            except Exception:  # each device's shutdown in its own try (STYLE 7)
                log.exception("%s: stop failed", endpoint.label)

    def healthy(self) -> bool:
        """Every device thread is alive (the watchdog is fed only then)."""
        return all(e.worker.alive() for e in self.endpoints.values())

    def _connection(self, connected: bool) -> None:
        if connected:
            # Anything published while the broker was away is lost: say it again.
            for endpoint in self.endpoints.values():
                endpoint.publish_state()

    def _on_view(self, message: Incoming) -> None:
        if not message.payload:
            self._view = None
        else:
            try:
                self._view = WindowView.model_validate_json(message.payload).data
            except ValidationError as exc:
                log.warning("%s: ignored an invalid window view on %s: %s",
                            self.node_id, message.topic, exc.errors()[0].get("msg", exc))
                return
        for endpoint in self.endpoints.values():
            endpoint.on_view(self._view)

    # Commands ---------------------------------------------------------------------------

    def send(self, command: QueueCommand, label: str, on_reply: ReplyCallback | None) -> None:
        if not self.bus.is_connected():
            # Not queued for later: a 叫号 pressed during an outage must not call a ticket
            # minutes afterwards, when the staff member has given up on it.
            log.warning("%s: 未连接消息总线，未发送 / broker not connected, %s not sent",
                        label, command.verb)
            if on_reply is not None:
                on_reply(None)
            return
        model = COMMANDS[("queue", command.verb)]
        payload = model.model_validate(
            {"id": f"{self.node_id}-{uuid.uuid4().hex[:16]}", **command.fields}
        )
        future = self.bus.request(
            topics.command(self.hall_id, self.bus.node, "queue", command.verb), payload,
            self.timing.command_timeout_s,
        )
        future.add_done_callback(
            lambda f: self.handoff(lambda: self._replied(f.exception() or f.result(), command,
                                                         label, on_reply))
        )

    def _replied(
        self, outcome: Any, command: QueueCommand, label: str, on_reply: ReplyCallback | None
    ) -> None:
        reply: Reply | None = None
        if isinstance(outcome, RequestTimeout):
            log.warning("%s: 控制器无应答 / no reply to %s: %s", label, command.verb, outcome)
        elif isinstance(outcome, BaseException):
            log.warning("%s: %s failed: %s", label, command.verb, outcome)
        else:
            try:
                reply = Reply.model_validate_json(outcome.payload)
            except ValidationError as exc:
                log.warning("%s: unreadable reply to %s: %s", label, command.verb, exc)
        if reply is not None and reply.ok:
            log.info("%s: %s ok %s", label, command.verb, reply.result or "")
        elif reply is not None and reply.error is not None:
            log.info("%s: %s refused: %s", label, command.verb, reply.error.message)
        if on_reply is not None:
            on_reply(reply)


def _endpoint_class(kind: str) -> type[Endpoint]:
    import importlib

    module, name = ENDPOINT_KINDS[kind].split(":")
    cls: type[Endpoint] = getattr(importlib.import_module(module), name)
    return cls
