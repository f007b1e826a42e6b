"""Views for the retained state topics: one window, the queue, the catalogue (and the guide).

Pure functions of config, state and time: a restarted controller republishes the same views.
"""

from __future__ import annotations

import datetime as dt

from bus.models import views as v
from config.schema import HallConfig, Item
from hallqueue.engine.common import (
    active_closure,
    estimated_wait_minutes,
    mean_service_minutes,
    serving_windows,
)
from hallqueue.engine.hours import Ctx, WorkdayCalendarProtocol, make_ctx
from hallqueue.engine.model import QueueState, RatingStatus, Ticket, TicketStatus, counter_key
from hallqueue.engine.order import waiting_count


class _Weekdays:
    """Used when a view is asked without a calendar: Monday to Friday."""

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() < 5


def _ctx(
    hall: HallConfig,
    now: dt.datetime,
    calendar: WorkdayCalendarProtocol | None,
    anonymous_staff_until_logout: bool = False,
) -> Ctx:
    return make_ctx(
        hall,
        calendar or _Weekdays(),
        now,
        anonymous_staff_until_logout=anonymous_staff_until_logout,
    )


def _ticket_brief(hall: HallConfig, t: Ticket) -> v.TicketBrief:
    item = hall.item(t.service)
    return v.TicketBrief(
        ticket=t.number,
        key=t.key,
        service=t.service,
        service_name=item.name if item is not None else t.service,
        category=t.category,
        priority=t.priority,
    )


def window_status(paused: bool, closed: bool, staffed: bool, has_current: bool) -> v.WindowStatus:
    """Serving, or why not: closed before paused, and a window with a ticket at it is
    staffed even when nobody signed in (a console caller)."""
    if closed:
        return v.WindowStatus.CLOSED
    if paused:
        return v.WindowStatus.PAUSED
    if not staffed and not has_current:
        return v.WindowStatus.UNSTAFFED
    return v.WindowStatus.SERVING


def window_view(
    hall: HallConfig,
    state: QueueState,
    window_id: str,
    now: dt.datetime,
    calendar: WorkdayCalendarProtocol | None = None,
) -> v.WindowData:
    """``state/window/<w>``: what the window display, evaluator and caller show."""
    ctx = _ctx(hall, now, calendar)
    cfg = hall.window(window_id)
    if cfg is None:
        raise KeyError(f"unknown window {window_id!r}")
    ws = state.windows.get(window_id)
    staff = hall.staff_member(ws.staff) if ws is not None and ws.staff else None
    dept = hall.department(cfg.department) if cfg.department else None
    current = state.tickets.get(ws.current) if ws is not None and ws.current else None
    closure = active_closure(state.closures, window_id, ctx)
    paused = ws.paused if ws is not None else False
    status = window_status(paused, closure is not None, staff is not None, current is not None)
    brief = (
        v.ClosureBrief(reason=closure.reason, until=closure.until) if closure is not None else None
    )
    last = state.tickets.get(ws.last_finished) if ws is not None and ws.last_finished else None
    evaluator: v.EvaluatorStopped | v.EvaluatorRating | v.EvaluatorIdle
    if paused or closure is not None:
        evaluator = v.EvaluatorStopped()
    elif (
        last is not None
        and last.rating_status is RatingStatus.PENDING
        and last.rating_due is not None
        and ctx.now <= last.rating_due
    ):
        evaluator = v.EvaluatorRating(ticket=last.number, until=last.rating_due)
    elif status is v.WindowStatus.UNSTAFFED:
        evaluator = v.EvaluatorStopped()
    else:
        evaluator = v.EvaluatorIdle()
    held = tuple(
        _ticket_brief(hall, t)
        for t in state.tickets.values()
        if t.status is TicketStatus.HELD and t.window == window_id
    )
    recalls = ws.recalls if ws is not None else 0
    return v.WindowData(
        window=window_id,
        number=cfg.number,
        department=cfg.department,
        department_name=dept.name if dept is not None else "综合窗口",
        categories=tuple(cfg.categories),
        green_channel=cfg.green_channel,
        current=(
            v.CurrentTicket(
                **_ticket_brief(hall, current).model_dump(), called_at=current.called_at
            )
            if current is not None
            else None
        ),
        recalls=recalls,
        recalls_left=hall.queue.recall_limit - recalls,
        staff=(
            v.StaffOnDuty(
                id=staff.id,
                name=staff.name,
                staff_number=staff.staff_number,
                department=staff.department,
            )
            if staff is not None
            else None
        ),
        status=status,
        paused=paused,
        paused_since=ws.paused_at if ws is not None and paused else None,
        closed=closure is not None,
        closure=brief,
        display=v.not_serving_display(status, brief),
        evaluator=evaluator,
        held=held,
    )


def queue_view(
    hall: HallConfig,
    state: QueueState,
    now: dt.datetime,
    calendar: WorkdayCalendarProtocol | None = None,
    *,
    anonymous_staff_until_logout: bool = False,
) -> v.QueueData:
    """``state/queue``: waiting per category and the estimated wait for a new ticket.

    The estimate and ``serving_windows`` count only windows that can call now: staffed
    (Q5; in a replay, ``anonymous_staff_until_logout``, also those never signed in), not
    paused, not closed."""
    ctx = _ctx(hall, now, calendar, anonymous_staff_until_logout)
    categories: dict[str, v.CategoryWaiting] = {}
    for cat in hall.categories:
        waiting = waiting_count(state.waiting, cat.prefix)
        entries = state.waiting.get(cat.prefix, ())
        categories[cat.prefix] = v.CategoryWaiting(
            name=cat.name,
            name_en=cat.name_en,
            waiting=waiting,
            priority_waiting=sum(1 for e in entries if e[0][0] == 0),
            estimated_wait_minutes=estimated_wait_minutes(hall, state, cat.prefix, waiting, ctx),
            mean_service_minutes=round(mean_service_minutes(hall, state, cat.prefix), 1),
            serving_windows=serving_windows(hall, state, cat.prefix, ctx),
            windows=tuple(w.number for w in hall.windows_for(cat.prefix)),
            # The call-order index itself (``ahead_of`` is a place in it): numbers only.
            queue=tuple(state.tickets[key].number for _, key in entries),
            service_minutes=mean_service_minutes(hall, state, cat.prefix),
        )
    # The tickets being called or served now: at most one per window, newest call first.
    current = [state.tickets.get(w.current) for w in state.windows.values() if w.current]
    calling = sorted(
        (t for t in current if t is not None and t.called_at is not None),
        key=lambda t: t.called_at or ctx.now,
        reverse=True,
    )
    return v.QueueData(
        day=state.day,
        categories=categories,
        calling=tuple(
            v.CallBrief(
                ticket=t.number,
                window=t.window,
                window_number=_number(hall, t.window),
                called_at=t.called_at,
            )
            for t in calling
            if t.called_at is not None
        ),
    )


def _number(hall: HallConfig, window_id: str | None) -> int | None:
    w = hall.window(window_id) if window_id else None
    return w.number if w is not None else None


def guide_view(hall: HallConfig, item: Item) -> v.Guide:
    """一次性告知 (Q13): materials, procedure, time limit, fees, basis, location, phone."""
    cat = hall.category(item.category)
    dept = hall.department(cat.department) if cat is not None else None
    windows = hall.windows_for(item.category)
    location = item.guide.location or "、".join(f"{w.number}号窗口" for w in windows)
    return v.Guide(
        materials=tuple(item.guide.materials),
        procedure=tuple(item.guide.procedure),
        type=item.type,
        type_zh=item.type.label_zh,
        time_limit_workdays=item.time_limit_workdays,
        fees=item.guide.fees,
        legal_basis=item.guide.legal_basis,
        location=location,
        phone=item.guide.phone or (dept.phone if dept is not None else ""),
    )


def catalog_view(
    hall: HallConfig,
    state: QueueState,
    now: dt.datetime,
    calendar: WorkdayCalendarProtocol | None = None,
) -> v.CatalogData:
    """``state/catalog``: per category and item, open / closed / suspended / full, caps left."""
    ctx = _ctx(hall, now, calendar)
    open_today = ctx.hall_open_on(ctx.day)
    categories: dict[str, v.CategoryEntry] = {}
    for cat in hall.categories:
        last = ctx.last_ticket(cat)
        c = state.counters.get(counter_key(ctx.day, cat.prefix))
        issued = c.last_seq if c is not None else 0
        left = max(cat.daily_cap - issued, 0) if cat.daily_cap is not None else None
        status: v.CatalogStatus
        if not open_today or not hall.hours.open <= ctx.now.time() < last:
            status = "closed"
        elif left == 0:
            status = "full"
        else:
            status = "open"
        dept = hall.department(cat.department)
        categories[cat.prefix] = v.CategoryEntry(
            name=cat.name,
            name_en=cat.name_en,
            department=cat.department,
            department_name=dept.name if dept is not None else cat.department,
            status=status,
            last_ticket=last.strftime("%H:%M"),
            daily_cap=cat.daily_cap,
            issued=issued,
            left=left,
        )
    items: dict[str, v.ItemEntry] = {}
    for item in hall.items:
        s = state.suspensions.get(item.code)
        suspended = s is not None and s.active(ctx.now)
        announced = s is not None and s.ended_at is None and ctx.now < s.start
        items[item.code] = v.ItemEntry(
            name=item.name,
            name_en=item.name_en,
            category=item.category,
            status="suspended" if suspended else categories[item.category].status,
            notice=s.notice if s is not None and (suspended or announced) else None,
            suspension_start=s.start if s is not None and announced else None,
            guide=guide_view(hall, item),
        )
    return v.CatalogData(day=ctx.day, open_today=open_today, categories=categories, items=items)
