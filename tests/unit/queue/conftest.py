"""Fixtures for the queue engine tests: the sample hall and a driver that keeps the state."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from bus.models.queue import Book, QueueOp
from config.loader import load_hall
from config.schema import HallConfig
from hallqueue.engine import Event, Outcome, QueueState, apply, initial_state
from hallqueue.engine.hours import WorkdayCalendarProtocol
from workdays.fixed import default_calendar

HALL_FILE = Path(__file__).resolve().parents[3] / "config" / "halls" / "chengdong.yaml"
MONDAY = dt.date(2026, 11, 23)


class Driver:
    """Applies operations at hall times and keeps the state, like the controller does.

    Staffing as in a replay by default (RULES §5): a window never signed in counts as signed
    in by an unnamed staff member, so the rule tests need no login lines. ``strict=True`` is
    the controller's rule (Q5): a window nobody is signed in at does not call.
    """

    def __init__(
        self,
        hall: HallConfig,
        calendar: WorkdayCalendarProtocol,
        day: dt.date = MONDAY,
        *,
        strict: bool = False,
    ) -> None:
        self.hall = hall
        self.calendar = calendar
        self.day = day
        self.anonymous_staff_until_logout = not strict
        self.state: QueueState = initial_state(hall, self.at("08:00"))
        self.last: Outcome | None = None

    def at(self, hhmm: str, day: dt.date | None = None) -> dt.datetime:
        parts = [int(p) for p in hhmm.split(":")]
        h, m, s = [*parts, 0][:3]
        return dt.datetime.combine(day or self.day, dt.time(h, m, s), tzinfo=self.hall.tz)

    def __call__(self, op: QueueOp, hhmm: str = "09:00", day: dt.date | None = None) -> Outcome:
        outcome = apply(
            self.hall,
            self.calendar,
            self.state,
            op,
            self.at(hhmm, day),
            anonymous_staff_until_logout=self.anonymous_staff_until_logout,
        )
        self.state = outcome.state
        self.last = outcome
        return outcome

    def events(self, outcome: Outcome) -> list[dict[str, Any]]:
        return [e.public() for e in outcome.events if not e.housekeeping]


def public(events: tuple[Event, ...]) -> list[dict[str, Any]]:
    return [e.public() for e in events if not e.housekeeping]


@pytest.fixture(scope="session")
def hall() -> HallConfig:
    return load_hall(HALL_FILE)


@pytest.fixture(scope="session")
def calendar() -> WorkdayCalendarProtocol:
    return default_calendar()


@pytest.fixture
def q(hall: HallConfig, calendar: WorkdayCalendarProtocol) -> Driver:
    return Driver(hall, calendar)


@pytest.fixture
def controller_q(hall: HallConfig, calendar: WorkdayCalendarProtocol) -> Driver:
    """The controller's staffing rule (Q5): nobody signed in, no call."""
    return Driver(hall, calendar, strict=True)


def ok(outcome: Outcome) -> dict[str, Any]:
    """The reply of an accepted operation (fails the test with the refusal otherwise)."""
    assert outcome.refusal is None, outcome.refusal
    assert outcome.result is not None
    return dict(outcome.result)


def refused(outcome: Outcome) -> str:
    """The refusal code of a refused operation."""
    assert outcome.refusal is not None, f"not refused: {outcome.result}"
    return outcome.refusal.code


_mobiles = itertools.count(1)


def booking(service: str, slot: dt.datetime, mobile: str | None = None) -> Book:
    """A ``queue/book`` as a node sends it: with a mobile number (a fresh one unless given, so
    that the per-number limit of Q12 never gets in the way of a test about something else)."""
    number = mobile or f"1390000{next(_mobiles):04d}"
    return Book.model_validate({"id": "t", "service": service, "slot": slot, "mobile": number})
