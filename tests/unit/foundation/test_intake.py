"""The fair intake in front of the single writer: token buckets per sender, bounded queues,
round-robin service; on a fake clock and a fake loop (no sleeps, no threads)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import pytest

from bus import topics
from bus.core import Incoming
from bus.intake import OVERFLOW, FairIntake, IntakeLimits, TokenBucket

HALL = "h"


class FakeLoop:
    """Collects what the intake hands over; ``run`` serves it in order, as asyncio would."""

    def __init__(self) -> None:
        self.ready: deque[Callable[[], None]] = deque()

    def deliver(self, fn: Callable[[], None]) -> None:
        self.ready.append(fn)

    def run(self, steps: int | None = None) -> None:
        while self.ready and (steps is None or steps > 0):
            self.ready.popleft()()
            if steps is not None:
                steps -= 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def msg(sender: str, n: int = 0, payload: bytes = b"{}") -> Incoming:
    return Incoming(
        f"{topics.base(HALL)}/cmd/{sender}/queue/issue",
        payload,
        response_topic=topics.reply_inbox(HALL, sender, "s"),
        correlation_data=str(n).encode(),
    )


def sender_of(message: Incoming) -> str | None:
    return topics.command_sender(HALL, message.topic)


class Rig:
    def __init__(self, **limits: int | float) -> None:
        self.clock = Clock()
        self.loop = FakeLoop()
        self.handled: list[tuple[str, bytes]] = []
        self.refused: list[tuple[str, str, bytes]] = []
        self.intake = FairIntake(
            lambda m, s, code: self.refused.append((s, code, m.correlation_data or b"")),
            sender_of,
            clock=self.clock,
            limits=IntakeLimits(**limits),  # type: ignore[arg-type]
        )

    def handle(self, message: Incoming) -> None:
        self.handled.append((sender_of(message) or "", message.correlation_data or b""))

    def offer(self, message: Incoming) -> None:
        self.intake.offer(self.handle, message, self.loop.deliver)


def test_token_bucket_refills_at_its_rate_up_to_its_burst() -> None:
    bucket = TokenBucket.full(rate=2.0, burst=3, now=0.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5) and not bucket.take(0.5)  # one token per half second
    assert not bucket.is_full(1.0)
    assert bucket.is_full(10.0) and bucket.tokens == 3


def test_a_burst_beyond_the_bucket_is_refused_rate_limited_at_once() -> None:
    rig = Rig(rate=10.0, burst=5, queue=100)
    for n in range(8):
        rig.offer(msg("flood", n))
    assert [code for _s, code, _c in rig.refused] == ["rate_limited"] * 3
    # Refused on the receiving thread, before anything reached the loop.
    assert rig.handled == []
    rig.loop.run()
    assert len(rig.handled) == 5
    rig.clock.now += 0.1  # one token back
    rig.offer(msg("flood", 9))
    rig.offer(msg("flood", 10))
    rig.loop.run()
    assert rig.handled[-1] == ("flood", b"9") and rig.refused[-1][2] == b"10"


def test_a_full_queue_is_refused_even_with_tokens_left() -> None:
    rig = Rig(rate=1000.0, burst=1000, queue=3)
    for n in range(5):
        rig.offer(msg("k1", n))
    assert [c for _s, _code, c in rig.refused] == [b"3", b"4"]
    rig.loop.run()
    assert [c for _s, c in rig.handled] == [b"0", b"1", b"2"]


def test_senders_are_served_round_robin_so_a_backlog_delays_others_by_one_command() -> None:
    rig = Rig(rate=1000.0, burst=1000, queue=1000)
    for n in range(500):
        rig.offer(msg("flood", n))
    rig.offer(msg("kiosk", 1))
    rig.loop.run(steps=3)
    # The flood's first command, then the kiosk's: not after 500 of the flood's.
    assert rig.handled[:2] == [("flood", b"0"), ("kiosk", b"1")]
    rig.loop.run()
    assert len(rig.handled) == 501


def test_three_senders_take_turns() -> None:
    rig = Rig(rate=1000.0, burst=1000, queue=1000)
    for n in range(3):
        for sender in ("a", "b", "c"):
            rig.offer(msg(sender, n))
    rig.loop.run()
    assert [s for s, _c in rig.handled] == ["a", "b", "c"] * 3


def test_one_callback_is_pending_on_the_loop_at_a_time() -> None:
    """The loop's own queue holds one turn, not one callback per message."""
    rig = Rig(rate=1000.0, burst=1000, queue=1000)
    for n in range(100):
        rig.offer(msg("a", n))
        rig.offer(msg("b", n))
    assert len(rig.loop.ready) == 1
    rig.loop.run(steps=1)
    assert len(rig.loop.ready) == 1 and len(rig.handled) == 1


def test_a_message_bigger_than_any_command_is_refused_unqueued() -> None:
    rig = Rig(max_bytes=100)
    rig.offer(msg("k1", 1, payload=b"x" * 101))
    assert rig.refused == [("k1", "too_large", b"1")] and not rig.loop.ready


def test_queued_bytes_are_bounded_across_senders() -> None:
    rig = Rig(rate=1000.0, burst=1000, queue=1000, pending_bytes=1000)
    for n in range(20):
        rig.offer(msg(f"n{n}", n, payload=b"x" * 100))
    assert len(rig.refused) == 10 and {code for _s, code, _c in rig.refused} == {"rate_limited"}
    rig.loop.run()
    rig.offer(msg("late", 99, payload=b"x" * 100))
    assert len(rig.refused) == 10


def test_senders_beyond_the_table_share_the_overflow_bucket_and_idle_ones_are_forgotten() -> None:
    rig = Rig(rate=1.0, burst=2, queue=10, max_senders=4)
    for n in range(4):
        rig.offer(msg(f"n{n}", n))
    # The table is full of senders whose buckets are not full: newcomers share OVERFLOW.
    for n in range(4, 8):
        rig.offer(msg(f"n{n}", n))
    assert [(s, code) for s, code, _c in rig.refused] == [(OVERFLOW, "rate_limited")] * 2
    rig.loop.run()
    rig.clock.now += 60  # everyone idle and refilled: forgotten when room is needed
    rig.offer(msg("new", 1))
    assert len(rig.refused) == 2
    rig.loop.run()
    assert rig.handled[-1] == ("new", b"1")


def test_a_topic_without_a_sender_goes_to_the_shared_bucket() -> None:
    rig = Rig(rate=1.0, burst=1)
    rig.offer(Incoming(f"{topics.base(HALL)}/cmd", b"{}"))
    rig.offer(Incoming(f"{topics.base(HALL)}/cmd/_x/issue", b"{}"))
    assert [(s, code) for s, code, _c in rig.refused] == [(OVERFLOW, "rate_limited")]


@pytest.mark.expect_log("ERROR", r"handler .*bad.* failed", logger="bus.intake")
def test_a_handler_that_raises_is_logged_and_the_next_turn_still_comes() -> None:
    rig = Rig(rate=1000.0, burst=1000)
    calls: list[bytes] = []

    def bad(message: Incoming) -> None:
        calls.append(message.correlation_data or b"")
        if message.correlation_data == b"0":
            raise RuntimeError("boom")

    rig.intake.offer(bad, msg("a", 0), rig.loop.deliver)
    rig.intake.offer(bad, msg("a", 1), rig.loop.deliver)
    rig.loop.run()
    assert calls == [b"0", b"1"]


def test_inline_delivery_serves_at_once_and_stays_reentrant() -> None:
    """On a FakeBus (inline delivery) a message is handled before ``offer`` returns, and a
    handler that causes another message (a node answering a reply) sees it handled too."""
    clock = Clock()
    handled: list[bytes] = []
    intake: FairIntake

    def handler(message: Incoming) -> None:
        handled.append(message.correlation_data or b"")
        if message.correlation_data == b"0":
            intake.offer(handler, msg("b", 1), lambda fn: fn())
            assert handled == [b"0", b"1"]

    intake = FairIntake(lambda *_a: None, sender_of, clock=clock)
    intake.offer(handler, msg("a", 0), lambda fn: fn())
    assert handled == [b"0", b"1"]
    assert intake.backlog() == {}
