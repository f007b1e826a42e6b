"""The controller's refusal counters, their throttled log lines and the rate-limited senders
of its diagnostics; on fake clocks."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bus.models.diagnostics import RefusalCounts
from controller.edge import DIAGNOSTICS_SECONDS, LIMITED_FORGET_SECONDS, LOG_BURST, Refusals

T0 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


class Clocks:
    def __init__(self) -> None:
        self.mono = 50.0

    def hall(self) -> dt.datetime:
        return T0 + dt.timedelta(seconds=self.mono - 50.0)

    def monotonic(self) -> float:
        return self.mono


def refusals() -> tuple[Refusals, Clocks]:
    clocks = Clocks()
    return Refusals(clocks.hall, clocks.monotonic), clocks


@pytest.mark.expect_log("WARNING", r"^refused message on t: not json$", logger="controller.app")
@pytest.mark.expect_log("WARNING", r"\(5 more bad_json not logged before this\)$")
@pytest.mark.expect_log("WARNING", r"^refused message on t: deep$")
def test_every_refusal_is_counted_and_at_most_a_burst_of_each_kind_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    edge, clocks = refusals()
    for _ in range(LOG_BURST + 5):
        edge.refused("bad_json", "t", "not json")
    edge.refused("too_deep", "t", "deep")
    assert edge.counters() == {"bad_json": LOG_BURST + 5, "too_deep": 1}
    lines = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(lines) == LOG_BURST + 1 and all(r.exc_info is None for r in lines)
    clocks.mono += 61
    edge.refused("bad_json", "t", "not json")  # the next window says what was left out


@pytest.mark.expect_log("WARNING", r"^flood is over its rate limit", logger="controller.app")
def test_a_rate_limited_sender_is_said_once_and_shown_until_quiet(
    caplog: pytest.LogCaptureFixture,
) -> None:
    edge, clocks = refusals()
    for _ in range(100):
        edge.refused("rate_limited", "t", "", sender="flood")
        clocks.mono += 0.01
    assert sum("over its rate limit" in r.getMessage() for r in caplog.records) == 1
    snap = edge.snapshot()
    assert snap.counters == RefusalCounts(rate_limited=100)
    [limited] = snap.rate_limited
    assert (limited.sender, limited.refused, limited.since) == ("flood", 100, T0)
    assert limited.last == T0 + dt.timedelta(seconds=0.99)
    with caplog.at_level(logging.INFO, logger="controller.app"):
        clocks.mono += LIMITED_FORGET_SECONDS
        assert edge.due()  # forgetting the sender is a change
        assert edge.snapshot().rate_limited == []
    assert any("below its rate limit again: 100" in r.getMessage() for r in caplog.records)


@pytest.mark.expect_log("WARNING", r"refused message on t: x")
def test_diagnostics_are_due_after_a_change_and_at_most_every_few_seconds() -> None:
    edge, clocks = refusals()
    assert not edge.due()
    edge.refused("invalid", "t", "x")
    assert edge.due()
    edge.snapshot()
    assert not edge.due()
    edge.refused("invalid", "t", "x")
    assert not edge.due()
    clocks.mono += DIAGNOSTICS_SECONDS
    assert edge.due() and edge.snapshot().counters == RefusalCounts(invalid=2)


@pytest.mark.expect_log("WARNING", r"refused message on t: no sender")
def test_a_refusal_nobody_could_be_told_of_is_counted_apart() -> None:
    edge, _clocks = refusals()
    edge.refused("bad_topic", "t", "no sender", answered=False)
    snap = edge.snapshot()
    assert snap.counters == RefusalCounts(bad_topic=1) and snap.unanswered == 1
