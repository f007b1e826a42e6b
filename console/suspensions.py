"""The suspension filing page (业务临时停办登记备案, RULES Q10): the 业务临时停办登记备案表 as a
form, the filings with their status, and the manager's approve / reject, answered in words.

The rules are the controller's: whether a filing is early enough (5 workdays, by the hall's
calendar with its holidays and 调休), whether an approval still leaves the notice 4 workdays
ahead, whether a chief may file for the items named. The page sends the form as it is
(``queue/file_suspension``, ``queue/decide_suspension``) as the signed-in user and shows the
reply; the list is ``queue/suspensions``, which also says the earliest day a filing made
today may start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bus.models.suspensions import PHASE_TEXT, SuspensionEntry, SuspensionsResult
from config.schema import HallConfig
from console.auth import Session
from console.bookings import day_label
from console.commands import Answer
from console.i18n import Lang, tr

SUSPENSION_ROLES = frozenset({"manager", "chief", "auditor"})
"""Who may open the page; the auditor reads it only."""
FILE_ROLES = frozenset({"manager", "chief"})
"""Who gets the filing form (a chief for their own department: the controller checks)."""
DECIDE_ROLES = frozenset({"manager"})
"""Who approves or rejects (the hall centre's 大厅管理室)."""


def read_suspensions(answer: Answer) -> SuspensionsResult | None:
    """The controller's list, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return SuspensionsResult.model_validate(answer.result)
    except ValidationError:
        return None


def _local_time(raw: str) -> str | None:
    """A ``datetime-local`` value (``2026-10-12T09:00``) as the hall's local time, or None."""
    try:
        value = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return value.replace(tzinfo=None).isoformat(timespec="minutes")


def filing_fields(form: Any, session: Session) -> dict[str, Any] | str:
    """The ``queue/file_suspension`` fields of the form, or the text key of what is missing.

    A chief's filing names their department whatever the form says; the items it names are
    still the controller's to check (another department's are refused)."""
    department = (
        session.user.department
        if session.user.role == "chief"
        else str(form.get("department") or "")
    )
    services = [str(s) for s in form.getlist("services") if s]
    windows = [str(w) for w in form.getlist("windows") if w]
    reason = str(form.get("reason") or "").strip()
    document_no = str(form.get("document_no") or "").strip()
    if not department:
        return "sp_pick_department"
    if not services:
        return "sp_pick_services"
    if not reason:
        return "sp_need_reason"
    if not document_no:
        return "sp_need_document"
    start = _local_time(str(form.get("start") or ""))
    end = _local_time(str(form.get("end") or ""))
    if start is None or end is None:
        return "sp_need_times"
    if end <= start:
        return "sp_end_before_start"
    fields: dict[str, Any] = {
        "department": department,
        "services": services,
        "windows": windows,
        "reason": reason,
        "document_no": document_no,
        "start": start,
        "end": end,
        "measures": str(form.get("measures") or "").strip(),
    }
    if form.get("emergency") and session.user.role == "manager":
        fields["emergency"] = True
    return fields


def decision_fields(form: Mapping[str, Any]) -> dict[str, Any] | str:
    """The ``queue/decide_suspension`` fields, or the text key of what is wrong."""
    suspension = str(form.get("suspension") or "")
    decision = str(form.get("decision") or "")
    if not suspension or decision not in ("approve", "reject"):
        return "sp_bad_decision"
    return {"suspension": suspension, "decision": decision, "note": str(form.get("note") or "")}


def answer_words(verb: str, answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's reply to a filing or a decision, in words."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = (answer.zh if lang == "zh" else answer.en) or answer.code
        return False, tr("refused", lang, message=message)
    entry = answer.result.get("suspension") or {}
    number = entry.get("suspension", "")
    if verb == "file_suspension":
        key = "sp_done_emergency" if entry.get("emergency") else "sp_done_filed"
        return True, tr(key, lang, n=number)
    if entry.get("status") == "approved":
        return True, tr("sp_done_approved", lang, n=number, notice=entry.get("notice_id") or "—")
    return True, tr("sp_done_rejected", lang, n=number)


def _named(name: str, name_en: str, lang: Lang) -> str:
    return name_en if lang == "en" and name_en else name


def suspensions_context(
    hall: HallConfig,
    session: Session,
    result: SuspensionsResult | None,
    lang: Lang,
    answers: Mapping[str, tuple[bool, str]] | None = None,
) -> dict[str, Any]:
    """What the page and its list show."""
    role = session.user.role
    mine = session.user.department if role == "chief" else None
    departments = [d for d in hall.departments if mine is None or d.code == mine]
    owner = {c.prefix: c.department for c in hall.categories}
    items = [i for i in hall.items if mine is None or owner.get(i.category) == mine]
    windows = [w for w in hall.windows if mine is None or w.department in (None, mine)]

    def item_label(code: str) -> str:
        item = hall.item(code)
        return f"{code} {_named(item.name, item.name_en, lang)}" if item else code

    def dept_label(code: str) -> str:
        d = hall.department(code)
        return _named(d.name, d.name_en, lang) if d else code

    def window_label(window_id: str) -> str:
        w = hall.window(window_id)
        return tr("window_n", lang, n=w.number) if w else window_id

    def at_label(at: dt.datetime) -> str:
        return at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M")

    def phase_label(entry: SuspensionEntry) -> str:
        zh, en = PHASE_TEXT[entry.phase]
        return en if lang == "en" else zh

    return {
        "entries": result.suspensions if result is not None else (),
        "loaded": result is not None,
        "sp_today": day_label(result.today, lang) if result is not None else "",
        "earliest": day_label(result.earliest_start, lang) if result is not None else "",
        "earliest_iso": result.earliest_start.isoformat() if result is not None else "",
        "departments": departments,
        "items": items,
        "form_windows": windows,
        "owner": owner,
        "may_file": role in FILE_ROLES,
        "may_decide": role in DECIDE_ROLES,
        "is_manager": role == "manager",
        "answers": answers or {},
        "sep": ", " if lang == "en" else "、",
        "item_label": item_label,
        "dept_label": dept_label,
        "window_label": window_label,
        "at_label": at_label,
        "phase_label": phase_label,
        "named": lambda name, name_en: _named(name, name_en, lang),
    }
