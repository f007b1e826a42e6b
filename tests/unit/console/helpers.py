"""A console on a FakeBroker: the live cache, a recording command sender, the app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from bus import topics
from bus.models.events import make_event
from bus.models.state import NodeStatus
from bus.models.views import WindowView
from bus.testing import FakeBroker, FakeBus
from config.schema import HallConfig
from console.app import create_app
from console.auth import Sessions, SignedIn, StaticAuthenticator, Throttle
from console.commands import Answer
from console.state import HallState
from tests.viewdata import AT, window

STAFF_W03 = SignedIn("s003", "staff", "王芳", "S003", ("W03", "W04"))
MANAGER = SignedIn("manager", "manager", "大厅管理员")


class RecordingSender:
    """Answers every command ``ok`` (or what ``answers`` says) and records what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, dict[str, Any]]] = []
        self.acting: list[str | None] = []
        """The ``acting_user`` of each command sent, in order."""
        self.answers: dict[str, Answer] = {}

    async def send(
        self,
        area: str,
        verb: str,
        command_id: str,
        fields: dict[str, Any],
        *,
        acting_user: str | None,
    ) -> Answer:
        self.sent.append((area, verb, command_id, fields))
        self.acting.append(acting_user)
        return self.answers.get(verb, Answer(True, result={"ticket": "C001", "window": "W03"}))


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Console:
    """The console app on a FakeBroker, with a controller-side bus to publish state."""

    def __init__(self, hall: HallConfig) -> None:
        self.broker = FakeBroker()
        self.hall = hall
        self.controller: FakeBus = self.broker.client(hall.hall_id, "controller")
        self.controller.start()
        self.bus = self.broker.client(hall.hall_id, "console")
        self.state = HallState(self.bus, hall, clock=lambda: AT)
        self.state.start()
        self.bus.start()
        self.sender = RecordingSender()
        self.clock = Clock()
        self.sessions = Sessions(monotonic=self.clock)
        self.throttle = Throttle(monotonic=self.clock)
        auth = StaticAuthenticator([(STAFF_W03, "pw-staff"), (MANAGER, "pw-manager")])
        self.app = create_app(
            self.state, self.sender, auth, sessions=self.sessions, throttle=self.throttle
        )
        self.client = TestClient(self.app, follow_redirects=False)

    def publish_window(self, **changes: Any) -> None:
        data = window(**changes)
        self.controller.publish(
            topics.window_state(self.hall.hall_id, data.window),
            WindowView(at=AT, data=data),
            retain=True,
        )

    def publish_event(self, kind: str, data: dict[str, Any], seq: int) -> None:
        event = make_event(kind, data, AT, seq)
        self.controller.publish(topics.event(self.hall.hall_id, kind), event)

    def node(self, node: str, state: str) -> None:
        self.controller.publish(
            topics.node_status(self.hall.hall_id, node),
            NodeStatus(state=state),  # type: ignore[arg-type]
            retain=True,
        )

    def sign_in(self, user: str = "s003", password: str = "pw-staff") -> str:
        """Sign in through the login form; returns the session's CSRF token."""
        page = self.client.get("/login")
        token = page.cookies.get("hall_login") or self.client.cookies.get("hall_login")
        response = self.client.post(
            "/login", data={"user": user, "password": password, "csrf": token}
        )
        assert response.status_code == 303, response.text
        session = self.sessions.get(self.client.cookies.get("hall_session"))
        assert session is not None
        return session.csrf


def issued(ticket: str, category: str = "C", minutes_ago: int = 5) -> dict[str, Any]:
    """The data of a ``ticket.issued`` event."""
    return {
        "ticket": ticket, "key": f"2026-11-24/{ticket}", "category": category,
        "service_name": "抵押登记", "department": "budongchan", "department_name": "不动产登记",
        "windows": (3, 4), "priority": False, "service": "C01", "ahead": 0,
        "issued_at": AT - dt.timedelta(minutes=minutes_ago), "estimated_wait_minutes": 5,
        "booking": None,
    }
