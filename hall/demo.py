"""`make demo`: a private Mosquitto, the controller and a simulated hall on one machine.

The hall clock starts at today's opening (``--clock-start``) so the demo shows a working
morning whatever the time is; citizens take tickets at random, windows call, serve,
finish and get rated, and every event is printed on one line until Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr, ValidationError

from bus import topics
from bus.client import SECRET_ENV, PahoBus, secret_file
from bus.core import Incoming
from bus.models.base import Command, Reply
from bus.models.devices import SimPress
from bus.models.events import parse_event
from bus.models.queue import Call, Finish, Issue, Login, Rate
from bus.models.replies import CallResult, IssueResult
from bus.models.state import NodeStatus
from bus.models.views import EvaluatorRating, WindowData, WindowView
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from controller.broker import (
    INSECURE_WARNING,
    dev_broker_user,
    free_port,
    mosquitto_binary,
    write_broker_config,
    write_dev_config,
)
from hall.demo_users import DEMO_PIN, demo_staffing, seed_demo_users

MEAN_ARRIVAL_SECONDS = 4.0
SERVICE_SECONDS = (6.0, 20.0)
IDLE_RETRY_SECONDS = 3.0
RATING_WEIGHTS = {5: 70, 4: 18, 3: 7, 2: 3, 1: 2}
WAITING_AT_OPENING = 12
QUIET_EVENTS = frozenset({"call.empty"})
"""Idle windows asking every few seconds would drown the log."""


@dataclass
class SimWindow:
    window: str
    staff: str | None
    bus: PahoBus
    rater: PahoBus | None = None
    """Who rates at this window without keypads: its evaluator (a caller may not rate)."""
    next_at: float = 0.0
    serving: str | None = None
    finished: str | None = None
    served: list[str] = field(default_factory=list)


class Demo:
    def __init__(
        self,
        hall: HallConfig,
        data_dir: Path,
        rate: float,
        seed: int | None = None,
        screens: bool = False,
        insecure: bool = False,
        clock_start: dt.datetime | None = None,
    ):
        self.hall = hall
        self.clock_start = clock_start
        """Where the hall clock starts instead of today's opening (``hall demo --clock-start``:
        the morning of a slot booked on an earlier run, say; the data directory is kept)."""
        self.data_dir = data_dir.resolve()
        self.rate = max(rate, 0.05)
        self.random = random.Random(seed)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.stop = threading.Event()
        self.screens = screens
        """Also open the hall screen, a kiosk, a display and an evaluator (needs $DISPLAY)."""
        self.tickets_dir = self.data_dir / "tickets"
        """The simulated kiosk printers' PNG previews, ``<tickets>/<kiosk node>/``."""
        self.views: dict[str, WindowData] = {}
        """``state/window/<w>`` as last heard: the demo's staff look at the window display."""
        self.keypads = {
            n.id: d.name for n in hall.nodes for d in n.devices
            if d.kind in ("keypad", "evaluator_keypad") and d.port == "sim"
        }
        """Simulated caller and evaluator keypads (node → device), pressed over MQTT."""
        self.insecure = insecure
        """An anonymous broker without ACLs instead of the hall's generated one."""
        self.credentials: Path | None = None
        """The generated broker's ``<node>.secret`` files (None with ``insecure``)."""
        self.url = ""
        """The demo broker's URL, once started."""
        self.console_url = ""
        """The web console's address, once started (empty for a hall without a console)."""
        self.public_url = ""
        """The citizens' pages (the console's ``--public-listen``) as this machine reaches
        them, under the hall's public_url path: the demo's tickets' QR codes point here."""
        self._pressers: dict[str, PahoBus] = {}
        """Buses by node that press that node's simulated keys (only it may write its
        ``dev/<node>/…``)."""

    # Processes ---------------------------------------------------------------------------

    def _spawn(
        self, name: str, args: list[str], node: str | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a process; as ``node``, it gets that node's secret and no other, the way
        production hands each service its own (``$SERVICEHALL_MQTT_SECRET``)."""
        env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
        if node is not None and self.credentials is not None:
            env[SECRET_ENV] = str(secret_file(self.credentials, node))
        # The child keeps its own copy of the log's descriptor; ours is closed at once.
        with (self.data_dir / "logs" / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(proc)
        return proc

    def _bus(self, node: str, url: str, role: str) -> PahoBus:
        """A client of this process as ``node``, with that node's own secret."""
        return PahoBus(self.hall.hall_id, node, url, role=role, credentials_dir=self.credentials)

    def start_backend(self) -> str:
        (self.data_dir / "logs").mkdir(parents=True, exist_ok=True)
        port = free_port()
        broker_dir = self.data_dir / "broker"
        if self.insecure:
            conf = write_dev_config(broker_dir, port)
        else:
            # The hall's own config, as production runs it: one user per node, the ACLs.
            files = write_broker_config(self.hall, broker_dir, port=port, run_as=dev_broker_user())
            conf, self.credentials = files.config, files.credentials_dir
        self._spawn("mosquitto", [mosquitto_binary(), "-c", str(conf)])
        url = self.url = f"mqtt://127.0.0.1:{port}"
        opening = self.clock_start or self.opening(dt.datetime.now(self.hall.tz))
        hall = [sys.executable, "-m", "hall.cli"]
        config = ["--config", str(self._config_path())]
        self._spawn(
            "controller",
            [*hall, "controller", *config, "--data-dir", str(self.data_dir / "controller"),
             "--broker", url, "--clock-start", opening.isoformat()],
            node="controller",
        )
        # One process for every simulated node: 36 bridge processes would take ~1.5 GB and
        # most of two cores just to start.
        # Each of its nodes connects as its own user, with its own secret.
        creds = [] if self.credentials is None else ["--credentials-dir", str(self.credentials)]
        self._spawn("bridge", [*hall, "bridge", *config, "--all-sim", "--broker", url,
                               "--preview-dir", str(self.tickets_dir), *creds])
        self._start_console(hall, config, url)
        if self.screens:
            self._open_screens(hall, config, url)
        return url

    def _start_console(self, hall: list[str], config: list[str], url: str) -> None:
        """The web console as its own node (its own secret), on a free port of loopback; its
        users are the demo's (``hall/demo_users.py``), checked by the controller."""
        node = next((n.id for n in self.hall.nodes if n.role == "console"), None)
        if node is None:
            return
        listen = f"127.0.0.1:{free_port()}"
        public = f"127.0.0.1:{free_port()}"
        self._spawn("console", [*hall, "console", *config, "--broker", url, "--listen", listen,
                                "--public-listen", public, "--node", node], node=node)
        self.console_url = f"http://{listen}/"
        # What a hall's reverse proxy publishes at public_url is this listener: the demo's
        # own tickets point at it, under the same path (the listener answers below it).
        path = urllib.parse.urlsplit(self.hall.public_url).path.rstrip("/")
        self.public_url = f"http://{public}{path}"
        self.hall = self.hall.model_copy(update={"public_url": self.public_url})

    def _open_screens(self, hall: list[str], config: list[str], url: str) -> None:
        """The front ends as separate windows on this desktop, on the demo's broker."""
        broker = ["--broker", url]
        first = self.hall.windows[0].id
        self._spawn("screen", [*hall, "screen", *config, "--node", "screen-1", *broker,
                               "--size", "1280x720"], node="screen-1")
        self._spawn("kiosk", [*hall, "kiosk", *config, "--node", "kiosk-2", *broker,
                              "--size", "540x960"], node="kiosk-2")
        self._spawn("display", [*hall, "display", *config, "--window", first, *broker,
                                "--size", "640x200"], node=f"display-{first}")
        self._spawn("evaluator", [*hall, "evaluator", *config, "--window", first, *broker,
                                  "--size", "800x500"], node=f"evaluator-{first}")

    def _config_path(self) -> Path:
        from config.loader import HALLS_DIR

        return HALLS_DIR / f"{self.hall.hall_id}.yaml"

    def opening(self, now: dt.datetime) -> dt.datetime:
        """Where the demo's hall clock starts: the opening of the hall day of ``now`` (in hall
        time, not the machine's), or of the next workday when that day is a rest day."""
        from hallqueue.engine.hours import make_ctx
        from workdays.fixed import hall_calendar

        # The calendar the controller starts from (statutory days and the config's dates).
        ctx = make_ctx(self.hall, hall_calendar(self.hall), now)
        return ctx.next_opening(ctx.day - dt.timedelta(days=1))

    def shutdown(self) -> None:
        self.stop.set()
        # The broker goes last: nodes that lose it mid-shutdown wait for it in vain.
        broker, nodes = self.processes[:1], self.processes[1:]
        for group in (nodes, broker):
            for proc in group:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in group:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()

    # The simulated hall ------------------------------------------------------------------

    def run(self, url: str, duration: float | None) -> None:
        # The manager may read the whole hall (and the demo's own log needs no more).
        printer = self._bus(MANAGER_USER, url, role="console")
        printer.subscribe(topics.all_events(self.hall.hall_id), self._print_event)
        printer.subscribe(topics.all_window_states(self.hall.hall_id), self._on_view)
        printer.start()
        kiosk = self._bus(self._party("kiosk-1"), url, role="kiosk")
        kiosk.start()
        if not (printer.wait_connected(10) and kiosk.wait_connected(10)):
            raise RuntimeError(f"the demo broker at {url} did not come up")
        self._wait_for_controller(printer)
        users = seed_demo_users(
            self.hall,
            functools.partial(self._command, printer),
            functools.partial(_command_id, printer),
        )
        print("\n".join(users), flush=True)
        services = [i.code for i in self.hall.items]
        for _ in range(WAITING_AT_OPENING):  # citizens already waiting when the doors open
            self._issue(kiosk, self.random.choice(services))
        windows = self._open_windows(url)
        deadline = None if duration is None else time.monotonic() + duration
        next_arrival = time.monotonic()
        try:
            while not self.stop.is_set() and (deadline is None or time.monotonic() < deadline):
                now = time.monotonic()
                if now >= next_arrival:
                    self._issue(kiosk, self.random.choice(services),
                                priority=self.random.random() < 0.05)
                    next_arrival = now + self.random.expovariate(self.rate / MEAN_ARRIVAL_SECONDS)
                for w in windows:
                    if now >= w.next_at:
                        self._step(w, now)
                self.stop.wait(0.2)
        finally:
            raters = [w.rater for w in windows if w.rater is not None]
            buses = [kiosk, printer, *(w.bus for w in windows), *raters, *self._pressers.values()]
            for bus in {id(b): b for b in buses}.values():
                bus.stop()

    def _party(self, node: str) -> str:
        """The identity a simulated party sends as: the node of the hall config, or the
        manager for a hall whose config names no such node (the controller takes the sender
        from the topic and refuses an unknown node)."""
        return node if self.hall.node(node) is not None else MANAGER_USER

    def _wait_for_controller(self, bus: PahoBus) -> None:
        online = threading.Event()

        def status(message: Incoming) -> None:
            try:
                status = NodeStatus.model_validate_json(message.payload)
            except ValidationError:
                return
            if status.state == "online":
                online.set()

        bus.subscribe(topics.node_status(self.hall.hall_id, "controller"), status)
        if not online.wait(30):
            raise RuntimeError("the controller did not come online; see its log")

    def _open_windows(self, url: str) -> list[SimWindow]:
        """One simulated staff member signs in at each window and works it; a window left
        without one (more windows than staff) stays unstaffed: it may not call (Q5). They
        sign in as the caller keypad does: 工号 and their demo user's PIN."""
        windows = []
        for window, member in demo_staffing(self.hall):
            caller = self._party(f"caller-{window}")
            bus = self._bus(caller, url, role="caller")
            bus.start()
            bus.wait_connected(10)
            rater = None
            if f"caller-{window}" not in self.keypads:
                evaluator = self._party(f"evaluator-{window}")
                rater = bus
                if evaluator != caller:
                    rater = self._bus(evaluator, url, role="evaluator")
                    rater.start()
                    rater.wait_connected(10)
            sim = SimWindow(window, member.id, bus, rater, next_at=self.random.uniform(0, 3))
            number = member.staff_number or member.id
            login = Login(id=_command_id(bus), window=window, staff_number=number,
                          pin=SecretStr(DEMO_PIN))  # fmt: skip
            self._command(bus, login)
            windows.append(sim)
        return windows

    def _issue(self, kiosk: PahoBus, service: str, priority: bool = False) -> None:
        """A citizen takes a ticket at kiosk-1; its printer prints it (a PNG preview)."""
        from kiosk.model_kiosk import ticket_job

        issue = Issue(id=_command_id(kiosk), service=service, priority=priority, node=kiosk.node)
        reply = self._command(kiosk, issue)
        if reply is None or not reply.ok:
            return
        try:
            ticket = reply.result_as(IssueResult)
        except ValidationError:
            return
        job = ticket_job(self.hall, ticket)
        kiosk.publish(topics.device(self.hall.hall_id, kiosk.node, "printer", "print"), job)

    def _on_view(self, message: Incoming) -> None:
        try:
            view = WindowView.model_validate_json(message.payload)
        except ValidationError:
            return
        self.views[message.topic.rsplit("/", 1)[-1]] = view.data

    def _press(self, bus: PahoBus, node: str, press: SimPress) -> None:
        """Press a key of a simulated keypad: the bridge turns it into the queue command.

        Sent as ``node`` (``bus`` when it is that node's): only a node may write its own
        ``dev/<node>/…``, so the demo's citizen presses the evaluator's keys as the evaluator.
        """
        if bus.node != node:
            presser = self._pressers.get(node)
            if presser is None:
                presser = self._pressers[node] = self._bus(node, self.url, role="sim")
                presser.start()
                presser.wait_connected(10)
            bus = presser
        topic = topics.device(self.hall.hall_id, node, self.keypads[node], "press")
        bus.publish(topic, press)

    def _step(self, w: SimWindow, now: float) -> None:
        if f"caller-{w.window}" in self.keypads:
            self._step_by_keys(w, now)
            return
        if w.serving is not None:
            reply = self._command(w.bus, Finish(id=_command_id(w.bus), window=w.window))
            ok = reply is not None and reply.ok
            w.finished, w.serving = (w.serving, None) if ok else (None, None)
            if w.finished and self.random.random() < 0.85:
                level = self.random.choices(list(RATING_WEIGHTS), list(RATING_WEIGHTS.values()))[0]
                rater = w.rater or w.bus
                rate = Rate(id=_command_id(rater), window=w.window, level=level, ticket=w.finished)
                self._command(rater, rate)
            w.next_at = now + 1.0 / self.rate
            return
        reply = self._command(w.bus, Call(id=_command_id(w.bus), window=w.window))
        ticket = _called_ticket(reply)
        if ticket is not None:
            w.serving = ticket
            w.next_at = now + self.random.uniform(*SERVICE_SECONDS) / self.rate
        else:
            w.next_at = now + IDLE_RETRY_SECONDS / self.rate

    def _step_by_keys(self, w: SimWindow, now: float) -> None:
        """Staff press 叫号 and 办结 on the caller keypad, citizens a key on the evaluator."""
        view = self.views.get(w.window)
        current = view.current.ticket if view is not None and view.current is not None else None
        rating = view.evaluator if view is not None else None
        if current is not None:
            if w.serving != current:  # just called: serve for a while
                w.serving = current
                w.next_at = now + self.random.uniform(*SERVICE_SECONDS) / self.rate
                return
            self._press(w.bus, f"caller-{w.window}", SimPress(key="finish"))
            w.serving = None
            w.next_at = now + 1.0 / self.rate
            return
        evaluator = f"evaluator-{w.window}"
        if isinstance(rating, EvaluatorRating) and rating.ticket != w.finished:
            w.finished = rating.ticket
            if evaluator in self.keypads and self.random.random() < 0.85:
                level = self.random.choices(list(RATING_WEIGHTS), list(RATING_WEIGHTS.values()))[0]
                self._press(w.bus, evaluator, SimPress(rating=level))
            w.next_at = now + 1.0 / self.rate
            return
        self._press(w.bus, f"caller-{w.window}", SimPress(key="next"))
        w.next_at = now + IDLE_RETRY_SECONDS / self.rate

    def _command(self, bus: PahoBus, command: Command) -> Reply | None:
        """Send ``command`` (built with ``_command_id(bus)``) as ``bus``'s node; its reply."""
        try:
            topic = topics.command(self.hall.hall_id, bus.node, command.area, command.verb)
            reply = bus.request(topic, command, 10)
            return Reply.model_validate_json(reply.result(11).payload)
        except Exception as exc:  # the demo goes on; the controller log says why
            print(f"  ! {bus.node} {command.verb}: {exc}", flush=True)
            return None

    def _print_event(self, message: Incoming) -> None:
        try:
            event = parse_event(message.payload)
        except ValidationError:
            return
        if event.event in QUIET_EVENTS:
            return
        data = event.data.model_dump(mode="json")
        at = event.at.isoformat()[11:19]
        keys = ("ticket", "service", "window", "ahead", "level", "due", "notice_id", "reason")
        parts = [f"{k}={data[k]}" for k in keys if k in data]
        print(f"{at} {event.event:<22} {' '.join(parts)}", flush=True)


def _command_id(bus: PahoBus) -> str:
    """A fresh id for a command the demo sends as ``bus``'s node."""
    return f"{bus.node}-{uuid.uuid4().hex[:12]}"


def _called_ticket(reply: Reply | None) -> str | None:
    """The ticket a ``queue/call`` reply called, or None (nobody waiting, or refused)."""
    if reply is None or not reply.ok:
        return None
    try:
        return reply.result_as(CallResult).ticket
    except ValidationError:
        return None


def watch_command(hall: HallConfig, url: str, credentials: Path | None) -> str:
    """The ``mosquitto_sub`` line that shows the whole bus: as the manager, who may read
    everything, with the password read from its secret file (not printed)."""
    port = url.rsplit(":", 1)[1]
    login = ""
    if credentials is not None:
        secret = shlex.quote(str(secret_file(credentials, MANAGER_USER)))
        login = f" -u {MANAGER_USER} -P $(cat {secret})"
    return f"mosquitto_sub -v -p {port}{login} -t 'hall/{hall.hall_id}/#'"


def run_demo(hall: HallConfig, data_dir: str | Path, rate: float = 1.0,
             duration: float | None = None, screens: bool = False,
             insecure: bool = False, clock_start: dt.datetime | None = None) -> int:
    if screens and not os.environ.get("DISPLAY"):
        print("--with-screens needs a desktop ($DISPLAY is not set); running without them",
              flush=True)
        screens = False
    demo = Demo(hall, Path(data_dir), rate, screens=screens, insecure=insecure,
                clock_start=clock_start)
    signal.signal(signal.SIGTERM, lambda *_: demo.stop.set())
    if insecure:
        print(INSECURE_WARNING, file=sys.stderr, flush=True)
    try:
        url = demo.start_backend()
        print(json.dumps({
            "hall": hall.name,
            "broker": url,
            "credentials": str(demo.credentials) if demo.credentials else "none (--insecure)",
            "data": str(demo.data_dir / "controller"),
            "logs": str(demo.data_dir / "logs"),
            "tickets": str(demo.tickets_dir),
            "watch": watch_command(hall, url, demo.credentials),
            "console": demo.console_url or "none (no console node in the hall config)",
            "public": demo.public_url or "none (no console node in the hall config)",
        }, ensure_ascii=False, indent=2), flush=True)
        if demo.console_url:
            print(f"管理台 / console: {demo.console_url} (登录见下 / logins below)", flush=True)
        if demo.public_url:
            print(f"市民页面 / citizens' pages: {demo.public_url}/ "
                  "(号票二维码指向这里 / the tickets' QR codes point here)", flush=True)
            print(f"网上预约 / booking: {demo.public_url}/book (预约码在取号机签到 / check in "
                  "at the kiosk with the code)", flush=True)
        print("演示大厅已启动，按 Ctrl-C 结束 / demo hall running, Ctrl-C to stop", flush=True)
        demo.run(url, duration)
    except KeyboardInterrupt:
        pass
    finally:
        demo.shutdown()
        print(f"stopped; data kept in {demo.data_dir}", flush=True)
    return 0
