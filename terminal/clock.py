"""Is the terminal's clock right? The system's NTP status and the controller's time beacon.

A Pi has no real-time clock: after a power cut it may start in the past until NTP answers.
A punch therefore carries, besides its wall time, a monotonic reading, the boot id (a
monotonic reading means nothing across boots) and whether the clock was in sync, so the
controller can correct or flag it (DESIGN "Time").

In sync means: the system does not say it is unsynchronised, the hall's beacon (if one
was heard this boot) is within ``MAX_BEACON_OFFSET`` of our clock, and at least one of
the two vouches for the clock. With no evidence at all the punch is flagged.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
"""systemd-timesyncd touches this file once it has synchronised the clock."""
MAX_BEACON_OFFSET = dt.timedelta(minutes=2)
"""Further than this from the hall's clock, a punch is flagged ``clock_synced: false``."""
NTP_CACHE_SECONDS = 60.0
"""``timedatectl`` is a D-Bus round trip: ask at most once a minute."""
_TIMEDATECTL_TIMEOUT = 2.0

WallClock = Callable[[], dt.datetime]
MonoClock = Callable[[], float]


def wall_now() -> dt.datetime:
    """The system's wall time, aware (UTC); the terminal's view, right or not."""
    return dt.datetime.now(dt.UTC)


def read_boot_id(path: Path = BOOT_ID_PATH) -> str:
    """This boot's id; ``unknown`` off Linux (the controller then ignores ``monotonic``)."""
    try:
        return path.read_text().strip() or "unknown"
    except OSError:
        return "unknown"


def system_ntp_synced(
    timesync_flag: Path = TIMESYNC_FLAG, timedatectl: str | None = None
) -> bool | None:
    """The system's own answer: True / False, or None when the system cannot tell.

    ``timedatectl show -p NTPSynchronized --value`` first (it covers chrony and ntpd too),
    then timesyncd's flag file (present only once synced, so its absence proves nothing).
    """
    tool = timedatectl if timedatectl is not None else shutil.which("timedatectl")
    if tool:
        try:
            out = subprocess.run(
                [tool, "show", "-p", "NTPSynchronized", "--value"],
                capture_output=True,
                text=True,
                timeout=_TIMEDATECTL_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            out = None
        if out is not None and out.returncode == 0:
            answer = out.stdout.strip().lower()
            if answer in ("yes", "no"):
                return answer == "yes"
    if timesync_flag.exists():
        return True
    return None


@dataclass(frozen=True, slots=True)
class ClockState:
    """What a punch records about the clock at its moment."""

    synced: bool
    ntp: bool | None
    """The system's NTP status (None: not known)."""
    beacon_offset_s: float | None
    """Our clock minus the hall's, estimated from the last beacon (None: none heard)."""

    @property
    def reason(self) -> str:
        """Why the clock is not trusted, for the screen and the log ('' when it is)."""
        if self.synced:
            return ""
        if self.beacon_offset_s is not None and abs(self.beacon_offset_s) > (
            MAX_BEACON_OFFSET.total_seconds()
        ):
            off = f"{self.beacon_offset_s:+.0f}"
            return f"与大厅时钟相差 {off} 秒 / {off} s from the hall clock"
        if self.ntp is False:
            return "系统时钟未同步 / system clock not synchronised"
        return "时钟同步状态未知 / clock sync unknown"


class ClockCheck:
    """Keeps the last beacon and answers, at any moment, whether our clock can be trusted.

    The beacon's time is carried forward with the monotonic clock, so a wall-clock step
    after the beacon (NTP catching up, someone setting the date) is still measured.
    """

    def __init__(
        self,
        wall: WallClock = wall_now,
        mono: MonoClock = time.monotonic,
        ntp: Callable[[], bool | None] = system_ntp_synced,
    ) -> None:
        self._wall = wall
        self._mono = mono
        self._ntp = ntp
        self._ntp_value: bool | None = None
        self._ntp_checked: float | None = None
        self._beacon: tuple[dt.datetime, float] | None = None

    def on_beacon(self, hall_now: dt.datetime) -> None:
        """A fresh beacon (not a retained replay, which may be hours old) was heard now."""
        if hall_now.tzinfo is None:
            raise ValueError("beacon time must be timezone-aware")
        self._beacon = (hall_now, self._mono())

    def hall_now(self) -> dt.datetime | None:
        """The hall's time now as the last beacon tells it, or None before any beacon."""
        if self._beacon is None:
            return None
        beacon_time, at = self._beacon
        return beacon_time + dt.timedelta(seconds=self._mono() - at)

    def refresh_ntp(self) -> bool | None:
        """Ask the system now (a subprocess: the node calls this from a worker thread)."""
        value = self._ntp()
        self._ntp_value, self._ntp_checked = value, self._mono()
        return value

    def ntp_due(self, ahead: float = 0.0) -> bool:
        """True when the cached answer is older than ``NTP_CACHE_SECONDS - ahead`` (or
        missing): a caller that refreshes in the background does so ``ahead`` seconds early,
        so that :meth:`ntp` never has to run ``timedatectl`` itself."""
        checked = self._ntp_checked
        return checked is None or self._mono() - checked >= NTP_CACHE_SECONDS - ahead

    def ntp(self) -> bool | None:
        """The system's answer, asked again only when older than ``NTP_CACHE_SECONDS``."""
        if self.ntp_due():
            return self.refresh_ntp()
        return self._ntp_value

    def state(self, wall: dt.datetime | None = None) -> ClockState:
        """Whether the clock is in sync at wall time ``wall`` (default: now)."""
        wall = wall or self._wall()
        hall = self.hall_now()
        offset = None if hall is None else (wall - hall).total_seconds()
        ntp = self.ntp()
        beacon_ok = None if offset is None else abs(offset) <= MAX_BEACON_OFFSET.total_seconds()
        synced = ntp is not False and beacon_ok is not False and (ntp or bool(beacon_ok))
        return ClockState(bool(synced), ntp, offset)
