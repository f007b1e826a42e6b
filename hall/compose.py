"""Building the controller (the one place) and running its process: store, bus, services,
loop, systemd notifications."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from pathlib import Path

import sdnotify
from sqlalchemy.engine import Engine

from attendance.service import AttendanceService
from bus.client import PahoBus, asyncio_deliver
from bus.core import Bus
from config.schema import HallConfig
from controller.app import Clock, Controller, hall_clock, run_forever
from controller.audit import AuditService
from controller.devices import DeviceService
from controller.faces import DEFAULT_TRANSPORT_KEY, FaceTemplateService
from controller.notices import NoticeService
from controller.patrol import PatrolService
from controller.users import UsersService
from hallqueue.engine.hours import WorkdayCalendarProtocol, make_ctx
from hallqueue.service import QueueService
from store.calendar_store import HallCalendar
from store.database import open_engine
from store.events import EventFactory
from store.lock import DataDirBusy, hold_data_dir
from store.service import Service

log = logging.getLogger("controller")


def build_controller(
    hall: HallConfig,
    engine: Engine,
    bus: Bus,
    clock: Clock | None = None,
    faces: tuple[Path, Path] | None = None,
    *,
    script_replay: bool = False,
) -> Controller:
    """The hall controller with every service, on a migrated store and a bus not yet started.

    The one place the controller is assembled: the controller process, the demo, the tests,
    the bench and ``hall queue replay --data-dir`` all come through here, so they cannot
    drift apart. ``faces`` is (template store directory, transport key file); without it the
    controller publishes no templates. ``script_replay`` is the replay's reading of RULES §5:
    a window the script never signs in counts as signed in by an unnamed staff member.
    """
    calendar = HallCalendar(hall.attendance)
    with engine.begin() as conn:
        calendar.load(conn)
    events = EventFactory(hall.hall_id)
    queue = QueueService(hall, calendar, events, anonymous_staff_until_logout=script_replay)
    notices = NoticeService(hall, events)
    queue.suspensions.notices = notices  # an approved 业务临时停办 posts its notice (Q10)
    services: list[Service] = [queue, notices]
    if faces is not None:
        services.append(FaceTemplateService(hall, *faces))
    services.append(AttendanceService(hall, calendar, events))
    services.append(UsersService(hall))
    services.append(PatrolService(hall))
    devices = DeviceService(hall)
    services += [AuditService(hall), devices]
    controller = Controller(hall, engine, bus, services, clock)
    devices.watch(bus, engine, controller.clock)
    return controller


def hours_line(hall: HallConfig, calendar: WorkdayCalendarProtocol, now: dt.datetime) -> str:
    """One log line saying whether tickets are issued now, so a closed hall is no surprise."""
    h = hall.hours
    hours = f"{h.open:%H:%M}–{h.last_ticket:%H:%M}"
    ctx = make_ctx(hall, calendar, now)
    issuing = ctx.hall_open_on(ctx.day) and h.open <= ctx.now.time() < h.last_ticket
    state = "取号中 / issuing tickets" if issuing else "未在取号时间 / not issuing tickets now"
    return (
        f"hall time {ctx.now:%Y-%m-%d %H:%M} {hall.timezone}: {state} "
        f"(tickets {hours} on workdays; --clock-start runs a drill at another time)"
    )


def run_controller(
    hall: HallConfig,
    data_dir: str | Path,
    broker_url: str | None,
    db_url: str | None = None,
    clock_start: dt.datetime | None = None,
    faces_dir: Path | None = None,
    transport_key: Path | None = None,
) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        with hold_data_dir(data_dir):
            return _run_controller(
                hall, data_dir, broker_url, db_url, clock_start, faces_dir, transport_key
            )
    except DataDirBusy as exc:
        log.error("%s", exc)
        return 2


def _run_controller(
    hall: HallConfig,
    data_dir: str | Path,
    broker_url: str | None,
    db_url: str | None,
    clock_start: dt.datetime | None,
    faces_dir: Path | None,
    transport_key: Path | None,
) -> int:
    engine = open_engine(data_dir, db_url)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    url = hall.broker_url(broker_url)
    bus = PahoBus(hall.hall_id, "controller", url, role="controller", deliver=asyncio_deliver(loop))
    faces = (faces_dir or Path(data_dir) / "faces", transport_key or DEFAULT_TRANSPORT_KEY)
    controller = build_controller(hall, engine, bus, hall_clock(hall, clock_start), faces)
    controller.start()
    bus.start()
    log.info("controller for %s (%s) on %s, data in %s", hall.name, hall.hall_id, url, data_dir)
    if not bus.url.username:
        log.warning(
            "connecting to %s:%s anonymously (no MQTT user in the URL, no credential found): "
            "any client of this broker may send commands as any node; use the hall's broker "
            "(`hall broker config`) and the controller's secret in production",
            bus.url.host,
            bus.url.port,
        )
    queue = controller.services["queue"]
    assert isinstance(queue, QueueService)
    log.info(hours_line(hall, queue.calendar, controller.clock()))

    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    notifier = sdnotify.SystemdNotifier()
    try:
        loop.run_until_complete(run_forever(controller, stop, notifier.notify))
    finally:
        bus.stop()
        engine.dispose()
        loop.close()
    return 0
