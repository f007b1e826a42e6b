"""业务临时停办登记备案 behind the bus (Q10): filings, the manager's decision, the list.

The lead-time rules are the pure ``hallqueue.engine.suspension_rules``; this module keeps the
filings in the ``suspensions`` table (in the command's transaction, beside its audit row),
pushes the public notice on approval through the hall's notice board, and says which item a
filing suspends at a given time, which the queue service asks before issuing a ticket,
checking in or booking. When an approved filing starts, the queue service sets the engine's
own suspension of its items (``queue/suspend`` with the filing's notice and end), so the
kiosk's menu shows them suspended and the windows page can resume them early.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bus.models.base import Command
from bus.models.suspensions import (
    DecideSuspension,
    FileSuspension,
    SuspensionEntry,
    SuspensionResult,
    SuspensionsQuery,
    SuspensionsResult,
)
from config.schema import HallConfig
from hallqueue.engine.hours import WorkdayCalendarProtocol, to_hall_time
from hallqueue.engine.suspension_rules import (
    approval_refusal,
    earliest_start,
    filing_refusal,
    phase,
    suspending,
)
from store import tables
from store.service import Outcome
from store.upsert import upsert

NOTICE_TARGETS = ("screens", "kiosks")
"""Where the approved suspension's notice goes (001 业务临时停办 二(二)2: 宣传屏, the kiosks)."""
KIOSK_NOTE_MAX = 500


class NoticeBoard(Protocol):
    """The hall's notices as the queue service may post one (``controller/notices.py``)."""

    def post(
        self,
        conn: Connection,
        now: dt.datetime,
        *,
        text: str,
        text_en: str,
        targets: list[str],
        start: dt.datetime,
        until: dt.datetime | None,
        priority: str,
    ) -> tuple[str, Outcome]:
        """Store a notice in ``conn``'s transaction: its id and the outcome to publish."""
        ...


class SuspensionDesk:
    """The filings in memory, rebuilt from the store; changed only after a commit."""

    def __init__(self, hall: HallConfig, calendar: WorkdayCalendarProtocol) -> None:
        self.hall = hall
        self.calendar = calendar
        self.entries: dict[str, SuspensionEntry] = {}
        self.notices: NoticeBoard | None = None
        """Set by the composition root; without it an approval posts no notice."""

    def load(self, conn: Connection) -> None:
        rows = conn.execute(sa.select(tables.suspensions.c.data))
        self.entries = {}
        for (data,) in rows:
            entry = SuspensionEntry.model_validate(data)
            self.entries[entry.suspension] = entry

    # Queries the queue service asks ------------------------------------------------------

    def blocking(self, service: str, at: dt.datetime, *, started: bool) -> SuspensionEntry | None:
        """The approved filing suspending ``service`` at ``at``. With ``started`` (a ticket or
        a check-in now) only one whose engine suspension is not set yet: once set, the engine
        refuses, and a manager who resumed the item early is obeyed."""
        live = (e for e in self.entries.values() if not (started and e.applied))
        return suspending(live, service, at)

    def due(self, now: dt.datetime) -> list[SuspensionEntry]:
        """Approved filings that have started and whose engine suspension is not set yet."""
        return sorted(
            (
                e
                for e in self.entries.values()
                if e.status == "approved" and not e.applied and e.start <= now < e.end
            ),
            key=lambda e: e.suspension,
        )

    def mark_applied(
        self, conn: Connection, entry: SuspensionEntry, now: dt.datetime
    ) -> Callable[[], None]:
        applied = entry.model_copy(update={"applied": True})
        self._store(conn, applied, now)
        return lambda: self.entries.__setitem__(applied.suspension, applied)

    # Commands ----------------------------------------------------------------------------

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome | None:
        """The answer to a suspension command, or None for any other command."""
        if isinstance(cmd, SuspensionsQuery):
            return Outcome(result=self._list(cmd, now))
        if isinstance(cmd, FileSuspension):
            return self._file(conn, cmd, now)
        if isinstance(cmd, DecideSuspension):
            return self._decide(conn, cmd, now)
        return None

    def _list(self, cmd: SuspensionsQuery, now: dt.datetime) -> SuspensionsResult:
        today = to_hall_time(self.hall, now).date()
        chosen = [
            self._with_phase(e, now)
            for e in self.entries.values()
            if cmd.department is None or e.department == cmd.department
        ]
        chosen.sort(key=lambda e: (e.start, e.suspension), reverse=True)
        return SuspensionsResult(
            today=today,
            earliest_start=earliest_start(self.calendar, today),
            suspensions=tuple(chosen),
        )

    @staticmethod
    def _with_phase(entry: SuspensionEntry, now: dt.datetime) -> SuspensionEntry:
        return entry.model_copy(update={"phase": phase(entry, now)})

    def _local(self, value: dt.datetime) -> dt.datetime:
        tz = self.hall.tz
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)

    def _items(self, cmd: FileSuspension) -> tuple[tuple[str, ...], Outcome | None]:
        """The items the filing stops, or why it is refused (unknown, another department's)."""
        if self.hall.department(cmd.department) is None:
            return (), Outcome.refused(
                "unknown_department", f"没有部门 {cmd.department} / unknown department"
            )
        items: list[str] = []
        for prefix in cmd.categories:
            category = self.hall.category(prefix)
            if category is None:
                return (), Outcome.refused(
                    "unknown_category", f"没有类别 {prefix} / unknown category"
                )
            items += [i.code for i in self.hall.items if i.category == prefix]
        for code in cmd.services:
            if self.hall.item(code) is None:
                return (), Outcome.refused("unknown_service", f"没有事项 {code} / unknown service")
            items.append(code)
        others = sorted(
            code for code in set(items) if self._department_of_item(code) != cmd.department
        )
        if others:
            return (), Outcome.refused(
                "other_department",
                f"事项 {'、'.join(others)} 不属于{self._dept_name(cmd.department)} / "
                f"{', '.join(others)} are not {cmd.department}'s items",
            )
        for window_id in cmd.windows:
            window = self.hall.window(window_id)
            if window is None:
                return (), Outcome.refused(
                    "unknown_window", f"没有窗口 {window_id} / unknown window"
                )
            if window.department not in (None, cmd.department):
                return (), Outcome.refused(
                    "other_department",
                    f"窗口 {window_id} 不属于{self._dept_name(cmd.department)} / window "
                    f"{window_id} is not {cmd.department}'s",
                )
        return tuple(dict.fromkeys(items)), None

    def _department_of_item(self, code: str) -> str | None:
        item = self.hall.item(code)
        category = self.hall.category(item.category) if item else None
        return category.department if category else None

    def _dept_name(self, code: str) -> str:
        department = self.hall.department(code)
        return department.name if department else code

    def _file(self, conn: Connection, cmd: FileSuspension, now: dt.datetime) -> Outcome:
        items, refused = self._items(cmd)
        if refused is not None:
            return refused
        start, end = self._local(cmd.start), self._local(cmd.end)
        today = to_hall_time(self.hall, now).date()
        if cmd.emergency:
            start = max(start, now)
            if end <= start:
                return Outcome.refused("invalid", "结束时间已过 / the end is already past")
        else:
            rule = filing_refusal(self.calendar, today, start.date())
            if rule is not None:
                return Outcome.refused(rule.code, rule.message, message_en=rule.message_en)
        clash = self._overlapping(items, start, end)
        if clash is not None:
            return Outcome.refused(
                "overlap",
                f"与停办登记 {clash.suspension}（{self._local(clash.start):%m-%d %H:%M}–"
                f"{self._local(clash.end):%m-%d %H:%M}）时间重叠 / overlaps filing "
                f"{clash.suspension}",
            )
        entry = SuspensionEntry(
            suspension=self._next_id(conn),
            department=cmd.department,
            services=items,
            windows=cmd.windows,
            reason=cmd.reason,
            document_no=cmd.document_no,
            measures=cmd.measures,
            start=start,
            end=end,
            emergency=cmd.emergency,
            filed_at=now,
            filed_by=cmd.acting_user,
            status="pending",
        )
        entry = entry.model_copy(update={"notice": self._kiosk_note(entry)})
        if cmd.emergency:
            return self._approved(conn, entry, now, cmd.acting_user, "紧急停办 / emergency")
        return self._saved(conn, entry, now, "suspension.filed")

    def _overlapping(
        self, items: tuple[str, ...], start: dt.datetime, end: dt.datetime
    ) -> SuspensionEntry | None:
        for e in sorted(self.entries.values(), key=lambda e: e.suspension):
            shared = set(e.services) & set(items)
            if e.status != "rejected" and shared and e.start < end and start < e.end:
                return e
        return None

    def _next_id(self, conn: Connection) -> str:
        count = conn.execute(sa.select(sa.func.count()).select_from(tables.suspensions)).scalar()
        return f"SP{(count or 0) + 1:04d}"

    def _decide(self, conn: Connection, cmd: DecideSuspension, now: dt.datetime) -> Outcome:
        entry = self.entries.get(cmd.suspension)
        if entry is None:
            return Outcome.refused(
                "unknown_suspension", f"没有停办登记 {cmd.suspension} / no such filing"
            )
        if entry.status != "pending":
            return Outcome.refused(
                "decided", f"该登记已审批（{entry.status}） / already decided ({entry.status})"
            )
        if cmd.decision == "reject":
            if not cmd.note.strip():
                return Outcome.refused("note_required", "驳回须说明理由 / a rejection says why")
            rejected = entry.model_copy(
                update={
                    "status": "rejected",
                    "decided_at": now,
                    "decided_by": cmd.acting_user,
                    "decision_note": cmd.note,
                }
            )
            return self._saved(conn, rejected, now, "suspension.rejected")
        today = to_hall_time(self.hall, now).date()
        rule = approval_refusal(self.calendar, today, entry.start.date())
        if rule is not None:
            return Outcome.refused(rule.code, rule.message, message_en=rule.message_en)
        return self._approved(conn, entry, now, cmd.acting_user, cmd.note)

    def _approved(
        self, conn: Connection, entry: SuspensionEntry, now: dt.datetime, by: str | None, note: str
    ) -> Outcome:
        notice_id: str | None = None
        posted = Outcome()
        if self.notices is not None:
            zh, en = self._notice_text(entry)
            notice_id, posted = self.notices.post(
                conn,
                now,
                text=zh,
                text_en=en,
                targets=list(NOTICE_TARGETS),
                start=now,
                until=entry.end,
                priority="high",
            )
        approved = entry.model_copy(
            update={
                "status": "approved",
                "decided_at": now,
                "decided_by": by,
                "decision_note": note,
                "notice_id": notice_id,
            }
        )
        outcome = self._saved(conn, approved, now, "suspension.approved")
        outcome.events += posted.events
        outcome.publications += posted.publications
        mine, theirs = outcome.on_commit, posted.on_commit

        def commit() -> None:
            if mine is not None:
                mine()
            if theirs is not None:
                theirs()

        outcome.on_commit = commit
        return outcome

    def _saved(
        self, conn: Connection, entry: SuspensionEntry, now: dt.datetime, kind: str
    ) -> Outcome:
        self._store(conn, entry, now)

        def commit() -> None:
            self.entries[entry.suspension] = entry

        return Outcome(
            result=SuspensionResult(
                suspension=self._with_phase(entry, now),
                earliest_start=earliest_start(self.calendar, to_hall_time(self.hall, now).date()),
            ),
            events=[{"event": kind, "suspension": entry.suspension}],
            on_commit=commit,
        )

    def _store(self, conn: Connection, entry: SuspensionEntry, now: dt.datetime) -> None:
        upsert(
            conn,
            tables.suspensions,
            {"suspension_id": entry.suspension},
            {
                "department": entry.department,
                "status": entry.status,
                "starts_at": entry.start,
                "ends_at": entry.end,
                "data": entry.model_dump(mode="json"),
                "created_at": entry.filed_at,
                "updated_at": now,
            },
        )

    # Words -------------------------------------------------------------------------------

    def _names(self, entry: SuspensionEntry) -> tuple[str, str]:
        items = [self.hall.item(c) for c in entry.services]
        zh = "、".join(i.name for i in items if i is not None)
        en = ", ".join((i.name_en or i.name) for i in items if i is not None)
        return zh, en

    def _windows(self, entry: SuspensionEntry) -> tuple[str, str]:
        numbers = [w.number for w in (self.hall.window(i) for i in entry.windows) if w]
        if not numbers:
            return "", ""
        return (
            f"（{'、'.join(str(n) for n in numbers)}号窗口）",
            f" (window {', '.join(str(n) for n in numbers)})",
        )

    def _notice_text(self, entry: SuspensionEntry) -> tuple[str, str]:
        department = self.hall.department(entry.department)
        dept_zh = department.name if department else entry.department
        dept_en = (department.name_en or department.name) if department else entry.department
        items_zh, items_en = self._names(entry)
        win_zh, win_en = self._windows(entry)
        start, end = self._local(entry.start), self._local(entry.end)
        zh = (
            f"业务临时停办通知：{dept_zh}{win_zh}「{items_zh}」{start.month}月{start.day}日"
            f"{start:%H:%M}至{end.month}月{end.day}日{end:%H:%M}暂停办理。"
            f"事由：{entry.reason}（{entry.document_no}）。"
        )
        if entry.measures:
            zh += f"{entry.measures}。"
        en = (
            f"Temporary suspension: {dept_en}{win_en}, {items_en}, not served from "
            f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M}. Reason: {entry.reason} "
            f"({entry.document_no})."
        )
        return zh, en

    def _kiosk_note(self, entry: SuspensionEntry) -> str:
        end = self._local(entry.end)
        note = (
            f"{entry.reason}（{entry.document_no}），{end.month}月{end.day}日{end:%H:%M}起恢复办理"
        )
        return note[:KIOSK_NOTE_MAX]
