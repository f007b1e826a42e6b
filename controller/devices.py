"""The devices' fault history: every state change of a node or device, kept in the store.

The bridges publish each device's state retained on ``dev/<node>/<device>/state`` (a printer's
``paper_out``, a display's ``offline``), the nodes theirs on ``node/<node>/status`` (their last
will says ``offline``). The console shows them live, but a console restart forgot every fault
before it. So the controller listens too and writes each change (``device_changes``): a fault,
or a recovery (a fault ended), with the controller's time; ``device_states`` is what the next
message is compared with, across restarts, and when each was last heard. The messages are
handled on the controller's loop, between commands, each in its own short transaction; they
change nothing a command reads. ``devices/history`` answers from these two tables.

A retained message delivered again on (re)subscribing is no sign of life: it changes
``seen_at`` only if its state is new (the change happened while the controller was away).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from bus import topics
from bus.core import Bus, Incoming
from bus.models.audit import NODE, DeviceHistoryQuery, is_fault
from bus.models.base import Command
from bus.models.devices import DeviceStatus
from bus.models.replies import DeviceChange, DeviceHistoryResult, DeviceNow
from bus.models.state import NodeStatus
from config.schema import HallConfig
from controller.audit import hall_time, read_time
from store import tables
from store.service import Outcome, Publication
from store.upsert import upsert

log = logging.getLogger(__name__)

DETAIL_MAX = 500


@dataclass(frozen=True, slots=True)
class Heard:
    state: str
    detail: str
    since: dt.datetime | None
    seen_at: dt.datetime


class DeviceService:
    """The read-only ``devices/…`` area, and the listener that records the changes."""

    area = "devices"

    def __init__(self, hall: HallConfig) -> None:
        self.hall = hall
        self.states: dict[tuple[str, str], Heard] = {}
        self._engine: Engine | None = None
        self._clock: Callable[[], dt.datetime] | None = None
        self._own = "controller"

    def watch(self, bus: Bus, engine: Engine, clock: Callable[[], dt.datetime]) -> None:
        """Listen to every device's state and every node's status (before the bus starts)."""
        self._engine, self._clock, self._own = engine, clock, bus.node
        h = self.hall.hall_id
        bus.subscribe(topics.all_device_states(h), self._on_device)
        bus.subscribe(topics.all_node_statuses(h), self._on_node)

    # Service -----------------------------------------------------------------------------

    def load(self, conn: Connection, now: dt.datetime) -> None:
        tz = self.hall.tz
        self.states = {
            (r.node, r.device): Heard(
                r.state,
                r.detail,
                read_time(r.since, tz) if r.since else None,
                read_time(r.seen_at, tz),
            )
            for r in conn.execute(sa.select(tables.device_states))
        }

    def startup(self, now: dt.datetime) -> list[Publication]:
        return []

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        return None

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        if isinstance(cmd, DeviceHistoryQuery):
            return Outcome(result=self.history(conn, cmd))
        return Outcome.refused("unknown_command", f"未知命令 / unknown devices/{cmd.verb}")

    # Listening ---------------------------------------------------------------------------

    def _on_device(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        if parsed is None or parsed.kind != "device" or not message.payload:
            return
        try:
            status = DeviceStatus.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("ignored an unreadable device state on %s: %s", message.topic, exc)
            return
        self.heard(
            parsed["node"],
            parsed["device"],
            str(status.state),
            status.detail,
            status.since,
            live=not message.retain,
        )

    def _on_node(self, message: Incoming) -> None:
        parsed = topics.parse(message.topic)
        if parsed is None or parsed.kind != "node_status" or not message.payload:
            return
        node = parsed["node"]
        if node == self._own or not self._in_hall(node):
            return  # its own will (it was not there to see it), or the `hall` tools' own
        try:
            status = NodeStatus.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("ignored an unreadable node status on %s: %s", message.topic, exc)
            return
        self.heard(node, NODE, status.state, "", status.at, live=not message.retain)

    def _in_hall(self, node: str) -> bool:
        """A node of the hall config or its firmware bridge: not the ``hall`` tools' own
        connections (``manager``), which come and go with each command line."""
        if self.hall.node(node) is not None:
            return True
        return any(topics.bridge_status_id(n.id) == node for n in self.hall.nodes if n.devices)

    def heard(
        self,
        node: str,
        device: str,
        state: str,
        detail: str,
        since: dt.datetime | None,
        *,
        live: bool,
    ) -> None:
        """Record what a node or device said; a change of state is a row of its history."""
        if self._engine is None or self._clock is None:
            return
        key, before = (node, device), self.states.get((node, device))
        changed = before is None or before.state != state
        if not changed and not live and before is not None and before.detail == detail:
            return  # the retained message again, on (re)subscribing: nothing new
        now = self._clock()
        detail = detail[:DETAIL_MAX]
        fault = is_fault(device, state)
        was_fault = before is not None and is_fault(device, before.state)
        seen = now if live or changed or before is None else before.seen_at
        # Since when, by the controller's clock once it saw the change (a node's or bridge's
        # clock may be off); what the message says only for a state found on (re)start.
        if not changed and before is not None:
            since = before.since
        elif live or before is not None:
            since = now
        heard = Heard(state, detail, since, seen)
        try:
            with self._engine.begin() as conn:
                upsert(
                    conn,
                    tables.device_states,
                    {"node": node, "device": device},
                    {"state": state, "detail": detail, "since": since, "seen_at": heard.seen_at},
                )
                # First heard healthy is no event; first heard in a fault is one.
                if changed and (before is not None or fault):
                    conn.execute(
                        tables.device_changes.insert().values(
                            at=now,
                            node=node,
                            device=device,
                            state=state,
                            previous=before.state if before is not None else None,
                            detail=detail,
                            fault=fault,
                            recovered=was_fault and not fault,
                        )
                    )
        except Exception:
            log.exception("state %s of %s/%s not recorded", state, node, device or "(node)")
            return
        self.states[key] = heard
        if changed and (fault or was_fault):
            # INFO, not WARNING: the fault is kept and shown (the live hall's alarms, the
            # devices page); a node closing while the controller runs is no controller problem.
            log.info(
                "%s/%s: %s -> %s %s",
                node, device or "(node)", before.state if before else "-", state, detail,
            )  # fmt: skip

    # The query ---------------------------------------------------------------------------

    def history(self, conn: Connection, query: DeviceHistoryQuery) -> DeviceHistoryResult:
        """Every node and device heard (of ``node`` when given), and the changes, newest first
        (``ix_device_changes_node_at`` for a node, ``ix_device_changes_at`` for the hall)."""
        tz = self.hall.tz
        devices = tuple(
            DeviceNow(
                node=n,
                device=d,
                state=h.state,
                detail=h.detail,
                fault=is_fault(d, h.state),
                since=h.since,
                seen_at=h.seen_at,
            )
            for (n, d), h in sorted(self.states.items())
            if query.node in (None, n) and query.device in (None, d)
        )
        c = tables.device_changes.c
        stmt = sa.select(tables.device_changes)
        if query.node is not None:
            stmt = stmt.where(c.node == query.node)
            if query.device is not None:
                stmt = stmt.where(c.device == query.device)
        if query.time_from is not None:
            stmt = stmt.where(c.at >= hall_time(query.time_from, tz))
        if query.time_to is not None:
            stmt = stmt.where(c.at < hall_time(query.time_to, tz))
        stmt = stmt.order_by(c.at.desc(), c.seq.desc()).limit(query.limit)
        changes = tuple(
            DeviceChange(
                seq=r.seq,
                at=read_time(r.at, tz),
                node=r.node,
                device=r.device,
                state=r.state,
                previous=r.previous,
                detail=r.detail,
                fault=r.fault,
                recovered=r.recovered,
            )
            for r in conn.execute(stmt)
        )
        return DeviceHistoryResult(devices=devices, changes=changes)
