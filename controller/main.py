"""Running the controller process: store, bus, services, loop, systemd notifications."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from pathlib import Path

import sdnotify

from bus.client import PahoBus, asyncio_deliver
from config.schema import HallConfig
from controller.app import Controller, hall_clock, run_forever
from controller.calendar_store import HallCalendar
from controller.events import EventFactory
from controller.faces import DEFAULT_TRANSPORT_KEY, FaceTemplateService
from controller.notices import NoticeService
from controller.service import Service
from controller.store import open_engine

log = logging.getLogger("controller")


def build_services(
    hall: HallConfig,
    calendar: HallCalendar,
    events: EventFactory,
    faces: tuple[Path, Path] | None = None,
) -> list[Service]:
    """The controller's services; ``faces`` is (template store dir, transport key file)."""
    from hallqueue.service import QueueService

    services: list[Service] = [QueueService(hall, calendar, events), NoticeService(hall, events)]
    if faces is not None:
        services.append(FaceTemplateService(hall, *faces))
    try:
        from attendance.service import AttendanceService
    except ImportError:  # attendance intake not installed in this build
        return services
    services.append(AttendanceService(hall, calendar, events))
    return services


def hours_line(hall: HallConfig, calendar: HallCalendar, now: dt.datetime) -> str:
    """One log line saying whether tickets are issued now, so a closed hall is no surprise."""
    from hallqueue.engine.hours import make_ctx

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
    engine = open_engine(data_dir, db_url)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    url = hall.broker_url(broker_url)
    bus = PahoBus(hall.hall_id, "controller", url, role="controller", deliver=asyncio_deliver(loop))
    calendar = HallCalendar(hall.attendance)
    with engine.begin() as conn:
        calendar.load(conn)
    events = EventFactory(hall.hall_id)
    faces = (faces_dir or Path(data_dir) / "faces", transport_key or DEFAULT_TRANSPORT_KEY)
    services = build_services(hall, calendar, events, faces)
    controller = Controller(hall, engine, bus, services, hall_clock(hall, clock_start))
    controller.start()
    bus.start()
    log.info("controller for %s (%s) on %s, data in %s", hall.name, hall.hall_id, url, data_dir)
    log.info(hours_line(hall, calendar, controller.clock()))

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
