"""A hall month for the monthly bulletin (月通报): November 2026 in one data directory.

The queue: ``tests/scenarios/bulletin_month.jsonl`` (five days, three bad reviews worked in the
month) and then ``statistics_day.jsonl`` (Monday 11-23), both by ``hall queue replay
--data-dir``'s own path. Attendance: punches from the punch terminal for every workday through
the real controller (on a FakeBroker; its clock on 2026-12-01, the terminal's outbox sending
the month), a few late, early and missing, and two write-offs approved; four patrol findings
recorded in the last week.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zoneinfo
from pathlib import Path
from typing import Any

from bus import topics
from bus.models.base import Reply
from bus.testing import FakeBus
from config.schema import HallConfig
from hall.replay_into import replay_into
from tests.conftest import REPO
from tests.unit.kiosk.conftest import FakeHall

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONTH = "2026-11"
SCRIPTS = (
    REPO / "tests" / "scenarios" / "bulletin_month.jsonl",
    REPO / "tests" / "scenarios" / "statistics_day.jsonl",
)
AFTER = dt.datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
"""The hall's clock when the bulletin is written (the month is over)."""
WORKORDER = "WO-2026-11-05/B002"
"""The month's bad review worked to closure (回访核实 属实, 整改, 答复, 办结)."""
LATE = {("S002", 4): "09:12", ("S002", 12): "09:25", ("S006", 17): "09:08", ("S009", 9): "09:31"}
EARLY = {("S004", 6): "16:40", ("S008", 20): "16:15"}
ABSENT = {("S011", 24)}
MISSED_SIGN_OUT = ("S010", 10)
SICK = ("S004", 19)
FINDINGS = (
    (25, "10:05", dict(category="on_duty", window="W03", note="10:05 巡查时3号窗口空岗约10分钟")),
    (25, "10:20", dict(category="dress_badge", staff="S008", note="未佩戴工牌")),
    (26, "15:10", dict(category="on_duty", window="W07", note="窗口人员串岗聊天")),
    (27, "09:40", dict(category="self_service_devices", window="W10", note="自助填单机触屏失灵")),
)
"""The patrol's rounds of the last week (巡查记录), recorded on their days by the hall clock."""


def _at(day: int, clock: str) -> dt.datetime:
    h, m = (int(x) for x in clock.split(":"))
    return dt.datetime(2026, 11, day, h, m, tzinfo=SHANGHAI)


def _send(h: FakeHall, bus: FakeBus, area: str, verb: str, **fields: Any) -> dict[str, Any]:
    h.ticks.advance(1.0)
    payload = {"v": 1, "id": uuid.uuid4().hex, **fields}
    fut = bus.request(topics.command(h.hall.hall_id, bus.node, area, verb), payload)
    reply = Reply.model_validate_json(fut.result(0).payload)
    assert reply.ok, (area, verb, fields, reply.error)
    return reply.result.model_dump(mode="json") if reply.result else {}


def fill_month(hall: HallConfig, data_dir: Path) -> None:
    """Replay the month's queue into ``data_dir`` and punch its attendance."""
    for script in SCRIPTS:
        replay_into(hall, data_dir, script.read_text().splitlines(), io.StringIO(), io.StringIO())
    h = FakeHall(hall, data_dir, start=_at(*FINDINGS[0][:2]))
    # The intake's rate limit on its own clock: the outbox sends a punch a second, not 450 at once.
    h.controller.intake.clock = h.ticks
    try:
        for day, clock, fields in FINDINGS:
            h.at(_at(day, clock))
            _send(h, h.staff, "patrol", "record", **fields)
        h.at(AFTER)
        terminal = h.broker.client(hall.hall_id, "terminal-1", role="terminal")
        terminal.start()
        for day in range(1, 31):
            if dt.date(2026, 11, day).isoweekday() > 5:  # no holiday or 调休 in November 2026
                continue
            for member in hall.staff:
                key = (member.id, day)
                if key in ABSENT or key == (SICK[0], SICK[1]):
                    continue
                clocks = [LATE.get(key, "08:52"), EARLY.get(key, "17:05")]
                if key == MISSED_SIGN_OUT:
                    clocks.pop()
                for clock in clocks:
                    _send(h, terminal, "att", "punch", staff_id=member.id, source="face",
                          time=_at(day, clock).isoformat(), device="terminal-1")  # fmt: skip
        both, centre = ("chief_representative", "hall_centre"), ("hall_centre",)
        requests = [
            (both, dict(staff_id=SICK[0], kind="sick", start=_at(SICK[1], "00:00").isoformat(),
                 end=_at(SICK[1], "23:59").isoformat(), reason="发烧就医")),
            (centre, dict(staff_id=MISSED_SIGN_OUT[0], kind="punch_correction",
                 start=_at(MISSED_SIGN_OUT[1], "17:00").isoformat(),
                 end=_at(MISSED_SIGN_OUT[1], "17:00").isoformat(), reason="下班忘记打卡")),
        ]  # fmt: skip
        # The chief representative's step is signed by the department's chief, signed in on the
        # console as themselves (the manager's login does not sign it).
        console = h.broker.client(hall.hall_id, "console", role="console")
        console.start()
        chiefs: set[str] = set()
        for roles, fields in requests:  # a punch correction is the hall centre's alone
            request_id = _send(h, h.staff, "att", "request", **fields)["request_id"]
            for role in roles:
                if role != "chief_representative":
                    _send(h, h.staff, "att", "approve", request_id=request_id, approver_role=role)
                    continue
                department = next(m.department for m in hall.staff if m.id == fields["staff_id"])
                chief = f"chief-{department}"
                if chief not in chiefs:
                    _send(h, h.staff, "users", "add", user=chief, role="chief",
                          department=department, display_name=f"{department} 首席",
                          password="chief-pass-123")  # fmt: skip
                    chiefs.add(chief)
                _send(h, console, "att", "approve", request_id=request_id, acting_user=chief)
    finally:
        h.close()
