"""The hall controller: the single writer of the hall's state.

Commands are applied one at a time on one asyncio loop; each runs in one database
transaction that also stores the reply (so a retried command id is answered from the
store and applied once) and an audit-log row. Replies and events are published only after
the commit: nothing a node was told can be lost by a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bus import topics
from bus.core import Bus, Incoming
from bus.models.base import Command, CommandError, Reply, parse_command
from bus.models.state import TimeBeacon
from config.schema import HallConfig
from store import tables
from store.service import Outcome, Publication, Service

log = logging.getLogger(__name__)

TICK_SECONDS = 5.0
BEACON_SECONDS = 5.0

Clock = Callable[[], dt.datetime]


def hall_clock(hall: HallConfig, start: dt.datetime | None = None) -> Clock:
    """The hall's clock; with ``start`` it begins there and runs forward (demos and drills)."""
    tz = hall.tz
    if start is None:
        return lambda: dt.datetime.now(tz)
    start = start if start.tzinfo else start.replace(tzinfo=tz)
    offset = start - dt.datetime.now(tz)
    return lambda: dt.datetime.now(tz) + offset


class Controller:
    """Composes the services behind the bus and the store."""

    def __init__(
        self,
        hall: HallConfig,
        engine: Engine,
        bus: Bus,
        services: Iterable[Service],
        clock: Clock | None = None,
    ) -> None:
        self.hall = hall
        self.engine = engine
        self.bus = bus
        self.clock = clock or hall_clock(hall)
        self.services: dict[str, Service] = {s.area: s for s in services}
        self.invalid_messages = 0
        """Messages refused at the edge (counted, logged, answered, and changing nothing)."""

    # Start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Rebuild every service from the store, publish retained state, take commands."""
        now = self.clock()
        with self.engine.begin() as conn:
            for service in self.services.values():
                service.load(conn, now)
        self.bus.subscribe(topics.all_commands(self.hall.hall_id), self.on_command)
        self.bus.on_connection(self._on_connection)
        if self.bus.is_connected():
            self.publish_state()

    def _on_connection(self, connected: bool) -> None:
        # A broker that restarted without persistence has lost the retained state: refill it.
        if connected:
            self.publish_state()

    def publish_state(self) -> None:
        """Every service's retained state and the time beacon; one failing service (a broken
        face store, say) does not keep the others' state off a broker that lost it."""
        now = self.clock()
        for service in self.services.values():
            try:
                publications = service.startup(now)
            except Exception:
                log.exception("retained state of %s not published; the others are", service.area)
                continue
            self._publish(publications)
        self.publish_time(now)

    def publish_time(self, now: dt.datetime | None = None) -> None:
        now = now or self.clock()
        beacon = TimeBeacon(now=now, hall_day=now.date(), timezone=self.hall.timezone)
        self.bus.publish(topics.time_beacon(self.hall.hall_id), beacon, qos=0, retain=True)

    # Commands ----------------------------------------------------------------------------

    def on_command(self, message: Incoming) -> None:
        """Handle one ``cmd/<area>/<verb>`` message; never raises (a bad message is answered)."""
        topic = topics.parse(message.topic)
        if topic is None or topic.kind != "command":
            return
        try:
            cmd = parse_command(topic["area"], topic["verb"], message.payload)
        except CommandError as err:
            self.invalid_messages += 1
            log.warning("refused message on %s: %s", message.topic, err.message)
            self.bus.reply(message, Reply.failure(err.command_id or "", err.code, err.message))
            return
        reply = self.execute(cmd)
        self.bus.reply(message, reply)

    def execute(self, cmd: Command) -> Reply:
        """Apply one command in one transaction and publish what it produced after commit."""
        service = self.services.get(cmd.area)
        if service is None:
            return Reply.failure(cmd.id, "unknown_command", f"未知命令 / no service for {cmd.area}")
        now = self.clock()
        try:
            with self.engine.begin() as conn:
                if not cmd.readonly:
                    c = tables.commands.c
                    stored = conn.execute(
                        sa.select(c.reply, c.area, c.verb).where(c.command_id == cmd.id)
                    ).first()
                    if stored is not None and (stored.area, stored.verb) != (cmd.area, cmd.verb):
                        return Reply.failure(
                            cmd.id,
                            "id_conflict",
                            f"命令编号已用于 {stored.area}/{stored.verb} / command id already used",
                        )
                    if stored is not None:
                        # A resend from an outbox or a retry after a lost reply: applied once.
                        return Reply.model_validate(stored.reply)
                outcome = service.handle(conn, cmd, now)
                reply = self._reply(cmd, outcome)
                if not cmd.readonly:
                    self._record(conn, cmd, now, outcome, reply)
        except Exception:
            log.exception(
                "command %s/%s (%s) failed; nothing was changed", cmd.area, cmd.verb, cmd.id
            )
            return Reply.failure(
                cmd.id, "internal", "内部错误，未做任何更改 / internal error, nothing changed"
            )
        self._committed(outcome)
        return reply

    def tick(self) -> None:
        """Let time pass for every service (rating timeouts, expiry, notice ends)."""
        now = self.clock()
        for service in self.services.values():
            try:
                with self.engine.begin() as conn:
                    outcome = service.tick(conn, now)
                    if outcome is not None and outcome.events:
                        self._audit(conn, now, service.area, "tick", None, True, {}, outcome)
            except Exception:
                log.exception("tick of %s failed; will retry", service.area)
                continue
            if outcome is not None:
                self._committed(outcome)

    def _reply(self, cmd: Command, outcome: Outcome) -> Reply:
        if outcome.error is not None:
            code, message = outcome.error
            return Reply.failure(cmd.id, code, message, outcome.details)
        return Reply.success(cmd.id, outcome.result)

    def _record(
        self, conn: sa.Connection, cmd: Command, now: dt.datetime, outcome: Outcome, reply: Reply
    ) -> None:
        conn.execute(
            tables.commands.insert().values(
                command_id=cmd.id,
                area=cmd.area,
                verb=cmd.verb,
                received_at=now,
                reply=reply.model_dump(mode="json"),
            )
        )
        payload = cmd.model_dump(mode="json")
        self._audit(conn, now, cmd.area, cmd.verb, cmd.id, reply.ok, payload, outcome)

    def _audit(
        self,
        conn: sa.Connection,
        now: dt.datetime,
        area: str,
        verb: str,
        command_id: str | None,
        ok: bool,
        payload: dict[str, Any],
        outcome: Outcome,
    ) -> None:
        conn.execute(
            tables.audit_log.insert().values(
                at=now,
                area=area,
                verb=verb,
                command_id=command_id,
                ok=ok,
                command=payload,
                events=outcome.events,
            )
        )

    def _committed(self, outcome: Outcome) -> None:
        if outcome.on_commit is not None:
            outcome.on_commit()
        self._publish(outcome.publications)

    def _publish(self, publications: Iterable[Publication]) -> None:
        for p in publications:
            self.bus.publish(p.topic, p.payload, qos=p.qos, retain=p.retain)


async def run_forever(
    controller: Controller, stop: asyncio.Event, notify: Callable[[str], None]
) -> None:
    """The controller's loop: beacons, ticks and systemd watchdog pings until ``stop``."""
    notify("READY=1")
    last_beacon = 0.0
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        controller.tick()
        if loop.time() - last_beacon >= BEACON_SECONDS:
            controller.publish_time()
            last_beacon = loop.time()
        notify("WATCHDOG=1")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(TICK_SECONDS, BEACON_SECONDS))
    notify("STOPPING=1")
