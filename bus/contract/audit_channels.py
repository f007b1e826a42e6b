"""The channels of the back office's record: the audit log (``audit/search``) and the devices'
fault history (``devices/history``), both read-only and the console's alone."""

from __future__ import annotations

from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.models.audit import AuditSearch, DeviceHistoryQuery
from bus.models.base import Reply
from bus.models.replies import (
    AuditEntry,
    AuditSearchResult,
    DeviceChange,
    DeviceHistoryResult,
    DeviceNow,
)

_M = Role.CONSOLE


def _id(n: int) -> str:
    return f"c-20261124-a{n:03d}"


PAGE = AuditSearchResult(
    entries=(
        AuditEntry(
            seq=18342,
            at=_at(10, 2),
            area="queue",
            verb="call",
            command_id="console-c1-call",
            ok=True,
            sender="console",
            acting_user="admin",
            window="W03",
            ticket="A012",
        ),
        AuditEntry(
            seq=18329,
            at=_at(9, 58),
            area="queue",
            verb="pause",
            command_id="console-c0-pause",
            ok=False,
            sender="console",
            acting_user="admin",
            window="W03",
            ticket=None,
        ),
    ),
    next_cursor="18329",
)
HISTORY = DeviceHistoryResult(
    devices=(
        DeviceNow(
            node="kiosk-1",
            device="",
            state="online",
            detail="",
            fault=False,
            since=_at(8, 30),
            seen_at=_at(8, 30),
        ),
        DeviceNow(
            node="kiosk-1",
            device="printer",
            state="ok",
            detail="",
            fault=False,
            since=_at(10, 41),
            seen_at=_at(10, 41),
        ),
    ),
    changes=(
        DeviceChange(
            seq=7,
            at=_at(10, 41),
            node="kiosk-1",
            device="printer",
            state="ok",
            previous="paper_out",
            detail="",
            fault=False,
            recovered=True,
        ),
        DeviceChange(
            seq=6,
            at=_at(10, 15),
            node="kiosk-1",
            device="printer",
            state="paper_out",
            previous="ok",
            detail="缺纸，请更换热敏纸",
            fault=True,
            recovered=False,
        ),
    ),
)
_AUDITORS = (
    "只有中心管理员和审计人员可以查询操作日志 / only the hall manager and the auditor "
    "search the audit log"
)

AUDIT_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        AuditSearch,
        (_M,),
        (
            AuditSearch.model_validate(
                {
                    "id": _id(1),
                    "user": "admin",
                    "window": "W03",
                    "from": "2026-11-24T00:00:00+08:00",
                    "to": "2026-11-25T00:00:00+08:00",
                    "limit": 2,
                }
            ),
            Example(
                AuditSearch(
                    id=_id(2),
                    command="queue/call",
                    outcome="refused",
                    cursor="18329",
                ),
                "the next page of the refused calls: the cursor the page before gave",
            ),
        ),
        reply_examples=(
            ok(_id(1), PAGE),
            Example(Reply.failure(_id(1), "forbidden", _AUDITORS), "a chief or staff asking"),
        ),
    ),
    CommandChannel(
        DeviceHistoryQuery,
        (_M,),
        (
            DeviceHistoryQuery(id=_id(3)),
            Example(
                DeviceHistoryQuery(id=_id(4), node="kiosk-1", device="printer", limit=20),
                "one kiosk's printer: its faults and recoveries",
            ),
        ),
        reply_examples=(ok(_id(3), HISTORY),),
    ),
]
"""The audit log's search and the devices' history."""
