"""The channels of the bad-review work orders (差评工单, Q7): their steps and appeal, closing
them, and the list the console's work-order page shows (``queue/workorders``)."""

from __future__ import annotations

import datetime as dt

from bus.contract import reply_examples as rx
from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.models import queue
from bus.models.base import RefusalDetails, Reply
from bus.models.replies import (
    ReviewGrade,
    ReviewGrades,
    WorkorderEntry,
    WorkordersResult,
    WorkorderStepEntry,
    WorkorderUpdateResult,
)

_M = Role.CONSOLE
_RATED = dt.date(2026, 11, 20)
"""The examples' bad review (rx.WORKORDER): a Friday; due ten workdays later, on 12-04."""


def _id(n: int) -> str:
    return f"c-20261124-w{n:03d}"


APPEALED = WorkorderUpdateResult(workorder=rx.WORKORDER, step="appeal", verified=None,
                                 appeal="pending")  # fmt: skip
UPHELD = WorkorderUpdateResult(workorder=rx.WORKORDER, step="appeal_upheld", verified=None,
                               appeal="upheld")  # fmt: skip
_APPEAL_NOTE = "评价器记录显示评价在办结前由他人按下，申请复核"
_DECISION = "经调取监控核实，差评系他人误按，申诉成立"
WORKORDERS = WorkordersResult(
    today=dt.date(2026, 11, 24),
    workorders=(
        WorkorderEntry(
            workorder=rx.WORKORDER,
            ticket="A007",
            day=_RATED,
            service="A01",
            department="shebao",
            window="W01",
            staff="S001",
            level=2,
            created_at=_at(10, 12, _RATED),
            due=dt.date(2026, 12, 4),
            status="open",
            workdays_left=8,
            overdue=False,
            verified=None,
            visit_note="",
            rectification="",
            reply="",
            appeal="upheld",
            appeal_note=_APPEAL_NOTE,
            decision_note=_DECISION,
            counts=False,
            closed_at=None,
            steps=(
                WorkorderStepEntry(
                    step="appeal", at=_at(9, 5), by="chief-shebao", note=_APPEAL_NOTE
                ),
                WorkorderStepEntry(step="appeal_upheld", at=_at(9, 20), by="admin", note=_DECISION),
            ),
        ),
    ),
    review_grades=ReviewGrades(
        year=2026,
        staff={
            "S001": ReviewGrade(
                bad_reviews=0, verified=0, unqualified=False, excellent_barred=False,
                appeals_upheld=1,
            )
        },
    ),
)
_DECIDES = "只有中心管理员可以决定申诉 / only the hall manager decides an appeal"

WORKORDER_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        queue.UpdateWorkorder,
        (_M,),
        (
            queue.UpdateWorkorder(
                id=_id(1), workorder=rx.WORKORDER, step="verify", note="电话回访", verified=True
            ),
            queue.UpdateWorkorder(id=_id(2), workorder=rx.WORKORDER, step="reply", note="已答复"),
            Example(
                queue.UpdateWorkorder(
                    id=_id(3), workorder=rx.WORKORDER, step="appeal", note=_APPEAL_NOTE
                ),
                "申诉复核: the department appeals (a chief of its department, or the manager)",
            ),
            Example(
                queue.UpdateWorkorder(
                    id=_id(4), workorder=rx.WORKORDER, step="appeal_upheld", note=_DECISION
                ),
                "the hall manager upholds the appeal: the rating leaves the 不合格 count",
            ),
        ),
        reply_examples=(
            ok(_id(1), rx.VERIFIED),
            ok(_id(2), rx.REPLIED),
            ok(_id(3), APPEALED),
            ok(_id(4), UPHELD),
            Example(
                Reply.failure(
                    _id(4),
                    "no_appeal",
                    "该工单没有待决定的申诉 / No appeal awaits a decision on this work order",
                    RefusalDetails(
                        message_en="No appeal awaits a decision on this work order",
                        workorder=rx.WORKORDER,
                    ),
                ),
                "deciding an appeal nobody made",
            ),
            Example(Reply.failure(_id(4), "forbidden", _DECIDES), "a chief deciding an appeal"),
        ),
    ),
    CommandChannel(
        queue.CloseWorkorder,
        (_M,),
        (queue.CloseWorkorder(id=_id(5), workorder=rx.WORKORDER),),
        reply_examples=(ok(_id(5), rx.WORKORDER_CLOSED),),
    ),
    CommandChannel(
        queue.WorkordersQuery,
        (_M,),
        (
            queue.WorkordersQuery(id=_id(6), status="open"),
            Example(
                queue.WorkordersQuery(id=_id(7), department="shebao"),
                "a chief's list: their department's orders only",
            ),
        ),
        reply_examples=(ok(_id(6), WORKORDERS),),
    ),
]
"""The work-order commands: the steps, closing, and the list."""
