"""Identity from the broker, never from the payload: the abuse cases of a node on the hall LAN
with its own real password, against the generated secure broker config and the controller.

Every cross-window, cross-device and reply-steering attempt is refused and changes nothing;
no client but the controller writes ``state/…`` (nor notices, events, the beacon, templates).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import threading
import uuid
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from bus import topics
from bus.client import PahoBus
from bus.core import Incoming
from bus.models.base import Reply
from bus.models.replies import RateResult
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from controller.broker import BrokerFiles, free_port, write_broker_config
from tests.conftest import Broker, start_mosquitto
from tests.integration.harness import ControllerThread, ManualClock, Node, controller_process
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

HALL = "chengdong"
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
REFUSED = r"^refused queue/\w+ \(.*\) from caller-W01: 只能操作本窗口 W01"


class Secured:
    """The generated broker config with a controller on it and the manager watching."""

    def __init__(self, hall: HallConfig, broker: Broker, files: BrokerFiles, tmp: Path) -> None:
        self.hall = hall
        self.broker = broker
        self.files = files
        self.controller = ControllerThread(
            hall, tmp / "data", self.url("controller"), ManualClock(NOW)
        ).start()
        self.watcher = Node(hall, self.url(MANAGER_USER))
        """The manager: reads the whole hall, records every message."""
        self.nodes: dict[str, Sender] = {}

    def secret(self, user: str) -> str:
        return (self.files.credentials_dir / f"{user}.secret").read_text().strip()

    def url(self, user: str) -> str:
        return f"mqtt://{user}:{self.secret(user)}@127.0.0.1:{self.broker.port}"

    def node(self, node: str) -> Sender:
        if node not in self.nodes:
            self.nodes[node] = Sender(self, node)
        return self.nodes[node]

    def manager(self, verb: str, **fields: Any) -> dict[str, Any]:
        reply = self.watcher.send("queue", verb, **fields)
        assert reply.ok, reply.error
        return reply.result.model_dump(mode="json") if reply.result else {}

    def audit(self) -> list[tuple[str | None, str, bool]]:
        import sqlalchemy as sa

        from store import tables

        a = tables.audit_log.c
        with self.controller.engine.connect() as conn:
            rows = conn.execute(sa.select(a.sender, a.verb, a.ok).order_by(a.seq))
            return [(r.sender, r.verb, r.ok) for r in rows]

    def window(self, w: str) -> Any:
        return self.watcher.latest(topics.window_state(HALL, w))["data"]

    def close(self) -> None:
        for sender in self.nodes.values():
            sender.bus.stop()
        self.watcher.close()
        self.controller.stop()


class Sender:
    """One node with its own credentials, sending as itself (its topic, its inbox)."""

    def __init__(self, hall: Secured, node: str) -> None:
        self.node = node
        self.bus = PahoBus(HALL, node, hall.url(node), role="test")
        self.default: list[Incoming] = []
        self._lock = threading.Lock()
        self.bus.subscribe(topics.default_inbox(HALL, node), self._on_default)
        self.bus.start()
        assert self.bus.wait_connected(10)

    def _on_default(self, message: Incoming) -> None:
        with self._lock:
            self.default.append(message)

    def send(self, area: str, verb: str, **fields: Any) -> Reply:
        payload = {"v": 1, "id": f"{self.node}-{uuid.uuid4().hex[:12]}", **fields}
        future = self.bus.request(topics.command(HALL, self.node, area, verb), payload, 10)
        return Reply.model_validate_json(future.result(11).payload)

    def forbidden(self, area: str, verb: str, **fields: Any) -> str:
        reply = self.send(area, verb, **fields)
        assert not reply.ok and reply.error is not None, reply
        assert reply.error.code == "forbidden", reply.error
        return reply.error.message


@pytest.fixture
def secured(hall: HallConfig, tmp_path: Path) -> Iterator[Secured]:
    port = free_port()
    # The test's temporary folders are private to root: keep Mosquitto from dropping to its user.
    run_as = "root" if os.geteuid() == 0 else None
    files = write_broker_config(
        hall, tmp_path / "broker", port=port, persistence=False, run_as=run_as
    )
    broker = start_mosquitto(tmp_path, files.config, port)
    s = Secured(hall, broker, files, tmp_path)
    try:
        yield s
    finally:
        s.close()
        broker.process.terminate()
        broker.process.wait(10)


def _serve_one_at(s: Secured, window: str, staff: str, service: str) -> str:
    """The manager logs staff in, issues, calls and finishes: the window awaits a rating."""
    s.manager("login", window=window, staff=staff)
    ticket = s.manager("issue", service=service)["ticket"]
    s.manager("call", window=window)
    s.manager("finish", window=window)
    s.window(window)  # the watcher has heard the window's state
    return str(ticket)


@pytest.mark.expect_log(
    "WARNING", r"^refused queue/rate \(.*\) from evaluator-W01: 只能操作本窗口 W01"
)
def test_an_evaluator_cannot_rate_another_window(secured: Secured) -> None:
    ticket = _serve_one_at(secured, "W05", "S005", "C01")
    before = secured.window("W05")
    assert before["evaluator"]["ticket"] == ticket
    message = secured.node("evaluator-W01").forbidden("queue", "rate", window="W05", level=1)
    assert message == "只能操作本窗口 W01 / may act only for window W01"
    assert secured.window("W05") == before  # still awaiting its rating: nothing was rated
    # Its own window's evaluator may: the rating (and the work order of a bad one) happen.
    rated = secured.node("evaluator-W05").send("queue", "rate", window="W05", level=1)
    assert rated.ok, rated.error
    assert rated.result_as(RateResult).workorder is not None
    created = topics.event(HALL, "workorder.created")
    wait_until(lambda: secured.watcher.messages(created))
    (opened,) = secured.watcher.messages(created)
    assert json.loads(opened.payload)["data"]["window"] == "W05"
    assert ("evaluator-W01", "rate", False) in secured.audit()
    assert [row for row in secured.audit() if row[1] == "rate" and row[2]] == [
        ("evaluator-W05", "rate", True)
    ]


@pytest.mark.expect_log("WARNING", REFUSED)
@pytest.mark.expect_log(
    "WARNING", r"^refused queue/reactivate \(.*\) from caller-W01: 只能恢复本窗口 W01 所办类别"
)
def test_a_caller_cannot_operate_another_window(secured: Secured) -> None:
    secured.manager("login", window="W05", staff="S005")
    secured.manager("issue", service="C01")
    before = secured.window("W05")
    caller = secured.node("caller-W01")
    for verb, fields in (
        ("call", {}),
        ("pause", {}),
        ("finish", {}),
        ("logout", {}),
        ("login", {"staff": "S001"}),
        ("transfer", {"service": "A01"}),
    ):
        caller.forbidden("queue", verb, window="W05", **fields)
    caller.forbidden("queue", "reactivate", ticket="C001")
    # Its own window it may operate (a login with the staff member's PIN); W05 is as it was.
    _add_staff(secured, "zhang", "S001", "W01")
    assert caller.send("queue", "login", window="W01", staff_number="CD001", pin=PIN).ok
    secured.window("W01")
    assert secured.window("W05") == before
    refused = [row for row in secured.audit() if row[0] == "caller-W01" and not row[2]]
    assert len(refused) == 7


PIN = "482913"


def _add_staff(s: Secured, user: str, staff: str, window: str) -> None:
    fields = {"user": user, "role": "staff", "staff_id": staff, "windows": [window],
              "password": f"{user}-pass-1", "pin": PIN}  # fmt: skip
    reply = s.watcher.send("users", "add", **fields)
    assert reply.ok, reply.error


@pytest.mark.expect_log(
    "WARNING", r"^refused queue/login \(.*\) from caller-W01: 叫号器登录须输入工号和密码"
)
def test_a_caller_cannot_sign_in_anyone_on_its_word_nor_staff_of_another_window(
    secured: Secured,
) -> None:
    """A caller's login without the PIN is refused; with the right PIN of 王芳, who is bound
    to W03, caller-W01 signs nobody in at W01; the window is as it was."""
    _add_staff(secured, "wang", "S003", "W03")
    caller = secured.node("caller-W01")
    before = secured.window("W01")
    bare = caller.send("queue", "login", window="W01", staff="S003")
    assert bare.error is not None and bare.error.code == "pin_required", bare
    other = caller.send("queue", "login", window="W01", staff_number="CD003", pin=PIN)
    assert other.error is not None and other.error.code == "forbidden", other
    assert "不能在窗口 W01 签到" in other.error.message
    assert secured.window("W01") == before and before["staff"] is None
    at_w03 = secured.node("caller-W03").send("queue", "login", window="W03",
                                              staff_number="3", pin=PIN)  # fmt: skip
    assert at_w03.ok, at_w03.error
    assert secured.watcher.latest(topics.window_state(HALL, "W03"),
                                  until=lambda v: v["data"]["staff"] is not None)  # fmt: skip
    assert ("caller-W01", "login", False) in secured.audit()


@pytest.mark.expect_log(
    "WARNING",
    r"^refused message on hall/chengdong/cmd/kiosk-1/queue/issue: response topic "
    r"'hall/chengdong/(state/catalog|dev/kiosk-2/printer/print|cmd/caller-W01/queue/call|"
    r"reply/kiosk-2/s1|node/controller/status)' is not under hall/chengdong/reply/kiosk-1/",
)
def test_a_steered_response_topic_gets_nothing_published_there(secured: Secured) -> None:
    """The issue's repro: mosquitto_pub as kiosk-1 naming state/catalog as response topic."""
    catalog = topics.catalog_state(HALL)
    retained = secured.watcher.latest(catalog)
    assert retained["data"]["categories"]
    kiosk = secured.node("kiosk-1")
    steered = [
        catalog,
        topics.device(HALL, "kiosk-2", "printer", "print"),
        topics.command(HALL, "caller-W01", "queue", "call"),
        topics.reply_inbox(HALL, "kiosk-2", "s1"),
        topics.node_status(HALL, "controller"),
    ]
    heard_before = {t: len(secured.watcher.messages(t)) for t in steered}
    default = topics.default_inbox(HALL, "kiosk-1")
    for n, target in enumerate(steered):
        res = subprocess.run(
            [
                "mosquitto_pub", "-V", "mqttv5", "-p", str(secured.broker.port),
                "-u", "kiosk-1", "-P", secured.secret("kiosk-1"), "-q", "1",
                "-t", topics.command(HALL, "kiosk-1", "queue", "issue"),
                "-D", "publish", "response-topic", target,
                "-D", "publish", "correlation-data", f"c{n}",
                "-m", json.dumps({"v": 1, "id": f"s{n}", "service": "NOPE"}),
            ],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        assert "failed" not in res.stderr  # the broker took the command: the controller refused it
    # Each is answered on the sender's own default inbox (the manager hears those too, after
    # anything the controller published for them), and applied not at all.
    wait_until(lambda: len(secured.watcher.messages(default)) == len(steered))
    wait_until(lambda: len(kiosk.default) == len(steered))
    for answer in kiosk.default:
        body = json.loads(answer.payload)
        assert (body["ok"], body["error"]["code"]) == (False, "bad_response_topic")
    assert {t: len(secured.watcher.messages(t)) for t in steered} == heard_before
    assert secured.audit() == []
    # A kiosk that starts now gets the full catalogue, and kiosk-2 can take a ticket.
    late = subprocess.run(
        [
            "mosquitto_sub", "-V", "mqttv5", "-p", str(secured.broker.port),
            "-u", "kiosk-2", "-P", secured.secret("kiosk-2"), "-t", catalog, "-C", "1", "-W", "10",
        ],
        capture_output=True, text=True, timeout=15, check=True,
    )  # fmt: skip
    assert json.loads(late.stdout)["data"]["categories"] == retained["data"]["categories"]
    assert secured.node("kiosk-2").send("queue", "issue", service="B01").ok


def test_the_old_command_shape_is_refused_by_the_broker_and_does_nothing(
    secured: Secured,
) -> None:
    for user in ("kiosk-1", "caller-W01", MANAGER_USER):
        res = subprocess.run(
            [
                "mosquitto_pub", "-V", "mqttv5", "-p", str(secured.broker.port),
                "-u", user, "-P", secured.secret(user), "-q", "1",
                "-t", f"hall/{HALL}/cmd/queue/issue", "-m", '{"v":1,"id":"old","service":"A01"}',
            ],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        assert "Not authorized" in res.stderr, (user, res.stderr)
    assert secured.audit() == []


@pytest.mark.expect_log(
    "WARNING", r"^refused att/punch \(.*\) from terminal-1: (人工补录|只能记录本终端 terminal-1)"
)
def test_a_terminal_cannot_write_manual_punches_nor_punch_as_another(secured: Secured) -> None:
    terminal = secured.node("terminal-1")
    punch = {"staff_id": "S001", "time": NOW.isoformat()}
    for source, device in (("manual", "manual"), ("face", "manual"), ("manual", "terminal-1")):
        assert "人工补录" in terminal.forbidden(
            "att", "punch", source=source, device=device, **punch
        )
    terminal.forbidden("att", "punch", source="face", device="terminal-2", **punch)
    assert terminal.send("att", "punch", source="face", device="terminal-1", **punch).ok
    manual = secured.watcher.send("att", "punch", source="manual", device="manual", **punch)
    assert manual.ok, manual.error  # the manager's console may


PROTECTED = [
    topics.catalog_state(HALL),
    topics.queue_state(HALL),
    topics.window_state(HALL, "W01"),
    topics.notice(HALL, "N9999"),
    topics.event(HALL, "ticket.called"),
    topics.time_beacon(HALL),
    topics.face_templates(HALL),
    topics.node_status(HALL, "controller"),
    topics.reply_inbox(HALL, "kiosk-2", "x"),
]
"""What only the controller may write."""


def _refused_publishes(port: int, user: str, password: str, targets: list[str]) -> set[str]:
    """The targets the broker refused (PUBACK reason code ≥ 0x80) to ``user``, MQTT 5."""
    codes: dict[int, int] = {}
    done = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.username_pw_set(user, password)

    def on_publish(_c: Any, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        codes[mid] = reason.value
        if len(codes) == len(targets):
            done.set()

    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        # Retained, as a spoofed view would be: a refused one must leave the real one alone.
        spoof = b'{"v":1,"data":{"spoofed":true}}'
        mids = {client.publish(t, spoof, qos=1, retain=True).mid: t for t in targets}
        assert done.wait(10), f"{user}: {len(codes)} of {len(targets)} acknowledged"
    finally:
        client.disconnect()
        client.loop_stop()
    return {mids[mid] for mid, code in codes.items() if code >= 0x80}


def _retained_views(secured: Secured, hall: HallConfig) -> dict[str, Any]:
    """The retained state/catalog, state/queue and state/window/<w> as a new client sees them."""
    wanted = [topics.catalog_state(HALL), topics.queue_state(HALL)] + [
        topics.window_state(HALL, w.id) for w in hall.windows
    ]
    late = Node(hall, secured.url(MANAGER_USER))
    try:
        return {t: late.latest(t) for t in wanted}
    finally:
        late.close()


def test_no_one_but_the_controller_writes_state_notices_events_or_others_replies(
    secured: Secured, hall: HallConfig
) -> None:
    """Every node of the sample hall, each role with its real password, publishes retained
    to every state-like topic (every window's view too): all refused, the views unchanged."""
    port = secured.broker.port
    before = _retained_views(secured, hall)
    users = [n.id for n in hall.nodes if n.role != "controller"] + [MANAGER_USER]
    windows = [topics.window_state(HALL, w.id) for w in hall.windows]
    for user in users:
        targets = [*PROTECTED, *windows, topics.device(HALL, "kiosk-2", "printer", "print")]
        if user == "kiosk-2":
            targets.pop()  # its own printer
        refused = _refused_publishes(port, user, secured.secret(user), targets)
        assert refused == set(targets), (user, set(targets) - refused)
    assert _retained_views(secured, hall) == before
    # The controller writes what it publishes, and nothing a steered reply could aim at.
    controller = secured.secret("controller")
    assert _refused_publishes(port, "controller", controller, PROTECTED) == set()
    steerable = [
        topics.device(HALL, "kiosk-2", "printer", "print"),
        topics.command(HALL, "caller-W01", "queue", "call"),
        topics.node_status(HALL, "kiosk-1"),
        f"hall/{HALL}/anything",
    ]
    assert _refused_publishes(port, "controller", controller, steerable) == set(steerable)


def _controller_log(url: str, tmp_path: Path) -> str:
    """Start `hall controller --broker URL`, wait until it is connected, stop it: its log."""
    log = tmp_path / "controller.log"
    proc = controller_process(tmp_path / "proc-data", url, NOW, log)
    try:
        wait_until(lambda: log.exists() and "controller connected to" in log.read_text())
    finally:
        proc.terminate()
        proc.wait(10)
    return log.read_text(errors="replace")


def test_the_controller_warns_when_it_connects_anonymously(
    tmp_path: Path, mosquitto: Broker
) -> None:
    text = _controller_log(mosquitto.url, tmp_path)
    warnings = [line for line in text.splitlines() if "WARNING" in line and "anonymously" in line]
    assert len(warnings) == 1, text


def test_the_controller_with_its_own_user_does_not_warn(secured: Secured, tmp_path: Path) -> None:
    text = _controller_log(secured.url("controller"), tmp_path)
    assert "anonymously" not in text and "WARNING" not in text, text


@pytest.mark.expect_log(
    "WARNING", r"^refused queue/call \(.*\) from console: 只能操作本人绑定的窗口（W03）"
)
def test_the_console_acts_only_for_its_signed_in_user_at_their_windows(secured: Secured) -> None:
    """With the console node's own password: a staff user bound to W03 may call there; the
    same command naming W05 is refused by the controller, changes nothing, and the audit row
    names the user."""
    users = {
        "user": "wang", "role": "staff", "staff_id": "S003", "windows": ["W03"],
        "password": "wang-pass-1",
    }  # fmt: skip
    assert secured.watcher.send("users", "add", **users).ok
    secured.manager("login", window="W03", staff="S003")
    secured.manager("login", window="W05", staff="S005")
    secured.manager("issue", service="B01")
    secured.manager("issue", service="C01")
    before = secured.window("W05")
    console = secured.node("console")
    message = console.forbidden("queue", "call", window="W05", acting_user="wang")
    assert "只能操作本人绑定的窗口" in message
    assert secured.window("W05") == before
    called = console.send("queue", "call", window="W03", acting_user="wang")
    assert called.ok, called.error
    assert ("console", "call", False) in secured.audit()
    import sqlalchemy as sa

    from store import tables

    a = tables.audit_log.c
    with secured.controller.engine.connect() as conn:
        rows = list(conn.execute(sa.select(a.sender, a.acting_user, a.ok).where(a.verb == "call")))
    assert [(r.sender, r.acting_user, r.ok) for r in rows] == [
        ("console", "wang", False),
        ("console", "wang", True),
    ]
