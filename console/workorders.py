"""The work-order page (好差评工单, RULES Q7): the bad reviews' work orders with their due days
and countdowns, the form for each step, and the answer of each in words.

Everything it lists is the controller's ``queue/workorders``, asked as the signed-in user (a
chief names their department; the controller refuses any other): the due day, the workdays
left by the hall's workday calendar (the console has no calendar: a node), the steps with
who gave them, the appeal, and the year's review grades of the staff named (不合格 after two
verified bad reviews; an upheld appeal leaves the count). Each step is ``queue/update_workorder``
(``close``: ``queue/close_workorder``); the controller decides who may (the item's chief or the
manager; an appeal's decision the manager alone) and says why not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bus.models.queue import RATING_LABELS, WORKORDER_STEPS
from bus.models.replies import WorkorderEntry, WorkordersResult
from config.schema import HallConfig
from console.auth import Session
from console.bookings import day_label
from console.commands import Answer
from console.i18n import Lang, tr

WORKORDER_ROLES = frozenset({"manager", "chief", "auditor"})
"""Who may open the page; the auditor reads it only."""
ACT_ROLES = frozenset({"manager", "chief"})
"""Who gets the forms (a chief for their department's orders: the controller checks)."""
DECIDE_ROLES = frozenset({"manager"})
"""Who gets the appeal's decision (the hall centre decides, Q7)."""
STATUSES = ("", "open", "closed")
"""The page's status filter: all, open, closed."""


@dataclass(frozen=True, slots=True)
class Filter:
    """What the page lists: a status and the days the ratings were made (both optional)."""

    status: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def fields(self, session: Session) -> dict[str, Any]:
        """The ``queue/workorders`` of this user: a chief's names their department."""
        out: dict[str, Any] = {}
        if self.status:
            out["status"] = self.status
        if self.start is not None:
            out["from"] = self.start.isoformat()
        if self.end is not None:
            out["to"] = self.end.isoformat()
        if session.user.role == "chief":
            out["department"] = session.user.department
        return out


def read_filter(params: Mapping[str, Any]) -> Filter | str:
    """The filter of a request (``?status=&from=&to=``), or the text key of what is wrong."""
    status = str(params.get("status") or "")
    if status not in STATUSES:
        return "wo_bad_status"
    try:
        raw = [str(params.get(k) or "").strip() for k in ("from", "to")]
        start, end = (dt.date.fromisoformat(v) if v else None for v in raw)
    except ValueError:
        return "stats_bad_date"
    if start is not None and end is not None and end < start:
        return "stats_backwards"
    return Filter(status, start, end)


def read_workorders(answer: Answer) -> WorkordersResult | None:
    """The controller's list, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return WorkordersResult.model_validate(answer.result)
    except ValidationError:
        return None


def slug(workorder: str) -> str:
    """A short id of an order for the page's element ids and the command ids."""
    return hashlib.sha256(workorder.encode("utf-8")).hexdigest()[:10]


def countdown(order: WorkorderEntry, lang: Lang) -> str:
    """剩 N 个工作日 / 今天到期 / 已逾期 N 个工作日 / 已办结."""
    left = order.workdays_left
    if order.status == "closed" or left is None:
        return tr("wo_closed_late" if order.overdue else "wo_closed_in_time", lang)
    if order.overdue:
        if left >= 0:
            return tr("wo_overdue", lang)  # past the due day, no workday since (a weekend)
        return tr("wo_overdue_one", lang) if left == -1 else tr("wo_overdue_n", lang, n=-left)
    if left == 0:
        return tr("wo_due_today", lang)
    return tr("wo_left_one", lang) if left == 1 else tr("wo_left_n", lang, n=left)


def level_label(level: int, lang: Lang) -> str:
    """``2 不满意`` / ``2 dissatisfied`` (a bad review is 1 or 2)."""
    if level in (1, 2):
        return tr(f"wo_level_{level}", lang)
    return f"{level} {RATING_LABELS.get(level, '')}".strip()


def staff_label(hall: HallConfig, staff: str | None, lang: Lang) -> str:
    """``S003 王芳``; nobody named in words."""
    if staff is None:
        return tr("wo_no_staff", lang)
    member = hall.staff_member(staff)
    return f"{staff} {member.name}" if member is not None else staff


def window_label(hall: HallConfig, window: str | None, lang: Lang) -> str:
    found = hall.window(window) if window is not None else None
    return tr("window_n", lang, n=found.number) if found is not None else "—"


def service_label(hall: HallConfig, code: str, lang: Lang) -> str:
    item = hall.item(code)
    if item is None:
        return code
    return f"{code} {item.name_en if lang == 'en' and item.name_en else item.name}"


def workorders_context(
    hall: HallConfig,
    session: Session,
    result: WorkordersResult | None,
    chosen: Filter,
    lang: Lang,
    answers: Mapping[str, tuple[bool, str]] | None = None,
) -> dict[str, Any]:
    """What the page and its list show."""
    role = session.user.role
    orders = result.workorders if result is not None else ()
    grades = sorted(result.review_grades.staff.items()) if result is not None else []
    return {
        "orders": orders,
        "loaded": result is not None,
        "grades": grades,
        "grade_year": result.review_grades.year if result is not None else None,
        "wo_today": day_label(result.today, lang) if result is not None else "",
        "filter": chosen,
        "statuses": STATUSES,
        "may_act": role in ACT_ROLES,
        "may_decide": role in DECIDE_ROLES,
        "answers": answers or {},
        "slug": slug,
        "countdown": lambda o: countdown(o, lang),
        "staff_label": lambda s: staff_label(hall, s, lang),
        "window_label": lambda w: window_label(hall, w, lang),
        "service_label": lambda code: service_label(hall, code, lang),
        "level_label": lambda level: level_label(level, lang),
        "day_label": lambda day: day_label(day, lang),
        "at_label": lambda at: at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M"),
    }


def step_fields(form: Mapping[str, Any]) -> dict[str, Any] | str:
    """The ``queue/update_workorder`` fields of a step's form, or the text key of what is
    wrong with it (``close``: the ``queue/close_workorder`` fields)."""
    workorder = str(form.get("workorder") or "")
    step = str(form.get("step") or "")
    if not workorder:
        return "wo_pick_order"
    note = str(form.get("note") or "").strip()
    if step == "close":
        return {"workorder": workorder, "note": note}
    if step not in WORKORDER_STEPS:
        return "wo_bad_step"
    fields: dict[str, Any] = {"workorder": workorder, "step": step, "note": note}
    if step == "verify":
        finding = str(form.get("verified") or "")
        if finding not in ("yes", "no"):
            return "wo_pick_finding"
        fields["verified"] = finding == "yes"
    return fields


def command_of(fields: Mapping[str, Any]) -> str:
    """The verb a step's fields go out as."""
    return "update_workorder" if "step" in fields else "close_workorder"


def step_answer(fields: Mapping[str, Any], answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's reply to a step, in words."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = (answer.zh if lang == "zh" else answer.en) or answer.code
        return False, tr("refused", lang, message=message)
    r = answer.result
    step = str(fields.get("step") or "close")
    if step == "verify":
        finding = tr("wo_justified" if r.get("verified") else "wo_not_justified", lang)
        return True, tr("done_wo_verify", lang, finding=finding)
    if step == "close":
        late = tr("wo_late_suffix", lang) if r.get("overdue") else ""
        return True, tr("done_wo_close", lang, ticket=r.get("ticket", ""), late=late)
    return True, tr(f"done_wo_{step}", lang)


def may_step(session: Session) -> bool:
    """Whether this user may post steps at all (the auditor reads only). Which steps and
    orders are theirs is the controller's to say: a chief who posts an appeal's decision by
    hand gets its refusal in words (只有中心管理员可以决定申诉); the page shows them no
    such button."""
    return session.user.role in ACT_ROLES
