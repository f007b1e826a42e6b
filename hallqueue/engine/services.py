"""业务临时停办 (Q10): suspend an item with a notice, announced ahead when it starts later."""

from __future__ import annotations

import dataclasses

from bus.models.queue import Suspend, Unsuspend
from hallqueue.engine.common import Handled
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import Suspension

DEFAULT_NOTICE = "该业务临时停办，恢复时间另行通知"


def suspend(ctx: Ctx, d: Draft, op: Suspend) -> Handled:
    """A new suspend replaces the item's previous notice (how a manager corrects a notice)."""
    if ctx.hall.item(op.service) is None:
        return Refusal.of("unknown_service", service=op.service)
    start = ctx.local(op.start) if op.start is not None else ctx.now
    end = ctx.local(op.end) if op.end is not None else None
    if end is not None and end <= start:
        return Refusal.of("bad_period")
    suspension = Suspension(op.service, op.notice or DEFAULT_NOTICE, start, end)
    d.put_suspension(suspension)
    public = {"service": op.service}
    d.emit(
        "service.suspended",
        public,
        notice=suspension.notice,
        start=start.isoformat(),
        end=end.isoformat() if end else None,
        announced_ahead=start > ctx.now,
    )
    return {**public, "notice": suspension.notice}


def unsuspend(ctx: Ctx, d: Draft, op: Unsuspend) -> Handled:
    suspension = d.suspensions.get(op.service)
    if ctx.hall.item(op.service) is None:
        return Refusal.of("unknown_service", service=op.service)
    if suspension is None or suspension.ended_at is not None:
        return Refusal.of("not_suspended")
    if suspension.end is not None and ctx.now >= suspension.end:
        return Refusal.of("not_suspended")
    d.put_suspension(dataclasses.replace(suspension, ended_at=ctx.now))
    public = {"service": op.service}
    d.emit("service.unsuspended", public)
    return public
