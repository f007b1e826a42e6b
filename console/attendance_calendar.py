"""The calendar section of the attendance page (工作日调整, A6): the workday overrides in
force, listed from the controller's ``att/calendar``; the hall manager adds one or clears it
with ``att/calendar_override`` (audited, as the signed-in user). A chief, the patrol and the
auditor read the list; window staff do not see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bus.models.replies import CalendarEntry, CalendarList
from config.schema import HallConfig
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr

CALENDAR_ROLES = frozenset({"manager", "chief", "patrol", "auditor"})
"""Who may read the overrides."""
EDIT_ROLES = frozenset({"manager"})
"""Who gets the forms (the controller refuses anyone else)."""
KINDS = ("holiday", "workday", "clear")


def read_calendar(answer: Answer) -> CalendarList | None:
    """The controller's list, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return CalendarList.model_validate(answer.result)
    except ValidationError:
        return None


def override_fields(form: Mapping[str, Any]) -> dict[str, Any] | str:
    """The ``att/calendar_override`` of a form, or the text key of what is wrong."""
    try:
        day = dt.date.fromisoformat(str(form.get("date") or "").strip())
    except ValueError:
        return "am_cal_bad_date"
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        return "am_cal_bad_kind"
    return {"date": day.isoformat(), "kind": kind}


def override_answer(fields: Mapping[str, Any], answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's answer in words: 已将 12-31 调整为休息日 / 未执行：…"""
    day = str(fields.get("date"))
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = (answer.zh if lang == "zh" else answer.en) or answer.code
        return False, tr("refused", lang, message=message)
    kind = str(fields.get("kind"))
    if kind == "clear":
        workday = bool(answer.result.get("workday"))
        word = tr("am_cal_workday" if workday else "am_cal_holiday", lang)
        return True, tr("am_cal_done_clear", lang, day=day, kind=word)
    return True, tr(f"am_cal_done_{kind}", lang, day=day)


def _row(entry: CalendarEntry, hall: HallConfig, lang: Lang) -> dict[str, Any]:
    statutory = entry.statutory_workday
    return {
        "entry": entry,
        "date": entry.date.isoformat(),
        "weekday": tr(f"am_weekday_{entry.date.weekday()}", lang),
        "kind": tr(f"am_cal_{entry.kind}", lang),
        "statutory": tr(
            "am_cal_no_data"
            if statutory is None
            else ("am_cal_workday" if statutory else "am_cal_holiday"),
            lang,
        ),
        "source": tr(f"am_cal_{entry.source}", lang),
        "set_at": entry.set_at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M")
        if entry.set_at
        else "",
        "clearable": entry.source == "manager",
    }


def calendar_context(
    hall: HallConfig,
    session: Session,
    found: CalendarList | None,
    lang: Lang,
    answer: tuple[bool, str] | None = None,
) -> dict[str, Any]:
    """What ``attendance_calendar.html`` shows."""
    return {
        "found": found,
        "rows": [_row(e, hall, lang) for e in found.overrides] if found else [],
        "may_edit": session.user.role in EDIT_ROLES,
        "answer": answer,
    }
