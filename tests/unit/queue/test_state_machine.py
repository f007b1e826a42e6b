"""Invariants of the engine under random operation sequences (hypothesis state machine).

No number issued twice in a day; a window has at most one current ticket; every ticket's
history is a valid path of states; a refused operation changes nothing; the call order never
breaks the tiers (Q2, Q4, Q5).
"""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bus.models.queue import (
    Call,
    Checkin,
    CloseWindow,
    Finish,
    Hold,
    Issue,
    Login,
    Logout,
    OpenWindow,
    Pause,
    QueueOp,
    Rate,
    Reactivate,
    Recall,
    Resume,
    ResumeTicket,
    Skip,
    Tick,
    Transfer,
)
from config.loader import load_hall
from hallqueue.engine import (
    QueueState,
    TicketStatus,
    apply,
    initial_state,
    records_of,
    state_from_records,
    to_record,
)
from hallqueue.engine.model import TRANSITIONS
from hallqueue.engine.order import eligible
from tests.unit.queue.conftest import HALL_FILE, booking
from workdays.fixed import FixedCalendar

HALL = load_hall(HALL_FILE)
CAL = FixedCalendar()
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=HALL.tz)
WINDOWS = [w.id for w in HALL.windows]
SERVICES = [i.code for i in HALL.items] + ["X99"]
STAFF = [s.id for s in HALL.staff[:4]] + ["S999"]


class QueueMachine(RuleBasedStateMachine):
    """The controller's engine: a window calls only while someone is signed in at it (Q5)."""

    anonymous_staff_until_logout = False

    def __init__(self) -> None:
        super().__init__()
        self.state: QueueState = initial_state(HALL, START)
        self.now = START
        self.issued: set[str] = set()

    def _apply(self, op: QueueOp, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)
        before = self.state
        out = apply(
            HALL,
            CAL,
            before,
            op,
            self.now,
            anonymous_staff_until_logout=self.anonymous_staff_until_logout,
        )
        if out.refusal is not None:
            assert out.state is before, "a refused operation must change nothing"
            assert [e.kind for e in out.events] == [f"{op.name}.refused"]
        for e in out.events:
            if e.kind == "ticket.issued":
                key = f"{self.now.date()}/{e.public()['ticket']}"
                assert key not in self.issued, f"number issued twice: {key}"
                self.issued.add(key)
            if e.kind == "ticket.called" and isinstance(op, Call):
                self._check_tiers(out.state, op.window, e.public()["ticket"])
        self.state = out.state

    def _check_tiers(self, after: QueueState, window: str, number: str) -> None:
        """No ticket still eligible at this window precedes the one it just called (Q4)."""
        cfg = HALL.window(window)
        assert cfg is not None
        ticket = next(
            t
            for t in after.tickets.values()
            if t.number == number and t.status is TicketStatus.CALLED and t.window == window
        )
        assert (cfg.strategy or HALL.queue.strategy) == "fifo"  # the sample hall's windows
        for other in eligible(after.tickets, cfg):
            assert ticket.order_key <= other.order_key, f"{other.number} before {number}"

    @rule(service=st.sampled_from(SERVICES), priority=st.booleans(), minutes=st.integers(0, 4))
    def issue(self, service: str, priority: bool, minutes: int) -> None:
        self._apply(Issue(service=service, priority=priority, id="t"), minutes)

    @rule(window=st.sampled_from(WINDOWS), minutes=st.integers(0, 4))
    def call(self, window: str, minutes: int) -> None:
        self._apply(Call(window=window, id="t"), minutes)

    @rule(
        window=st.sampled_from(WINDOWS),
        action=st.sampled_from([Recall, Skip, Finish, Hold, ResumeTicket, Pause, Resume]),
        minutes=st.integers(0, 10),
    )
    def caller(self, window: str, action: type[QueueOp], minutes: int) -> None:
        self._apply(action(window=window, id="t"), minutes)  # type: ignore[call-arg]

    @rule(window=st.sampled_from(WINDOWS), service=st.sampled_from(SERVICES))
    def transfer(self, window: str, service: str) -> None:
        self._apply(Transfer(window=window, service=service, id="t"), 1)

    @rule(n=st.integers(1, 30))
    def reactivate(self, n: int) -> None:
        self._apply(Reactivate(ticket=f"A{n:03d}", id="t"), 1)

    @rule(window=st.sampled_from(WINDOWS), level=st.integers(0, 6), minutes=st.integers(0, 3))
    def rate(self, window: str, level: int, minutes: int) -> None:
        self._apply(Rate(window=window, level=level, id="t"), minutes)

    @rule(hours=st.integers(1, 40))
    def time_passes(self, hours: int) -> None:
        """Evenings, nights and weekends: rollover, expiry at the next opening, not rated."""
        self._apply(Tick(), hours * 60)

    @rule(window=st.sampled_from(WINDOWS), staff=st.sampled_from(STAFF), login=st.booleans())
    def staff(self, window: str, staff: str, login: bool) -> None:
        self._apply(
            Login(window=window, staff=staff, id="t") if login else Logout(window=window, id="t"), 0
        )

    @rule(window=st.sampled_from(WINDOWS), close=st.booleans())
    def closure(self, window: str, close: bool) -> None:
        self._apply(
            CloseWindow(window=window, reason="drill", id="t")
            if close
            else OpenWindow(window=window, id="t"),
            0,
        )

    @rule(
        service=st.sampled_from(SERVICES),
        days=st.integers(0, 5),
        slot=st.integers(0, 17),
        mobile=st.sampled_from(("13800000001", "13800000002")),
    )
    def book(self, service: str, days: int, slot: int, mobile: str) -> None:
        start = dt.datetime.combine(self.now.date(), dt.time(9), tzinfo=HALL.tz)
        self._apply(booking(service, start + dt.timedelta(days=days, minutes=30 * slot), mobile), 0)

    @rule(data=st.data())
    def checkin(self, data: st.DataObject) -> None:
        codes = sorted(self.state.appointments) or ["none"]
        self._apply(Checkin(code=data.draw(st.sampled_from(codes)), id="t"), 0)

    @invariant()
    def restart_rebuilds_queue_and_windows(self) -> None:
        records = [(k, key, to_record(e)) for k, key, e in records_of(self.state)]
        rebuilt = state_from_records(HALL, records, self.now)
        assert rebuilt.waiting == self.state.waiting
        assert rebuilt.windows == self.state.windows
        assert rebuilt.counters == self.state.counters

    @invariant()
    def one_current_ticket_per_window(self) -> None:
        current = [w.current for w in self.state.windows.values() if w.current]
        assert len(current) == len(set(current))
        for key in current:
            t = self.state.tickets[key]
            assert t.status is TicketStatus.CALLED
        called = [t for t in self.state.tickets.values() if t.status is TicketStatus.CALLED]
        assert len(called) == len(current)

    @invariant()
    def every_call_names_who_serves(self) -> None:
        """Q5: in the controller a ticket is called only with a staff member signed in."""
        if self.anonymous_staff_until_logout:
            return
        for t in self.state.tickets.values():
            if t.status is TicketStatus.CALLED:
                assert t.staff is not None, f"{t.number} called with nobody signed in"

    @invariant()
    def histories_are_valid_paths(self) -> None:
        for t in self.state.tickets.values():
            steps = [s.status for s in t.history]
            assert steps[0] is TicketStatus.WAITING
            for a, b in itertools.pairwise(steps):
                assert b in TRANSITIONS[a], f"{t.number}: {a} -> {b}"
            assert steps[-1] is t.status

    @invariant()
    def index_matches_waiting_tickets(self) -> None:
        indexed = {key for entries in self.state.waiting.values() for _, key in entries}
        waiting = {k for k, t in self.state.tickets.items() if t.status is TicketStatus.WAITING}
        assert indexed == waiting


QueueMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestQueueMachine = QueueMachine.TestCase


class ReplayQueueMachine(QueueMachine):
    """The replay's engine (RULES §5): windows never signed in call as an unnamed staff."""

    anonymous_staff_until_logout = True


ReplayQueueMachine.TestCase.settings = QueueMachine.TestCase.settings
TestReplayQueueMachine = ReplayQueueMachine.TestCase
