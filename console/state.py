"""The console's live cache of the hall: the retained views, node and device states, events.

A view-model without a web framework: it subscribes through a ``Bus``, keeps the latest typed
views, and numbers every change with a monotonically increasing sequence. Each change names
the *parts* of the hall it touched (``queue``, ``window:W03``, ``nodes`` …); a bounded ring
of recent changes lets an SSE client that resumes with ``Last-Event-ID`` get exactly the
parts it missed, or a full refresh when it fell off the ring (or the id is from an earlier
run of the console: every run has its own epoch in the id).

Handlers run on the console's asyncio loop (``asyncio_deliver``) or inline in unit tests;
``wait`` wakes SSE streams on whatever loop they run on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bus import topics
from bus.core import Bus, Incoming
from bus.models.devices import CLOCK_DEVICE, DeviceState, DeviceStatus
from bus.models.events import parse_event
from bus.models.notices import Notice
from bus.models.replies import TodayResult
from bus.models.state import NodeStatus, TimeBeacon
from bus.models.views import (
    CatalogData,
    CatalogView,
    QueueData,
    QueueView,
    WindowData,
    WindowView,
)
from config.schema import HallConfig, Node
from console.commands import CommandSender, fresh_id
from console.today import Today, Tracked

log = logging.getLogger(__name__)

RING_SIZE = 512
"""Changes kept for resuming SSE clients; one further behind gets a full refresh."""
SEEN_EVENTS = 1000
"""Event sequences remembered so that a duplicate after a reconnect counts once."""

M = TypeVar("M", bound=BaseModel)

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True, slots=True)
class Change:
    """One numbered change: its sequence and the parts of the hall it touched."""

    seq: int
    parts: frozenset[str]


class HallState:
    """The latest state of one hall as the console shows it, numbered for SSE."""

    def __init__(
        self, bus: Bus, hall: HallConfig, *, clock: Clock | None = None, ring: int = RING_SIZE
    ) -> None:
        self.bus = bus
        self.hall = hall
        self._wall = clock or (lambda: dt.datetime.now(dt.UTC))
        self._offset = dt.timedelta(0)
        self.epoch = secrets.token_hex(4)
        """Names this run: an event id of an earlier run always means a full refresh."""
        self.seq = 0
        self._ring: deque[Change] = deque(maxlen=ring)
        self._waiters: list[asyncio.Future[None]] = []
        self.connected = False
        self.closed = False
        """Set by ``close``: the console stops, every SSE stream ends."""
        self.catalog: CatalogData | None = None
        self.queue: QueueData | None = None
        self.windows: dict[str, WindowData] = {}
        self.nodes: dict[str, NodeStatus] = {}
        self.devices: dict[tuple[str, str], DeviceStatus] = {}
        self.notices: dict[str, Notice] = {}
        self.ended_notices: dict[str, Notice] = {}
        """Notices whose retained topic was emptied (ended, revoked) since the console started."""
        self.hall_day: dt.date | None = None
        """The hall's day by the controller's beacon (a drill's ``--clock-start`` day)."""
        self.day_tickets = Today(hall)
        """The hall day's tickets: loaded from the controller (``queue/today``), kept by events."""
        self._seen: deque[int] = deque(maxlen=SEEN_EVENTS)
        self._sender: CommandSender | None = None
        self._loading: asyncio.Task[bool] | None = None
        self._load_again = False

    # Start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Subscribe to everything the pages show; retained state arrives by itself."""
        h = self.hall.hall_id
        self.bus.on_connection(self._on_connection)
        self.bus.subscribe(topics.time_beacon(h), self._on_time)
        self.bus.subscribe(topics.catalog_state(h), self._on_catalog)
        self.bus.subscribe(topics.queue_state(h), self._on_queue)
        self.bus.subscribe(topics.all_window_states(h), self._on_window)
        self.bus.subscribe(topics.all_notices(h), self._on_notice)
        self.bus.subscribe(topics.all_events(h), self._on_event)
        for node in self._status_names():
            self.bus.subscribe(topics.node_status(h, node), self._on_node)
        for node_id, device in self._device_names():
            self.bus.subscribe(topics.device(h, node_id, device, "state"), self._on_device)
        self.connected = self.bus.is_connected()

    def _status_names(self) -> list[str]:
        names = ["controller"]
        for node in self.hall.nodes:
            if node.id not in names:
                names.append(node.id)
            if node.devices:
                names.append(topics.bridge_status_id(node.id))
        return names

    def _device_names(self) -> list[tuple[str, str]]:
        return [(n.id, d) for n in self.hall.nodes for d in device_names(n)]

    # Numbering ---------------------------------------------------------------------------

    @property
    def event_id(self) -> str:
        """The SSE id of the latest change: ``<epoch>-<seq>``."""
        return f"{self.epoch}-{self.seq}"

    def touch(self, *parts: str) -> None:
        """Record one change of ``parts`` and wake every waiting stream."""
        self.seq += 1
        self._ring.append(Change(self.seq, frozenset(parts)))
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            fut.get_loop().call_soon_threadsafe(_settle, fut)

    def changes_since(self, event_id: str | None) -> frozenset[str] | None:
        """The parts changed after ``event_id``; None means "send everything" (no id, an id
        of an earlier run, or one older than the ring)."""
        if not event_id:
            return None
        epoch, _, raw = event_id.rpartition("-")
        if epoch != self.epoch or not raw.isdigit():
            return None
        seen = int(raw)
        if seen > self.seq:
            return None
        if seen == self.seq:
            return frozenset()
        if not self._ring or self._ring[0].seq > seen + 1:
            return None  # fell off the ring
        parts: set[str] = set()
        for change in self._ring:
            if change.seq > seen:
                parts |= change.parts
        return frozenset(parts)

    def close(self) -> None:
        """The console is stopping: wake every stream so that it ends by itself (an open SSE
        response would otherwise hold the server's shutdown until its timeout)."""
        self.closed = True
        self.touch("closing")

    async def wait(self, after: int, timeout: float) -> bool:
        """Wait until the sequence passes ``after``; False after ``timeout`` seconds."""
        if self.seq > after:
            return True
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            return False
        finally:
            if fut in self._waiters:
                self._waiters.remove(fut)
        return True

    # Time --------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        """Hall time: the wall clock corrected by the controller's beacon (demos run it away)."""
        return (self._wall() + self._offset).astimezone(self.hall.tz)

    # Handlers ----------------------------------------------------------------------------

    def _on_connection(self, connected: bool) -> None:
        self.connected = connected
        self.touch("conn")
        if connected:
            self.load_today()  # events may have been missed while away

    def _on_time(self, message: Incoming) -> None:
        beacon = _parse(TimeBeacon, message)
        if beacon is not None:
            self._offset = beacon.now - self._wall()
            self.hall_day = beacon.hall_day

    def _on_catalog(self, message: Incoming) -> None:
        view = _parse(CatalogView, message)
        if view is not None:
            self.catalog = view.data
            self.touch("catalog")

    def _on_queue(self, message: Incoming) -> None:
        view = _parse(QueueView, message)
        if view is None:
            return
        self.queue = view.data
        self._new_day(view.data.day)
        self.touch("queue")

    def _on_window(self, message: Incoming) -> None:
        view = _parse(WindowView, message)
        if view is not None:
            self.windows[view.data.window] = view.data
            self.touch(f"window:{view.data.window}", "windows")

    def _on_notice(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        if parsed is None:
            return
        if not message.payload:
            gone = self.notices.pop(parsed["notice_id"], None)
            if gone is not None:
                self.ended_notices[gone.notice_id] = gone
        else:
            notice = _parse(Notice, message)
            if notice is None:
                return
            self.notices[parsed["notice_id"]] = notice
            self.ended_notices.pop(notice.notice_id, None)
        self.touch("notices")

    def _on_node(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        status = _parse(NodeStatus, message)
        if parsed is not None and status is not None:
            node = parsed["node"]
            was_online = self.controller_online
            self.nodes[node] = status
            self.touch("nodes", "conn" if node == "controller" else "nodes")
            if node == "controller" and self.controller_online and not was_online:
                self.load_today()

    def _on_device(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        status = _parse(DeviceStatus, message)
        if parsed is not None and status is not None:
            self.devices[(parsed["node"], parsed["device"])] = status
            self.touch("nodes")

    def _new_day(self, day: dt.date) -> None:
        if self.day_tickets.new_day(day):
            self.touch("tickets", "counters", *self._window_parts())
            self.load_today()

    def _on_event(self, message: Incoming) -> None:
        try:
            event = parse_event(message.payload)
        except (ValidationError, ValueError) as exc:
            log.warning("ignored unreadable message on %s: %s", message.topic, exc)
            return
        if event.seq in self._seen:
            return  # a duplicate after a reconnect counts once
        self._seen.append(event.seq)
        parts = self.day_tickets.apply(event)
        if parts:
            self.touch("counters", *parts)

    def _window_parts(self) -> list[str]:
        return [f"window:{w.id}" for w in self.hall.windows]

    # The day's tickets -------------------------------------------------------------------

    def attach(self, sender: CommandSender) -> None:
        """Send ``queue/today`` through ``sender`` whenever the day's tickets must be loaded:
        on connecting, when the controller comes (back) online, on a new hall day."""
        self._sender = sender

    def load_today(self) -> None:
        """Load the day's tickets, once at a time (a second call while one is on its way
        loads again after it: the first answer may predate what prompted the second)."""
        if self._sender is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # handlers called inline (unit tests): ``await fetch_today()`` there
        if self._loading is not None and not self._loading.done():
            self._load_again = True
            return
        self._loading = loop.create_task(self.fetch_today())

    async def fetch_today(self) -> bool:
        """One ``queue/today`` round trip; True when the day's tickets were loaded."""
        sender = self._sender
        if sender is None:
            return False
        loaded = False
        while True:
            self._load_again = False
            self.day_tickets.loading()
            answer = await sender.send(
                "queue", "today", fresh_id("today"), {}, acting_user=None
            )
            if answer.ok:
                try:
                    self.day_tickets.load(TodayResult.model_validate(answer.result))
                    loaded = True
                except ValidationError as exc:
                    log.warning("ignored an unreadable queue/today answer: %s", exc)
                    self.day_tickets.load_failed()
            else:
                log.info("the day's tickets not loaded (%s): kept from the events", answer.code)
                self.day_tickets.load_failed()
            self.touch("tickets", "counters", *self._window_parts())
            if not self._load_again:
                return loaded

    # Derived -----------------------------------------------------------------------------

    def today(self) -> dt.date:
        """The hall's day: the beacon's, else the date of the hall's time."""
        return self.hall_day or self.now().date()

    @property
    def controller_online(self) -> bool:
        """The controller's retained status says online (its last will says offline)."""
        status = self.nodes.get("controller")
        return status is not None and status.state == "online"

    @property
    def lost(self) -> bool:
        """The console cannot reach the broker, or the controller is gone."""
        return not self.connected or not self.controller_online

    def waiting(self, categories: Iterable[str]) -> list[Tracked]:
        """Tickets waiting in these categories, priority first, then oldest first."""
        return self.day_tickets.waiting(frozenset(categories))

    def skipped(self, categories: Iterable[str]) -> list[Tracked]:
        """Today's skipped tickets of these categories (to reactivate)."""
        return self.day_tickets.skipped(frozenset(categories))

    def longest_wait(self, category: str) -> dt.timedelta | None:
        """How long the oldest waiting ticket of ``category`` has waited."""
        times = [t.issued_at for t in self.waiting([category]) if t.issued_at is not None]
        return self.now() - min(times) if times else None

    def device_faults(self) -> list[tuple[str, str, DeviceStatus]]:
        """Devices whose retained state is a fault (paper out, offline, …)."""
        out = []
        for (node, device), status in sorted(self.devices.items()):
            try:
                fault = DeviceState(status.state).is_fault
            except ValueError:
                fault = True
            if fault:
                out.append((node, device, status))
        return out


def _settle(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


def _parse(model: type[M], message: Incoming) -> M | None:
    if not message.payload:
        return None
    try:
        return model.model_validate_json(message.payload)
    except ValidationError as exc:
        log.warning("ignored unreadable message on %s: %s", message.topic, exc)
        return None


def device_names(node: Node) -> list[str]:
    """The devices whose state a node publishes: its configured ones, and a terminal's clock."""
    names = [d.name for d in node.devices]
    if node.role == "terminal":
        names.append(CLOCK_DEVICE)
    return names
