"""Running the console: one asyncio loop for uvicorn and the console's PahoBus.

The bus hands every message to uvicorn's loop (``asyncio_deliver``), so the live cache, the
SSE streams and the command replies all run on one loop and nothing needs a lock.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import sdnotify
import uvicorn

from bus.client import PahoBus, asyncio_deliver
from config.schema import HallConfig
from console.app import create_app
from console.commands import BusCommandSender, ControllerAuthenticator
from console.state import HallState

log = logging.getLogger(__name__)

NODE_ID = "console"
SHUTDOWN_SECONDS = 2
"""Open SSE streams never end by themselves: uvicorn cancels them this long after a stop."""
WATCHDOG_SECONDS = 10.0
"""How often the console tells systemd it is alive (its unit's WatchdogSec is 30)."""


class ConsoleServer(uvicorn.Server):
    """uvicorn's server that ends the console's SSE streams as soon as it is told to stop."""

    def __init__(self, config: uvicorn.Config, state: HallState) -> None:
        super().__init__(config)
        self.hall_state = state

    def handle_exit(self, sig: int, frame: Any) -> None:
        """SIGTERM or Ctrl-C: close the streams, then uvicorn's own shutdown."""
        self.hall_state.close()
        super().handle_exit(sig, frame)


def parse_listen(listen: str) -> tuple[str, int]:
    """``host:port`` (``127.0.0.1:8080``) as a pair."""
    host, _, port = listen.rpartition(":")
    return host or "127.0.0.1", int(port)


async def serve(
    hall: HallConfig,
    broker_url: str,
    listen: str,
    *,
    node: str = NODE_ID,
) -> None:
    """The console until it is stopped (Ctrl-C or SIGTERM)."""
    loop = asyncio.get_running_loop()
    bus = PahoBus(hall.hall_id, node, broker_url, role="console", deliver=asyncio_deliver(loop))
    state = HallState(bus, hall)
    sender = BusCommandSender(bus)
    authenticator = ControllerAuthenticator(sender, lambda: f"console-auth-{uuid.uuid4().hex}")
    app = create_app(state, sender, authenticator)
    host, port = parse_listen(listen)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", timeout_graceful_shutdown=SHUTDOWN_SECONDS
    )
    server = ConsoleServer(config, state)
    state.start()
    bus.start()
    log.info("console on http://%s:%s/ for hall %s", host, port, hall.hall_id)
    notifier = asyncio.create_task(_notify_systemd(server))
    try:
        await server.serve()
    finally:
        notifier.cancel()
        bus.stop()


async def _notify_systemd(server: uvicorn.Server) -> None:
    """``READY=1`` once uvicorn listens, then a watchdog ping while the loop runs (a loop
    that hangs stops the pings, and systemd restarts the console)."""
    notify = sdnotify.SystemdNotifier().notify
    while not server.started:
        await asyncio.sleep(0.1)
    notify("READY=1")
    while not server.should_exit:
        notify("WATCHDOG=1")
        await asyncio.sleep(WATCHDOG_SECONDS)
