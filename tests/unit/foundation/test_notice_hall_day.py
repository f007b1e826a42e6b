"""Notices timed by the hall's clock and day, not the machine's (Q14).

A controller started with ``--clock-start`` on another day (a drill) runs on that day: a
notice pushed with ``--until 17:00`` ends at 17:00 of the hall's day, and ``notice/list``
says of each notice whether it is in force, scheduled or ended by the hall's clock.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bus.models.base import COMMANDS, Command, Reply
from bus.models.notices import ListNotices, PushNotice, RevokeNotice
from bus.models.replies import NoticeList
from bus.testing import FakeBroker
from config.schema import HallConfig
from controller.app import Controller
from hall.cli import main
from hall.compose import build_controller
from store.database import open_engine

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DRILL = dt.datetime(2026, 11, 24, 9, 30, tzinfo=TZ)
"""A workday that is not today: the hall's day differs from the machine's date."""


@pytest.fixture
def controller(hall: HallConfig, tmp_path: Path) -> Iterator[Controller]:
    broker = FakeBroker()
    bus = broker.client(hall.hall_id, "controller", role="controller")
    engine = open_engine(tmp_path)
    try:
        c = build_controller(hall, engine, bus, lambda: DRILL)
        c.start()
        bus.start()
        yield c
    finally:
        engine.dispose()


def test_the_cli_until_hh_mm_is_on_the_hall_day_by_the_hall_clock(
    controller: Controller, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hall notice push --until 17:00` took the machine's date: on a drill day the notice
    ended (or never started) on the wrong day."""
    assert dt.date.today() != DRILL.date()
    sent: list[Command] = []

    def send(_hall: Any, *args: Any) -> Reply:
        # A built command, or (area, verb, fields) as the tools sent before.
        command = args[0] if isinstance(args[0], Command) else COMMANDS[args[0], args[1]](
            id=f"cli-{len(sent)}", **args[2]
        )
        sent.append(command)
        return controller.execute(command)

    monkeypatch.setattr("bus.remote.send_command", send)
    code = main(["notice", "push", "--text", "今日下午系统维护", "--until", "17:00",
                 "--start", "09:00"])
    assert code == 0, capsys.readouterr().err
    push = sent[0]
    assert isinstance(push, PushNotice) and push.until == dt.time(17, 0)
    listed = controller.execute(ListNotices(id="l1")).result_as(NoticeList).notices
    assert [(n.start, n.until) for n in listed] == [
        (DRILL.replace(hour=9, minute=0), DRILL.replace(hour=17, minute=0))
    ]
    capsys.readouterr()
    assert main(["notice", "list"]) == 0
    out = capsys.readouterr().out
    assert '"status": "in_force"' in out and "生效中 / in force" in out


def test_the_list_says_in_force_scheduled_or_ended_by_the_hall_clock(
    controller: Controller,
) -> None:
    """`hall notice list` showed a notice starting at 14:00 as in force at 09:30."""
    assert controller.execute(PushNotice(id="a", text="在用公告")).ok
    later = PushNotice(id="b", text="下午公告", start=dt.time(14, 0), until=dt.time(17, 0))
    assert controller.execute(later).ok
    assert controller.execute(PushNotice(id="c", text="撤回的公告")).ok
    assert controller.execute(RevokeNotice(id="r", notice_id="N0003")).ok
    listed = controller.execute(ListNotices(id="l")).result_as(NoticeList).notices
    assert [(n.notice_id, n.status, n.status_text) for n in listed] == [
        ("N0001", "in_force", "生效中 / in force"),
        ("N0002", "scheduled", "未开始 / scheduled"),
        ("N0003", "ended", "已结束 / ended"),
    ]
    assert listed[1].start == DRILL.replace(hour=14, minute=0)
