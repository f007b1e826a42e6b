"""Who is at a window, pause/resume (Q5, Q6) and temporary window closure (Q11)."""

from __future__ import annotations

import calendar as _months
import dataclasses
import datetime as dt

from bus.models.queue import CloseWindow, Login, Logout, OpenWindow, Pause, Resume
from config.schema import Window
from hallqueue.engine.common import (
    PAUSE_LOGOUT,
    PAUSE_STAFF,
    Handled,
    active_closure,
    signed_out,
    staffed,
    window_config,
    window_detail,
)
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import Closure, WindowState


def _pause(ctx: Ctx, d: Draft, ws: WindowState, reason: str) -> None:
    d.put_window(dataclasses.replace(ws, paused=True, pause_reason=reason, paused_at=ctx.now))
    # 002 三(三)1(3): the display shows 暂停服务, the evaluator 停止服务.
    d.emit(
        "window.paused",
        {"window": ws.key},
        reason=reason,
        display="暂停服务",
        evaluator="停止服务",
        **window_detail(ctx.hall, ws.key, ws.staff),
    )


def pause(ctx: Ctx, d: Draft, op: Pause) -> Handled:
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    ws = d.window(op.window)
    if ws.paused:
        return Refusal.of("already_paused")
    _pause(ctx, d, ws, PAUSE_STAFF)
    return {"window": op.window, "paused": True}


def _resume(ctx: Ctx, d: Draft, ws: WindowState) -> None:
    d.put_window(dataclasses.replace(ws, paused=False, pause_reason="", paused_at=None))
    d.emit("window.resumed", {"window": ws.key}, **window_detail(ctx.hall, ws.key, ws.staff))


def resume(ctx: Ctx, d: Draft, op: Resume) -> Handled:
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    ws = d.window(op.window)
    if not ws.paused:
        return Refusal.of("not_paused")
    if signed_out(ws):
        # Paused because its staff left: only a login reopens it (Q5), or a window nobody
        # is signed in at would call again.
        return Refusal.of("not_logged_in")
    _resume(ctx, d, ws)
    return {"window": op.window, "paused": False}


def _logout(ctx: Ctx, d: Draft, ws: WindowState) -> None:
    staff = ws.staff
    ws = dataclasses.replace(ws, staff=None)
    d.put_window(ws)
    d.emit(
        "window.logout",
        {"window": ws.key, "staff": staff},
        **window_detail(ctx.hall, ws.key, staff),
    )
    if not ws.paused:
        # A staff member leaving the window must pause (Q5); the next login lifts it.
        _pause(ctx, d, ws, PAUSE_LOGOUT)
    elif ws.pause_reason != PAUSE_LOGOUT:
        # Paused already: from now on it waits for a login, not for a resume.
        d.put_window(dataclasses.replace(ws, pause_reason=PAUSE_LOGOUT))


def login(ctx: Ctx, d: Draft, op: Login) -> Handled:
    """Staff on duty: the evaluator shows them and ratings are theirs (Q6)."""
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    # A keypad's staff number is the controller's to resolve (with the PIN): here only ids.
    member = ctx.hall.staff_member(op.staff) if op.staff is not None else None
    if member is None:
        return Refusal.of("unknown_staff", staff=op.staff or op.staff_number)
    staff = member.id
    for other in list(d.windows.values()):
        if other.staff == staff and other.key != op.window:
            if other.current is not None:
                return Refusal.of("window_busy")
            _logout(ctx, d, other)
    ws = d.window(op.window)
    if ws.staff is not None and ws.staff != staff and ws.current is not None:
        return Refusal.of("window_busy")
    ws = dataclasses.replace(ws, staff=staff)
    d.put_window(ws)
    d.emit(
        "window.login",
        {"window": op.window, "staff": staff},
        **window_detail(ctx.hall, op.window, staff),
        staff_number=member.staff_number,
    )
    if ws.paused and ws.pause_reason == PAUSE_LOGOUT:
        _resume(ctx, d, ws)
    return {"window": op.window, "staff": staff, "name": member.name}


def logout(ctx: Ctx, d: Draft, op: Logout) -> Handled:
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    ws = d.window(op.window)
    # Nobody to log out (Q5). In a replay a window never signed in counts as signed in by
    # an unnamed staff member (RULES §5): logging it out pauses it like any other, and only
    # one already logged out is refused.
    if not staffed(ctx, ws):
        return Refusal.of("not_logged_in")
    if ws.current is not None:
        return Refusal.of("window_busy")
    _logout(ctx, d, ws)
    return {"window": op.window, "staff": None}


def _add_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, _months.monthrange(year, month)[1]))


def closure_refusal(ctx: Ctx, d: Draft, window: Window) -> Refusal | None:
    """Q11 (001 窗口调整 二(二)1): the department needs ≥ 2 windows; at most 1/5 of them closed,
    and at most 1 when it has ≤ 4; each category must stay served by another open window.
    Comprehensive windows (no department) count as one group of their own."""
    group = [w for w in ctx.hall.windows if w.department == window.department]
    total = len(group)
    if total < 2:
        return Refusal.of("department_too_small")
    most = 1 if total <= 4 else total // 5
    closed = sum(active_closure(d.closures, w.id, ctx) is not None for w in group)
    if closed + 1 > most:
        return Refusal.of("too_many_closed", max=most, total=total)
    for category in window.categories:
        others = [
            w
            for w in ctx.hall.windows_for(category)
            if w.id != window.id and active_closure(d.closures, w.id, ctx) is None
        ]
        if not others:
            return Refusal.of("category_unserved", category=category)
    return None


def close_window(ctx: Ctx, d: Draft, op: CloseWindow) -> Handled:
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    if active_closure(d.closures, op.window, ctx) is not None:
        return Refusal.of("already_closed")
    until = ctx.local(op.until) if op.until is not None else None
    if until is not None and until <= ctx.now:
        return Refusal.of("bad_period")
    refusal = closure_refusal(ctx, d, cfg)
    if refusal is not None:
        return refusal
    if d.window(op.window).current is not None:
        return Refusal.of("window_busy")
    to_pool = until is not None and until.date() > _add_month(ctx.day)
    closure = Closure(
        key=f"{op.window}/{ctx.now.isoformat()}",
        window=op.window,
        reason=op.reason,
        start=ctx.now,
        until=until,
        returns_to_pool=to_pool,
    )
    d.put_closure(closure)
    public = {"window": op.window}
    d.emit(
        "window.closed",
        public,
        reason=op.reason,
        until=until.isoformat() if until else None,
        returns_to_pool=to_pool,
        closure=closure.key,
    )
    return {**public, "closure": closure.key, "returns_to_pool": to_pool}


def open_window(ctx: Ctx, d: Draft, op: OpenWindow) -> Handled:
    cfg = window_config(ctx, op.window)
    if isinstance(cfg, Refusal):
        return cfg
    closure = active_closure(d.closures, op.window, ctx)
    if closure is None:
        return Refusal.of("not_closed")
    d.put_closure(dataclasses.replace(closure, ended_at=ctx.now))
    d.emit("window.opened", {"window": op.window}, closure=closure.key)
    return {"window": op.window}
