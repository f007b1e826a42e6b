"""The patrol log (巡查记录, seed 001 乌审旗政务服务中心巡查制度): the controller's ``patrol``.

A finding is recorded by the patrol (or the hall manager) with its category, the window or
staff member it is about, a note and perhaps a photo; its department comes from the hall
config (the staff member's, else the window's), so the chief representative of that
department sees it and marks it handled (四(二): 视情况向首席代表反馈). Each change is one row
here in the controller's transaction, with the audit row beside it; the photo stays in the
hall's own store (``patrol_photos``) and leaves it only as the reply to ``patrol/photo``,
asked by a signed-in user of the console. Nothing is held in memory: the month's list reads
that month's rows (``month`` is a column), the counts are ``patrol_counts`` of them.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bus.models.base import Command
from bus.models.patrol import (
    FindingPhoto,
    FindingResult,
    FindingsQuery,
    FindingsResult,
    HandleFinding,
    PatrolFinding,
    PhotoResult,
    RecordFinding,
    patrol_counts,
    photo_media_type,
)
from bus.remote import MANAGER_USER
from config.schema import HallConfig
from store import tables
from store.service import Outcome, Publication

FINDING_PREFIX = "P"
"""A finding's id: ``P`` and five digits, in the order they were recorded (``P00001``)."""


class PatrolService:
    area = "patrol"

    def __init__(self, hall: HallConfig) -> None:
        self.hall = hall

    def load(self, conn: Connection, now: dt.datetime) -> None:
        """Nothing to rebuild: every query reads the store."""

    def startup(self, now: dt.datetime) -> list[Publication]:
        return []

    def tick(self, conn: Connection, now: dt.datetime) -> Outcome | None:
        return None

    def handle(self, conn: Connection, cmd: Command, now: dt.datetime) -> Outcome:
        if isinstance(cmd, RecordFinding):
            return self._record(conn, cmd, now)
        if isinstance(cmd, HandleFinding):
            return self._handle(conn, cmd, now)
        if isinstance(cmd, FindingsQuery):
            return Outcome(result=self.findings(conn, cmd.month, cmd.department))
        if isinstance(cmd, FindingPhoto):
            return self._photo(conn, cmd.finding)
        return Outcome.refused("unknown_command", f"未知命令 / unknown patrol/{cmd.verb}")

    def department_of(self, window: str | None, staff: str | None) -> str | None:
        """The staff member's department (the person a finding is about belongs to it), else
        the window's; None for a comprehensive window (综合窗口) with nobody named."""
        member = self.hall.staff_member(staff) if staff else None
        if member is not None:
            return member.department
        found = self.hall.window(window) if window else None
        return found.department if found is not None else None

    def _record(self, conn: Connection, cmd: RecordFinding, now: dt.datetime) -> Outcome:
        if cmd.window and self.hall.window(cmd.window) is None:
            return Outcome.refused(
                "unknown_window", f"没有窗口 {cmd.window} / no window {cmd.window}",
                message_en=f"no window {cmd.window}", window=cmd.window,
            )  # fmt: skip
        if cmd.staff and self.hall.staff_member(cmd.staff) is None:
            return Outcome.refused(
                "unknown_staff", f"没有工作人员 {cmd.staff} / no staff member {cmd.staff}",
                message_en=f"no staff member {cmd.staff}", staff=cmd.staff,
            )  # fmt: skip
        photo = cmd.photo_bytes()
        last = conn.execute(sa.select(sa.func.max(tables.patrol_findings.c.seq))).scalar() or 0
        finding = PatrolFinding(
            id=f"{FINDING_PREFIX}{last + 1:05d}",
            at=now,
            category=cmd.category,
            window=cmd.window or None,
            staff=cmd.staff or None,
            department=self.department_of(cmd.window, cmd.staff),
            note=cmd.note,
            has_photo=photo is not None,
            recorded_by=cmd.acting_user or MANAGER_USER,
        )
        conn.execute(
            tables.patrol_findings.insert().values(
                seq=last + 1,
                finding_id=finding.id,
                month=self.month_of(now),
                department=finding.department,
                at=now,
                data=finding.model_dump(mode="json"),
            )
        )
        if photo is not None:
            conn.execute(
                tables.patrol_photos.insert().values(
                    finding_id=finding.id, media_type=photo_media_type(photo), data=photo
                )
            )
        event: dict[str, Any] = {
            "event": "patrol.recorded",
            "finding": finding.id,
            "category": finding.category,
            "window": finding.window,
            "staff": finding.staff,
            "department": finding.department,
            "has_photo": finding.has_photo,
        }
        return Outcome(result=FindingResult(finding=finding), events=[event])

    def _handle(self, conn: Connection, cmd: HandleFinding, now: dt.datetime) -> Outcome:
        finding = self.finding(conn, cmd.finding)
        if finding is None:
            return _unknown(cmd.finding)
        if finding.handled_at is not None:
            at = finding.handled_at.astimezone(self.hall.tz).strftime("%Y-%m-%d %H:%M")
            return Outcome.refused(
                "already_handled",
                f"巡查记录 {finding.id} 已于 {at} 由 {finding.handled_by} 标记处理 / finding "
                f"{finding.id} was marked handled at {at} by {finding.handled_by}",
                message_en=f"finding {finding.id} was marked handled at {at} by "
                f"{finding.handled_by}",
            )
        handled = finding.model_copy(
            update={
                "handled_by": cmd.acting_user or MANAGER_USER,
                "handled_note": cmd.note,
                "handled_at": now,
            }
        )
        conn.execute(
            tables.patrol_findings.update()
            .where(tables.patrol_findings.c.finding_id == finding.id)
            .values(data=handled.model_dump(mode="json"))
        )
        event = {"event": "patrol.handled", "finding": finding.id, "department": finding.department}
        return Outcome(result=FindingResult(finding=handled), events=[event])

    def _photo(self, conn: Connection, finding_id: str) -> Outcome:
        p = tables.patrol_photos.c
        row = conn.execute(
            sa.select(p.media_type, p.data).where(p.finding_id == finding_id)
        ).first()
        if row is None:
            if self.finding(conn, finding_id) is None:
                return _unknown(finding_id)
            return Outcome.refused(
                "no_photo", f"巡查记录 {finding_id} 没有照片 / finding {finding_id} has no photo",
                message_en=f"finding {finding_id} has no photo",
            )  # fmt: skip
        photo = base64.b64encode(bytes(row.data)).decode("ascii")
        return Outcome(result=PhotoResult(finding=finding_id, media_type=row.media_type,
                                          photo=photo))  # fmt: skip

    def month_of(self, at: dt.datetime) -> str:
        """The hall's ``YYYY-MM`` of a moment."""
        return at.astimezone(self.hall.tz).strftime("%Y-%m")

    def finding(self, conn: Connection, finding_id: str) -> PatrolFinding | None:
        """One finding by its id."""
        f = tables.patrol_findings.c
        data = conn.execute(sa.select(f.data).where(f.finding_id == finding_id)).scalar()
        return PatrolFinding.model_validate(data) if data is not None else None

    def findings(self, conn: Connection, month: str, department: str | None) -> FindingsResult:
        """The month's findings (of one department, when named), newest first, and their
        counts per department and category."""
        f = tables.patrol_findings.c
        query = sa.select(f.data).where(f.month == month)
        if department is not None:
            query = query.where(f.department == department)
        found = tuple(
            PatrolFinding.model_validate(data)
            for (data,) in conn.execute(query.order_by(f.seq.desc()))
        )
        return FindingsResult(month=month, findings=found, counts=tuple(patrol_counts(found)))


def _unknown(finding_id: str) -> Outcome:
    return Outcome.refused(
        "unknown_finding", f"没有巡查记录 {finding_id} / no finding {finding_id}",
        message_en=f"no finding {finding_id}",
    )  # fmt: skip
