"""Queue bench: a hall day of 5,000 tickets over 11 windows, through the real engine.

``python -m bench.bench_queue`` (or ``main()``) builds one deterministic day on the sample hall
(daily caps lifted so every ticket is issued): 5,000 tickets from 09:00 to 16:29, one in 20
priority, a backlog that builds up during the day and is called off after hours, with
recalls, skips, transfers and ratings. It replays the day through ``hallqueue.engine.apply``
(what the controller and ``hall queue replay`` run) and, in the same run, through a naive
baseline that keeps the day's tickets in a list and scans all of them for every call and
every ``ahead``. It prints both times and their ratio; the issue asks for "well under a
minute" for the whole replay, which is measured too (JSON lines in, JSON events out).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from dataclasses import dataclass

from bus.models.queue import Call, Issue, Login, QueueOp, Rate, Recall, Skip, Transfer
from config.loader import load_hall, resolve_hall_path
from config.schema import HallConfig
from hallqueue.engine import apply, initial_state
from hallqueue.replay import run
from workdays.fixed import FixedCalendar

TICKETS = 5_000
DAY = dt.date(2026, 11, 23)
SEED = 20261123
# Share of tickets per service (roughly the sample hall's traffic).
SERVICES = {
    "A01": 14,
    "A02": 8,
    "A03": 4,
    "B01": 10,
    "B02": 8,
    "C01": 6,
    "C02": 3,
    "D01": 4,
    "D02": 8,
    "E01": 12,
    "E02": 8,
    "Z01": 15,
}


def bench_hall() -> HallConfig:
    hall = load_hall(resolve_hall_path(None))
    return hall.model_copy(
        update={"categories": [c.model_copy(update={"daily_cap": None}) for c in hall.categories]}
    )


def build_day(hall: HallConfig) -> list[tuple[dt.datetime, QueueOp]]:
    """The day's operations in time order (deterministic), as the commands nodes would send."""
    rng = random.Random(SEED)
    tz = hall.tz
    start = dt.datetime.combine(DAY, dt.time(9, 0), tzinfo=tz)
    step = dt.timedelta(seconds=(7 * 3600 + 29 * 60) / TICKETS)
    windows = [w.id for w in hall.windows]
    services, weights = list(SERVICES), list(SERVICES.values())
    # Q5: a window calls only while someone is signed in at it; everyone signs in at opening.
    ops: list[tuple[dt.datetime, QueueOp]] = [
        (start, Login(window=w, staff=s.id, id=f"l{w}"))
        for w, s in zip(windows, hall.staff, strict=False)
    ]
    calls = 0
    for i in range(TICKETS):
        now = start + i * step
        service = rng.choices(services, weights)[0]
        ops.append((now, Issue(service=service, priority=rng.random() < 0.05, id=f"i{i}")))
        if rng.random() < 0.8:  # the windows fall behind: a backlog builds up
            w = windows[calls % len(windows)]
            calls += 1
            ops.append((now, Call(window=w, id=f"c{i}")))
            r = rng.random()
            if r < 0.03:
                ops.append((now, Recall(window=w, id=f"r{i}")))
            elif r < 0.05:
                ops.append((now, Skip(window=w, id=f"s{i}")))
            elif r < 0.06:
                ops.append((now, Transfer(window=w, service=rng.choice(services), id=f"t{i}")))
            elif r < 0.5:
                level = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
                ops.append((now, Rate(window=w, level=level, id=f"e{i}")))
    later = dt.datetime.combine(DAY, dt.time(16, 30), tzinfo=tz)
    for j in range(TICKETS - calls + len(windows)):  # after hours: serve everyone still waiting
        ops.append(
            (later + dt.timedelta(seconds=j), Call(window=windows[j % len(windows)], id=f"a{j}"))
        )
    return ops


def run_engine(hall: HallConfig, ops: list[tuple[dt.datetime, QueueOp]]) -> tuple[float, int, int]:
    calendar = FixedCalendar()
    state = initial_state(hall, ops[0][0])
    called = events = 0
    t0 = time.perf_counter()
    for now, op in ops:
        out = apply(hall, calendar, state, op, now)
        state = out.state
        events += len(out.events)
        called += sum(e.kind == "ticket.called" for e in out.events)
    return time.perf_counter() - t0, called, events


@dataclass
class _NaiveTicket:
    number: str
    category: str
    tier: int
    issued_at: dt.datetime
    status: str = "waiting"


def run_naive(hall: HallConfig, ops: list[tuple[dt.datetime, QueueOp]]) -> tuple[float, int]:
    """Baseline: the same issue/call order with a list scan over every ticket of the day."""
    tickets: list[_NaiveTicket] = []
    seq: dict[str, int] = {}
    current: dict[str, _NaiveTicket] = {}
    cats = {w.id: set(w.categories) for w in hall.windows}
    green = {w.id for w in hall.windows if w.green_channel}
    item_cat = {i.code: i.category for i in hall.items}
    called = 0
    t0 = time.perf_counter()
    for now, op in ops:
        if isinstance(op, Issue):
            cat = item_cat[op.service]
            seq[cat] = seq.get(cat, 0) + 1
            t = _NaiveTicket(f"{cat}{seq[cat]:03d}", cat, 0 if op.priority else 2, now)
            key = (t.tier, t.issued_at, t.number)
            _ahead = sum(
                1
                for o in tickets
                if o.status == "waiting"
                and o.category == cat
                and (o.tier, o.issued_at, o.number) < key
            )
            tickets.append(t)
        elif isinstance(op, Call):
            if op.window in current:
                current.pop(op.window).status = "done"
            wanted = cats[op.window]
            best = None
            for o in tickets:
                if o.status != "waiting":
                    continue
                if o.category in wanted or (op.window in green and o.tier == 0):
                    k = (o.tier, o.issued_at, o.number)
                    if best is None or k < (best.tier, best.issued_at, best.number):
                        best = o
            if best is not None:
                best.status = "called"
                current[op.window] = best
                called += 1
    return time.perf_counter() - t0, called


def script_line(at: dt.datetime, op: QueueOp) -> str:
    """``op`` as a RULES.md §5 line: its name, the fields it sets (not the envelope), its time."""
    fields = op.model_dump(mode="json", exclude={"v", "id"}, exclude_defaults=True)
    return json.dumps({"op": op.name, **fields, "at": at.isoformat()})


def run_replay(hall: HallConfig, ops: list[tuple[dt.datetime, QueueOp]]) -> tuple[float, int]:
    """The same day as a §5 script through ``hall queue replay``'s code (JSON in, JSON out)."""
    lines = [script_line(at, op) for at, op in ops]
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    replay = run(hall, FixedCalendar(), lines, out, err)
    elapsed = time.perf_counter() - t0
    assert replay.errors == 0, err.getvalue()[:500]
    return elapsed, out.getvalue().count("\n")


def main() -> None:
    hall = bench_hall()
    ops = build_day(hall)
    engine_s, called, events = run_engine(hall, ops)
    naive_s, naive_called = run_naive(hall, ops)
    replay_s, printed = run_replay(hall, ops)
    print(f"queue day: {TICKETS} tickets, {len(hall.windows)} windows, {len(ops)} operations")
    print(
        f"engine (hallqueue.engine.apply): {engine_s:.2f} s, {called} calls, {events} events, "
        f"{engine_s / len(ops) * 1e6:.0f} µs/op"
    )
    print(
        f"naive list-scan call order:      {naive_s:.2f} s, {naive_called} calls "
        "(call order only: no events, history, ratings or copy-on-write state)"
    )
    print(f"full replay (JSON lines in, events out): {replay_s:.2f} s, {printed} lines printed")
    print(
        f"ratio engine / naive: {engine_s / naive_s:.2f}; "
        f"replay share of the one-minute budget: {replay_s / 60:.1%}"
    )


if __name__ == "__main__":
    main()
