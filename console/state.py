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
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bus import topics
from bus.core import Bus, Incoming
from bus.models.devices import DeviceState, DeviceStatus
from bus.models.events import (
    TicketCalled,
    TicketExpired,
    TicketFinished,
    TicketHeld,
    TicketIssued,
    TicketRated,
    TicketReactivated,
    TicketResumed,
    TicketSkipped,
    TicketTransferred,
    parse_event,
)
from bus.models.notices import Notice
from bus.models.state import NodeStatus, TimeBeacon
from bus.models.views import (
    CatalogData,
    CatalogView,
    QueueData,
    QueueView,
    WindowData,
    WindowView,
)
from config.schema import HallConfig

log = logging.getLogger(__name__)

RING_SIZE = 512
"""Changes kept for resuming SSE clients; one further behind gets a full refresh."""
SEEN_EVENTS = 1000
"""Event sequences remembered so that a duplicate after a reconnect counts once."""

M = TypeVar("M", bound=BaseModel)

Clock = Callable[[], dt.datetime]


@dataclass
class Tracked:
    """A ticket as the console followed it through today's events."""

    ticket: str
    category: str
    service: str
    service_name: str
    issued_at: dt.datetime | None
    state: str = "waiting"
    """``waiting``, ``called``, ``held``, ``skipped``, ``done`` or ``expired``."""
    window: str | None = None
    priority: bool = False


@dataclass
class WindowCounts:
    """What one window did today, as heard from the events."""

    served: int = 0
    ratings: list[int] = field(default_factory=list)

    @property
    def mean_rating(self) -> float | None:
        """The mean level of today's ratings, or None before the first."""
        return sum(self.ratings) / len(self.ratings) if self.ratings else None


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
        self.tickets: dict[str, Tracked] = {}
        """Today's tickets by number, as followed through the events since the console started."""
        self.counts: dict[str, WindowCounts] = {}
        self.day_counts: dict[str, int] = {}
        """Today's events by kind (``ticket.issued`` …) heard since the console started."""
        self.day: dt.date | None = None
        self._seen: deque[int] = deque(maxlen=SEEN_EVENTS)

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
        return [(n.id, d.name) for n in self.hall.nodes for d in n.devices]

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
            self.nodes[parsed["node"]] = status
            self.touch("nodes", "conn" if parsed["node"] == "controller" else "nodes")

    def _on_device(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        status = _parse(DeviceStatus, message)
        if parsed is not None and status is not None:
            self.devices[(parsed["node"], parsed["device"])] = status
            self.touch("nodes")

    def _new_day(self, day: dt.date) -> None:
        if self.day is not None and day != self.day:
            self.tickets.clear()
            self.counts.clear()
            self.day_counts.clear()
        self.day = day

    def _on_event(self, message: Incoming) -> None:
        try:
            event = parse_event(message.payload)
        except (ValidationError, ValueError) as exc:
            log.warning("ignored unreadable message on %s: %s", message.topic, exc)
            return
        if event.seq in self._seen:
            return  # a duplicate after a reconnect counts once
        self._seen.append(event.seq)
        self.day_counts[event.event] = self.day_counts.get(event.event, 0) + 1
        parts = {"counters"}
        if isinstance(event, TicketIssued):
            d = event.data
            self.tickets[d.ticket] = Tracked(
                d.ticket, d.category, d.service, d.service_name, d.issued_at, priority=d.priority
            )
            parts.add("tickets")
        elif isinstance(event, TicketCalled | TicketResumed):
            t = self._tracked(event.data.ticket, event.data.category, event.data.service_name)
            t.state, t.window = "called", event.data.window
            parts |= {"tickets", f"window:{t.window}"}
        elif isinstance(event, TicketSkipped | TicketHeld):
            t = self._tracked(event.data.ticket, event.data.category, event.data.service_name)
            t.state = "skipped" if isinstance(event, TicketSkipped) else "held"
            t.window = event.data.window
            parts |= {"tickets", f"window:{t.window}"}
        elif isinstance(event, TicketReactivated):
            t = self._tracked(event.data.ticket, event.data.category, event.data.service_name)
            t.state, t.window = "waiting", None
            parts.add("tickets")
        elif isinstance(event, TicketTransferred):
            moved = event.data
            t = self._tracked(moved.ticket, moved.category, moved.service_name)
            t.state, t.window = "waiting", None
            t.category, t.service = moved.category, moved.service
            parts.add("tickets")
        elif isinstance(event, TicketFinished):
            t = self._tracked(event.data.ticket, event.data.category, event.data.service_name)
            t.state = "done"
            self.counts.setdefault(event.data.window, WindowCounts()).served += 1
            parts |= {"tickets", f"window:{event.data.window}"}
        elif isinstance(event, TicketExpired):
            found = self.tickets.get(event.data.ticket)
            if found is not None:
                found.state = "expired"
            parts.add("tickets")
        elif isinstance(event, TicketRated):
            window = event.data.window_number
            wid = next((w.id for w in self.hall.windows if w.number == window), None)
            if wid is not None:
                self.counts.setdefault(wid, WindowCounts()).ratings.append(event.data.level)
                parts.add(f"window:{wid}")
        self.touch(*parts)

    def _tracked(self, ticket: str, category: str, service_name: str) -> Tracked:
        found = self.tickets.get(ticket)
        if found is None:
            found = Tracked(ticket, category, "", service_name, None)
            self.tickets[ticket] = found
        return found

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
        """Tickets known to wait in these categories, priority first, then oldest first."""
        cats = set(categories)
        rows = [t for t in self.tickets.values() if t.state == "waiting" and t.category in cats]
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return sorted(rows, key=lambda t: (not t.priority, t.issued_at or far, t.ticket))

    def skipped(self, categories: Iterable[str]) -> list[Tracked]:
        """Today's skipped tickets of these categories (to reactivate)."""
        cats = set(categories)
        return [t for t in self.tickets.values() if t.state == "skipped" and t.category in cats]

    def longest_wait(self, category: str) -> dt.timedelta | None:
        """How long the oldest waiting ticket of ``category`` has waited (tickets seen)."""
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
