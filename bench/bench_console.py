"""Console bench: a staff click to the hall's views and to the manager's live page, and 100 tabs.

``python -m bench bench_console`` (or ``main()``) starts a private Mosquitto, the ``hall
controller`` process on a temporary data dir and the ``hall console`` process, on the
sample hall (``config/halls/chengdong.yaml``), each its own process as systemd runs them.
Its users are added through the controller (``users/add``), as ``hall users add`` does.
This process plays the browsers over real sockets (httpx): a staff member signed in at
W01 and a manager on the live hall (``/hall`` and its ``/hall/events`` stream).

1. The baseline: the raw Mosquitto round trip, publish → receive with paho (MQTT 5, QoS 1,
   as the console and the controller use it; a payload the size of a window view).
2. A staff click (the POST of the caller's F1 call / F7 finish buttons, with the session
   cookie, the CSRF header and the panel's ``cid``, as htmx sends it), alternating call and
   finish on tickets issued beforehand: the time until the retained ``state/window/W01``
   arrives at a subscriber, and until the manager's ``/hall/events`` stream delivers the
   windows region showing it; p50 and p99, in ms and as multiples of the baseline.
3. 100 open tabs of the live hall (page and stream) on the one console process: its RSS
   before and after (``/proc/<pid>/status``), and the time from a click until all 100 have
   the update.

Takes about 50 s on two shared cores; the clients share those cores with the console, the
controller and the broker, so every figure includes some of their own work.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from bus import topics
from bus.client import SECRET_ENV, PahoBus
from bus.core import Incoming
from bus.models.base import Command, Reply
from bus.models.queue import Issue
from bus.models.state import NodeStatus
from bus.models.users import AddUser
from bus.remote import MANAGER_USER
from config.loader import load_hall, resolve_hall_path
from config.schema import HallConfig
from controller.broker import free_port, mosquitto_binary, write_dev_config

REPO = Path(__file__).resolve().parents[1]
HALL_START = dt.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
"""A Tuesday morning: the controller's clock starts here (``--clock-start``) and runs on."""
WINDOW, STAFF, SERVICE = "W01", "S001", "A01"
"""The clicking window (category A has no daily cap), its staff member, the tickets' item."""
PASSWORD = "bench-pass-1"
USERS: tuple[dict[str, Any], ...] = (
    {"user": "manager", "role": "manager", "display_name": "大厅管理员"},
    {"user": "s001", "role": "staff", "staff_id": STAFF, "windows": [WINDOW],
     "display_name": "张敏"},
)  # fmt: skip
ISSUERS = ("kiosk-1", "kiosk-2", MANAGER_USER)
"""Who takes the tickets: the intake allows each sender 20 commands/s after a burst of 40."""
RTT_ROUNDS = 300
CLICKS = 300
"""Part 2: call and finish alternately, so a few hundred clicks need half as many tickets."""
TABS = 100
TAB_CLICKS = 30
"""Part 3: clicks while the 100 tabs are open (each update is rendered once per tab)."""
TICKETS = (CLICKS + TAB_CLICKS) // 2 + 10
WAIT_SECONDS = 10.0
"""How long one arrival may take before the click counts as lost (none should be)."""

_CELL = re.compile(rf'<tr data-window="{WINDOW}">.*?<td class="ticketcell">(.*?)</td>', re.DOTALL)
_CID = re.compile(r'id="cid" name="cid" value="([^"]*)"')
_CSRF = re.compile(r"hx-headers='([^']*)'")
_SSE_URL = re.compile(r'sse-connect="([^"]+)"')


# Arrivals ------------------------------------------------------------------------------


class Arrivals:
    """What one receiver saw, with when (``time.perf_counter``), on the bench's loop."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str | None]] = []
        self._wake = asyncio.Event()

    def add(self, at: float, value: str | None) -> None:
        self.seen.append((at, value))
        self._wake.set()

    async def first(
        self, since: float, want: Callable[[str | None], bool], timeout: float = WAIT_SECONDS
    ) -> tuple[float, str | None] | None:
        """The first arrival at or after ``since`` whose value ``want``s, waiting for it."""
        deadline = time.perf_counter() + timeout
        checked = 0
        while True:
            for at, value in self.seen[checked:]:
                if at >= since and want(value):
                    return at, value
            checked = len(self.seen)
            self._wake.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), left)


def _ticket(cell: str) -> str | None:
    text = html.unescape(cell).strip()
    return None if text in ("", "—") else text


def _serving(ticket: str | None) -> bool:
    return ticket is not None


def _idle(ticket: str | None) -> bool:
    return ticket is None


def _showing(expected: str | None) -> Callable[[str | None], bool]:
    return lambda ticket: ticket == expected


def _pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Figures:
    """Latencies in seconds, by what they measure."""

    rtt: list[float] = field(default_factory=list)
    answer: list[float] = field(default_factory=list)
    retained: list[float] = field(default_factory=list)
    sse: list[float] = field(default_factory=list)
    tab_all: list[float] = field(default_factory=list)
    tab_each: list[float] = field(default_factory=list)
    lost: int = 0
    refused: int = 0
    rss: dict[str, float] = field(default_factory=dict)


# The hall: broker, controller, console ---------------------------------------------------


def _wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Stack:
    """Mosquitto, ``hall controller`` and ``hall console`` as processes, in ``directory``."""

    def __init__(self, hall: HallConfig, directory: Path) -> None:
        self.hall = hall
        self.directory = directory
        self.mqtt_port = free_port()
        self.console_port = free_port()
        self.broker_url = f"mqtt://127.0.0.1:{self.mqtt_port}"
        self.console_url = f"http://127.0.0.1:{self.console_port}"
        self.processes: list[subprocess.Popen[bytes]] = []

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
        with (self.directory / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(proc)
        return proc

    def start(self) -> None:
        # The tests' broker (write_dev_config): anonymous on loopback, MQTT 5, no ACL.
        conf = write_dev_config(self.directory / "broker", self.mqtt_port)
        self._spawn("mosquitto", [mosquitto_binary(), "-c", str(conf)])
        _wait_for_port(self.mqtt_port)
        hall_cli = [sys.executable, "-m", "hall.cli"]
        broker = ["--broker", self.broker_url]
        self._spawn("controller", [
            *hall_cli, "controller", "--config", "chengdong", *broker,
            "--data-dir", str(self.directory / "controller"),
            "--clock-start", HALL_START.isoformat(),
        ])  # fmt: skip
        self.console = self._spawn("console", [
            *hall_cli, "console", "--config", "chengdong", *broker,
            "--listen", f"127.0.0.1:{self.console_port}",
        ])  # fmt: skip
        _wait_for_port(self.console_port)

    def console_rss_mib(self) -> tuple[float, float]:
        """The console process's resident set now and at its peak (VmRSS, VmHWM), in MiB."""
        status = Path(f"/proc/{self.console.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    def stop(self) -> None:
        broker, nodes = self.processes[:1], self.processes[1:]
        for group in (nodes, broker):  # the broker last: nodes must not wait for it in vain
            for proc in group:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in group:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)

    def log_tail(self, name: str, lines: int = 15) -> str:
        path = self.directory / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running(hall: HallConfig) -> Iterator[Stack]:
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        stack = Stack(hall, Path(tmp))
        try:
            stack.start()
            yield stack
        except Exception:
            for name in ("controller", "console"):
                print(f"--- {name} log ---\n{stack.log_tail(name)}", flush=True)
            raise
        finally:
            stack.stop()


def _wait_online(bus: PahoBus, hall: HallConfig, timeout: float = 30.0) -> None:
    online = threading.Event()

    def status(message: Incoming) -> None:
        with contextlib.suppress(ValueError):
            if NodeStatus.model_validate_json(message.payload).state == "online":
                online.set()

    bus.subscribe(topics.node_status(hall.hall_id, "controller"), status)
    if not online.wait(timeout):
        raise RuntimeError("the controller did not come online")


def _ask(bus: PahoBus, command: Command) -> Future[Incoming]:
    topic = topics.command(bus.hall, bus.node, command.area, command.verb)
    return bus.request(topic, command, WAIT_SECONDS)


def prepare_hall(stack: Stack) -> None:
    """The console's users, added through the controller; the tickets the clicks call."""
    hall = stack.hall
    buses = {node: PahoBus(hall.hall_id, node, stack.broker_url, role="bench") for node in ISSUERS}
    for bus in buses.values():
        bus.start()
    try:
        for bus in buses.values():
            if not bus.wait_connected(10):
                raise RuntimeError(f"cannot reach the broker at {stack.broker_url}")
        manager = buses[MANAGER_USER]
        _wait_online(manager, hall)
        for account in USERS:
            reply = Reply.model_validate_json(
                _ask(
                    manager,
                    AddUser.model_validate(
                        {"id": uuid.uuid4().hex, "password": PASSWORD, **account}
                    ),
                )
                .result(WAIT_SECONDS + 1)
                .payload
            )
            if not reply.ok:
                raise RuntimeError(f"users/add {account['user']}: {reply.error}")
        issued = 0
        while issued < TICKETS:
            # Each sender its burst at once; what the intake refuses (rate_limited) again later.
            batch = [
                _ask(bus, Issue(id=uuid.uuid4().hex, service=SERVICE))
                for bus in buses.values()
                for _ in range(min(20, TICKETS - issued))
            ]
            for fut in batch:
                reply = Reply.model_validate_json(fut.result(WAIT_SECONDS + 1).payload)
                if reply.ok:
                    issued += 1
                elif reply.error is None or reply.error.code != "rate_limited":
                    raise RuntimeError(f"queue/issue: {reply.error}")
            if issued < TICKETS:
                time.sleep(0.5)
    finally:
        for bus in buses.values():
            bus.stop()


# The baseline: raw Mosquitto ---------------------------------------------------------------


def _paho(name: str) -> mqtt.Client:
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"bench-{name}-{uuid.uuid4().hex[:8]}",
        protocol=mqtt.MQTTv5,
    )
    return client


def _connect(client: mqtt.Client, port: int) -> None:
    connected = threading.Event()
    client.on_connect = lambda *_a: connected.set()
    client.connect("127.0.0.1", port)
    client.loop_start()
    if not connected.wait(10):
        raise RuntimeError("paho could not connect to the bench broker")


def _subscribe(client: mqtt.Client, topic: str) -> None:
    done = threading.Event()
    client.on_subscribe = lambda *_a: done.set()
    client.subscribe(topic, qos=1)
    if not done.wait(10):
        raise RuntimeError(f"no SUBACK for {topic}")


def raw_round_trips(port: int, payload: bytes, rounds: int) -> list[float]:
    """Publish → receive through Mosquitto with paho (MQTT 5, QoS 1), one at a time; the
    receive time is taken in paho's callback, as the window-state subscriber takes it."""
    topic = f"bench/{uuid.uuid4().hex}/rtt"
    received = threading.Event()
    at = [0.0]
    sub, pub = _paho("rtt-sub"), _paho("rtt-pub")

    def on_message(*_a: Any) -> None:
        at[0] = time.perf_counter()
        received.set()

    sub.on_message = on_message
    _connect(sub, port)
    _subscribe(sub, topic)
    _connect(pub, port)
    out = []
    try:
        for i in range(rounds + 20):
            received.clear()
            t0 = time.perf_counter()
            pub.publish(topic, payload, qos=1)
            if not received.wait(WAIT_SECONDS):
                raise RuntimeError("a raw round trip was lost")
            if i >= 20:  # the first few warm up the connections
                out.append(at[0] - t0)
    finally:
        for client in (sub, pub):
            client.loop_stop()
            client.disconnect()
    return out


class WindowWatcher:
    """A plain paho subscriber to the retained ``state/window/W01``: its current ticket."""

    def __init__(self, hall: HallConfig, port: int, loop: asyncio.AbstractEventLoop) -> None:
        self.arrivals = Arrivals()
        self.payload = b""
        self._loop = loop
        self._client = _paho("window")
        self._client.on_message = self._on_message
        self._topic = topics.window_state(hall.hall_id, WINDOW)
        self._port = port

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        at = time.perf_counter()
        self.payload = bytes(message.payload)
        current = json.loads(message.payload)["data"]["current"]
        ticket = current["ticket"] if current else None
        self._loop.call_soon_threadsafe(self.arrivals.add, at, ticket)

    def start(self) -> None:
        _connect(self._client, self._port)
        _subscribe(self._client, self._topic)

    def stop(self) -> None:
        self._client.loop_stop()
        self._client.disconnect()


# The browsers ------------------------------------------------------------------------------


async def sign_in(client: httpx.AsyncClient, user: str) -> None:
    """The login form as a browser fills it; the controller checks the password."""
    deadline = time.monotonic() + 30
    while True:
        page = await client.get("/login")
        token = page.cookies.get("hall_login") or client.cookies.get("hall_login") or ""
        answer = await client.post(
            "/login",
            data={"csrf": token, "user": user, "password": PASSWORD},
            follow_redirects=False,
        )
        if answer.status_code == 303:
            return
        if time.monotonic() > deadline:  # 503 while the console waits for the controller
            raise RuntimeError(f"sign-in of {user}: {answer.status_code} {answer.text[:200]}")
        await asyncio.sleep(0.2)


class Caller:
    """The soft caller's page of a signed-in staff member: its buttons as htmx posts them."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.cid = ""
        self.headers: dict[str, str] = {}

    async def open(self) -> None:
        page = await self.client.get(f"/caller/{WINDOW}")
        page.raise_for_status()
        csrf = _CSRF.search(page.text)
        cid = _CID.search(page.text)
        if csrf is None or cid is None:
            raise RuntimeError("the caller page has no CSRF header or cid")
        self.cid = cid.group(1)
        self.headers = {
            **json.loads(html.unescape(csrf.group(1))),
            "HX-Request": "true",
            "HX-Current-URL": f"{self.client.base_url}caller/{WINDOW}",
            "HX-Target": "answer",
        }

    async def click(self, verb: str) -> tuple[bool, str]:
        """One button: whether the controller did it, and the answer's text."""
        answer = await self.client.post(
            f"/caller/{WINDOW}/do/{verb}",
            data={"cid": self.cid},
            headers={**self.headers, "HX-Trigger": f"btn-{verb}"},
        )
        cid = _CID.search(answer.text)
        if cid is not None:
            self.cid = cid.group(1)
        return answer.status_code == 200 and 'class="answer ok"' in answer.text, answer.text


class HallTab:
    """One open tab of the live hall: the page, then its SSE stream, read as it arrives.

    Each ``windows`` region the stream delivers is reduced to the ticket it shows at W01."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.arrivals = Arrivals()
        self.open = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        page = await self.client.get("/hall")
        page.raise_for_status()
        found = _SSE_URL.search(page.text)
        if found is None:
            raise RuntimeError("the hall page connects no stream")
        url = html.unescape(found.group(1))
        async with self.client.stream(
            "GET", url, headers={"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        ) as stream:
            stream.raise_for_status()
            self.open.set()
            buffer = b""
            async for chunk in stream.aiter_bytes():
                at = time.perf_counter()
                buffer += chunk
                *messages, buffer = buffer.split(b"\n\n")
                for raw in messages:
                    self._message(at, raw.decode())

    def _message(self, at: float, raw: str) -> None:
        lines = raw.split("\n")
        if "event: windows" not in lines:
            return
        data = "\n".join(line[6:] for line in lines if line.startswith("data: "))
        cell = _CELL.search(data)
        if cell is not None:
            self.arrivals.add(at, _ticket(cell.group(1)))

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                await self.task


def _client(stack: Stack, connections: int = 10) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(
        base_url=stack.console_url, limits=limits, timeout=httpx.Timeout(WAIT_SECONDS)
    )


# The runs ------------------------------------------------------------------------------------


async def clicks(
    caller: Caller,
    watcher: WindowWatcher,
    tabs: list[HallTab],
    count: int,
    figures: Figures,
    *,
    all_tabs: bool,
) -> None:
    """``count`` clicks, call and finish in turn; each waits for the view and every tab."""
    for i in range(count):
        verb = "call" if i % 2 == 0 else "finish"
        t0 = time.perf_counter()
        ok, text = await caller.click(verb)
        answered = time.perf_counter()
        if not ok:
            figures.refused += 1
            print(f"  {verb} refused: {re.sub(r'<[^>]+>', ' ', text).strip()[:120]}")
            continue
        view = await watcher.arrivals.first(t0, _serving if verb == "call" else _idle)
        if view is None:
            figures.lost += 1
            continue
        shown = view[1]  # the ticket called (or None after finish), as every tab must show it
        got = await asyncio.gather(*(t.arrivals.first(t0, _showing(shown)) for t in tabs))
        times = [g[0] - t0 for g in got if g is not None]
        figures.lost += len(tabs) - len(times)
        if not times:
            continue
        if all_tabs:
            figures.tab_each += times
            if len(times) == len(tabs):
                figures.tab_all.append(max(times))
        else:
            figures.answer.append(answered - t0)
            figures.retained.append(view[0] - t0)
            figures.sse.append(times[0])


async def run(stack: Stack, figures: Figures) -> None:
    loop = asyncio.get_running_loop()
    watcher = WindowWatcher(stack.hall, stack.mqtt_port, loop)
    watcher.start()
    staff, manager = _client(stack), _client(stack, TABS + 10)
    try:
        await sign_in(staff, "s001")
        await sign_in(manager, "manager")
        caller = Caller(staff)
        await caller.open()
        ok, text = await caller.click("sign")  # F-key "sign in": queue/login at W01
        if not ok:
            raise RuntimeError(f"sign-in at {WINDOW} refused: {text[:200]}")
        # The baseline, with the whole hall up and idle, a window view's size of payload.
        await asyncio.sleep(0.3)
        payload = watcher.payload or b"x" * 1200
        figures.rtt = await asyncio.to_thread(raw_round_trips, stack.mqtt_port, payload, RTT_ROUNDS)
        print(f"baseline payload: {len(payload)} bytes (the retained state/window/{WINDOW})")

        tab = HallTab(manager)
        tab.start()
        await asyncio.wait_for(tab.open.wait(), WAIT_SECONDS)
        await clicks(caller, watcher, [tab], 4, Figures(), all_tabs=False)  # warm-up
        await clicks(caller, watcher, [tab], CLICKS, figures, all_tabs=False)
        await tab.close()

        await asyncio.sleep(0.5)
        figures.rss["before"] = stack.console_rss_mib()[0]
        tabs = [HallTab(manager) for _ in range(TABS)]
        for t in tabs:
            t.start()
        await asyncio.wait_for(asyncio.gather(*(t.open.wait() for t in tabs)), 30)
        await asyncio.sleep(0.5)
        figures.rss["open"] = stack.console_rss_mib()[0]
        await clicks(caller, watcher, tabs, 2, Figures(), all_tabs=True)  # warm-up
        await clicks(caller, watcher, tabs, TAB_CLICKS, figures, all_tabs=True)
        figures.rss["after"], figures.rss["peak"] = stack.console_rss_mib()
        for t in tabs:
            await t.close()
    finally:
        await staff.aclose()
        await manager.aclose()
        watcher.stop()


def report(figures: Figures) -> None:
    def ms(values: list[float], q: float) -> float:
        return _pct(values, q) * 1000

    base50, base99 = ms(figures.rtt, 0.5), ms(figures.rtt, 0.99)
    print(
        f"baseline raw Mosquitto round trip (paho publish → receive, MQTT 5 QoS 1, "
        f"{len(figures.rtt)} rounds): p50 {base50:.2f} ms, p99 {base99:.2f} ms"
    )

    def line(name: str, values: list[float]) -> None:
        p50, p99 = ms(values, 0.5), ms(values, 0.99)
        print(
            f"  {name:<42} p50 {p50:7.1f} ms ({p50 / base50:5.0f}x)   "
            f"p99 {p99:7.1f} ms ({p99 / base99:5.0f}x)"
        )

    print(
        f"staff click (POST call/finish at {WINDOW}), {len(figures.retained)} clicks, "
        "one tab open; multiples of the baseline's p50 and p99:"
    )
    line("→ the click's answer (POST response)", figures.answer)
    line(f"→ retained state/window/{WINDOW} at a subscriber", figures.retained)
    line("→ the manager's /hall/events windows region", figures.sse)
    sse_gap = statistics.median(b - a for a, b in zip(figures.retained, figures.sse, strict=True))
    print(
        f"  (view → SSE median {sse_gap * 1000:.1f} ms, of which the stream's "
        "coalescing wait is 50 ms: console.sse.COALESCE_SECONDS)"
    )
    rss = figures.rss
    print(
        f"{TABS} open tabs of /hall (page + /hall/events, one manager session) on one "
        f"`hall console` process: RSS {rss['before']:.1f} MiB before, {rss['open']:.1f} MiB "
        f"open, {rss['after']:.1f} MiB after {TAB_CLICKS} updates (peak {rss['peak']:.1f}); "
        f"{(rss['after'] - rss['before']) * 1024 / TABS:.0f} KiB per tab"
    )
    line(f"click → all {TABS} tabs updated ({len(figures.tab_all)} clicks)", figures.tab_all)
    line(f"click → each tab ({len(figures.tab_each)} tab updates)", figures.tab_each)
    print(
        f"  (the p99 of {len(figures.tab_all)} clicks is about their slowest; every update is "
        "rendered once per open stream, one after the other on the console's loop)"
    )
    print(f"arrivals lost: {figures.lost}, clicks refused: {figures.refused}")


def main() -> None:
    hall = load_hall(resolve_hall_path("chengdong"))
    figures = Figures()
    with running(hall) as stack:
        t0 = time.perf_counter()
        prepare_hall(stack)
        print(
            f"hall ready: 2 users, {TICKETS} tickets of {SERVICE} "
            f"({time.perf_counter() - t0:.1f} s)"
        )
        asyncio.run(run(stack, figures))
    report(figures)


if __name__ == "__main__":
    main()
