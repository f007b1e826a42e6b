"""Running the console: one asyncio loop for uvicorn and the console's PahoBus.

The bus hands every message to uvicorn's loop (``asyncio_deliver``), so the live cache, the
SSE streams and the command replies all run on one loop and nothing needs a lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import sdnotify
import uvicorn

from bus.client import PahoBus, asyncio_deliver
from config.schema import HallConfig
from console.app import create_app
from console.commands import BusCommandSender, ControllerAuthenticator
from console.public import create_public_app
from console.state import HallState

log = logging.getLogger(__name__)

NODE_ID = "console"
SHUTDOWN_SECONDS = 2
"""Open SSE streams never end by themselves: uvicorn cancels them this long after a stop."""
WATCHDOG_SECONDS = 10.0
"""How often the console tells systemd it is alive (its unit's WatchdogSec is 30)."""


class ConsoleServer(uvicorn.Server):
    """uvicorn's server that ends the console's SSE streams as soon as it is told to stop,
    and stops its companions (the citizens' listener) with it."""

    def __init__(self, config: uvicorn.Config, state: HallState) -> None:
        super().__init__(config)
        self.hall_state = state
        self.companions: list[uvicorn.Server] = []

    def handle_exit(self, sig: int, frame: Any) -> None:
        """SIGTERM or Ctrl-C: close the streams, then uvicorn's own shutdown."""
        self.hall_state.close()
        for companion in self.companions:
            companion.should_exit = True
        super().handle_exit(sig, frame)


class CompanionServer(uvicorn.Server):
    """A second listener on the same loop (the citizens' pages): the console's server takes
    the signals and stops it, so this one leaves the signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """No handlers of its own (a second ``signal.signal`` would replace the first's)."""
        yield


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
    public_listen: str | None = None,
) -> None:
    """The console until it is stopped (Ctrl-C or SIGTERM); with ``public_listen`` also the
    citizens' pages on that address (one process, one live cache, one loop)."""
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
    servers: list[uvicorn.Server] = [server]
    if public_listen:
        public_host, public_port = parse_listen(public_listen)
        public = CompanionServer(uvicorn.Config(
            create_public_app(state, sender), host=public_host, port=public_port,
            log_level="info", timeout_graceful_shutdown=SHUTDOWN_SECONDS,
            proxy_headers=False,  # the rate limit reads X-Forwarded-For, from trusted proxies
            access_log=False,  # a status page's path is its token: never in a log
        ))
        server.companions.append(public)
        servers.append(public)
        log.info(
            "citizens' pages on http://%s:%s/ (published as %s)",
            public_host, public_port, hall.public_url or "no public_url in the hall config",
        )
    state.start()
    bus.start()
    log.info("console on http://%s:%s/ for hall %s", host, port, hall.hall_id)
    notifier = asyncio.create_task(_notify_systemd(servers))
    try:
        await asyncio.gather(_serve_then_stop(server), *(s.serve() for s in servers[1:]))
    finally:
        notifier.cancel()
        bus.stop()


async def _serve_then_stop(server: ConsoleServer) -> None:
    """The console's server; when it ends, however it was stopped, its companions end too."""
    try:
        await server.serve()
    finally:
        for companion in server.companions:
            companion.should_exit = True


async def _notify_systemd(servers: list[uvicorn.Server]) -> None:
    """``READY=1`` once every listener listens, then a watchdog ping while the loop runs (a
    loop that hangs stops the pings, and systemd restarts the console)."""
    notify = sdnotify.SystemdNotifier().notify
    server = servers[0]
    while not all(s.started for s in servers):
        if server.should_exit:
            return
        await asyncio.sleep(0.1)
    notify("READY=1")
    while not server.should_exit:
        notify("WATCHDOG=1")
        await asyncio.sleep(WATCHDOG_SECONDS)
