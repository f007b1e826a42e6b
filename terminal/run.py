"""``hall terminal``: build the node from the hall config and run it (headless or on screen)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import sdnotify

from attendance.recognition import KeyFileError, Matcher, StoreError, TemplateStore
from attendance.recognition.crypto import load_key_file
from bus.client import BrokerURL, PahoBus, asyncio_deliver
from config.schema import HallConfig
from firmware_bridge.camera import Camera, CameraError, camera_from_spec
from terminal.clock import ClockCheck, wall_now
from terminal.desk import PunchResult
from terminal.faces import FacePipeline
from terminal.node import Notify, TerminalNode
from terminal.options import camera_options, device_of, terminal_node
from terminal.outbox import Outbox
from terminal.sync import TemplateSync
from terminal.view import Listener, ScreenState, TerminalView

log = logging.getLogger("terminal")

@dataclass(frozen=True, slots=True)
class TerminalArgs:
    node: str
    broker_url: str
    outbox: Path
    faces_dir: Path
    transport_key: Path
    camera: str | None
    headless: bool
    secret_file: Path | None = None


def broker_url_with_secret(url: str, node: str, secret_file: Path | None) -> BrokerURL:
    """``url`` with the node's MQTT user and password (from ``--secret``) filled in, as
    ``bus.client.node_credentials`` does for ``$SERVICEHALL_MQTT_SECRET``."""
    parsed = BrokerURL.parse(url)
    if secret_file is None or parsed.username:
        return parsed
    password = secret_file.read_text(encoding="utf-8").strip()
    return replace(parsed, username=node, password=password)


def build_node(hall: HallConfig, args: TerminalArgs, bus: PahoBus, outbox: Outbox) -> TerminalNode:
    node = terminal_node(hall, args.node)
    camera_device = device_of(node, "camera")
    finger_device = device_of(node, "fingerprint")
    options = camera_options(camera_device)
    recognition = options.recognition.settings()

    store = TemplateStore.open(args.faces_dir, create=True)
    sync: TemplateSync | None = None
    try:
        transport_key = load_key_file(args.transport_key)
    except KeyFileError as err:
        log.warning("没有模板传输密钥，不同步人脸模板 / no transport key, no sync: %s", err)
    else:
        sync = TemplateSync(store, transport_key, recognition)
    fixed = Matcher.from_store(store, recognition)

    def matcher() -> Matcher:
        return sync.matcher if sync is not None else fixed

    spec = args.camera or (camera_device.port if camera_device is not None else None)
    camera: Camera | None = None
    pipeline: FacePipeline | None = None
    if spec is not None:
        camera = camera_from_spec(spec, images=options.images, max_width=options.max_width)
        pipeline = FacePipeline.from_matcher(matcher, options.liveness.settings())
    wall, mono = wall_now, time.monotonic  # the system's clocks (tests inject their own)
    return TerminalNode(
        hall,
        args.node,
        bus,
        outbox,
        ClockCheck(wall, mono),
        sync=sync,
        camera=camera,
        pipeline=pipeline,
        fingerprint_device=finger_device.name if finger_device is not None else None,
        view=TerminalView(),
        on_result=_print_result if args.headless else None,
        wall=wall,
        mono=mono,
    )


def _print_result(result: PunchResult) -> None:
    print(result.line(), flush=True)


def run_terminal(hall: HallConfig, args: TerminalArgs) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    loop = asyncio.new_event_loop()
    url = broker_url_with_secret(args.broker_url, args.node, args.secret_file)
    bus = PahoBus(hall.hall_id, args.node, url, role="terminal", deliver=asyncio_deliver(loop))
    outbox = Outbox(args.outbox)
    try:
        node = build_node(hall, args, bus, outbox)
    except (CameraError, StoreError, KeyFileError, ValueError) as err:
        print(f"hall terminal: {err}", file=sys.stderr)
        outbox.close()
        return 2
    stop = asyncio.Event()
    notifier = sdnotify.SystemdNotifier()
    log.info(
        "terminal %s of %s: outbox %s (%d waiting), broker %s",
        args.node,
        hall.hall_id,
        args.outbox,
        outbox.pending_count(),
        url.host,
    )
    try:
        if args.headless:
            asyncio.set_event_loop(loop)
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            node.view.subscribe(_log_prompt_changes())
            node.start(loop)
            bus.start()
            loop.run_until_complete(node.run(stop, notifier.notify))
        else:
            _run_with_screen(hall, node, loop, stop, bus, notifier.notify)
    finally:
        bus.stop()
        outbox.close()
        loop.close()
    return 0


def _log_prompt_changes() -> Listener:
    last: list[str] = [""]

    def listener(state: ScreenState) -> None:
        line = " | ".join(x for x in (state.prompt, state.status_line, state.camera_line) if x)
        if line != last[0]:
            last[0] = line
            log.info("screen: %s", line)

    return listener


def _run_with_screen(
    hall: HallConfig,
    node: TerminalNode,
    loop: asyncio.AbstractEventLoop,
    stop: asyncio.Event,
    bus: PahoBus,
    notify: Notify,
) -> None:
    """Kivy owns the main thread; the node's loop runs beside it."""
    from terminal.screen import run_screen

    def loop_main() -> None:
        asyncio.set_event_loop(loop)
        node.start(loop)
        bus.start()
        loop.run_until_complete(node.run(stop, notify))

    thread = threading.Thread(target=loop_main, name="terminal-loop", daemon=True)
    thread.start()
    try:
        run_screen(hall, node.view)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(20)
