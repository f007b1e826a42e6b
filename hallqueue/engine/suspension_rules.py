"""业务临时停办 lead times (Q10; 001 业务临时停办 二(二)1, 2): pure, the time and calendar given.

- A department files its planned suspension at least ``FILING_LEAD_WORKDAYS`` (5) workdays
  ahead: the start day must be on or after the 5th workday after the filing day (the filing
  day itself never counts; holidays and weekends don't, 调休 workdays do).
- The public notice goes out at least ``NOTICE_LEAD_WORKDAYS`` (4) workdays ahead; it goes
  out when the manager approves, so an approval later than that is refused.
- The manager's emergency suspension takes effect at once and needs neither (RULES Q10).

Each refusal says the rule in words, Chinese first, with the days the calendar counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from hallqueue.engine.hours import WorkdayCalendarProtocol, add_workdays

FILING_LEAD_WORKDAYS = 5
"""应提前5个工作日填写《业务临时停办登记备案表》 (001 业务临时停办 二(二)1)."""
NOTICE_LEAD_WORKDAYS = 4
"""应至少提前4个工作日做好提前告知 (001 业务临时停办 二(二)2)."""


Phase = Literal["pending", "approved", "rejected", "active", "ended"]
"""待审批 / 已批准 / 已驳回 / 停办中 / 已结束 (``bus.models.suspensions.SuspensionPhase``)."""


class Filing(Protocol):
    """What the rules read of a filing (``bus.models.suspensions.SuspensionEntry``)."""

    @property
    def status(self) -> Literal["pending", "approved", "rejected"]: ...
    @property
    def services(self) -> Sequence[str]: ...
    @property
    def start(self) -> dt.datetime: ...
    @property
    def end(self) -> dt.datetime: ...


F = TypeVar("F", bound=Filing)


@dataclass(frozen=True, slots=True)
class RuleRefusal:
    """A lead-time rule broken, in words."""

    code: str
    message_zh: str
    message_en: str

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


def workdays_after(calendar: WorkdayCalendarProtocol, first: dt.date, last: dt.date) -> int:
    """The workdays after ``first`` up to and including ``last`` (0 when ``last <= first``)."""
    count, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


def earliest_start(calendar: WorkdayCalendarProtocol, filed_on: dt.date) -> dt.date:
    """The first day a suspension filed on ``filed_on`` may start."""
    return add_workdays(calendar, filed_on, FILING_LEAD_WORKDAYS)


def latest_approval(calendar: WorkdayCalendarProtocol, start_day: dt.date) -> dt.date:
    """The last day the manager may approve a suspension starting on ``start_day``: the day
    that still has ``NOTICE_LEAD_WORKDAYS`` workdays after it up to the start."""
    day = start_day - dt.timedelta(days=1)
    while workdays_after(calendar, day, start_day) < NOTICE_LEAD_WORKDAYS:
        day -= dt.timedelta(days=1)
    return day


def filing_refusal(
    calendar: WorkdayCalendarProtocol, filed_on: dt.date, start_day: dt.date
) -> RuleRefusal | None:
    """None when a filing on ``filed_on`` for a suspension from ``start_day`` is early enough."""
    counted = workdays_after(calendar, filed_on, start_day)
    if counted >= FILING_LEAD_WORKDAYS:
        return None
    first = earliest_start(calendar, filed_on)
    return RuleRefusal(
        "lead_time",
        f"业务临时停办须至少提前{FILING_LEAD_WORKDAYS}个工作日报备（001 业务临时停办 二(二)1）："
        f"{_zh(filed_on)}报备、{_zh(start_day)}停办，其间只有{counted}个工作日；"
        f"今日报备最早可于{_zh(first)}停办",
        f"a suspension must be filed at least {FILING_LEAD_WORKDAYS} workdays ahead "
        f"(001 业务临时停办 二(二)1): filed {filed_on}, starting {start_day}, only {counted} "
        f"workdays between; filed today it may start on {first} at the earliest",
    )


def approval_refusal(
    calendar: WorkdayCalendarProtocol, approved_on: dt.date, start_day: dt.date
) -> RuleRefusal | None:
    """None when approving on ``approved_on`` still leaves the notice 4 workdays ahead."""
    counted = workdays_after(calendar, approved_on, start_day)
    if counted >= NOTICE_LEAD_WORKDAYS:
        return None
    return RuleRefusal(
        "notice_lead_time",
        f"停办通知须至少提前{NOTICE_LEAD_WORKDAYS}个工作日向社会公告（001 业务临时停办 二(二)2）："
        f"今日{_zh(approved_on)}批准，距{_zh(start_day)}停办只有{counted}个工作日，"
        f"最迟应于{_zh(latest_approval(calendar, start_day))}批准；请驳回并重新报备",
        f"the public notice must go out at least {NOTICE_LEAD_WORKDAYS} workdays ahead "
        f"(001 业务临时停办 二(二)2): approved today {approved_on}, only {counted} workdays "
        f"before the start on {start_day}; the last day to approve was "
        f"{latest_approval(calendar, start_day)}; reject it and file again",
    )


def phase(entry: Filing, now: dt.datetime) -> Phase:
    """Where a filing stands at ``now``: 待审批, 已驳回, or for an approved one 已批准 (ahead),
    停办中 (between start and end), 已结束."""
    if entry.status != "approved":
        return entry.status
    if now >= entry.end:
        return "ended"
    return "active" if now >= entry.start else "approved"


def suspending(entries: Iterable[F], service: str, at: dt.datetime) -> F | None:
    """The approved filing that suspends ``service`` at ``at``, if any: the kiosk issues no
    ticket for it then, and no booking of a slot then is taken (Q10)."""
    for entry in entries:
        named = entry.status == "approved" and service in entry.services
        if named and entry.start <= at < entry.end:
            return entry
    return None


def _zh(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"
