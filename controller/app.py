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
from bus.models.base import Command, CommandError, RefusalDetails, Reply, parse_command
from bus.models.state import TimeBeacon
from config.schema import HallConfig
from controller.authority import Authority, Refusal
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
        self.authority = Authority(hall)
        """What each sender may act for (``controller/authority.py``)."""
        self.invalid_messages = 0
        """Messages refused at the edge (counted, logged, answered, and changing nothing)."""
        self.forbidden_commands = 0
        """Commands refused because their sender may not send them, or not for what they name."""

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
        """Handle one ``cmd/<sender>/<area>/<verb>`` message; never raises (a bad message is
        answered, on the sender's own ``reply/<sender>/…`` only).

        The sender is the node id in the topic, which the broker lets only that node's user
        write; the payload's word about who sent it is never taken.
        """
        topic = topics.parse(message.topic)
        if topic is None or topic.kind != "command" or topic.hall != self.hall.hall_id:
            return
        sender = topic["node"]
        try:
            cmd: Command | None = parse_command(topic["area"], topic["verb"], message.payload)
            refused: CommandError | None = None
        except CommandError as err:
            cmd, refused = None, err
        reply_to = self._reply_topic(message, sender)
        if reply_to is None:
            # A response topic outside the sender's own inbox: steering the controller's
            # publish elsewhere (state/…, another node's inbox). Not applied, not published
            # there; answered on the sender's default inbox.
            self.invalid_messages += 1
            log.warning(
                "refused message on %s: response topic %r is not under %s",
                message.topic,
                message.response_topic,
                topics.reply_prefix(self.hall.hall_id, sender),
            )
            command_id = cmd.id if cmd is not None else (refused.command_id if refused else "")
            self._answer(
                topics.default_inbox(self.hall.hall_id, sender),
                message,
                Reply.failure(
                    command_id,
                    "bad_response_topic",
                    f"回复主题必须在 reply/{sender}/ 之下，命令未执行 / the response topic must "
                    f"be under reply/{sender}/: command not applied",
                ),
            )
            return
        if cmd is None:
            assert refused is not None
            self.invalid_messages += 1
            log.warning("refused message on %s: %s", message.topic, refused.message)
            self._answer(
                reply_to, message, Reply.failure(refused.command_id, refused.code, refused.message)
            )
            return
        self._answer(reply_to, message, self.execute(cmd, sender))

    def _reply_topic(self, message: Incoming, sender: str) -> str | None:
        """The sender's own inbox the request named, its default inbox if it named none, or
        None for a response topic anywhere else (refused)."""
        hall_id = self.hall.hall_id
        if not message.response_topic:
            return topics.default_inbox(hall_id, sender)
        if topics.is_reply_of(hall_id, sender, message.response_topic):
            return message.response_topic
        return None

    def _answer(self, reply_to: str, message: Incoming, reply: Reply) -> None:
        self.bus.publish(reply_to, reply, qos=1, correlation_data=message.correlation_data)

    def execute(self, cmd: Command, sender: str | None = None) -> Reply:
        """Apply one command in one transaction and publish what it produced after commit.

        ``sender`` is the node whose topic carried the command: it is checked against what
        that node may act for, and kept in the audit log. None is the controller's own process
        (a test, the bench), which may do anything.
        """
        service = self.services.get(cmd.area)
        if service is None:
            return Reply.failure(cmd.id, "unknown_command", f"未知命令 / no service for {cmd.area}")
        now = self.clock()
        refusal = self.authority.check(sender, cmd) if sender is not None else None
        if refusal is not None:
            return self._forbidden(cmd, sender or "", now, refusal)
        try:
            with self.engine.begin() as conn:
                if not cmd.readonly:
                    c = tables.commands.c
                    stored = conn.execute(
                        sa.select(c.reply, c.area, c.verb, c.sender).where(c.command_id == cmd.id)
                    ).first()
                    if stored is not None and (
                        (stored.area, stored.verb) != (cmd.area, cmd.verb)
                        or stored.sender != sender
                    ):
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
                    self._record(conn, cmd, now, outcome, reply, sender)
        except Exception:
            log.exception(
                "command %s/%s (%s) failed; nothing was changed", cmd.area, cmd.verb, cmd.id
            )
            return Reply.failure(
                cmd.id, "internal", "内部错误，未做任何更改 / internal error, nothing changed"
            )
        self._committed(outcome)
        return reply

    def _forbidden(self, cmd: Command, sender: str, now: dt.datetime, refusal: Refusal) -> Reply:
        """A command its sender may not send: one warning line, an audit row, nothing else."""
        self.forbidden_commands += 1
        log.warning(
            "refused %s/%s (%s) from %s: %s", cmd.area, cmd.verb, cmd.id, sender, refusal.message
        )
        reply = Reply.failure(
            cmd.id, refusal.code, refusal.message, RefusalDetails(message_en=refusal.message_en)
        )
        try:
            with self.engine.begin() as conn:
                payload = cmd.model_dump(mode="json")
                self._audit(
                    conn, now, cmd.area, cmd.verb, cmd.id, False, payload, Outcome(), sender
                )
        except Exception:
            log.exception(
                "audit row of the refused %s/%s (%s) not written", cmd.area, cmd.verb, cmd.id
            )
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
        self,
        conn: sa.Connection,
        cmd: Command,
        now: dt.datetime,
        outcome: Outcome,
        reply: Reply,
        sender: str | None,
    ) -> None:
        conn.execute(
            tables.commands.insert().values(
                command_id=cmd.id,
                area=cmd.area,
                verb=cmd.verb,
                received_at=now,
                reply=reply.model_dump(mode="json"),
                sender=sender,
            )
        )
        payload = cmd.model_dump(mode="json")
        self._audit(conn, now, cmd.area, cmd.verb, cmd.id, reply.ok, payload, outcome, sender)

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
        sender: str | None = None,
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
                sender=sender,
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
