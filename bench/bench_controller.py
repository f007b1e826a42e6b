"""Commands per second through the controller (SQLite WAL, synchronous=FULL, audit, idempotency)
against the bare engine on the same operations: the price of never losing a ticket."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
import time
import zoneinfo
from pathlib import Path

from bus.models import COMMANDS as MODELS
from bus.models import parse_command
from bus.models.queue import QueueOp
from bus.testing import FakeBroker
from config.loader import load_hall, resolve_hall_path
from hall.compose import build_controller
from hallqueue import engine
from store.database import open_engine
from workdays.calendar import WorkdayCalendar

COMMANDS = 600


def _script() -> list[tuple[str, dict[str, object]]]:
    staff = {"W01": "S001", "W02": "S002", "W09": "S009", "W10": "S010"}
    # Q5: a window calls only while someone is signed in at it: sign in once at the start.
    ops: list[tuple[str, dict[str, object]]] = [
        ("login", {"window": w, "staff": s}) for w, s in staff.items()
    ]
    windows = itertools.cycle(staff)
    for window in itertools.islice(windows, COMMANDS // 3):
        ops += [
            ("issue", {"service": "A01"}),
            ("call", {"window": window}),
            ("finish", {"window": window}),
        ]
    return ops


def main() -> None:
    hall = load_hall(resolve_hall_path("chengdong"))
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    script = _script()

    state = engine.initial_state(hall, start)
    calendar = WorkdayCalendar()
    t0 = time.perf_counter()
    for i, (verb, fields) in enumerate(script):
        op = MODELS[("queue", verb)].model_validate({"id": f"e{i}", **fields})
        assert isinstance(op, QueueOp)
        state = engine.apply(hall, calendar, state, op, start + dt.timedelta(seconds=i)).state
    bare = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        store = open_engine(Path(tmp))
        bus = FakeBroker().client(hall.hall_id, "controller")
        bus.start()
        clock_value = [start]
        controller = build_controller(hall, store, bus, lambda: clock_value[0])
        controller.start()
        t0 = time.perf_counter()
        for i, (verb, fields) in enumerate(script):
            clock_value[0] = start + dt.timedelta(seconds=i)
            payload = (
                f'{{"v":1,"id":"b{i}",' + ",".join(f'"{k}":"{v}"' for k, v in fields.items()) + "}"
            )
            controller.execute(parse_command("queue", verb, payload.encode()))
        stored = time.perf_counter() - t0
        store.dispose()

    print(f"{len(script)} commands: engine {bare * 1000:.0f} ms, controller {stored * 1000:.0f} ms")
    print(
        f"controller: {len(script) / stored:.0f} commands/s "
        f"({stored / len(script) * 1000:.2f} ms each, fsync included)"
    )
    print(f"ratio controller/engine: {stored / bare:.1f}x")
