"""The console served by uvicorn in a thread, on a real broker, for the browser tests."""

from __future__ import annotations

import asyncio
import threading
import uuid

import uvicorn

from bus.client import PahoBus, asyncio_deliver
from config.schema import HallConfig
from console.app import create_app
from console.auth import Sessions
from console.commands import BusCommandSender, ControllerAuthenticator
from console.public import create_public_app
from console.run import NODE_ID, CompanionServer, ConsoleServer
from console.state import HallState
from tests.waiting import wait_for_port, wait_until

CONSOLE_NODE = NODE_ID
"""The console's MQTT identity: its own node, which sends every command as its signed-in
user (the controller checks that user's role and windows)."""
PASSWORD = "console-pass-1"
"""The password of the browser tests' users (``USERS``), added through the controller."""
USERS: tuple[dict[str, object], ...] = (
    {"user": "manager", "role": "manager", "display_name": "大厅管理员"},
    {"user": "s003", "role": "staff", "staff_id": "S003", "windows": ["W03", "W04"],
     "display_name": "王芳"},
)  # fmt: skip


class ConsoleThread:
    """``hall console`` in a thread: one asyncio loop for uvicorn and the PahoBus."""

    def __init__(
        self,
        hall: HallConfig,
        broker_url: str,
        port: int,
        sessions: Sessions | None = None,
        public_port: int | None = None,
    ) -> None:
        self.hall = hall
        self.broker_url = broker_url
        self.port = port
        self.public_port = public_port
        """Also the citizens' listener (``--public-listen``) on this port, when given."""
        self.sessions = sessions or Sessions()
        """Kept across a restart of the server in a test (a process restart signs out)."""
        self.loop = asyncio.new_event_loop()
        self.state: HallState | None = None
        self.server: ConsoleServer | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def public_url(self) -> str:
        """The citizens' listener (``public_port``)."""
        return f"http://127.0.0.1:{self.public_port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        loop = asyncio.get_running_loop()
        bus = PahoBus(
            self.hall.hall_id, CONSOLE_NODE, self.broker_url, role="console",
            deliver=asyncio_deliver(loop),
        )
        self.state = HallState(bus, self.hall)
        sender = BusCommandSender(bus)
        authenticator = ControllerAuthenticator(sender, lambda: f"auth-{uuid.uuid4().hex}")
        app = create_app(self.state, sender, authenticator, sessions=self.sessions)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning",
            timeout_graceful_shutdown=2,
        )
        self.server = ConsoleServer(config, self.state)
        servers = [self.server.serve()]
        if self.public_port is not None:
            public = CompanionServer(uvicorn.Config(
                create_public_app(self.state, sender), host="127.0.0.1", port=self.public_port,
                log_level="warning", timeout_graceful_shutdown=2, access_log=False,
            ))  # fmt: skip
            self.server.companions.append(public)
            servers.append(public.serve())
        self.state.start()
        bus.start()
        try:
            await asyncio.gather(*servers)
        finally:
            bus.stop()

    def start(self) -> ConsoleThread:
        self._thread.start()
        assert wait_for_port(self.port, timeout=10)
        if self.public_port is not None:
            assert wait_for_port(self.public_port, timeout=10)
        wait_until(lambda: self.state is not None and not self.state.lost)
        return self

    def stop(self) -> None:
        server, state = self.server, self.state
        assert server is not None and state is not None

        def exit_now() -> None:
            state.close()
            server.should_exit = True
            for companion in server.companions:
                companion.should_exit = True

        self.loop.call_soon_threadsafe(exit_now)
        self._thread.join(15)
        assert not self._thread.is_alive(), "the console did not stop"
