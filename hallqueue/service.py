"""The queue engine behind the bus and the store.

Each command is the engine operation itself (``bus.models.queue``), with what the broker
says about its sender set here; the entities it changed are upserted as JSON records in the
same transaction, and only after the commit does the service swap its in-memory state and
publish the events and the retained views that changed.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from bus import topics
from bus.models.base import Command, RefusalDetails
from bus.models.events import data_model
from bus.models.queue import (
    Book,
    CancelBooking,
    Checkin,
    Issue,
    QueueOp,
    Rate,
    StatsQuery,
    Suspend,
    Tick,
    TicketStatusQuery,
    TodayQuery,
)
from bus.models.replies import (
    OverdueWorkorder,
    TicketStatusResult,
    TodayResult,
    TodayTicket,
    result_of,
)
from bus.models.views import (
    CatalogData,
    CatalogView,
    QueueData,
    QueueView,
    View,
    ViewData,
    WindowData,
    WindowView,
)
from config.schema import HallConfig
from hallqueue import engine
from hallqueue.booking_queries import booking_query
from hallqueue.engine.hours import WorkdayCalendarProtocol, to_hall_time
from hallqueue.suspensions import SuspensionDesk
from hallqueue.workorder_queries import workorder_query
from store import tables
from store.events import EventFactory
from store.service import Outcome, Publication
from store.upsert import upsert

log = logging.getLogger(__name__)


def from_sender(cmd: QueueOp) -> QueueOp:
    """The operation as the controller applies it: what the broker's ACL says about who sent
    it is set here, never taken from the payload (a command carrying it is invalid)."""
    if isinstance(cmd, Rate):
        return cmd.model_copy(update={"source": "evaluator"})  # only evaluators may rate
    if isinstance(cmd, CancelBooking):
        # The citizen cancels with the booking's mobile number; without one it is the hall,
        # which only the manager may send (controller/authority.py, controller/permissions.py).
        return cmd.model_copy(update={"by_hall": cmd.mobile is None})
    return cmd


LOAD_DAYS = 7
"""Tickets older than this are history (statistics), not state: not loaded at start."""
STATUS_TOKEN_BYTES = 12
"""A ticket's status token: 96 random bits (16 URL-safe characters in its QR code)."""


def new_status_token() -> str:
    """A fresh random status token (``secrets``: unguessable, never derived from the ticket)."""
    return secrets.token_urlsafe(STATUS_TOKEN_BYTES)


class QueueService:
    area = "queue"

    def __init__(
        self,
        hall: HallConfig,
        calendar: WorkdayCalendarProtocol,
        events: EventFactory,
        *,
        new_token: Callable[[], str] = new_status_token,
        anonymous_staff_until_logout: bool = False,
    ) -> None:
        self.hall = hall
        self.calendar = calendar
        self.events = events
        self.new_token = new_token
        """Makes each new ticket's status token (the engine is pure: it is given one)."""
        self.anonymous_staff_until_logout = anonymous_staff_until_logout
        """RULES §5 for ``hall queue replay --data-dir``: a window its script never signs in
        counts as signed in by an unnamed staff member (False in the hall: Q5)."""
        self.state: engine.QueueState | None = None
        self.suspensions = SuspensionDesk(hall, calendar)
        """业务临时停办登记备案 (Q10): the filings, asked before a ticket, check-in or booking."""
        self._published: dict[str, ViewData] = {}
        """Last retained view per topic, so a command republishes only what changed."""

    # Start -------------------------------------------------------------------------------

    def load(self, conn: Connection, now: dt.datetime) -> None:
        since = (now.date() - dt.timedelta(days=LOAD_DAYS)).isoformat()
        qr = tables.queue_records
        rows = conn.execute(
            sa.select(qr.c.kind, qr.c.key, qr.c.data).where(
                sa.or_(qr.c.kind != "ticket", qr.c.key >= since)
            )
        )
        records = [(kind, key, data) for kind, key, data in rows]
        self.state = (
            engine.state_from_records(self.hall, records, now)
            if records
            else engine.initial_state(self.hall, now)
        )
        self._published = {}
        self.suspensions.load(conn)

    def startup(self, now: dt.datetime) -> list[Publication]:
        self._published = {}
        return self._views(self._require_state(), now)

    def _require_state(self) -> engine.QueueState:
        if self.state is None:
            raise RuntimeError("QueueService used before load()")
        return self.state

    # Commands ----------------------------------------------------------------------------

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        if isinstance(cmd, StatsQuery):
            return self._stats(conn, cmd, now)
        if isinstance(cmd, TodayQuery):
            return Outcome(result=self._today(now))
        filed = self.suspensions.handle(conn, cmd, now)
        if filed is not None:
            return filed
        for query in (booking_query, workorder_query):
            answer = query(self.hall, self.calendar, self._require_state(), cmd, now)
            if answer is not None:
                return answer
        if isinstance(cmd, TicketStatusQuery):
            return self._ticket_status(cmd.token)
        if not isinstance(cmd, QueueOp):
            return Outcome.refused("unknown_command", f"未知命令 / not a queue command: {cmd.verb}")
        refusal = self._wrong_ticket(cmd) or self._filed_suspension(cmd, now)
        if refusal is not None:
            return refusal
        op = from_sender(cmd)
        if isinstance(op, Issue | Checkin):
            op = op.model_copy(update={"status_token": self.new_token()})
        return self._apply(conn, op, now)

    def _wrong_ticket(self, cmd: QueueOp) -> Outcome | None:
        """Q6: a rating counts only for the ticket the evaluator showed, the one just finished."""
        if not isinstance(cmd, Rate) or cmd.ticket is None:
            return None
        window = self._require_state().windows.get(cmd.window)
        finished = window.last_finished if window is not None else None
        if finished is None or finished.rsplit("/", 1)[-1] != cmd.ticket:
            return Outcome.refused(
                "wrong_ticket",
                f"只能评价本窗口刚办结的号 / only the ticket just finished here can be rated "
                f"({cmd.ticket})",
                window=cmd.window,
            )
        return None

    def _filed_suspension(self, cmd: QueueOp, now: dt.datetime) -> Outcome | None:
        """Q10: no ticket, check-in or booking for an item an approved filing suspends then
        (a ticket in the seconds before the tick sets the engine's own suspension, too)."""
        service: str | None = None
        at, started = now, True
        if isinstance(cmd, Issue):
            service = cmd.service
        elif isinstance(cmd, Checkin) and cmd.code:
            booked = self._require_state().appointments.get(cmd.code)
            service = booked.service if booked is not None else None
        elif isinstance(cmd, Book):
            service, started = cmd.service, False
            at = cmd.slot if cmd.slot.tzinfo else cmd.slot.replace(tzinfo=self.hall.tz)
        if service is None:
            return None
        entry = self.suspensions.blocking(service, at, started=started)
        if entry is None:
            return None
        zh = f"该业务临时停办：{entry.notice}"
        en = f"This service is temporarily suspended: {entry.notice}"
        return Outcome.refused("suspended", f"{zh} / {en}", message_en=en, service=service)

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        # Time passing may change state without an event (day rollover): always hand it back.
        state = self._require_state()
        publications: list[Publication] = []
        events: list[dict[str, Any]] = []
        commits: list[Callable[[], None]] = []
        for entry in self.suspensions.due(now):
            # The filing starts: the engine's own suspension of each item, with its notice.
            for service in entry.services:
                op = Suspend(
                    id=f"{entry.suspension}-{service}", service=service, notice=entry.notice,
                    start=entry.start, end=entry.end,
                )  # fmt: skip
                result = engine.apply(self.hall, self.calendar, state, op, now)
                if result.refusal is not None:
                    log.warning("suspension %s: %s not suspended", entry.suspension, service)
                    continue
                self._persist(conn, result, now)
                state = result.state
                events += [e.public() for e in result.events]
                publications += [
                    self.events.publication(e.kind, event_data(e), now) for e in result.events
                ]
            commits.append(self.suspensions.mark_applied(conn, entry, now))
        outcome = self._apply(conn, Tick(), now, base=state)
        if not commits:
            return outcome
        outcome.events[:0] = events
        outcome.publications[:0] = publications
        after = outcome.on_commit

        def commit() -> None:
            for c in commits:
                c()
            if after is not None:
                after()

        outcome.on_commit = commit
        return outcome

    def _apply(
        self,
        conn: Connection,
        op: QueueOp,
        now: dt.datetime,
        *,
        base: engine.QueueState | None = None,
    ) -> Outcome:
        old = base if base is not None else self._require_state()
        try:
            result = engine.apply(
                self.hall, self.calendar, old, op, now,
                anonymous_staff_until_logout=self.anonymous_staff_until_logout,
            )  # fmt: skip
        except OverflowError:
            # A date next to year 9999 in a command: the engine is pure, nothing changed.
            return Outcome.refused("invalid", "日期超出范围 / a time or date is out of range")
        public = [e.public() for e in result.events]
        if result.refusal is not None:
            r = result.refusal
            return Outcome(
                error=(r.code, f"{r.message_zh} / {r.message_en}"),
                details=RefusalDetails(message_en=r.message_en, **op.ident()),
                events=public,
            )
        new = result.state
        self._persist(conn, result, now)
        publications = [self.events.publication(e.kind, event_data(e), now) for e in result.events]

        views = self._changed_views(new, now)

        def commit() -> None:
            self.state = new
            self._published.update(views)

        publications += [self._view_publication(t, d, now) for t, d in views.items()]
        return Outcome(
            result=None if isinstance(op, Tick) else result_of("queue", op.name, result.result),
            events=public,
            publications=publications,
            on_commit=commit,
        )

    def _persist(self, conn: Connection, result: engine.Outcome, now: dt.datetime) -> None:
        """Upsert what the operation wrote; a retired entity keeps its last row as history."""
        for kind, key, entity in engine.changed_records(result):
            if entity is None:
                continue
            upsert(
                conn,
                tables.queue_records,
                {"kind": kind, "key": key},
                {"data": engine.to_record(entity), "updated_at": now},
            )

    # Retained views ----------------------------------------------------------------------

    def _all_views(self, state: engine.QueueState, now: dt.datetime) -> dict[str, ViewData]:
        hall_id = self.hall.hall_id
        views: dict[str, ViewData] = {
            topics.catalog_state(hall_id): engine.catalog_view(
                self.hall, state, now, self.calendar
            ),
            topics.queue_state(hall_id): engine.queue_view(
                self.hall, state, now, self.calendar,
                anonymous_staff_until_logout=self.anonymous_staff_until_logout,
            ),
        }
        for w in self.hall.windows:
            views[topics.window_state(hall_id, w.id)] = engine.window_view(
                self.hall, state, w.id, now, self.calendar
            )
        return views

    def _changed_views(self, state: engine.QueueState, now: dt.datetime) -> dict[str, ViewData]:
        return {
            topic: data
            for topic, data in self._all_views(state, now).items()
            if self._published.get(topic) != data
        }

    def _views(self, state: engine.QueueState, now: dt.datetime) -> list[Publication]:
        views = self._all_views(state, now)
        self._published = dict(views)
        return [self._view_publication(t, d, now) for t, d in views.items()]

    @staticmethod
    def _view_publication(topic: str, data: ViewData, now: dt.datetime) -> Publication:
        """The retained message of one view: its data and when it was made."""
        view: View[Any]
        if isinstance(data, WindowData):
            view = WindowView(at=now, data=data)
        elif isinstance(data, QueueData):
            view = QueueView(at=now, data=data)
        elif isinstance(data, CatalogData):
            view = CatalogView(at=now, data=data)
        else:
            raise TypeError(f"not a view: {type(data).__name__}")
        return Publication(topic, view, retain=True)

    # Statistics --------------------------------------------------------------------------

    def _stats(self, conn: Connection, cmd: StatsQuery, now: dt.datetime) -> Outcome:
        from hallqueue.stats_store import stats_between

        try:
            stats = stats_between(conn, cmd.date_from, cmd.date_to, now.date())
        except ValueError as exc:
            return Outcome.refused("invalid", str(exc))
        return Outcome(result=stats)


    def _today(self, now: dt.datetime) -> TodayResult:
        """``queue/today``: the hall day's tickets in issue order, as of the last event."""
        state = self._require_state()
        rows = sorted(
            (t for t in state.tickets.values() if t.day == state.day),
            key=lambda t: (t.issued_at, t.seq),
        )
        return TodayResult(
            day=state.day,
            seq=self.events.mark(now),
            tickets=tuple(
                TodayTicket(
                    ticket=t.number,
                    category=t.category,
                    service=t.service,
                    service_name=self._item_name(t.service),
                    priority=t.priority,
                    issued_at=t.issued_at,
                    status=t.status.value,
                    window=t.window,
                    first_called_at=t.first_called_at,
                    called_at=t.called_at,
                    finished_at=t.finished_at,
                    skipped=any(s.status is engine.TicketStatus.SKIPPED for s in t.history),
                    transferred=t.transferred,
                    rating=t.rating if t.rating_status is engine.RatingStatus.RATED else None,
                )
                for t in rows
            ),
            overdue_workorders=self._overdue_workorders(state, now),
        )

    def _overdue_workorders(
        self, state: engine.QueueState, now: dt.datetime
    ) -> tuple[OverdueWorkorder, ...]:
        """The open work orders past their due day: the live hall's alarms (Q7). They come
        with the day's load rather than on a retained view of their own: an order becomes
        overdue only when the hall day changes, which reloads ``queue/today`` anyway, and
        leaves the list by its ``workorder.closed`` event; no retained topic (and no ACL for
        one) carries staff complaints, and ``state/queue``, which every kiosk and screen
        reads, stays about the queue."""
        today = to_hall_time(self.hall, now).date()
        late = sorted(
            (o for o in state.workorders.values()
             if o.status is engine.WorkorderStatus.OPEN and today > o.due),
            key=lambda o: (o.due, o.key),
        )  # fmt: skip
        return tuple(
            OverdueWorkorder(
                workorder=o.key, ticket=o.number, window=o.window, staff=o.staff, due=o.due
            )
            for o in late
        )

    def _ticket_status(self, token: str) -> Outcome:
        """``queue/ticket_status``: the current hall day's ticket with this status token.

        A token of an earlier day, or none at all, gets the same ``unknown_ticket``: the
        page behind a QR code expires with its hall day and says nothing about why."""
        state = self._require_state()
        found = next(
            (
                t
                for t in state.tickets.values()
                if t.status_token == token and t.day == state.day
            ),
            None,
        )
        if found is None:
            return Outcome.refused("unknown_ticket", "未找到该号票 / no such ticket today")
        return Outcome(
            result=TicketStatusResult(
                day=found.day,
                ticket=found.number,
                category=found.category,
                service=found.service,
                service_name=self._item_name(found.service),
                status=found.status.value,
                window=found.window,
                issued_at=found.issued_at,
            )
        )

    def _item_name(self, code: str) -> str:
        item = self.hall.item(code)
        return item.name if item is not None else code


def event_data(event: engine.Event) -> BaseModel:
    """The typed ``data`` of an engine event, before it is published.

    The engine is pure and emits each event's §5 fields and screen details as mappings (the
    replay prints them, the audit log keeps them); here they become the model of the kind.
    """
    return data_model(event.kind).model_validate({**event.data, **event.extra})
