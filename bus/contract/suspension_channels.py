"""The channels of 业务临时停办登记备案 (Q10): filing, the manager's decision, and the list the
console's ``/suspensions`` page shows."""

from __future__ import annotations

import datetime as dt

from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.models.base import Reply
from bus.models.suspensions import (
    DecideSuspension,
    FileSuspension,
    SuspensionEntry,
    SuspensionResult,
    SuspensionsQuery,
    SuspensionsResult,
)

_M = Role.CONSOLE
_FILED = dt.date(2026, 11, 24)
"""A Tuesday: the 5th workday after it is 12-01, so a suspension from 12-02 may be filed."""
_START = _at(9, 0, dt.date(2026, 12, 2))
_END = _at(17, 30, dt.date(2026, 12, 3))
_REASON = "不动产登记系统升级改造"
_DOC = "城自然资函〔2026〕58号"


def _id(n: int) -> str:
    return f"c-20261124-s{n:03d}"


_PENDING = SuspensionEntry(
    suspension="SP0001",
    department="budongchan",
    services=("B02",),
    windows=("W03", "W04"),
    reason=_REASON,
    document_no=_DOC,
    measures="3号窗口留2名咨询人员，咨询电话 0000-12345",
    start=_START,
    end=_END,
    filed_at=_at(10, 5, _FILED),
    filed_by="chief-budongchan",
    status="pending",
    notice=f"{_REASON}（{_DOC}），12月3日17:30起恢复办理",
    phase="pending",
)
_APPROVED = _PENDING.model_copy(
    update={
        "status": "approved",
        "phase": "approved",
        "decided_at": _at(11, 0, _FILED),
        "decided_by": "admin",
        "notice_id": "N0007",
    }
)
_LEAD = (
    "业务临时停办须至少提前5个工作日报备（001 业务临时停办 二(二)1）：11月24日报备、11月27日停办，"
    "其间只有3个工作日；今日报备最早可于12月1日停办"
)
_LEAD_EN = (
    "a suspension must be filed at least 5 workdays ahead (001 业务临时停办 二(二)1): filed "
    "2026-11-24, starting 2026-11-27, only 3 workdays between; filed today it may start on "
    "2026-12-01 at the earliest"
)

SUSPENSION_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        FileSuspension,
        (_M,),
        (
            FileSuspension(
                id=_id(1),
                department="budongchan",
                services=("B02",),
                windows=("W03", "W04"),
                reason=_REASON,
                document_no=_DOC,
                start=_START,
                end=_END,
                measures="3号窗口留2名咨询人员，咨询电话 0000-12345",
            ),
            Example(
                FileSuspension(
                    id=_id(2),
                    department="shebao",
                    categories=("A",),
                    reason="医保系统故障抢修",
                    document_no="城医保发〔2026〕3号",
                    start=_at(10, 30),
                    end=_at(17, 30),
                    emergency=True,
                ),
                "the manager's emergency suspension: at once, approved as filed (RULES Q10)",
            ),
        ),
        reply_examples=(
            ok(_id(1), SuspensionResult(suspension=_PENDING, earliest_start=dt.date(2026, 12, 1))),
            Example(
                Reply.failure(_id(1), "lead_time", f"{_LEAD} / {_LEAD_EN}"),
                "filed inside the 5 workdays",
            ),
            Example(
                Reply.failure(
                    _id(1),
                    "forbidden",
                    "首席代表只能处理本部门（shebao）的事务 / a chief acts for their own "
                    "department (shebao) only",
                ),
                "a chief filing for another department",
            ),
        ),
    ),
    CommandChannel(
        DecideSuspension,
        (_M,),
        (
            DecideSuspension(id=_id(3), suspension="SP0001", decision="approve"),
            DecideSuspension(
                id=_id(4), suspension="SP0001", decision="reject", note="未附证明文件"
            ),
        ),
        reply_examples=(
            ok(_id(3), SuspensionResult(suspension=_APPROVED)),
            Example(
                Reply.failure(
                    _id(3),
                    "notice_lead_time",
                    "停办通知须至少提前4个工作日向社会公告（001 业务临时停办 二(二)2）："
                    "今日11月27日批准，距12月2日停办只有3个工作日，最迟应于11月26日批准；"
                    "请驳回并重新报备 / the public notice must go out at least 4 workdays ahead",
                ),
                "approved too late for the notice",
            ),
        ),
    ),
    CommandChannel(
        SuspensionsQuery,
        (_M,),
        (SuspensionsQuery(id=_id(5)), SuspensionsQuery(id=_id(6), department="budongchan")),
        reply_examples=(
            ok(
                _id(5),
                SuspensionsResult(
                    today=_FILED, earliest_start=dt.date(2026, 12, 1), suspensions=(_APPROVED,)
                ),
            ),
        ),
    ),
]
"""The suspension filing commands: file, decide, list."""
