"""What ``apply`` returns: events, a reply for the command, or a refusal.

An event's ``public()`` is exactly the RULES.md §5 form (what ``hall queue replay`` prints and
what the scenario files compare); ``detail()`` carries what the screens need beyond it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from hallqueue.engine.model import QueueState

HOUSEKEEPING = frozenset(
    {
        "ticket.expired",
        "ticket.not_rated",
        "appointment.forfeited",
        "window.reopened",
        "service.resumed_by_schedule",
        "day.started",
    }
)
"""Kinds caused by time passing rather than by an operation; the replay hides them unless asked."""


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    implied: bool = False
    """A consequence of another operation rather than its own result (the finish implied by
    "next" while a ticket is current): published and logged, but not one of the §5 lines."""

    def public(self) -> dict[str, Any]:
        """The §5 form: ``{"event": kind, ...}``."""
        return {"event": self.kind, **self.data}

    def detail(self) -> dict[str, Any]:
        """Data for screens and the audit log: window number, category, staff, times."""
        return dict(self.extra)

    @property
    def housekeeping(self) -> bool:
        """Not printed by the replay by default: caused by time passing, or implied."""
        return self.implied or self.kind in HOUSEKEEPING


# Refusal codes with their user-facing text, Chinese first (STYLE: user-facing text zh + en).
# ``{}`` fields are filled from the refusal's params.
MESSAGES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "closed": ("该业务今日已停止取号", "This service is closed for today"),
        "closed:before_open": ("尚未开始取号，请于{open}后取号", "Tickets are issued from {open}"),
        "closed:rest_day": ("今日休息，不办理业务", "The hall is closed today"),
        "cap_reached": ("该业务今日号源已满", "Today's tickets for this service are all taken"),
        "suspended": (
            "该业务临时停办：{notice}",
            "This service is temporarily suspended: {notice}",
        ),
        "unknown_service": ("没有该事项：{service}", "Unknown service {service}"),
        "paused": ("窗口暂停服务", "The window is paused"),
        "lead_time": (
            "须至少提前{days}天预约",
            "Bookings must be made at least {days} days ahead",
        ),
        "full": ("该时段预约已满", "This slot is fully booked"),
        "early": ("尚未到签到时间（时段开始前{minutes}分钟起）", "Too early to check in"),
        "forfeited": (
            "已超过预约时间，视为自动放弃，请重新取号",
            "Booking forfeited; take a ticket",
        ),
        "unknown": ("没有该预约", "Unknown booking"),
        "unknown:mobile": (
            "没有与该手机号对应的这个预约码",
            "No booking with this code for this mobile number",
        ),
        "mobile_limit": (
            "该手机号已有{max}个尚未办理的预约，请先办理或取消后再预约",
            "This mobile number already holds {max} bookings not yet used: use or cancel one first",
        ),
        "slot_cancelled": ("该时段已由大厅取消，不能预约", "The hall has cancelled this slot"),
        "slot_cancelled:reason": (
            "该时段已由大厅取消，不能预约：{reason}",
            "The hall has cancelled this slot: {reason}",
        ),
        "cancelled": ("该预约已取消", "This booking was cancelled"),
        "checked_in": ("该预约已签到", "This booking is already checked in"),
        "not_workday": ("预约日期不是工作日", "The slot is not on a workday"),
        "outside_hours": ("预约时段不在办公时间内", "The slot is outside hall hours"),
        "past_slot": ("该时段已过", "The slot has passed"),
        "short_notice": (
            "大厅取消预约须至少提前{hours}小时告知",
            "The hall must cancel at least {hours} hours ahead",
        ),
        "unknown_window": ("没有该窗口：{window}", "Unknown window {window}"),
        "window_closed": ("窗口已临时关闭", "The window is temporarily closed"),
        "no_current_ticket": ("窗口当前没有正在办理的号", "No current ticket at this window"),
        "window_busy": ("请先办结或挂起当前号", "Finish or hold the current ticket first"),
        "recall_limit": ("最多重呼{limit}次", "A ticket can be recalled at most {limit} times"),
        "unknown_ticket": ("没有该号：{ticket}", "Unknown ticket {ticket}"),
        "not_skipped": ("只有过号的号可以恢复", "Only a skipped ticket can be reactivated"),
        "no_held_ticket": ("该窗口没有挂起的号", "No held ticket at this window"),
        "same_service": ("已是该事项", "The ticket is already for this service"),
        "not_paused": ("窗口未暂停", "The window is not paused"),
        "already_paused": ("窗口已暂停", "The window is already paused"),
        "bad_level": ("评价等级须为1至5", "The rating level must be 1 to 5"),
        "no_finished_ticket": ("该窗口没有待评价的号", "No finished ticket to rate at this window"),
        "already_rated": ("该次服务已评价（一事一评）", "This service has already been rated"),
        "rating_timeout": ("评价已超时，记为未评价", "Rating time is over; recorded as not rated"),
        "not_evaluator": (
            "评价只能由办事群众在评价器上作出",
            "Only the citizen at the evaluator may rate",
        ),
        "not_suspended": ("该业务未停办", "The service is not suspended"),
        "bad_period": ("结束时间须晚于开始时间", "The end must be after the start"),
        "unknown_staff": ("没有该工作人员：{staff}", "Unknown staff {staff}"),
        "not_logged_in": (
            "窗口没有工作人员登录，请先登录",
            "Nobody is signed in at this window: sign in first",
        ),
        "department_too_small": (
            "只有两个及以上窗口的部门可以临时关闭窗口",
            "Only a department with 2 or more windows may close one",
        ),
        "too_many_closed": (
            "该部门最多同时关闭{max}个窗口（共{total}个）",
            "At most {max} of the department's {total} windows may be closed",
        ),
        "category_unserved": (
            "关闭后{category}类业务将无窗口办理",
            "Closing would leave category {category} with no window",
        ),
        "already_closed": ("窗口已关闭", "The window is already closed"),
        "not_closed": ("窗口未关闭", "The window is not closed"),
        "unknown_workorder": ("没有该工单：{workorder}", "Unknown work order {workorder}"),
        "workorder_closed": ("工单已办结", "The work order is closed"),
        "workorder_closed:appeal": (
            "工单已办结，不能再申诉",
            "The work order is closed: it can no longer be appealed",
        ),
        "bad_step": (
            "没有该工单步骤：{step}（可用 verify、rectify、reply、appeal、appeal_upheld、"
            "appeal_rejected）",
            "Unknown step {step} (verify, rectify, reply, appeal, appeal_upheld, appeal_rejected)",
        ),
        "appeal_pending": (
            "已提出申诉，等待中心决定",
            "An appeal was made and awaits the hall centre's decision",
        ),
        "appeal_pending:close": (
            "申诉尚待中心决定，决定后才能办结",
            "The appeal awaits the hall centre's decision: close the order after it",
        ),
        "appeal_decided": (
            "该工单的申诉已有决定（{decision}），不能再申诉或改判",
            "The appeal of this work order has been decided ({decision_en}): it is final",
        ),
        "appeal_reason_missing": (
            "申诉须写明理由（误评或恶意差评的依据）",
            "An appeal needs its reason (why the rating is mistaken or malicious)",
        ),
        "no_appeal": (
            "该工单没有待决定的申诉",
            "No appeal awaits a decision on this work order",
        ),
        "steps_missing": (
            "工单办结前须完成：{missing}",
            "Before closing, record: {missing}",
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    message_zh: str
    message_en: str

    @classmethod
    def of(cls, code: str, variant: str = "", **params: Any) -> Refusal:
        """The refusal ``code``; ``variant`` picks a more precise message for the same code."""
        zh, en = MESSAGES.get(f"{code}:{variant}") or MESSAGES.get(code, (code, code))
        return cls(code, zh.format_map(_Lenient(params)), en.format_map(_Lenient(params)))

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message_zh, "message_en": self.message_en}


class _Lenient(dict[str, Any]):
    """Leaves an unknown ``{field}`` empty instead of raising: a message must never crash an op."""

    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class Outcome:
    state: QueueState
    events: tuple[Event, ...] = ()
    result: Mapping[str, Any] | None = None
    refusal: Refusal | None = None
    changed: tuple[tuple[str, str], ...] = ()
    """(kind, key) of each entity the operation wrote or retired, and ("meta", "queue") when
    the hall day or pending expiry moved: ``records.changed_records`` turns it into rows."""

    @property
    def ok(self) -> bool:
        return self.refusal is None
