"""``hall queue replay --data-dir DIR``: a RULES §5 script applied to a hall's own store.

The plain replay runs the engine in memory and forgets the day. With a data directory each
line goes through the hall controller's own command path instead: the controller is built by
``build_controller`` on that directory's store, its clock stands at each line's ``at``, and
each operation is the command model a node would send, given by the ``manager`` user (who may
give every command), through ``Controller.execute``: one transaction per line that stores the
new state, the reply and an audit-log row. A ``tick`` line lets time pass (the controller's
tick). The day is then the hall's like any other: ``hall stats`` and the console's
statistics read it back.

What is printed is what the controller recorded: the events of each line's audit-log row,
those of time passing included (as ``--all-events`` prints them).

The controller process must not be running on the directory (it holds the directory's lock:
``store.lock``), and the store must hold nothing later than the script's first line (a hall
day never goes back).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa

from bus.models.base import Command
from bus.models.queue import Tick
from bus.remote import MANAGER_USER
from bus.testing import FakeBus
from config.schema import HallConfig
from controller.app import Controller
from hall.compose import build_controller
from hallqueue.replay import BookingNames, feed, timed_op
from store import tables
from store.database import open_engine
from store.lock import hold_data_dir


class ScriptClock:
    """The hall clock of a replay: it stands at the line being applied."""

    def __init__(self) -> None:
        self.now: dt.datetime | None = None

    def __call__(self) -> dt.datetime:
        if self.now is None:
            raise RuntimeError("the replay's clock is read before its first line")
        return self.now


class StoreIsLater(RuntimeError):
    """The store already holds the hall's data from after the script's first line."""


@dataclass
class HallReplay:
    """A script being applied through a controller (built on first use, at the first line's
    time)."""

    hall: HallConfig
    engine: sa.Engine
    clock: ScriptClock = field(default_factory=ScriptClock)
    controller: Controller | None = None
    refs: BookingNames = field(default_factory=BookingNames)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    """Part of every command id, so that two replays into one store never share an id."""
    last_at: dt.datetime | None = None
    errors: int = 0
    applied: int = 0
    refused: int = 0
    _seen: int = 0
    """The last audit-log row printed."""

    def printed(self, data: Mapping[str, Any], op_id: str) -> list[dict[str, Any]]:
        """Apply one line through the controller; its audit rows' events, in order."""
        at, op = timed_op(self.hall, data, f"replay-{self.run_id}-{op_id}", self.last_at)
        op = self.refs.resolve(op)
        self.clock.now = at
        controller = self.controller or self._start(at)
        if isinstance(op, Tick):
            controller.tick()
        else:
            assert isinstance(op, Command), f"{op.name} is neither a command nor a tick"
            reply = controller.execute(op, MANAGER_USER)
            if reply.ok:
                self.applied += 1
                result = reply.result
                self.refs.remember(op, result.model_dump() if result is not None else None)
            else:
                self.refused += 1
        self.last_at = at
        return self._recorded()

    def _start(self, at: dt.datetime) -> Controller:
        later = self._latest_write()
        if later is not None and later > at:
            raise StoreIsLater(
                f"数据目录中已有 {later.isoformat()} 的数据，晚于脚本的第一行 {at.isoformat()}："
                f"大厅的日子不能倒退，请回放到新的数据目录 / the store holds data from "
                f"{later.isoformat()}, after the script's first line ({at.isoformat()}): a hall "
                f"day never goes back; replay into a new data directory"
            )
        with self.engine.connect() as conn:
            self._seen = conn.execute(sa.select(sa.func.max(tables.audit_log.c.seq))).scalar() or 0
        # No broker: what the controller publishes goes nowhere (an unstarted bus drops it);
        # the events are read back from the audit log.
        bus = FakeBus(self.hall.hall_id, "controller", role="controller")
        self.controller = build_controller(
            self.hall, self.engine, bus, self.clock, script_replay=True
        )
        self.controller.start()
        return self.controller

    def _latest_write(self) -> dt.datetime | None:
        qr = tables.queue_records
        with self.engine.connect() as conn:
            latest: dt.datetime | None = conn.execute(
                sa.select(sa.func.max(qr.c.updated_at))
            ).scalar()
        if latest is None:
            return None
        if latest.tzinfo is None:  # SQLite keeps no offset: the time as written, the hall's
            latest = latest.replace(tzinfo=self.hall.tz)
        return latest.astimezone(self.hall.tz)

    def _recorded(self) -> list[dict[str, Any]]:
        audit = tables.audit_log.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit.seq, audit.events).where(audit.seq > self._seen).order_by(audit.seq)
            ).all()
        out: list[dict[str, Any]] = []
        for seq, events in rows:
            self._seen = seq
            out.extend(e for e in events or () if isinstance(e, dict))
        return out


def replay_into(
    hall: HallConfig,
    data_dir: str | Path,
    lines: Iterable[str],
    out: TextIO,
    err: TextIO,
    *,
    source: str = "<script>",
) -> HallReplay:
    """Apply ``lines`` to the store in ``data_dir``, holding the directory's lock throughout
    (``store.lock.DataDirBusy`` when a controller runs on it; ``StoreIsLater`` when the store
    is ahead of the script)."""
    with hold_data_dir(data_dir):
        engine = open_engine(data_dir)
        try:
            replay = HallReplay(hall, engine)
            feed(replay, lines, out, err, source)
        finally:
            engine.dispose()
    return replay
