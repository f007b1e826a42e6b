"""Small helpers shared by the operation handlers."""

from __future__ import annotations

from typing import Any

from bus.models.views import estimated_wait
from config.schema import HallConfig, Window
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import (
    Closure,
    Counter,
    QueueState,
    Ticket,
    WindowState,
    counter_key,
    ticket_key,
)

Handled = Refusal | dict[str, Any]
"""A handler returns the command's reply, or a refusal (and then its draft is thrown away)."""

PAUSE_STAFF = "staff"
PAUSE_LOGOUT = "logout"
"""Why a window is paused: its staff pressed pause, or its staff left (logged out)."""


def signed_out(ws: WindowState) -> bool:
    """Logged out and not signed in since: its calls are refused until a login (Q5, §5)."""
    return ws.staff is None and ws.paused and ws.pause_reason == PAUSE_LOGOUT


def staffed(ctx: Ctx, ws: WindowState) -> bool:
    """A staff member is signed in at the window (Q5). In a replay (RULES §5) a window that
    was never signed in counts as signed in by an unnamed staff member until a logout."""
    if ws.staff is not None:
        return True
    return ctx.anonymous_staff_until_logout and not signed_out(ws)


def window_config(ctx: Ctx, window_id: str) -> Window | Refusal:
    window = ctx.hall.window(window_id)
    return window if window is not None else Refusal.of("unknown_window", window=window_id)


def active_closure(closures: dict[str, Closure] | Any, window_id: str, ctx: Ctx) -> Closure | None:
    for closure in closures.values():
        if closure.window == window_id and closure.active(ctx.now):
            return closure
    return None


def find_ticket(draft: Draft, ref: str) -> Ticket | None:
    """A ticket by key (2026-11-23/A001) or by number (A001): the current hall day's, else the
    latest earlier day's still in the live state (before the next opening yesterday's tickets
    are still served, Q8, and today's numbering has not reached them yet)."""
    if "/" in ref:
        return draft.tickets.get(ref)
    number = ref.upper()
    today = draft.tickets.get(ticket_key(draft.day, number))
    if today is not None:
        return today
    earlier = [t for t in draft.tickets.values() if t.number == number and t.day < draft.day]
    return max(earlier, key=lambda t: t.day, default=None)


def counter(draft: Draft, ctx: Ctx, category: str) -> Counter:
    key = counter_key(ctx.day, category)
    return draft.counters.get(key) or Counter(key, ctx.day, category)


def mean_service_minutes(hall: HallConfig, state: QueueState | Draft, category: str) -> float:
    """Mean service time observed today in ``category``; the configured default before any."""
    c = state.counters.get(counter_key(state.day, category))
    if c is not None and c.served > 0:
        return c.service_seconds / c.served / 60
    cfg = hall.category(category)
    return cfg.default_service_minutes if cfg is not None else 10.0


def serving_windows(hall: HallConfig, state: QueueState | Draft, category: str, ctx: Ctx) -> int:
    """Windows that can call ``category`` now: staffed (``staffed``), not closed and not
    paused (at least 1, as when every window of the category is closed)."""
    n = 0
    for w in hall.windows_for(category):
        ws = state.windows.get(w.id) or WindowState(w.id)
        if not ws.paused and staffed(ctx, ws) and active_closure(state.closures, w.id, ctx) is None:
            n += 1
    return max(n, 1)


def estimated_wait_minutes(
    hall: HallConfig, state: QueueState | Draft, category: str, ahead: int, ctx: Ctx
) -> int:
    """Q1/Q4: people ahead × mean service time ÷ windows serving the category, rounded up."""
    mean = mean_service_minutes(hall, state, category)
    return estimated_wait(ahead, mean, serving_windows(hall, state, category, ctx))


def ticket_detail(hall: HallConfig, ticket: Ticket) -> dict[str, Any]:
    """What screens show besides the §5 fields: names, category, department, windows."""
    item = hall.item(ticket.service)
    cat = hall.category(ticket.category)
    dept = hall.department(cat.department) if cat is not None else None
    return {
        "key": ticket.key,
        "category": ticket.category,
        "service_name": item.name if item is not None else ticket.service,
        "department": dept.code if dept is not None else None,
        "department_name": dept.name if dept is not None else None,
        "windows": [w.number for w in hall.windows_for(ticket.category)],
        "priority": ticket.priority,
    }


def window_detail(hall: HallConfig, window_id: str, staff: str | None) -> dict[str, Any]:
    w = hall.window(window_id)
    member = hall.staff_member(staff) if staff else None
    return {
        "window_number": w.number if w is not None else None,
        "staff": staff,
        "staff_name": member.name if member is not None else None,
    }


CN_DIGITS = "零一二三四五六七八九"


def spoken_ticket(number: str) -> str:
    """A ticket number as it is read aloud: letters kept, digits one by one (A001 → A零零一)."""
    return "".join(CN_DIGITS[int(ch)] if ch.isdigit() else ch for ch in number)


def spoken_number(n: int) -> str:
    """A window number as a quantity (3 → 三, 11 → 十一, 20 → 二十) for n < 100."""
    if n < 10:
        return CN_DIGITS[n]
    tens, units = divmod(n, 10)
    if n >= 100:
        return "".join(CN_DIGITS[int(ch)] for ch in str(n))
    head = "" if tens == 1 else CN_DIGITS[tens]
    return f"{head}十{CN_DIGITS[units] if units else ''}"


def announcement_text(ticket: str, window_number: int | None) -> str:
    """The line as it is spoken: letters kept and digits one by one, so A001 is "A零零一"."""
    window = spoken_number(window_number) if window_number is not None else ""
    return f"请{spoken_ticket(ticket)}号到{window}号窗口办理"


def announcement(hall: HallConfig, number: str, window_id: str) -> str:
    """The hall screen's voice line, made once here and carried by the call event:
    请A零零一号到三号窗口办理 (the screen speaks it as it is)."""
    w = hall.window(window_id)
    return announcement_text(number, w.number if w is not None else None)
