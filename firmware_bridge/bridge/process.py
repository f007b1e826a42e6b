"""``hall bridge``: the firmware bridge process — a node's devices as MQTT endpoints.

    hall bridge --config chengdong --node kiosk-1 [--broker mqtt://host:1883]
    hall bridge --config chengdong --all-sim --broker … --preview-dir /tmp/demo/tickets

Topics, under ``hall/<hall>/dev/<node>/<device>/`` (models in ``bus.models.devices``):

    state   retained DeviceStatus (ok, paper_near_end, paper_out, cover_open, offline, error)
    print   PrintJob in (printer)           result  PrintResult out, once per job_id
    key     KeyEvent out (caller action, or action "rating" with the level)
    scan    ScanEvent out (scanner)         finger  FingerEvent out ({"slot": N | null})
    show    ShowText in (LED display; otherwise it renders ``state/window/<w>``)
    press   SimPress in, ``port: sim`` keypads and scanners only (demo, manual tests)

A caller keypad's key also sends ``cmd/<node>/queue/<verb>`` for the node's window; an evaluator's
rating key sends ``cmd/<node>/queue/rate`` for the ticket the window view offers for rating.

One asyncio loop; each device on its own thread (``bridge.worker``); one ``PahoBus`` per
node with that node's identity, which reconnects by itself. ``--all-sim`` runs every node
whose bridge devices are all simulators in this one process: the demo's 36 nodes would be
36 Python processes otherwise, too heavy for a two-core box. One secret file
($SERVICEHALL_MQTT_SECRET, systemd's credential) names one user: a process of several
nodes takes ``--credentials-dir``, where each node's bus finds ``<node>.secret``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bus.client import PahoBus, asyncio_deliver
from bus.topics import bridge_status_id
from config.schema import HallConfig, Node
from firmware_bridge.bridge.endpoint import Overlay, Timing
from firmware_bridge.bridge.node import Builder, NodeBridge, bridge_devices
from firmware_bridge.registry import build

log = logging.getLogger("firmware_bridge.bridge")

Notify = Callable[[str], None]
PREVIEW_SUBDIR = "print-preview"


class BridgeError(ValueError):
    """The command line or the hall config does not describe a bridge to run."""


def select_nodes(hall: HallConfig, node_ids: Sequence[str], all_sim: bool) -> list[Node]:
    """The nodes to serve: those named, or with ``all_sim`` every all-simulator node."""
    if all_sim:
        nodes = [
            n for n in hall.nodes
            if bridge_devices(n) and all(d.port == "sim" for d in bridge_devices(n))
        ]
        if not nodes:
            raise BridgeError("大厅配置中没有模拟设备 / no node with simulated devices only")
        return nodes
    if not node_ids:
        raise BridgeError("需要 --node 或 --all-sim / give --node NODE or --all-sim")
    nodes = []
    for node_id in node_ids:
        node = hall.node(node_id)
        if node is None:
            with_devices = ", ".join(n.id for n in hall.nodes if bridge_devices(n)) or "none"
            raise BridgeError(
                f"大厅配置中没有节点 {node_id} / node {node_id!r} is not in the hall config "
                f"(nodes with devices: {with_devices})"
            )
        if not bridge_devices(node):
            log.warning("%s: no device the bridge drives (only %s); nothing to do", node_id,
                        ", ".join(d.kind for d in node.devices) or "none")
        nodes.append(node)
    return nodes


def default_preview_dir() -> Path | None:
    """systemd's ``StateDirectory`` when run as a unit; else the devices' own option."""
    state = os.environ.get("STATE_DIRECTORY")
    return Path(state.split(":")[0]) / PREVIEW_SUBDIR if state else None


class BridgeProcess:
    """The bridges of one process on one loop; ``run`` until ``stop`` is set."""

    def __init__(
        self,
        hall: HallConfig,
        nodes: Sequence[Node],
        broker_url: str,
        *,
        preview_dir: Path | None = None,
        timing: Timing | None = None,
        builder: Builder = build,
        credentials_dir: Path | None = None,
    ) -> None:
        self.hall = hall
        self.nodes = list(nodes)
        self.broker_url = broker_url
        self.credentials_dir = credentials_dir
        self.preview_dir = preview_dir
        self.timing = timing or Timing()
        self.builder = builder
        self.bridges: dict[str, NodeBridge] = {}

    def build(self, loop: asyncio.AbstractEventLoop) -> None:
        """Make the buses and devices (nothing opened); config errors raise here."""
        # One overlay per window: its caller keypad's sign-in shows on its display's LED.
        overlays: dict[str, Overlay] = {}
        for node in self.nodes:
            overlay = overlays.setdefault(node.window, Overlay()) if node.window else None
            bus = PahoBus(self.hall.hall_id, node.id, self.broker_url, role=node.role,
                          deliver=asyncio_deliver(loop), status_id=bridge_status_id(node.id),
                          credentials_dir=self.credentials_dir)
            self.bridges[node.id] = NodeBridge(
                self.hall, node, bus, _handoff(loop), preview_dir=self.preview_dir,
                timing=self.timing, build=self.builder, overlay=overlay,
            )

    async def run(self, stop: asyncio.Event, notify: Notify = lambda _state: None) -> None:
        if not self.bridges:
            self.build(asyncio.get_running_loop())
        for bridge in self.bridges.values():
            bridge.start()
            bridge.bus.start()
        devices = sum(len(b.endpoints) for b in self.bridges.values())
        log.info("bridge for %s: %d node(s), %d device(s), broker %s", self.hall.hall_id,
                 len(self.bridges), devices, self.broker_url.rsplit("@", 1)[-1])
        notify("READY=1")
        try:
            while not stop.is_set():
                if all(b.healthy() for b in self.bridges.values()):
                    notify("WATCHDOG=1")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.timing.watchdog_s)
        finally:
            notify("STOPPING=1")
            self.close()

    def close(self) -> None:
        # Every node's devices first, then the buses: a bus stop can take seconds when the
        # broker went down first (the demo, a hall power cut), and systemd or the demo kill
        # the process after a grace period; the devices (serial ports, USB, simulators)
        # must be closed by then. Each bus still stops after its devices said ``offline``.
        steps = [(b.node_id, b.stop) for b in self.bridges.values()]
        steps += [(b.node_id, b.bus.stop) for b in self.bridges.values()]
        for node_id, step in steps:
            try:
                step()
            except Exception:  # each shutdown step in its own try (STYLE 7)
                log.exception("%s: shutdown step failed", node_id)


def _handoff(loop: asyncio.AbstractEventLoop) -> Callable[[Callable[[], None]], None]:
    def handoff(fn: Callable[[], None]) -> None:
        try:
            loop.call_soon_threadsafe(fn)
        except RuntimeError:  # the loop closed during shutdown: nobody is left to tell
            log.debug("event after the loop closed dropped")

    return handoff


def run_bridge(
    hall: HallConfig,
    node_ids: Sequence[str],
    broker_url: str,
    *,
    all_sim: bool = False,
    preview_dir: Path | None = None,
    credentials_dir: Path | None = None,
) -> int:
    import sdnotify

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        nodes = select_nodes(hall, node_ids, all_sim)
    except BridgeError as err:
        print(f"hall bridge: {err}", file=sys.stderr)
        return 2
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    process = BridgeProcess(hall, nodes, broker_url,
                            preview_dir=preview_dir or default_preview_dir(),
                            credentials_dir=credentials_dir)
    try:
        process.build(loop)
    except (KeyError, ValueError, OSError) as err:  # unknown driver, bad options, no pty
        print(f"hall bridge: 设备配置有误 / device config error: {err}", file=sys.stderr)
        loop.close()
        return 2
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    notifier = sdnotify.SystemdNotifier()
    try:
        loop.run_until_complete(process.run(stop, notifier.notify))
    finally:
        loop.close()
    return 0
