"""What every front end's view-model shares: connection state, hall time, notices, language.

View-models are plain Python (no Kivy): they subscribe to the bus, keep what they received,
send commands, and tell the widgets "something changed". The widgets only draw the model.
Nothing here blocks on the network: a request's reply comes back through ``deliver``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bus import topics
from bus.core import Bus, Deliver, Incoming, RequestTimeout, inline_deliver
from bus.models.base import Command, Reply, ResultData, read_result
from bus.models.notices import Notice
from bus.models.state import NodeStatus, TimeBeacon
from bus.models.views import View, ViewData
from config.schema import HallConfig
from kiosk.i18n import Lang, split_message

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 8.0
"""How long a front end waits for the controller before saying it did not answer."""

Listener = Callable[[], None]
M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
D = TypeVar("D", bound=ViewData)


class CommandResult:
    """A controller reply as the UI needs it: ok + result, or a message in both languages."""

    def __init__(
        self,
        ok: bool,
        result: BaseModel | None = None,
        code: str = "",
        zh: str = "",
        en: str = "",
    ) -> None:
        self.ok = ok
        self.result: BaseModel = result if result is not None else ResultData()
        """The reply's result, read with its command's model by ``result_as``."""
        self.code = code
        self.zh = zh
        self.en = en

    @classmethod
    def from_future(cls, fut: Future[Incoming]) -> CommandResult:
        try:
            reply = Reply.model_validate_json(fut.result().payload)
        except RequestTimeout:
            return cls(False, code="no_answer")
        except (ValidationError, ValueError):
            log.warning("unreadable reply from the controller")
            return cls(False, code="no_answer")
        if reply.ok:
            return cls(True, reply.result)
        err = reply.error
        if err is None:
            return cls(False, code="no_answer")
        message_en = err.details.message_en if err.details is not None else None
        zh, en = split_message(err.message, message_en)
        return cls(False, code=err.code, zh=zh, en=en)

    def result_as(self, model: type[R]) -> R:
        """The result read with its command's model; ValidationError if it is not one."""
        return read_result(self.result, model)


class FrontEndModel:
    """Base of the four view-models."""

    role = ""

    def __init__(
        self,
        bus: Bus,
        hall: HallConfig,
        *,
        window: str | None = None,
        deliver: Deliver = inline_deliver,
        wall_clock: Callable[[], dt.datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bus = bus
        self.hall = hall
        self.window = window
        self.deliver = deliver
        self._wall = wall_clock or (lambda: dt.datetime.now(dt.UTC))
        self.monotonic = monotonic
        """For timeouts the UI measures (idle, print answer); injectable so tests need no sleep."""
        self.lang: Lang = hall.language
        self.connected = False
        self.controller_state: str | None = None
        """``online`` / ``offline`` from the controller's retained status; None until heard."""
        self._hall_offset = dt.timedelta(0)
        self.notices: dict[str, Notice] = {}
        self._listeners: list[Listener] = []
        self._ids = itertools.count(1)
        self._id_prefix = f"{bus.node}-{os.getpid()}-{int(self._wall().timestamp())}"

    # Observers ---------------------------------------------------------------------------

    def on_change(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # Start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Subscribe; retained state arrives by itself (now or when the broker is back)."""
        hall_id = self.hall.hall_id
        self.bus.on_connection(self._on_connection)
        self.bus.subscribe(topics.node_status(hall_id, "controller"), self._on_controller)
        self.bus.subscribe(topics.time_beacon(hall_id), self._on_time)
        self.bus.subscribe(topics.all_notices(hall_id), self._on_notice)
        self.subscribe()
        self.connected = self.bus.is_connected()

    def subscribe(self) -> None:
        """The front end's own topics."""

    def _on_connection(self, connected: bool) -> None:
        self.connected = connected
        self.changed()

    def _on_controller(self, message: Incoming) -> None:
        status = self.parse(NodeStatus, message)
        self.controller_state = status.state if status is not None else None
        self.changed()

    def _on_time(self, message: Incoming) -> None:
        beacon = self.parse(TimeBeacon, message)
        if beacon is not None:
            # Demos and drills run the hall clock away from the wall clock: follow the hall.
            self._hall_offset = beacon.now - self._wall()
            self.changed()

    def _on_notice(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        if parsed is None:
            return
        notice_id = parsed["notice_id"]
        if not message.payload:
            self.notices.pop(notice_id, None)  # revoked: gone everywhere at once (Q14)
        else:
            notice = self.parse(Notice, message)
            if notice is None:
                return
            self.notices[notice_id] = notice
        self.changed()

    @staticmethod
    def parse(model: type[M], message: Incoming) -> M | None:
        """A typed message, or None (logged) for one this version cannot read."""
        if not message.payload:
            return None
        try:
            return model.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("ignored unreadable message on %s: %s", message.topic, exc)
            return None

    def parse_view(self, model: type[View[D]], message: Incoming) -> D | None:
        """The data of a retained view, or None (logged) for one this version cannot read."""
        view = self.parse(model, message)
        return view.data if view is not None else None

    # Derived state -----------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether the retained state the screen needs has arrived."""
        return True

    @property
    def lost(self) -> bool:
        """The broker is gone or the controller said (by its last will) that it is gone."""
        return not self.connected or self.controller_state == "offline"

    def now(self) -> dt.datetime:
        """Hall time: the wall clock corrected by the controller's beacon."""
        return (self._wall() + self._hall_offset).astimezone(self.hall.tz)

    def visible_notices(self) -> list[Notice]:
        """Notices for this role/window in force now, most urgent first, then newest."""
        now = self.now()
        rank = {"urgent": 0, "high": 1, "normal": 2}
        shown = [
            n
            for n in self.notices.values()
            if n.applies_to(self.role, self.window) and n.in_force(now)
        ]
        return sorted(shown, key=lambda n: (rank.get(n.priority, 3), -n.created_at.timestamp()))

    def notice_text(self, notice: Notice) -> str:
        return notice.text_en if self.lang == "en" and notice.text_en else notice.text

    def toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.changed()

    # Commands ----------------------------------------------------------------------------

    def command_id(self) -> str:
        """A fresh id for the next command (``<node>-<pid>-<start>-<n>``)."""
        return f"{self._id_prefix}-{next(self._ids)}"

    def send(self, command: Command, done: Callable[[CommandResult], None]) -> None:
        """Send a command; ``done`` runs on the UI loop with the outcome (never blocks).

        Built with a fresh id (``command_id()``), the command goes as it is on the
        ``cmd/<node>/<area>/<verb>`` of its model: a wrong field fails where it is built."""
        topic = topics.command(self.hall.hall_id, self.bus.node, command.area, command.verb)
        fut = self.bus.request(topic, command, REQUEST_TIMEOUT)

        def finished(f: Future[Incoming]) -> None:
            outcome = CommandResult.from_future(f)
            self.deliver(lambda: done(outcome))

        fut.add_done_callback(finished)
