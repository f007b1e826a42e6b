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

from config.loader import load_hall
from hallqueue.engine import (
    Call,
    Finish,
    Hold,
    Issue,
    Op,
    Pause,
    QueueState,
    Rate,
    Reactivate,
    Recall,
    Resume,
    ResumeTicket,
    Skip,
    TicketStatus,
    Transfer,
    apply,
    initial_state,
)
from hallqueue.engine.model import TRANSITIONS
from hallqueue.engine.order import eligible
from hallqueue.workdays import FixedCalendar
from tests.unit.queue.conftest import HALL_FILE

HALL = load_hall(HALL_FILE)
CAL = FixedCalendar()
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=HALL.tz)
WINDOWS = [w.id for w in HALL.windows]
SERVICES = [i.code for i in HALL.items] + ["X99"]


class QueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.state: QueueState = initial_state(HALL, START)
        self.now = START
        self.issued: set[str] = set()

    def _apply(self, op: Op, minutes: int) -> None:
        self.now += dt.timedelta(minutes=minutes)
        before = self.state
        out = apply(HALL, CAL, before, op, self.now)
        if out.refusal is not None:
            assert out.state is before, "a refused operation must change nothing"
            assert [e.kind for e in out.events] == [f"{op.name}.refused"]
        for e in out.events:
            if e.kind == "ticket.issued":
                key = f"{self.now.date()}/{e.public()['ticket']}"
                assert key not in self.issued, f"number issued twice: {key}"
                self.issued.add(key)
            if e.kind == "ticket.called" and isinstance(op, Call):
                self._check_tiers(before, out.state, op.window, e.public()["ticket"])
        self.state = out.state

    def _check_tiers(self, before: QueueState, after: QueueState, window: str, number: str) -> None:
        cfg = HALL.window(window)
        assert cfg is not None
        ticket = next(
            t
            for t in after.tickets.values()
            if t.number == number and t.status is TicketStatus.CALLED and t.window == window
        )
        candidates = eligible(before.tickets, cfg)
        if cfg.strategy is None and HALL.queue.strategy == "fifo":
            assert all(ticket.order_key <= c.order_key for c in candidates), "tier order broken"

    @rule(service=st.sampled_from(SERVICES), priority=st.booleans(), minutes=st.integers(0, 4))
    def issue(self, service: str, priority: bool, minutes: int) -> None:
        self._apply(Issue(service, priority), minutes)

    @rule(window=st.sampled_from(WINDOWS), minutes=st.integers(0, 4))
    def call(self, window: str, minutes: int) -> None:
        self._apply(Call(window), minutes)

    @rule(
        window=st.sampled_from(WINDOWS),
        action=st.sampled_from([Recall, Skip, Finish, Hold, ResumeTicket, Pause, Resume]),
        minutes=st.integers(0, 10),
    )
    def caller(self, window: str, action: type[Op], minutes: int) -> None:
        self._apply(action(window), minutes)  # type: ignore[call-arg]

    @rule(window=st.sampled_from(WINDOWS), service=st.sampled_from(SERVICES))
    def transfer(self, window: str, service: str) -> None:
        self._apply(Transfer(window, service), 1)

    @rule(n=st.integers(1, 30))
    def reactivate(self, n: int) -> None:
        self._apply(Reactivate(f"A{n:03d}"), 1)

    @rule(window=st.sampled_from(WINDOWS), level=st.integers(0, 6), minutes=st.integers(0, 3))
    def rate(self, window: str, level: int, minutes: int) -> None:
        self._apply(Rate(window, level), minutes)

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
