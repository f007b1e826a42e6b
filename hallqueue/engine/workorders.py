"""差评工单 (Q7): the steps of a bad-review work order towards closing, and its appeal.

A rating of 1 or 2 opens the order (``ratings.rate``); here it is worked: 回访核实 (``verify``:
the call-back, what the citizen said, whether the complaint holds), 整改 or 解释说明
(``rectify``: the rectification of a verified complaint, else the explanation given), the
reply (``reply``: 反馈, 002 四(六)6), then ``close``. A department may appeal a rating it
finds mistaken or malicious (申诉复核, 国办发〔2019〕51号: ``appeal``); the hall centre decides
(``appeal_upheld`` / ``appeal_rejected``), and an upheld appeal takes the rating out of the
staff member's 不合格 count (``Workorder.counts``). Who may give which step is the
controller's check (``controller/permissions.py``); the engine records who did
(``acting_user``) with every step.
"""

from __future__ import annotations

import dataclasses

from bus.models.queue import WORKORDER_STEPS, CloseWorkorder, UpdateWorkorder
from hallqueue.engine.common import Handled
from hallqueue.engine.draft import Draft
from hallqueue.engine.events import Refusal
from hallqueue.engine.hours import Ctx
from hallqueue.engine.model import AppealStatus, Workorder, WorkorderStatus, WorkorderStep

DECISIONS = {"appeal_upheld": AppealStatus.UPHELD, "appeal_rejected": AppealStatus.REJECTED}


def update_workorder(ctx: Ctx, d: Draft, op: UpdateWorkorder) -> Handled:
    """Record one step of an open work order (Q7)."""
    order = d.workorders.get(op.workorder)
    if order is None:
        return Refusal.of("unknown_workorder", workorder=op.workorder)
    if op.step not in WORKORDER_STEPS:
        return Refusal.of("bad_step", step=op.step)
    if order.status is WorkorderStatus.CLOSED:
        return Refusal.of("workorder_closed", "appeal" if op.step == "appeal" else "")
    changed = _step(order, op)
    if isinstance(changed, Refusal):
        return changed
    record = WorkorderStep(
        op.step, ctx.now, op.acting_user, op.note, changed.verified if op.step == "verify" else None
    )
    new = dataclasses.replace(changed, steps=(*order.steps, record))
    d.put_workorder(new)
    public = {"workorder": order.key, "step": op.step}
    d.emit(
        "workorder.updated",
        public,
        verified=new.verified,
        staff=order.staff,
        appeal=new.appeal.value,
        by=op.acting_user,
    )
    return {**public, "verified": new.verified, "appeal": new.appeal.value}


def _step(order: Workorder, op: UpdateWorkorder) -> Workorder | Refusal:
    """The order with the step's finding, or why the step cannot be taken now."""
    if op.step == "verify":
        verified = True if op.verified is None else op.verified
        return dataclasses.replace(order, verified=verified, visit_note=op.note)
    if op.step == "rectify":
        default = "已解释说明" if order.verified is False else "已整改"
        return dataclasses.replace(order, rectification=op.note or default)
    if op.step == "reply":
        return dataclasses.replace(order, reply=op.note or "已答复")
    if op.step == "appeal":
        if order.appeal is AppealStatus.PENDING:
            return Refusal.of("appeal_pending")
        if order.appeal is not AppealStatus.NONE:
            return _decided(order.appeal)
        if not op.note.strip():
            return Refusal.of("appeal_reason_missing")
        return dataclasses.replace(order, appeal=AppealStatus.PENDING, appeal_note=op.note)
    # appeal_upheld / appeal_rejected: the hall centre decides an appeal the department made
    if order.appeal is AppealStatus.NONE:
        return Refusal.of("no_appeal")
    if order.appeal is not AppealStatus.PENDING:
        return _decided(order.appeal)
    return dataclasses.replace(order, appeal=DECISIONS[op.step], decision_note=op.note)


def _decided(status: AppealStatus) -> Refusal:
    upheld = status is AppealStatus.UPHELD
    return Refusal.of(
        "appeal_decided",
        decision="申诉成立" if upheld else "申诉不成立",
        decision_en="upheld" if upheld else "rejected",
    )


def close_workorder(ctx: Ctx, d: Draft, op: CloseWorkorder) -> Handled:
    """Close after the call-back and the reply; a verified complaint also needs rectification.
    An upheld appeal stands for the call-back and the rectification (the rating was mistaken
    or malicious); the reply (反馈) is always needed. A pending appeal is decided first."""
    order = d.workorders.get(op.workorder)
    if order is None:
        return Refusal.of("unknown_workorder", workorder=op.workorder)
    if order.status is WorkorderStatus.CLOSED:
        return Refusal.of("workorder_closed")
    if order.appeal is AppealStatus.PENDING:
        return Refusal.of("appeal_pending", "close")
    upheld = order.appeal is AppealStatus.UPHELD
    missing = []
    if order.verified is None and not upheld:
        missing.append("回访核实 verify")
    if order.verified and not order.rectification and not upheld:
        missing.append("整改 rectify")
    if not order.reply:
        missing.append("答复 reply")
    if missing:
        return Refusal.of("steps_missing", missing=", ".join(missing))
    step = WorkorderStep("close", ctx.now, op.acting_user, op.note)
    closed = dataclasses.replace(
        order, status=WorkorderStatus.CLOSED, closed_at=ctx.now, steps=(*order.steps, step)
    )
    d.put_workorder(closed)
    overdue = ctx.day > order.due
    public = {"workorder": order.key, "ticket": order.number}
    d.emit(
        "workorder.closed",
        public,
        verified=order.verified,
        overdue=overdue,
        staff=order.staff,
        by=op.acting_user,
    )
    return {**public, "verified": order.verified, "overdue": overdue}
