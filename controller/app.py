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
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bus import topics
from bus.core import Bus, Incoming
from bus.intake import OVERFLOW, FairIntake
from bus.models import limits
from bus.models.base import Command, CommandError, RefusalDetails, Reply, parse_command
from bus.models.state import TimeBeacon
from config.schema import HallConfig
from controller.acting import ActingUsers
from controller.authority import Authority, Refusal
from controller.edge import Refusals
from controller.window_login import WindowLogins
from store import tables
from store.service import Outcome, Publication, Service

log = logging.getLogger(__name__)

TICK_SECONDS = 5.0
BEACON_SECONDS = 5.0
IDEMPOTENCY_DAYS = 7
"""How long a command's stored reply answers a resend of its id; older rows are pruned. Punches
stay idempotent beyond it by their punch id, ratings by the ticket they rate."""
PRUNE_SECONDS = 3600.0
"""How often the stored replies older than ``IDEMPOTENCY_DAYS`` are pruned (and at start)."""

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
        self.acting = ActingUsers(hall, engine, self.services)
        """What the console's signed-in user may do (``controller/acting.py``)."""
        self.logins = WindowLogins(self.services)
        """The PIN check of a keypad's ``queue/login`` (``controller/window_login.py``)."""
        self.invalid_messages = 0
        """Messages refused at the edge (counted, logged, answered, and changing nothing)."""
        self.forbidden_commands = 0
        """Commands refused because their sender may not send them, or not for what they name."""
        self.refusals = Refusals(self.clock)
        """Every message refused at the edge, by kind, and the senders being rate-limited:
        published retained on ``node/controller/diagnostics`` (``controller/edge.py``)."""
        self.intake = FairIntake(self._refused_at_intake, self._sender_of)
        """Per-sender rate limits and round-robin between paho's thread and the loop."""
        self._pruned_at: dt.datetime | None = None
        self._intake_inboxes: dict[tuple[str, str | None], str] = {}
        """Where the intake answered each (sender, response topic) last: a flood names one."""

    # Start -------------------------------------------------------------------------------

    def start(self) -> None:
        """Rebuild every service from the store, publish retained state, take commands."""
        now = self.clock()
        with self.engine.begin() as conn:
            for service in self.services.values():
                service.load(conn, now)
        self.prune_commands(now)
        # cmd/# rather than the grammar's cmd/+/+/+: a topic outside it is answered too.
        self.bus.subscribe(
            topics.all_command_topics(self.hall.hall_id), self.on_command, gate=self.intake
        )
        self.bus.on_connection(self._on_connection)
        if self.bus.is_connected():
            self.publish_state()

    def _on_connection(self, connected: bool) -> None:
        # A broker that restarted without persistence has lost the retained state: refill it.
        if connected:
            self.publish_state()
            if self.refusals.counters():
                self.publish_diagnostics()

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
            self._bad_topic(message)
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
            self.refusals.count("bad_response_topic")
            log.warning(
                "refused message on %s: response topic '%s' is not under %s",
                message.topic,
                limits.quote(message.response_topic or ""),
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
            self.refusals.refused(refused.code, message.topic, refused.message)
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

    def _bad_topic(self, message: Incoming) -> None:
        """A topic under ``cmd/`` outside ``cmd/<node>/<area>/<verb>``: answered ``bad_topic``
        on the sender's own inbox; without a valid ``<node>`` there is nobody to answer."""
        hall_id = self.hall.hall_id
        sender = topics.command_sender(hall_id, message.topic)
        text = (
            f"主题不符合 cmd/<节点>/<区域>/<动作> / topic is not cmd/<node>/<area>/<verb>: "
            f"{limits.quote(message.topic)}"
        )
        self.invalid_messages += 1
        self.refusals.refused("bad_topic", message.topic, text, answered=sender is not None)
        if sender is not None:
            reply_to = self._reply_topic(message, sender) or topics.default_inbox(hall_id, sender)
            self._answer(reply_to, message, Reply.failure("", "bad_topic", text))

    def _sender_of(self, message: Incoming) -> str | None:
        return topics.command_sender(self.hall.hall_id, message.topic)

    def _refused_at_intake(self, message: Incoming, sender: str, code: str) -> None:
        """The intake's refusal, on paho's thread: counted, said, and answered at once with
        QoS 0 (a refusal needs no redelivery, and it does not wait behind paho's window of
        QoS 1 messages in flight, where the other nodes' replies are)."""
        hall_id = self.hall.hall_id
        answerable = sender != OVERFLOW and sender == self._sender_of(message)
        payload = self._intake_replies.get(code) or self._intake_replies["rate_limited"]
        text = f"{len(message.payload)} bytes, more than any command" if code == "too_large" else ""
        self.refusals.refused(code, message.topic, text, answered=answerable, sender=sender)
        if answerable:
            key = (sender, message.response_topic)
            reply_to = self._intake_inboxes.get(key)
            if reply_to is None:
                if len(self._intake_inboxes) >= 1024:
                    self._intake_inboxes.clear()
                reply_to = self._reply_topic(message, sender) or topics.default_inbox(
                    hall_id, sender
                )
                self._intake_inboxes[key] = reply_to
            self.bus.publish(reply_to, payload, qos=0, correlation_data=message.correlation_data)

    _intake_replies: ClassVar[dict[str, bytes]] = {
        "rate_limited": Reply.failure(
            "",
            "rate_limited",
            "发送过于频繁，命令未执行，请稍后重试 / too many commands from this node: not applied, "
            "try again shortly",
        )
        .model_dump_json()
        .encode(),
        "too_large": Reply.failure(
            "", "too_large", "消息过大，命令未执行 / message too large: not applied"
        )
        .model_dump_json()
        .encode(),
    }
    """The intake's replies, made once: a refusal under a flood costs no serialisation."""

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
        if refusal is None:
            refusal = self.acting.refusal(cmd)
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
                outcome = self.logins.handle(conn, cmd, now, service.handle)
                reply = self._reply(cmd, outcome)
                if not cmd.readonly:
                    self._record(conn, cmd, now, outcome, reply, sender)
        except Exception:
            self.refusals.count("internal")
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
        self.refusals.count("forbidden")
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
        if self.refusals.due():
            self.publish_diagnostics()
        if self._pruned_at is None or (now - self._pruned_at).total_seconds() >= PRUNE_SECONDS:
            self.prune_commands(now)

    @property
    def counters(self) -> dict[str, int]:
        """Messages refused at the edge, by kind (``bad_topic``, ``too_large``, ``too_deep``,
        ``bad_encoding``, ``bad_json``, ``unknown_command``, ``invalid``, ``forbidden``,
        ``rate_limited``, ``internal``, …) since the start."""
        return self.refusals.counters()

    def publish_diagnostics(self) -> None:
        """The retained counters and rate-limited senders, for the manager's alarms."""
        topic = topics.node_diagnostics(self.hall.hall_id, self.bus.node)
        self.bus.publish(topic, self.refusals.snapshot(), qos=1, retain=True)

    def prune_commands(self, now: dt.datetime) -> None:
        """Forget the stored replies older than ``IDEMPOTENCY_DAYS``: a resend that late is no
        retry (the rows of a flood of refused commands do not stay for ever either)."""
        self._pruned_at = now
        cutoff = now - dt.timedelta(days=IDEMPOTENCY_DAYS)
        try:
            with self.engine.begin() as conn:
                gone = conn.execute(
                    tables.commands.delete().where(tables.commands.c.received_at < cutoff)
                ).rowcount
        except Exception:
            log.exception("pruning the stored replies failed; will retry")
            return
        if gone:
            log.info("pruned %d stored replies older than %d days", gone, IDEMPOTENCY_DAYS)

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
                acting_user=payload.get("acting_user"),
                window=_window_of(payload),
            )
        )

    def _committed(self, outcome: Outcome) -> None:
        if outcome.on_commit is not None:
            outcome.on_commit()
        self._publish(outcome.publications)

    def _publish(self, publications: Iterable[Publication]) -> None:
        for p in publications:
            self.bus.publish(p.topic, p.payload, qos=p.qos, retain=p.retain)


def _window_of(payload: dict[str, Any]) -> str | None:
    """The window a command named (``audit/search`` finds it by this column's index)."""
    window = payload.get("window")
    return window if isinstance(window, str) else None


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
