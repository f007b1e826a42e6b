"""The one path every punch takes on a terminal, face or fingerprint: cooldown, outbox, result.

The cooldown is the profile's duplicate punch period (A1: 60 s): a person standing at the
terminal, or blinking twice, or using face and then finger, makes one punch; the second
time the screen says 已打卡 and shows the first result again. The result on the screen
(on time / late by N minutes) is the terminal's reading of the hall's profile and
calendar; the controller's judgement over the whole day is what counts.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from attendance import intake
from config.attendance import AttendanceProfile
from config.schema import HallConfig
from terminal.clock import ClockCheck, read_boot_id
from terminal.outbox import Outbox, OutboxEntry, PunchSource
from workdays.calendar import DayKind, WorkdayCalendar


@dataclass(frozen=True, slots=True)
class Verdict:
    """How a punch reads against the profile: what the screen says under the name."""

    slot: str
    kind: str
    """``sign_in`` / ``sign_out``."""
    minutes: int | None
    """Late (sign-in) or early (sign-out) minutes; None when not judged."""
    text: str


SCREEN_TEXT: dict[str, str] = {
    "rest": "休息日 / rest day",
    "ignored": "不在有效打卡时段 / outside the punch hours",
    "on_time": "正常 / on time",
}
"""The terminal's wording where it differs from the controller's (late/early read the same)."""


def judge_punch(profile: AttendanceProfile, at: dt.datetime, workday: bool = True) -> Verdict:
    """The verdict for a punch at hall-local time ``at`` (A1/A3, to the minute): the
    controller's reading (:func:`attendance.intake.judge_punch`), worded for the screen."""
    judged = intake.judge_punch(profile, DayKind(workday, "statutory"), at)
    label = "签到 / sign-in" if judged["kind"] == "sign_in" else "签退 / sign-out"
    own = SCREEN_TEXT.get(judged["status"])
    text = f"{label}：{own}" if own is not None else str(judged["text"])
    return Verdict(judged["slot"], judged["kind"], judged["minutes"], text)


@dataclass(frozen=True, slots=True)
class PunchResult:
    """What the terminal shows after a punch."""

    staff_id: str
    name: str
    source: PunchSource
    shown_time: dt.datetime
    """Hall-local time shown (the hall's clock via the beacon when ours is off)."""
    verdict: Verdict
    punch_id: str
    clock_synced: bool
    duplicate: bool = False
    """True: within the duplicate punch period of this person's last punch; nothing stored."""

    def headline(self) -> str:
        if self.duplicate:
            return f"{self.name}：已打卡 / already punched"
        return f"{self.name}：打卡成功 / punched"

    def line(self) -> str:
        """One line for the headless mode and the log."""
        clock = "" if self.clock_synced else " [时钟未同步 / clock not synced]"
        return (
            f"{self.shown_time:%H:%M:%S}\t{self.staff_id}\t{self.headline()}\t"
            f"{self.verdict.text}\t{self.source}{clock}"
        )


class PunchDesk:
    """Turns "this staff member is here" into a stored punch and the result to show."""

    def __init__(
        self,
        hall: HallConfig,
        node: str,
        outbox: Outbox,
        clock: ClockCheck,
        *,
        calendar: WorkdayCalendar | None = None,
        mono: Callable[[], float] = time.monotonic,
        wall: Callable[[], dt.datetime] | None = None,
        boot_id: str | None = None,
        on_stored: Callable[[OutboxEntry], None] | None = None,
    ) -> None:
        self.hall = hall
        self.node = node
        self.outbox = outbox
        self.clock = clock
        self.profile = hall.attendance.resolved_profile()
        self.calendar = calendar or WorkdayCalendar.from_settings(hall.attendance)
        self._mono = mono
        self._wall = wall or (lambda: dt.datetime.now(hall.tz))
        self.boot_id = boot_id or read_boot_id()
        self._on_stored = on_stored
        self._last: dict[str, tuple[float, PunchResult]] = {}

    @property
    def cooldown_seconds(self) -> float:
        return float(self.profile.duplicate_punch_seconds)

    def punch(self, staff_id: str, source: PunchSource) -> PunchResult:
        """Store the punch (unless it repeats one within the cooldown) and say what to show."""
        mono = self._mono()
        last = self._last.get(staff_id)
        if last is not None and mono - last[0] < self.cooldown_seconds:
            return replace(last[1], duplicate=True, source=source)
        wall = self._wall().astimezone(self.hall.tz)
        state = self.clock.state(wall)
        entry = self.outbox.append(staff_id, source, self.node, wall, mono, self.boot_id, state)
        hall_time = wall if state.synced else (self.clock.hall_now() or wall)
        hall_time = hall_time.astimezone(self.hall.tz)
        workday = self.calendar.is_workday(hall_time.date())
        member = self.hall.staff_member(staff_id)
        result = PunchResult(
            staff_id=staff_id,
            name=member.name if member is not None else staff_id,
            source=source,
            shown_time=hall_time,
            verdict=judge_punch(self.profile, hall_time, workday),
            punch_id=entry.id,
            clock_synced=state.synced,
        )
        self._last[staff_id] = (mono, result)
        if self._on_stored is not None:
            self._on_stored(entry)
        return result

    def staff_for_slot(self, slot: int) -> str | None:
        """The staff member whose finger is enrolled in template ``slot`` of the module."""
        return next((s.id for s in self.hall.staff if s.fingerprint_slot == slot), None)
