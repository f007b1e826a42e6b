"""The retained views ``state/catalog``, ``state/queue`` and ``state/window/<w>`` as models.

Pure (pydantic only): the queue engine builds these itself, so there is one shape from the
engine to every screen, LED board and evaluator, and no translation layer in between. On
the wire each view is ``{"v": 1, "at": <when it was made>, "data": {...}}`` as before.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from bus.models.base import StateMessage
from config.schema import ItemType


class ViewData(BaseModel):
    """A part of a view: frozen; readers ignore fields a newer controller added."""

    model_config = ConfigDict(frozen=True, extra="ignore")


D = TypeVar("D", bound=ViewData)


class View(StateMessage, Generic[D]):
    """A retained view: its data and when the controller made it."""

    at: dt.datetime
    data: D


# state/window/<w> ----------------------------------------------------------------------


class WindowStatus(enum.StrEnum):
    """Whether a window serves now, and if not, why: the one meaning of "paused".

    Every consumer (LCD display, evaluator, LED bridge, caller) reads this field and nothing
    else to decide whether the window is serving.
    """

    SERVING = "serving"
    PAUSED = "paused"
    """暂停服务: the staff member paused the window (Q5)."""
    CLOSED = "closed"
    """The window is temporarily closed (临时关闭, Q11)."""
    UNSTAFFED = "unstaffed"
    """无人值守: nobody is signed in and no ticket is at the window."""

    @property
    def serving(self) -> bool:
        """Whether the window is open to citizens (the one meaning of not paused)."""
        return self is WindowStatus.SERVING


STATUS_DISPLAY: dict[WindowStatus, str] = {
    WindowStatus.PAUSED: "暂停服务",
    WindowStatus.CLOSED: "窗口暂停服务",
    WindowStatus.UNSTAFFED: "无人值守",
}
"""The Chinese text of a window that is not serving, for displays without words of their own."""

CLOSED_PREFIX = "窗口关闭"
"""What a temporarily closed window shows before its reason (Q11): 窗口关闭：培训."""


def closed_display(reason: str | None) -> str:
    """The Chinese text of a closed window: ``窗口关闭：<reason>``, or 窗口关闭 without one."""
    reason = (reason or "").strip()
    return f"{CLOSED_PREFIX}：{reason}" if reason else CLOSED_PREFIX


def not_serving_display(status: WindowStatus, closure: ClosureBrief | None) -> str | None:
    """The Chinese text of a window that does not serve (None when it serves): a closed
    window says why (its closure's reason), the others say how (暂停服务 / 无人值守)."""
    if status is WindowStatus.CLOSED:
        return closed_display(closure.reason if closure is not None else None)
    return STATUS_DISPLAY.get(status)


class TicketBrief(ViewData):
    """A ticket as a window shows it."""

    ticket: str
    """The number, e.g. ``A012``."""
    key: str
    """``<hall day>/<number>``: unique across days."""
    service: str
    service_name: str
    category: str
    priority: bool


class CurrentTicket(TicketBrief):
    """The ticket at the window now."""

    called_at: dt.datetime | None


class StaffOnDuty(ViewData):
    """The staff member signed in at the window (shown by the evaluator)."""

    id: str
    name: str
    staff_number: str
    department: str | None


class ClosureBrief(ViewData):
    """Why and until when a window is temporarily closed."""

    reason: str
    until: dt.datetime | None


class EvaluatorStopped(ViewData):
    """停止服务: the window does not serve, nothing to rate."""

    state: Literal["stopped"] = "stopped"
    text: str = "停止服务"


class EvaluatorRating(ViewData):
    """A rating is open for ``ticket`` until ``until`` (Q6)."""

    state: Literal["rating"] = "rating"
    ticket: str
    until: dt.datetime


class EvaluatorIdle(ViewData):
    """Serving, nothing to rate now."""

    state: Literal["idle"] = "idle"


EvaluatorCard = Annotated[
    EvaluatorStopped | EvaluatorRating | EvaluatorIdle, Field(discriminator="state")
]


class WindowData(ViewData):
    """``state/window/<w>``: what the window display, evaluator and caller show."""

    window: str
    number: int
    department: str | None
    department_name: str
    categories: tuple[str, ...]
    green_channel: bool
    current: CurrentTicket | None
    recalls: int
    recalls_left: int
    staff: StaffOnDuty | None
    status: WindowStatus
    """Serving or not, and why: the field every consumer reads."""
    paused: bool
    """Paused by staff (kept for older readers; ``status`` says it all)."""
    paused_since: dt.datetime | None = None
    """When the pause began, while paused (the live hall's "paused too long" alarm)."""
    closed: bool
    """Temporarily closed (kept for older readers; ``status`` says it all)."""
    closure: ClosureBrief | None
    display: str | None
    """The Chinese text of ``status`` when not serving (暂停服务 / 窗口关闭：<reason> / 无人值守):
    ``not_serving_display``."""
    evaluator: EvaluatorCard
    """What the evaluator shows: the controller decides whether a rating is open."""
    held: tuple[TicketBrief, ...]


class WindowView(View[WindowData]):
    """Retained ``state/window/<w>``."""


# state/queue ---------------------------------------------------------------------------


def estimated_wait(ahead: int, mean_service_minutes: float, serving_windows: int) -> int:
    """Q1/Q4: people ahead × mean service time ÷ windows serving the category, rounded up:
    the one formula of the ticket's estimate, the hall screen's and the status page's."""
    return math.ceil(ahead * mean_service_minutes / max(serving_windows, 1))


class CategoryWaiting(ViewData):
    """One category's queue on the hall screen and kiosk."""

    name: str
    name_en: str
    waiting: int
    priority_waiting: int
    estimated_wait_minutes: int
    mean_service_minutes: float
    serving_windows: int
    windows: tuple[int, ...]
    """Window numbers that serve the category."""
    queue: tuple[str, ...] = ()
    """The waiting tickets by number, in the call order (Q4: priority, transferred, normal;
    each by issue time): a ticket's place here is its ``ahead``, as the engine counts it at
    issue. The citizens' status pages count from it, so that every one of them stays live
    from this one retained view instead of asking the controller per page per change.
    Numbers only (no service, no times), and read only by the hall's own nodes."""
    service_minutes: float | None = None
    """``mean_service_minutes`` unrounded: what the estimates are computed from."""

    def ahead_of(self, ticket: str) -> int | None:
        """Waiting tickets the call order puts before ``ticket``; None when it is not waiting."""
        try:
            return self.queue.index(ticket)
        except ValueError:
            return None

    def estimated_wait_for(self, ahead: int) -> int:
        """The estimated wait of a ticket with ``ahead`` before it, as its ticket says."""
        mean = self.mean_service_minutes if self.service_minutes is None else self.service_minutes
        return estimated_wait(ahead, mean, self.serving_windows)


class CallBrief(ViewData):
    """A ticket called (or being served) at a window now."""

    ticket: str
    window: str | None
    window_number: int | None
    called_at: dt.datetime


class QueueData(ViewData):
    """``state/queue``: waiting per category and the tickets at the windows, newest first."""

    day: dt.date
    categories: dict[str, CategoryWaiting]
    """By category prefix, in the hall's order."""
    calling: tuple[CallBrief, ...]


class QueueView(View[QueueData]):
    """Retained ``state/queue``."""


# state/catalog -------------------------------------------------------------------------

CatalogStatus = Literal["open", "closed", "full"]
ItemStatus = Literal["open", "closed", "full", "suspended"]


class CategoryEntry(ViewData):
    """One category on the kiosk: open, closed or full, and the tickets left."""

    name: str
    name_en: str
    department: str
    department_name: str
    status: CatalogStatus
    last_ticket: str
    """``HH:MM`` of the last ticket issued today."""
    daily_cap: int | None
    issued: int
    left: int | None


class Guide(ViewData):
    """一次性告知 (Q13): materials, procedure, time limit, fees, basis, location, phone."""

    materials: tuple[str, ...]
    procedure: tuple[str, ...]
    type: ItemType
    """The item type in the hall's vocabulary (``instant``, ``promised``, …)."""
    type_zh: str
    time_limit_workdays: int | None
    fees: str
    legal_basis: str
    location: str
    phone: str


class ItemEntry(ViewData):
    """One item on the kiosk, with its status and its one-time notice."""

    name: str
    name_en: str
    category: str
    status: ItemStatus
    notice: str | None
    """The suspension notice (in force or announced)."""
    suspension_start: dt.datetime | None
    """When an announced suspension begins."""
    guide: Guide


class CatalogData(ViewData):
    """``state/catalog``: per category and item, open / closed / suspended / full, caps left."""

    day: dt.date
    open_today: bool
    categories: dict[str, CategoryEntry]
    items: dict[str, ItemEntry]


class CatalogView(View[CatalogData]):
    """Retained ``state/catalog``."""
