"""The windows page (窗口与事项): who may open it, what it shows from the typed views, the
commands its forms send, a chief's department only, and the controller's answers in words."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bus import topics
from bus.models.views import CatalogView, ClosureBrief, WindowStatus
from config.schema import HallConfig
from console.app import create_app
from console.auth import SignedIn, StaticAuthenticator
from console.commands import Answer
from console.windows import windows_regions
from hallqueue.engine.model import QueueState
from hallqueue.engine.views import catalog_view
from tests.unit.console.helpers import Console
from tests.viewdata import AT

CHIEF = SignedIn("chief-bdc", "chief", "不动产首席", department="budongchan")


def _publish_catalog(c: Console, suspended: str | None = None) -> None:
    data = catalog_view(c.hall, QueueState(day=AT.date()), AT)
    if suspended is not None:
        item = data.items[suspended].model_copy(update={"status": "suspended",
                                                        "notice": "系统升级，暂停办理"})
        data = data.model_copy(update={"items": {**data.items, suspended: item}})
    c.controller.publish(topics.catalog_state(c.hall.hall_id), CatalogView(at=AT, data=data),
                         retain=True)


def test_staff_get_403_and_multi_window_staff_choose_at_caller(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in()
    assert c.client.get("/windows").status_code == 403
    assert c.client.post("/windows/close_window", data={"window": "W03"}).status_code == 403
    chooser = c.client.get("/caller")
    assert chooser.status_code == 200 and 'href="/caller/W03"' in chooser.text
    assert c.sender.sent == []


def test_the_manager_sees_every_window_and_item_with_status_and_caps(hall: HallConfig) -> None:
    c = Console(hall)
    c.publish_window(status=WindowStatus.CLOSED,
                     closure=ClosureBrief(reason="设备检修", until=None))
    _publish_catalog(c, suspended="B01")
    c.sign_in("manager", "pw-manager")
    page = c.client.get("/windows")
    assert page.status_code == 200
    for w in hall.windows:
        assert f'data-window="{w.id}"' in page.text
    for i in hall.items:
        assert f'data-item="{i.code}"' in page.text
    assert "临时关闭" in page.text and "设备检修" in page.text
    assert "临时停办" in page.text and "系统升级，暂停办理" in page.text
    assert "120 / 120" in page.text  # category B's daily cap, nothing issued yet
    assert c.client.get("/caller").status_code == 403  # the chooser is for staff


def test_close_and_suspend_send_the_commands_and_answer_in_words(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in("manager", "pw-manager")
    headers = {"X-CSRF-Token": csrf}
    answer = c.client.post("/windows/close_window", headers=headers,
                           data={"window": "W03", "reason": "设备检修", "until_time": "11:00"})
    assert answer.status_code == 200 and "3号窗口 已临时关闭：设备检修" in answer.text
    area, verb, _id, fields = c.sender.sent[-1]
    assert (area, verb) == ("queue", "close_window")
    assert fields == {"window": "W03", "reason": "设备检修", "until": "2026-11-24T11:00:00+08:00"}
    assert c.sender.acting[-1] == "manager"
    no_reason = c.client.post("/windows/close_window", headers=headers, data={"window": "W03"})
    assert "请填写关闭原因" in no_reason.text and len(c.sender.sent) == 1
    c.sender.answers["suspend"] = Answer(True, result={"service": "B01", "notice": "系统升级"})
    answer = c.client.post("/windows/suspend", headers=headers,
                           data={"service": "B01", "notice": "系统升级"})
    assert "已临时停办：系统升级" in answer.text
    assert c.sender.sent[-1][1:] == ("suspend", c.sender.sent[-1][2],
                                     {"service": "B01", "notice": "系统升级"})
    c.client.post("/windows/unsuspend", headers=headers, data={"service": "B01"})
    c.client.post("/windows/open_window", headers=headers, data={"window": "W03"})
    assert [s[1] for s in c.sender.sent[-2:]] == ["unsuspend", "open_window"]


def test_a_q11_refusal_is_shown_in_the_controllers_words(hall: HallConfig) -> None:
    c = Console(hall)
    csrf = c.sign_in("manager", "pw-manager")
    c.sender.answers["close_window"] = Answer(
        False, "closure_limit", "该部门最多只能关闭 1 个窗口", "at most 1 window of the department"
    )
    answer = c.client.post("/windows/close_window", headers={"X-CSRF-Token": csrf},
                           data={"window": "W04", "reason": "培训"})
    assert "未执行：该部门最多只能关闭 1 个窗口" in answer.text and "refused" in answer.text


def test_without_csrf_nothing_is_sent(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in("manager", "pw-manager")
    response = c.client.post("/windows/close_window", data={"window": "W03", "reason": "x"})
    assert response.status_code == 403 and c.sender.sent == []


def test_a_chief_sees_and_acts_on_their_department_only(hall: HallConfig) -> None:
    c = Console(hall)  # with a chief of 不动产登记 as its one user
    auth = StaticAuthenticator([(CHIEF, "pw-chief")])
    c.app = create_app(c.state, c.sender, auth, sessions=c.sessions, throttle=c.throttle)
    c.client = TestClient(c.app, follow_redirects=False)
    csrf = c.sign_in("chief-bdc", "pw-chief")
    page = c.client.get("/windows")
    assert page.status_code == 200
    assert 'data-window="W03"' in page.text and 'data-window="W04"' in page.text
    assert 'data-window="W01"' not in page.text
    assert 'data-item="B01"' in page.text and 'data-item="A01"' not in page.text
    other = c.client.post("/windows/close_window", headers={"X-CSRF-Token": csrf},
                          data={"window": "W01", "reason": "x"})
    assert other.status_code == 403 and c.sender.sent == []


def test_a_window_closing_reaches_the_open_page_by_sse(hall: HallConfig) -> None:
    c = Console(hall)
    c.sign_in("manager", "pw-manager")
    before = c.state.event_id
    c.publish_window(status=WindowStatus.CLOSED, closure=ClosureBrief(reason="停电", until=None))
    session = c.sessions.get(c.client.cookies.get("hall_session"))
    assert session is not None
    changed = c.state.changes_since(before)
    assert changed is not None
    names = [r.name for r in windows_regions(c.state, session) if r.depends & changed]
    assert names == ["win-W03"]
