"""The controller through a real Mosquitto and a real SQLite: the ticket loop and notices."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bus import topics
from bus.models.base import ResultData
from bus.models.replies import NoticeList
from config.schema import HallConfig
from tests.conftest import Broker
from tests.integration.harness import ControllerThread, ManualClock, Node
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

Running = tuple[ControllerThread, Node]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY_0930 = dt.datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_0930)


@pytest.fixture
def running(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker, clock: ManualClock
) -> Iterator[tuple[ControllerThread, Node]]:
    controller = ControllerThread(hall, tmp_path / "data", mosquitto.url, clock).start()
    node = Node(hall, mosquitto.url)
    yield controller, node
    node.close()
    controller.stop()


@pytest.mark.expect_log("WARNING", r"no statutory calendar for 9999", logger="workdays.calendar")
@pytest.mark.expect_log(
    "WARNING",
    r"/cmd/manager/queue/issue: 命令格式错误 / invalid queue/issue: service",
    logger="controller.app",
)
def test_issue_numbers_follow_and_bad_payloads_get_a_refusal(running: Running) -> None:
    _controller, node = running
    first = node.send("queue", "issue", service="A01")
    assert first.ok and first.result is not None
    assert (
        first.result_as(ResultData).model_dump(mode="json")["ticket"],
        first.result_as(ResultData).model_dump(mode="json")["service"],
        first.result_as(ResultData).model_dump(mode="json")["ahead"],
    ) == (
        "A001",
        "A01",
        0,
    )
    second = node.send("queue", "issue", service="A02")
    assert (
        second.result is not None
        and second.result_as(ResultData).model_dump(mode="json")["ticket"] == "A002"
    )
    assert second.result_as(ResultData).model_dump(mode="json")["ahead"] == 1
    unknown = node.send("queue", "issue", service="X99")
    assert not unknown.ok and unknown.error is not None and unknown.error.code == "unknown_service"
    far = node.send(
        "queue", "book", service="A01", slot="9999-12-31T16:50:00+08:00", mobile="13812345678"
    )
    assert far.error is None or far.error.code != "internal"  # answered, never a crash
    missing = node.send("queue", "issue")
    assert not missing.ok and missing.error is not None and missing.error.code == "invalid"
    assert (
        node.send("queue", "issue", service="A01")
        .result_as(ResultData)
        .model_dump(mode="json")["ticket"]
        == "A003"
    )


@pytest.mark.expect_log(
    "WARNING", r"/cmd/manager/queue/issue: 消息不是有效的 JSON", logger="controller.app"
)
def test_not_json_with_response_topic_is_answered_ok_false(
    running: Running, hall: HallConfig
) -> None:
    _controller, node = running
    topic = topics.command(hall.hall_id, node.bus.node, "queue", "issue")
    reply = node.bus.request(topic, b"this is not json", 10).result(11)
    body = json.loads(reply.payload)
    assert body["ok"] is False and body["error"]["code"] == "bad_json"


def test_resent_command_id_is_applied_once(running: Running) -> None:
    """An outbox resend or a retry after a lost reply must not issue a second ticket."""
    _controller, node = running
    a = node.send("queue", "issue", service="B01", id="kiosk-1-0001")
    b = node.send("queue", "issue", service="B01", id="kiosk-1-0001")
    assert a == b
    assert (
        node.send("queue", "issue", service="B01")
        .result_as(ResultData)
        .model_dump(mode="json")["ticket"]
        == "B002"
    )
    clash = node.send("queue", "call", window="W03", id="kiosk-1-0001")
    assert clash.error is not None and clash.error.code == "id_conflict"


def test_call_publishes_event_and_retained_window_state(running: Running, hall: HallConfig) -> None:
    _controller, node = running
    node.staff_in("W05")
    node.send("queue", "issue", service="C01")
    called = node.send("queue", "call", window="W05")
    assert (
        called.ok
        and called.result is not None
        and called.result_as(ResultData).model_dump(mode="json")["ticket"] == "C001"
    )
    event = node.latest(topics.event(hall.hall_id, "ticket.called"))
    assert event["data"]["ticket"] == "C001" and event["data"]["window"] == "W05"
    node.latest(topics.window_state(hall.hall_id, "W05"), until=lambda v: "C001" in json.dumps(v))
    assert node.send("queue", "finish", window="W05").ok
    empty = node.send("queue", "call", window="W05")
    assert empty.ok and empty.result is not None


def test_retained_state_reaches_a_node_that_starts_late(
    running: Running, hall: HallConfig, mosquitto: Broker
) -> None:
    """A display that reboots gets the current window state from the broker, no polling."""
    _controller, node = running
    node.staff_in("W06")
    node.send("queue", "issue", service="D01")
    node.send("queue", "call", window="W06")
    late = Node(hall, mosquitto.url, node="late-display")
    try:
        window = late.latest(topics.window_state(hall.hall_id, "W06"))
        assert "D001" in json.dumps(window["data"])  # retained: the first message is current
        catalog = late.latest(topics.catalog_state(hall.hall_id))
        assert catalog["data"]
        queue = late.latest(topics.queue_state(hall.hall_id))
        assert queue["data"]
    finally:
        late.close()


def test_notices_push_list_revoke_and_survive_restart(
    hall: HallConfig, tmp_path: Path, mosquitto: Broker, clock: ManualClock
) -> None:
    """Q14: a notice is retained, re-published after a restart, and revoked everywhere."""
    controller = ControllerThread(hall, tmp_path / "data", mosquitto.url, clock).start()
    node = Node(hall, mosquitto.url)
    try:
        pushed = node.send(
            "notice", "push", text="今日下午社保系统升级，暂停办理", targets=["screens", "kiosks"]
        )
        assert pushed.ok and pushed.result is not None
        notice_id = pushed.result_as(ResultData).model_dump(mode="json")["notice_id"]
        retained = node.latest(topics.notice(hall.hall_id, notice_id))
        assert retained["text"] == "今日下午社保系统升级，暂停办理"
        bad = node.send("notice", "push", text="x", targets=["window:W99"])
        assert not bad.ok
        controller.stop()
        # Wipe the broker's copy: the controller alone must bring the notice back.
        node.bus.publish(topics.notice(hall.hall_id, notice_id), None, retain=True)
        controller = ControllerThread(hall, tmp_path / "data", mosquitto.url, clock).start()
        listed = node.send("notice", "list")
        assert [
            n["notice_id"] for n in listed.result_as(ResultData).model_dump(mode="json")["notices"]
        ] == [notice_id]
        restored = node.latest(topics.notice(hall.hall_id, notice_id), until=bool)
        assert restored["text"].startswith("今日")
        assert node.send("notice", "revoke", notice_id=notice_id).ok
        assert node.removed(topics.notice(hall.hall_id, notice_id))
        after = node.send("notice", "list").result_as(NoticeList).notices
        assert [(n.notice_id, n.status) for n in after] == [(notice_id, "ended")]  # today's
    finally:
        node.close()
        controller.stop()


def test_notice_ends_at_its_until_time(
    running: Running, hall: HallConfig, clock: ManualClock
) -> None:
    controller, node = running
    until = (clock.now + dt.timedelta(minutes=30)).isoformat()
    notice_id = (
        node.send("notice", "push", text="窗口调整", until=until)
        .result_as(ResultData)
        .model_dump(mode="json")["notice_id"]
    )
    clock.advance(minutes=31)
    controller.call(controller.controller.tick)
    assert node.removed(topics.notice(hall.hall_id, notice_id))


def test_mosquitto_pub_cli_gets_a_reply(
    running: Running, mosquitto: Broker, hall: HallConfig
) -> None:
    """The checker's path: plain mosquitto_pub -V mqttv5 with a response topic."""
    reply_topic = "hall/chengdong/reply/kiosk-1/x"
    sub = subprocess.Popen(
        [
            "mosquitto_sub",
            "-V",
            "mqttv5",
            "-p",
            str(mosquitto.port),
            "-t",
            reply_topic,
            "-C",
            "1",
            "-W",
            "10",
        ],
        stdout=subprocess.PIPE,
    )
    # mosquitto_sub has subscribed once the broker (run with -v) logs the topic: wait for that.
    wait_until(lambda: reply_topic in mosquitto.log_file.read_text(errors="replace"))
    subprocess.run(
        [
            "mosquitto_pub",
            "-V",
            "mqttv5",
            "-p",
            str(mosquitto.port),
            "-t",
            topics.command("chengdong", "kiosk-1", "queue", "issue"),
            "-D",
            "publish",
            "response-topic",
            reply_topic,
            "-D",
            "publish",
            "correlation-data",
            "c1",
            "-m",
            '{"v":1,"id":"x","service":"A01"}',
        ],
        check=True,
    )
    out, _ = sub.communicate(timeout=15)
    body = json.loads(out)
    assert body == {"v": 1, "id": "x", "ok": True, "result": body["result"], "error": None}
    assert body["result"]["ticket"] == "A001"


def test_rating_goes_to_the_ticket_just_finished_with_the_staff_on_duty(running: Running) -> None:
    """Q6: login puts staff on the window; a rating for another ticket is refused."""
    _controller, node = running
    assert node.send("queue", "login", window="W07", staff="S007").ok
    node.send("queue", "issue", service="E01")
    node.send("queue", "issue", service="E02")
    node.send("queue", "call", window="W07")
    node.send("queue", "finish", window="W07")
    wrong = node.send("queue", "rate", window="W07", level=5, ticket="E002")
    assert not wrong.ok and wrong.error is not None and wrong.error.code == "wrong_ticket"
    rated = node.send("queue", "rate", window="W07", level=2, ticket="E001")
    assert rated.ok, rated
    again = node.send("queue", "rate", window="W07", level=5, ticket="E001")
    assert not again.ok
    workorder = node.latest("hall/chengdong/evt/workorder.created")
    assert workorder["data"]["ticket"] == "E001"


def test_statistics_over_the_bus_and_from_the_data_directory(
    running: Running, tmp_path: Path, clock: ManualClock
) -> None:
    """Q15: issued/served per category and window, waiting time, satisfaction, as JSON and CSV."""
    import subprocess
    import sys

    from tests.conftest import REPO

    _controller, node = running
    node.send("queue", "login", window="W01", staff="S001")
    for _ in range(3):
        node.send("queue", "issue", service="A01")
    clock.advance(minutes=6)
    node.send("queue", "call", window="W01")
    clock.advance(minutes=4)
    node.send("queue", "finish", window="W01")
    node.send("queue", "rate", window="W01", level=5, ticket="A001")
    day = clock.now.date().isoformat()
    reply = node.send("queue", "stats", **{"from": day, "to": day})
    assert reply.ok, reply
    total = reply.result_as(ResultData).model_dump(mode="json")["total"]
    assert total["issued"] == 3 and total["served"] == 1
    assert total["by_window"]["W01"]["served"] == 1
    assert (
        reply.result_as(ResultData).model_dump(mode="json")["review_grades"]["year"]
        == clock.now.year
    )
    csv_file = tmp_path / "stats.csv"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "hall.cli",
            "stats",
            "--data-dir",
            str(tmp_path / "data"),
            "--from",
            day,
            "--to",
            day,
            "--csv",
            str(csv_file),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["total"] == total
    assert "W01" in csv_file.read_text(encoding="utf-8-sig")


def _for_ticket(number: str) -> Callable[[Any], bool]:
    def matches(event: Any) -> bool:
        return bool(event) and event["data"]["ticket"] == number

    return matches


def test_two_verified_bad_reviews_mark_the_staff_unqualified_for_the_year(
    running: Running, clock: ManualClock
) -> None:
    """Q7: two verified bad reviews in a year make the staff member 不合格; any bars 优秀."""
    _controller, node = running
    node.send("queue", "login", window="W03", staff="S003")
    orders = []
    for number in ("B001", "B002"):
        node.send("queue", "issue", service="B01")
        node.send("queue", "call", window="W03")
        node.send("queue", "finish", window="W03")
        assert node.send("queue", "rate", window="W03", level=1, ticket=number).ok
        created = node.latest("hall/chengdong/evt/workorder.created", until=_for_ticket(number))
        orders.append(created["data"]["workorder"])
    day = clock.now.date().isoformat()
    grades = (
        node.send("queue", "stats", **{"from": day, "to": day})
        .result_as(ResultData)
        .model_dump(mode="json")["review_grades"]
    )
    assert grades["staff"]["S003"] == {
        "bad_reviews": 2,
        "verified": 0,
        "unqualified": False,
        "excellent_barred": True,
        "appeals_upheld": 0,
    }
    for order in orders:
        reply = node.send(
            "queue", "update_workorder", workorder=order, step="verify", verified=True
        )
        assert reply.ok, reply
    grades = (
        node.send("queue", "stats", **{"from": day, "to": day})
        .result_as(ResultData)
        .model_dump(mode="json")["review_grades"]
    )
    assert grades["staff"]["S003"]["unqualified"] is True
