"""The punch terminal node: camera thread, fingerprint events, outbox, sync, one event loop.

Threads (STYLE 8): the camera and the face pipeline run in one thread (blocking reads and
CPU-heavy recognition) and hand each outcome to the asyncio loop with
``call_soon_threadsafe``; bus handlers arrive on the loop through ``asyncio_deliver``.
Everything that touches the outbox, the desk and the view runs on the loop.

Time (STYLE 8): the wall clock, the monotonic clock and the camera thread's pause are
injected, and :meth:`TerminalNode.tick` is one turn of the loop, so a test moves a manual
clock and calls ``tick`` instead of sleeping; ``run`` only calls ``tick`` every
``TICK_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable

from bus import topics
from bus.core import Bus, Incoming
from bus.models.devices import CLOCK_DEVICE, DeviceState, DeviceStatus
from bus.models.state import TimeBeacon
from config.schema import HallConfig
from firmware_bridge.camera import Camera
from terminal.clock import NTP_CACHE_SECONDS, ClockCheck, MonoClock, WallClock, wall_now
from terminal.desk import PunchDesk, PunchResult
from terminal.faces import FaceOutcome, FacePipeline, FaceStatus
from terminal.options import finger_slot
from terminal.outbox import SENT_RETENTION, Outbox, PunchSource
from terminal.sender import REPLY_TIMEOUT_SECONDS, RETRY_SECONDS, OutboxSender
from terminal.sync import TemplateSync
from terminal.view import TerminalView

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
FACE_STALL_SECONDS = 20.0
"""A camera thread silent this long stops the watchdog pings, so systemd restarts us."""
CAMERA_RETRY_SECONDS = 5.0
PRUNE_SECONDS = 24 * 3600.0
FINGER_UNKNOWN = "指纹未识别，请重试 / fingerprint not recognised, try again"
PUNCH_NOT_STORED = "打卡未保存，请联系管理员 / punch NOT stored: tell the hall manager"

Notify = Callable[[str], None]
Pause = Callable[[float], bool]
"""The camera thread's wait: up to the given seconds; True when the node is stopping."""


class TerminalNode:
    """Wires the parts; ``run`` is the node's loop until ``stop`` is set.

    ``wall`` (punch times, pruning) and ``mono`` (cooldown, result display, retries,
    the camera watchdog and frame pacing) default to the system's clocks; ``pause`` is the
    camera thread's wait (default: the node's stop event, so closing ends it at once).
    """

    def __init__(
        self,
        hall: HallConfig,
        node_id: str,
        bus: Bus,
        outbox: Outbox,
        clock: ClockCheck,
        *,
        sync: TemplateSync | None = None,
        camera: Camera | None = None,
        pipeline: FacePipeline | None = None,
        fingerprint_device: str | None = None,
        view: TerminalView | None = None,
        on_result: Callable[[PunchResult], None] | None = None,
        reply_timeout: float = REPLY_TIMEOUT_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        wall: WallClock = wall_now,
        mono: MonoClock = time.monotonic,
        pause: Pause | None = None,
    ) -> None:
        self.hall = hall
        self.node_id = node_id
        self.bus = bus
        self.outbox = outbox
        self.clock = clock
        self.sync = sync
        self.camera = camera
        self.pipeline = pipeline
        self.fingerprint_device = fingerprint_device
        self.view = view or TerminalView()
        self._on_result = on_result
        self._wall = wall
        self._mono = mono
        self._stopping = threading.Event()
        self._pause = pause or self._stopping.wait
        self.desk = PunchDesk(
            hall,
            node_id,
            outbox,
            clock,
            mono=mono,
            wall=wall,
            on_stored=lambda _e: self._stored(),
        )
        self.sender = OutboxSender(
            outbox, bus, timeout=reply_timeout, on_change=self._outbox_changed
        )
        self.retry_seconds = retry_seconds
        self._last_retry = self._last_prune = -math.inf
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain_task: asyncio.Task[None] | None = None
        self._drain_again = False
        self._face_thread: threading.Thread | None = None
        self._face_beat = mono()
        self._camera_fault_told = False
        """The camera fault is in the log already (camera thread only)."""
        self._clock_told: tuple[bool, str] | None = None
        """The clock state last published (None: publish on the next tick)."""

    # Start -------------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Subscribe, start the camera thread; the bus may connect before or after."""
        self._loop = loop
        hall_id = self.hall.hall_id
        self.bus.on_connection(self._on_connection)
        self.bus.subscribe(topics.time_beacon(hall_id), self._on_beacon, qos=0)
        if self.fingerprint_device:
            self.bus.subscribe(
                topics.device(hall_id, self.node_id, self.fingerprint_device, "finger"),
                self._on_finger,
            )
        if self.sync is not None:
            self.sync.attach(self.bus)
        self.view.connection(self.bus.is_connected())
        self._outbox_changed()
        if self.camera is not None and self.pipeline is not None:
            self._face_thread = threading.Thread(
                target=self._face_loop, name="terminal-camera", daemon=True
            )
            self._face_thread.start()

    async def run(self, stop: asyncio.Event, notify: Notify) -> None:
        """``tick`` every ``TICK_SECONDS`` (or ``retry_seconds`` if shorter) until ``stop``."""
        notify("READY=1")
        while not stop.is_set():
            await self.tick(notify)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=min(TICK_SECONDS, self.retry_seconds))
        notify("STOPPING=1")
        await self.close()

    async def tick(self, notify: Notify) -> None:
        """One tick, at the injected clocks' now: results off screen, clock badge, outbox
        prune and retries (each when its interval has passed), the watchdog ping."""
        now = self._mono()
        if self.clock.ntp_due(ahead=NTP_CACHE_SECONDS / 2):
            # timedatectl is a subprocess and a D-Bus call: never on the loop itself.
            # Refreshed well before the cache expires, so that a punch (clock.state()
            # on the loop) never finds it stale and runs timedatectl inline.
            await asyncio.to_thread(self.clock.refresh_ntp)
        self.view.tick(now)
        clock = self.clock.state()
        self.view.clock(clock.reason)
        self._tell_clock(clock.synced, clock.reason)
        if now - self._last_prune >= PRUNE_SECONDS:
            removed = self.outbox.prune_sent(self._wall() - SENT_RETENTION)
            if removed:
                log.info("outbox: forgot %d acknowledged punch(es)", removed)
            self._last_prune = now
        if now - self._last_retry >= self.retry_seconds:
            self.kick()
            self._last_retry = now
        if self.healthy():
            notify("WATCHDOG=1")

    async def close(self) -> None:
        self._stopping.set()
        if self._drain_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain_task
        if self._face_thread is not None:
            await asyncio.to_thread(self._face_thread.join, 10)
        if self.camera is not None:
            try:
                self.camera.close()
            except Exception:  # each shutdown step runs in its own try
                log.warning("closing the camera failed", exc_info=False)

    def healthy(self) -> bool:
        """False when the camera thread hangs (a stuck V4L2 read): let systemd restart us."""
        thread = self._face_thread
        if thread is None or not thread.is_alive():
            return True
        return self._mono() - self._face_beat < FACE_STALL_SECONDS

    # Sending -----------------------------------------------------------------------------

    def kick(self) -> None:
        """Start a send round now, or right after the one running (rounds never overlap)."""
        if self._drain_task is not None and not self._drain_task.done():
            self._drain_again = True
            return
        if not self.bus.is_connected() or self.outbox.pending_count() == 0:
            return
        self._drain_task = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        while True:
            self._drain_again = False
            try:
                report = await self.sender.drain()
            except Exception:  # e.g. the outbox's disk: say so now, punches stay queued
                log.exception("outbox: send round failed; the next round retries")
                return
            if report.stopped:
                log.info(
                    "outbox: %d punch(es) waiting (%s)", self.outbox.pending_count(), report.stopped
                )
            # A reconnect or a new punch during the round asks for another round.
            if not self._drain_again:
                return

    def _stored(self) -> None:
        self._outbox_changed()
        self.kick()

    def _outbox_changed(self) -> None:
        self.view.pending(self.outbox.pending_count())

    # Bus handlers (on the loop) ------------------------------------------------------------

    def _on_connection(self, connected: bool) -> None:
        self.view.connection(connected)
        if connected:
            self._clock_told = None  # a broker that restarted has lost the retained state
            self.kick()

    def _tell_clock(self, synced: bool, reason: str) -> None:
        """The clock's state, retained for the console's live hall (时钟未同步 is an alarm
        there), whenever it changes and after every reconnect."""
        if (synced, reason) == self._clock_told or not self.bus.is_connected():
            return
        status = DeviceStatus(
            state=DeviceState.OK if synced else DeviceState.UNSYNCED,
            detail=reason,
            since=self._wall(),
        )
        topic = topics.device(self.hall.hall_id, self.node_id, CLOCK_DEVICE, "state")
        self.bus.publish(topic, status, retain=True)
        self._clock_told = (synced, reason)

    def _on_beacon(self, message: Incoming) -> None:
        if message.retain:
            # A replay of the last beacon when we subscribed: it may be hours old.
            return
        try:
            beacon = TimeBeacon.model_validate_json(message.payload)
        except ValueError as err:
            log.warning("unreadable time beacon: %s", err)
            return
        self.clock.on_beacon(beacon.now)

    def _on_finger(self, message: Incoming) -> None:
        is_event, slot = finger_slot(message.payload)
        if not is_event:
            return
        staff_id = None if slot is None else self.desk.staff_for_slot(slot)
        if staff_id is None:
            self.view.say(FINGER_UNKNOWN, self._mono())
            log.info("fingerprint not recognised (slot %s)", slot)
            return
        self._punch(staff_id, "fingerprint")

    def _punch(self, staff_id: str, source: PunchSource) -> None:
        try:
            result = self.desk.punch(staff_id, source)
        except (sqlite3.Error, OSError):
            # The outbox's card failed (full, worn out, read-only): the person must know the
            # punch did not count, not walk away from a screen that said nothing.
            log.exception("punch of %s not stored in the outbox", staff_id)
            self.view.say(PUNCH_NOT_STORED, self._mono())
            return
        self.view.punched(result, self._mono())
        if self._on_result is not None:
            self._on_result(result)

    def on_face(self, outcome: FaceOutcome) -> None:
        """One frame's outcome, on the loop: prompt, or punch when alive."""
        self.view.face(outcome)
        if outcome.status is FaceStatus.LIVE and outcome.staff_id is not None:
            self._punch(outcome.staff_id, "face")

    # Camera thread -----------------------------------------------------------------------

    def _face_loop(self) -> None:
        assert self.camera is not None and self.pipeline is not None and self._loop is not None
        loop, camera, pipeline = self._loop, self.camera, self.pipeline
        mono, pause = self._mono, self._pause
        opened = False
        started: tuple[float, float] | None = None  # (monotonic, frame time) of frame one
        while not self._stopping.is_set():
            self._face_beat = mono()
            if not opened:
                opened, started = self._open_camera(camera), None
                if not opened and pause(CAMERA_RETRY_SECONDS):
                    return
                continue
            try:
                frame = camera.read()
                ended = frame is None and camera.finite
            except Exception as err:  # e.g. cv2.error: a camera fault, never a dead thread
                log.warning("camera read failed: %s", err)
                frame, ended = None, False
            if ended:
                log.info("video ended; fingerprint punching continues")
                return
            if frame is None:
                loop.call_soon_threadsafe(self.view.camera, False)
                camera.close()
                opened = False
                if pause(CAMERA_RETRY_SECONDS):
                    return
                continue
            # Replay files and stills at their own pace, so a blink lasts as long as filmed.
            if started is None:
                started = (mono(), frame.t)
            due = started[0] + (frame.t - started[1]) - mono()
            if due > 0 and pause(due):
                return
            try:
                outcome = pipeline.process(frame)
            except Exception:
                log.exception("face pipeline failed on a frame; skipping it")
                continue
            loop.call_soon_threadsafe(self.on_face, outcome)

    def _open_camera(self, camera: Camera) -> bool:
        assert self._loop is not None
        try:
            camera.open()
        except Exception as err:  # a camera fault is a state, never a crash
            # Retried every CAMERA_RETRY_SECONDS: said once, until the camera works again.
            level = logging.DEBUG if self._camera_fault_told else logging.WARNING
            log.log(level, "camera unavailable: %s", err)
            self._camera_fault_told = True
            self._loop.call_soon_threadsafe(self.view.camera, False)
            return False
        self._camera_fault_told = False
        self._loop.call_soon_threadsafe(self.view.camera, True)
        return True
