"""The notices page (公告): who may open it, the form's fields by the hall's clock and day,
the list by status, escaping, revoke, and the controller's answers in words."""

from __future__ import annotations

import datetime as dt
import re

from bus import topics
from bus.models.notices import Notice
from bus.models.state import TimeBeacon
from config.schema import HallConfig
from console.commands import Answer
from tests.unit.console.helpers import Console
from tests.viewdata import AT

DRILL = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AT.tzinfo)
"""The hall clock of a drill (``--clock-start``): not the machine's day, nor the console's."""


def _cid(c: Console, path: str = "/notices") -> str:
    match = re.search(r'id="cid" name="cid" value="([0-9a-f]+)"', c.client.get(path).text)
    assert match is not None
    return match.group(1)


def _notice(notice_id: str, text: str, start: dt.datetime, until: dt.datetime | None) -> Notice:
    return Notice(notice_id=notice_id, text=text, targets=["all"], start=start, until=until,
                  priority="normal", created_at=start)


def test_staff_get_403_and_the_manager_the_page(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in()
    assert c.client.get("/notices").status_code == 403
    c2 = Console(hall)
    c2.sign_in("manager", "pw-manager")
    page = c2.client.get("/notices")
    assert page.status_code == 200 and "发布公告" in page.text and "大厅屏预览" in page.text


def test_a_push_is_timed_on_the_hall_day_by_the_beacon(hall: HallConfig) -> None:
    c = Console(hall)
    c.controller.publish(
        topics.time_beacon(hall.hall_id),
        TimeBeacon(now=DRILL, hall_day=DRILL.date(), timezone=hall.timezone),
        retain=True,
    )
    csrf = c.sign_in("manager", "pw-manager")
    assert 'value="2026-03-02"' in c.client.get("/notices").text  # the hall's day, not today
    c.sender.answers["push"] = Answer(True, result={"notice_id": "N0007"})
    form = {"cid": _cid(c), "text": "下午系统维护", "target": ["window:W03", "kiosks"],
            "priority": "high", "until_time": "17:00", "until_date": ""}
    answer = c.client.post("/notices/push", data=form, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200 and "已发布公告 N0007" in answer.text
    area, verb, _id, fields = c.sender.sent[-1]
    assert (area, verb) == ("notice", "push")
    assert fields["targets"] == ["window:W03", "kiosks"] and fields["priority"] == "high"
    assert fields["until"] == "2026-03-02T17:00:00+08:00" and "start" not in fields


def test_a_refusal_is_shown_in_words_and_no_csrf_sends_nothing(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in("manager", "pw-manager")
    cid = _cid(c)
    assert c.client.post("/notices/push", data={"cid": cid, "text": "x"}).status_code == 403
    assert c.sender.sent == []
    c.sender.answers["push"] = Answer(
        False, "invalid", "结束时间须晚于开始时间", "until must be after start"
    )
    answer = c.client.post("/notices/push", data={"cid": cid, "text": "x"},
                           headers={"X-CSRF-Token": csrf})
    assert "未执行：结束时间须晚于开始时间" in answer.text


def test_the_list_is_split_by_status_escaped_and_revocable(hall: HallConfig) -> None:
    c = Console(hall)
    now = c.state.now()
    for n in (
        _notice("N0001", "<script>alert(1)</script>", now - dt.timedelta(hours=1), None),
        _notice("N0002", "下午公告", now + dt.timedelta(hours=2), None),
        _notice("N0003", "已撤回", now - dt.timedelta(hours=2), None),
    ):
        c.controller.publish(topics.notice(hall.hall_id, n.notice_id), n, retain=True)
    c.controller.publish(topics.notice(hall.hall_id, "N0003"), None, retain=True)
    csrf = c.sign_in("manager", "pw-manager")
    page = c.client.get("/notices").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    sections = {m.group(1): m.start() for m in re.finditer(r'data-status="(\w+)"', page)}
    assert list(sections) == ["in_force", "scheduled", "ended"]
    assert sections["in_force"] < page.index("N0001") < sections["scheduled"]
    assert sections["scheduled"] < page.index("N0002") < sections["ended"] < page.index("N0003")
    c.sender.answers["revoke"] = Answer(True, result={"revoked": ["N0001"]})
    answer = c.client.post("/notices/revoke", data={"notice_id": "N0001"},
                           headers={"X-CSRF-Token": csrf})
    assert "已撤回公告 N0001" in answer.text
    assert c.sender.sent[-1][:2] == ("notice", "revoke")
    assert c.sender.sent[-1][3] == {"notice_id": "N0001"}


def test_the_prefilled_dates_alone_are_no_start_or_end(hall: HallConfig) -> None:
    """The form fills both dates with the hall's day: left so, with no times, the notice
    starts now and has no end (not "ends at midnight", which the controller refuses)."""
    c = Console(hall)
    csrf = c.sign_in("manager", "pw-manager")
    day = AT.date().isoformat()
    form = {"cid": _cid(c), "text": "今日停车场施工", "start_date": day, "start_time": "",
            "until_date": day, "until_time": ""}
    c.client.post("/notices/push", data=form, headers={"X-CSRF-Token": csrf})
    fields = c.sender.sent[-1][3]
    assert "start" not in fields and "until" not in fields
