"""Notices (Q14): pushed by the hall manager, retained per notice, revoked everywhere at once.

Each notice is a retained ``notice/<id>`` message, so a display that reboots gets the notices
still in force from the broker; revoking publishes an empty retained payload. The store
keeps them too, so a broker that lost its retained messages is refilled at controller start.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bus import topics
from bus.models.base import Command
from bus.models.events import NoticeIdData
from bus.models.notices import ListNotices, Notice, PushNotice, RevokeNotice
from bus.models.replies import ListedNotice, NoticeList, RevokeResult
from config.schema import HallConfig
from store import tables
from store.events import EventFactory
from store.service import Outcome, Publication

RECENT_ENDED = 50
"""Ended or revoked notices ``notice/list`` looks at (those of the hall's day are listed)."""


class NoticeService:
    area = "notice"

    def __init__(self, hall: HallConfig, events: EventFactory) -> None:
        self.hall = hall
        self.events = events
        self.notices: dict[str, Notice] = {}
        """Notices not revoked and not yet ended."""

    def load(self, conn: Connection, now: dt.datetime) -> None:
        rows = conn.execute(
            sa.select(tables.notices.c.data).where(tables.notices.c.revoked_at.is_(None))
        )
        self.notices = {}
        for (data,) in rows:
            notice = Notice.model_validate(data)
            self.notices[notice.notice_id] = notice

    def startup(self, now: dt.datetime) -> list[Publication]:
        return [self._retained(n) for n in self.notices.values()]

    def _retained(self, notice: Notice) -> Publication:
        return Publication(topics.notice(self.hall.hall_id, notice.notice_id), notice, retain=True)

    def _removed(self, notice_id: str) -> Publication:
        return Publication(topics.notice(self.hall.hall_id, notice_id), None, retain=True)

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        if isinstance(cmd, PushNotice):
            return self._push(conn, cmd, now)
        if isinstance(cmd, RevokeNotice):
            return self._revoke(conn, cmd, now)
        if isinstance(cmd, ListNotices):
            return Outcome(result=NoticeList(notices=self._listed(conn, now)))
        return Outcome.refused("unknown_command", f"未知命令 / unknown notice/{cmd.verb}")

    def _sorted(self) -> list[Notice]:
        return sorted(self.notices.values(), key=lambda n: n.notice_id)

    def _listed(self, conn: Connection, now: dt.datetime) -> tuple[ListedNotice, ...]:
        """The notices held (in force or scheduled), then those ended or revoked on the hall's
        day, each with its status by the hall's clock."""
        held = [ListedNotice.of(n, now) for n in self._sorted()]
        today = now.astimezone(self.hall.tz).date()
        rows = conn.execute(
            sa.select(tables.notices.c.data)
            .where(tables.notices.c.revoked_at.is_not(None))
            .order_by(tables.notices.c.created_at.desc())
            .limit(RECENT_ENDED)
        )
        ended = []
        for (data,) in rows:
            notice = Notice.model_validate(data)
            days = {notice.created_at.astimezone(self.hall.tz).date()}
            if notice.until is not None:
                days.add(notice.until.astimezone(self.hall.tz).date())
            if notice.notice_id not in self.notices and today in days:
                ended.append(ListedNotice.of(notice, now, ended=True))
        ended.sort(key=lambda n: n.notice_id)
        return tuple(held + ended)

    def _push(self, conn: Connection, cmd: PushNotice, now: dt.datetime) -> Outcome:
        start = _aware(cmd.start, self.hall, now) or now
        until = _aware(cmd.until, self.hall, now)
        if until is not None and until <= start:
            return Outcome.refused("invalid", "结束时间须晚于开始时间 / until must be after start")
        for target in cmd.targets:
            if target.startswith("window:") and self.hall.window(target[7:]) is None:
                return Outcome.refused("unknown_window", f"没有窗口 {target[7:]} / unknown window")
        _, outcome = self.post(
            conn, now, text=cmd.text, text_en=cmd.text_en, targets=cmd.targets, start=start,
            until=until, priority=cmd.priority,
        )  # fmt: skip
        return outcome

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
        """Store a notice in ``conn``'s transaction: its id and the outcome that publishes it
        after the commit. ``notice/push`` comes here, and so does an approved 业务临时停办
        filing (the queue service's ``hallqueue.suspensions.NoticeBoard``)."""
        count = conn.execute(sa.select(sa.func.count()).select_from(tables.notices)).scalar() or 0
        notice = Notice(
            notice_id=f"N{count + 1:04d}",
            text=text,
            text_en=text_en,
            targets=targets,
            start=start,
            until=until,
            priority=priority,
            created_at=now,
        )
        conn.execute(
            tables.notices.insert().values(
                notice_id=notice.notice_id, data=notice.model_dump(mode="json"), created_at=now
            )
        )
        event = {"event": "notice.pushed", "notice_id": notice.notice_id}

        def commit() -> None:
            self.notices[notice.notice_id] = notice

        return notice.notice_id, Outcome(
            result=notice,
            events=[event],
            publications=[
                self._retained(notice),
                self.events.publication("notice.pushed", notice, now),
            ],
            on_commit=commit,
        )

    def _revoke(self, conn: Connection, cmd: RevokeNotice, now: dt.datetime) -> Outcome:
        if cmd.notice_id not in self.notices:
            return Outcome.refused(
                "unknown_notice", f"没有生效的公告 {cmd.notice_id} / no such notice in force"
            )
        return self._end(conn, [cmd.notice_id], now, "notice.revoked")

    def _end(self, conn: Connection, ids: list[str], now: dt.datetime, kind: str) -> Outcome:
        conn.execute(
            tables.notices.update()
            .where(tables.notices.c.notice_id.in_(ids))
            .values(revoked_at=now)
        )

        def commit() -> None:
            for notice_id in ids:
                self.notices.pop(notice_id, None)

        pubs: list[Publication] = []
        events: list[dict[str, Any]] = []
        for notice_id in ids:
            pubs.append(self._removed(notice_id))
            pubs.append(self.events.publication(kind, NoticeIdData(notice_id=notice_id), now))
            events.append({"event": kind, "notice_id": notice_id})
        return Outcome(
            result=RevokeResult(revoked=tuple(ids)),
            events=events,
            publications=pubs,
            on_commit=commit,
        )

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        ended = [
            n.notice_id for n in self.notices.values() if n.until is not None and n.until <= now
        ]
        if not ended:
            return None
        return self._end(conn, ended, now, "notice.ended")


def _aware(
    value: dt.datetime | dt.time | None, hall: HallConfig, now: dt.datetime
) -> dt.datetime | None:
    """Times typed without an offset are the hall's local time; a time without a date is on
    the hall's day by the hall's clock (``now``), never the sender's machine's date."""
    if value is None:
        return None
    if isinstance(value, dt.time):
        day = now.astimezone(hall.tz).date()
        return dt.datetime.combine(day, value.replace(tzinfo=None), hall.tz)
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=hall.tz)
