"""``audit/search`` on a real SQLite store: each filter, the time range in the hall's zone,
paging by cursor, who may ask, and that every filter is answered off an index in order."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig

from bus.models.audit import AuditSearch
from bus.models.replies import AuditSearchResult
from bus.models.users import AddUser
from bus.testing import FakeBroker
from config.schema import HallConfig
from controller.app import Controller
from controller.audit import search, statement
from hall.compose import build_controller
from store import tables
from store.database import MIGRATIONS, open_engine

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def ctl(hall: HallConfig, tmp_path: Path) -> Iterator[tuple[Controller, Clock]]:
    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    engine = open_engine(tmp_path)
    clock = Clock()
    controller = build_controller(hall, engine, bus, clock)
    controller.start()
    bus.start()
    for user, role, extra in (
        ("boss", "manager", {}),
        ("li-audit", "auditor", {}),
        ("chief-sb", "chief", {"department": "shebao"}),
        ("zhang", "staff", {"staff_id": "S001", "windows": ["W01"]}),
    ):
        add = AddUser.model_validate(
            {"id": f"add-{user}", "user": user, "role": role, "password": "pass-word-1", **extra}
        )
        assert controller.execute(add).ok
    for window, staff in (("W01", "S001"), ("W02", "S002"), ("W05", "S005")):
        assert console(controller, "queue", "login", "boss", window=window, staff=staff)
    yield controller, clock
    engine.dispose()


def run(c: Controller, **fields: Any) -> AuditSearchResult:
    reply = c.execute(AuditSearch.model_validate({"id": "q", "acting_user": "boss", **fields}))
    assert reply.ok, reply.error
    return AuditSearchResult.model_validate(reply.result)


def console(c: Controller, area: str, verb: str, user: str, **fields: Any) -> bool:
    """A command from the console as ``user`` (audited with the user and the node)."""
    from bus.models.base import COMMANDS

    global _sent
    _sent += 1
    cmd = COMMANDS[(area, verb)].model_validate(
        {"id": f"{user}-{verb}-{_sent}", "acting_user": user, **fields}
    )
    return c.execute(cmd, "console").ok


_sent = 0


@pytest.mark.expect_log("WARNING", "refused queue/pause .*本人绑定的窗口", logger="controller.app")
def test_each_filter_finds_its_rows_newest_first(ctl: tuple[Controller, Clock]) -> None:
    c, clock = ctl
    assert console(c, "queue", "pause", "boss", window="W01")
    clock.now = NOW + dt.timedelta(minutes=5)
    assert console(c, "queue", "resume", "boss", window="W01")
    assert not console(c, "queue", "pause", "zhang", window="W03")  # not zhang's window
    clock.now = NOW + dt.timedelta(minutes=10)
    assert console(c, "queue", "pause", "zhang", window="W01")
    by_user = run(c, user="zhang").entries
    assert [(e.verb, e.window, e.ok) for e in by_user] == [
        ("pause", "W01", True),
        ("pause", "W03", False),
    ]
    assert all(e.sender == "console" and e.acting_user == "zhang" for e in by_user)
    assert [e.acting_user for e in run(c, window="W01").entries] == [
        "zhang",
        "boss",
        "boss",
        "boss",
    ]
    assert [e.verb for e in run(c, command="queue/resume").entries] == ["resume"]
    refused = run(c, outcome="refused").entries
    assert [(e.acting_user, e.window) for e in refused] == [("zhang", "W03")]
    assert len(run(c, user="boss", window="W01", command="queue/pause").entries) == 1
    assert run(c, user="nobody").entries == ()
    assert run(c, user="zhang").entries[0].at == NOW + dt.timedelta(minutes=10)


def test_the_time_range_is_any_zone_read_as_the_halls(ctl: tuple[Controller, Clock]) -> None:
    c, clock = ctl
    for minutes, verb in ((0, "pause"), (30, "resume"), (60, "pause")):
        clock.now = NOW + dt.timedelta(minutes=minutes)
        assert console(c, "queue", verb, "boss", window="W02")
    # 09:45–10:30 Shanghai, said in UTC: 01:45–02:30Z; ``to`` is excluded.
    got = run(c, window="W02", **{"from": "2026-11-24T01:45:00Z", "to": "2026-11-24T02:30:00Z"})
    assert [e.at for e in got.entries] == [NOW + dt.timedelta(minutes=30)]  # not 10:30
    assert got.entries[0].at.utcoffset() == dt.timedelta(hours=8)
    naive = run(c, window="W02", **{"from": "2026-11-24T09:30:00", "to": "2026-11-24T10:00:00"})
    assert {e.at for e in naive.entries} == {NOW}  # without an offset: the hall's time
    assert [e.verb for e in naive.entries] == ["pause", "login"]


def test_pages_follow_the_cursor_to_the_end_and_ignore_rows_added_since(
    ctl: tuple[Controller, Clock],
) -> None:
    c, clock = ctl
    for n in range(7):
        clock.now = NOW + dt.timedelta(minutes=n // 2)  # two rows a minute: equal times page too
        assert console(c, "queue", ("pause", "resume")[n % 2], "boss", window="W05")
    first = run(c, window="W05", limit=3)
    assert len(first.entries) == 3 and first.next_cursor is not None
    clock.now = NOW + dt.timedelta(hours=1)
    assert console(c, "queue", "resume", "boss", window="W05")
    seen = list(first.entries)
    cursor: str | None = first.next_cursor
    while cursor is not None:
        page = run(c, window="W05", limit=3, cursor=cursor)
        seen += page.entries
        cursor = page.next_cursor
    assert len(seen) == 8  # the sign-in and 7; the row added after the first page is not here
    keys = [(e.at, e.seq) for e in seen]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == 8
    assert run(c, window="W05", limit=9).next_cursor is None
    assert run(c, cursor="999999").entries == ()


@pytest.mark.expect_log("WARNING", "refused audit/search", logger="controller.app")
def test_the_manager_and_the_auditor_search_nobody_else(ctl: tuple[Controller, Clock]) -> None:
    c, _ = ctl
    for user, allowed in (
        ("boss", True),
        ("li-audit", True),
        ("chief-sb", False),
        ("zhang", False),
    ):
        reply = c.execute(AuditSearch(id=f"s-{user}", acting_user=user), "console")
        assert reply.ok is allowed, (user, reply.error)
        if not allowed:
            assert reply.error is not None and reply.error.code == "forbidden"
    assert not c.execute(AuditSearch(id="kiosk"), "kiosk-1").ok  # no node but the console


def plan(engine: sa.Engine, query: AuditSearch, after: Any = None) -> str:
    stmt = statement(query, SHANGHAI, after)
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " | ".join(str(r[-1]) for r in rows)


@pytest.mark.parametrize(
    ("fields", "index"),
    [
        ({"user": "zhang"}, "ix_audit_log_user_at"),
        ({"window": "W01"}, "ix_audit_log_window_at"),
        ({"command": "queue/call"}, "ix_audit_log_command_at"),
        (
            {"from": "2026-11-24T00:00:00+08:00", "to": "2026-11-25T00:00:00+08:00"},
            "ix_audit_log_at",
        ),
        ({"outcome": "refused"}, "ix_audit_log_at"),
        ({}, "ix_audit_log_at"),
        ({"user": "zhang", "from": "2026-11-24T00:00:00+08:00"}, "ix_audit_log_user_at"),
    ],
)
def test_every_filter_reads_an_index_in_the_pages_order(
    ctl: tuple[Controller, Clock], fields: dict[str, Any], index: str
) -> None:
    c, _ = ctl
    with c.engine.begin() as conn:  # a big enough table that the planner prefers the index
        conn.execute(sa.text("ANALYZE"))
    query = AuditSearch.model_validate({"id": "p", **fields})
    for after in (None, type("Row", (), {"at": NOW, "seq": 10})()):
        found = plan(c.engine, query, after)
        assert index in found, found
        assert "TEMP B-TREE" not in found, found  # never sorted: the index is in order


def test_the_migration_fills_the_window_of_the_rows_already_logged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    cfg = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.upgrade(cfg, "0005")
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (at, area, verb, command_id, ok, command, events, sender) "
                "VALUES ('2026-11-24 09:30:00.000000', 'queue', 'call', 'x', 1, "
                "'{\"window\": \"W04\"}', '[]', 'caller-W04')"
            )
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic_command.upgrade(cfg, "head")
    with engine.connect() as conn:
        assert conn.execute(sa.select(tables.audit_log.c.window)).scalar() == "W04"
        found = search(conn, AuditSearch(id="m", window="W04"), SHANGHAI)
    assert [e.sender for e in found.entries] == ["caller-W04"]
    engine.dispose()
