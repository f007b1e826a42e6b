"""Test doubles for the terminal: a punch intake on a FakeBus, a clock that never syncs, and
the manual wall and monotonic clocks a test moves instead of sleeping."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from bus import topics
from bus.core import Incoming
from bus.models.base import Reply, ResultData
from bus.testing import FakeBroker
from terminal.clock import ClockCheck

HALL = "chengdong"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class FakeIntake:
    """The controller's ``cmd/att/punch`` as the terminal sees it: idempotent by id, refusing
    unknown staff, optionally swallowing replies (a reply lost on the way back)."""

    def __init__(self, broker: FakeBroker, known: set[str] | None = None) -> None:
        self.bus = broker.client(HALL, "controller", role="controller")
        self.bus.start()
        self.bus.subscribe(topics.command_from_anyone(HALL, "att", "punch"), self._on_punch)
        self.known = known
        self.stored: list[dict[str, Any]] = []
        self.received: Counter[str] = Counter()
        self.swallow_replies = 0

    def _on_punch(self, message: Incoming) -> None:
        data = message.json()
        self.received[data["id"]] += 1
        if self.known is not None and data["staff_id"] not in self.known:
            reply = Reply.failure(data["id"], "unknown_staff", "未知人员 / unknown staff")
        else:
            if all(p["id"] != data["id"] for p in self.stored):
                self.stored.append(data)
            reply = Reply.success(data["id"], ResultData.model_validate({"recorded": True}))
        if self.swallow_replies:
            self.swallow_replies -= 1
            return
        self.bus.reply(message, reply)

    @property
    def stored_ids(self) -> list[str]:
        return [p["id"] for p in self.stored]


def unsynced_clock() -> ClockCheck:
    """No NTP answer and no beacon: every punch is flagged ``clock_synced: false``."""
    return ClockCheck(ntp=lambda: None)


class Clocks:
    """A wall clock and a monotonic clock the test moves by hand (and can make disagree)."""

    def __init__(self) -> None:
        self.wall_time = dt.datetime(2026, 11, 2, 8, 50, tzinfo=SHANGHAI)
        self.mono_time = 1000.0

    def wall(self) -> dt.datetime:
        return self.wall_time

    def mono(self) -> float:
        return self.mono_time

    def advance(self, seconds: float) -> None:
        self.wall_time += dt.timedelta(seconds=seconds)
        self.mono_time += seconds
