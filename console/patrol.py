"""The patrol page (巡查记录, seed 001 巡查制度): the patrol's form, the month's findings with
their photos and handling, and the counts per department and category.

Everything listed is the controller's ``patrol/findings``, asked as the signed-in user (a
chief names their department; the controller refuses any other). Recording is
``patrol/record`` (the patrol, the manager), marking handled ``patrol/handle`` (the finding's
chief, the manager): the controller decides and says why not. A photo goes out as base64 of
at most 24 KiB: the page's script scales a camera's photo down first; a bigger one that
arrives anyway is refused here, saying its size, before anything is sent.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bus.models import limits
from bus.models.patrol import (
    PATROL_CATEGORIES,
    PATROL_CATEGORY_LABELS,
    FindingsResult,
    PatrolFinding,
    photo_problem,
)
from config.schema import HallConfig
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr
from console.workorders import staff_label, window_label

PATROL_ROLES = frozenset({"patrol", "manager", "chief", "auditor"})
"""Who may open the page; the auditor reads it only."""
RECORD_ROLES = frozenset({"patrol", "manager"})
"""Who gets the form (巡查员 and the hall manager record)."""
HANDLE_ROLES = frozenset({"chief", "manager"})
"""Who gets the handle button (a chief on their department's findings)."""
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def read_month(params: Mapping[str, Any], today: dt.date) -> str | None:
    """The month asked for (``?month=YYYY-MM``, default the hall's), None if malformed."""
    month = str(params.get("month") or "").strip() or today.strftime("%Y-%m")
    return month if _MONTH.match(month) else None


def findings_fields(session: Session, month: str) -> dict[str, Any]:
    """The ``patrol/findings`` of this user: a chief's names their department."""
    fields: dict[str, Any] = {"month": month}
    if session.user.role == "chief":
        fields["department"] = session.user.department
    return fields


def read_findings(answer: Answer) -> FindingsResult | None:
    """The controller's list, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return FindingsResult.model_validate(answer.result)
    except ValidationError:
        return None


def category_label(code: str, lang: Lang) -> str:
    zh, en = PATROL_CATEGORY_LABELS.get(code, (code, code))
    return en if lang == "en" else zh


def department_label(hall: HallConfig, code: str | None, lang: Lang) -> str:
    if code is None:
        return tr("pt_no_department", lang)
    found = hall.department(code)
    if found is None:
        return code
    return found.name_en if lang == "en" and found.name_en else found.name


def count_table(
    hall: HallConfig, result: FindingsResult | None
) -> list[tuple[str | None, list[int], int]]:
    """The counts as rows: (department, a count per category in the seed's order, total),
    the departments in the hall config's order, then those no department owns."""
    if result is None:
        return []
    cells: dict[str | None, dict[str, int]] = {}
    for c in result.counts:
        cells.setdefault(c.department, {})[c.category] = c.count
    order = {d.code: n for n, d in enumerate(hall.departments)}
    rows = []
    for department in sorted(cells, key=lambda d: (d is None, order.get(d or "", len(order)))):
        counts = [cells[department].get(c, 0) for c in PATROL_CATEGORIES]
        rows.append((department, counts, sum(counts)))
    return rows


def patrol_context(
    hall: HallConfig,
    session: Session,
    result: FindingsResult | None,
    month: str,
    lang: Lang,
    answer: tuple[bool, str] | None = None,
    answers: Mapping[str, tuple[bool, str]] | None = None,
) -> dict[str, Any]:
    """What the page and its body show."""
    role = session.user.role
    findings: tuple[PatrolFinding, ...] = result.findings if result is not None else ()
    rows = count_table(hall, result)
    return {
        "month": month,
        "loaded": result is not None,
        "findings": findings,
        "count_rows": rows,
        "column_totals": [sum(r[1][i] for r in rows) for i in range(len(PATROL_CATEGORIES))],
        "categories": [(c, category_label(c, lang)) for c in PATROL_CATEGORIES],
        "windows": [(w.id, window_label(hall, w.id, lang)) for w in hall.windows],
        "staff": [(s.id, f"{s.id} {s.name}") for s in hall.staff],
        "may_record": role in RECORD_ROLES,
        "may_handle": lambda f: (
            f.handled_at is None
            and (role == "manager" or (role == "chief" and f.department == session.user.department))
        ),
        "chief_department": (
            department_label(hall, session.user.department, lang) if role == "chief" else ""
        ),
        "photo_kib": limits.PHOTO_MAX_BYTES // 1024,
        "answer": answer,
        "answers": answers or {},
        "category_label": lambda c: category_label(c, lang),
        "department_label": lambda d: department_label(hall, d, lang),
        "staff_label": lambda s: staff_label(hall, s, lang),
        "window_label": lambda w: window_label(hall, w, lang),
        "at_label": lambda at: at.astimezone(hall.tz).strftime("%m-%d %H:%M"),
    }


def record_fields(form: Mapping[str, Any], photo: bytes | None) -> dict[str, Any] | str:
    """The ``patrol/record`` fields of the form, or the text key (or the words) of what is
    wrong with it. ``photo`` is the uploaded file's bytes, if no scaled copy came."""
    category = str(form.get("category") or "")
    if category not in PATROL_CATEGORIES:
        return "pt_bad_category"
    window = str(form.get("window") or "").strip() or None
    staff = str(form.get("staff") or "").strip() or None
    if window is None and staff is None:
        return "pt_pick_who"
    note = str(form.get("note") or "").strip()
    if not note:
        return "pt_no_note"
    fields: dict[str, Any] = {"category": category, "window": window, "staff": staff,
                              "note": note}  # fmt: skip
    scaled = str(form.get("photo_b64") or "").strip()
    if scaled:
        try:
            photo = base64.b64decode(scaled, validate=True)
        except (binascii.Error, ValueError):
            return "pt_photo_unreadable"
    if photo:
        problem = photo_problem(photo)
        if problem is not None:
            return f"!{problem[0]} / {problem[1]}"
        fields["photo"] = base64.b64encode(photo).decode("ascii")
    return fields


def problem_text(key: str, lang: Lang) -> str:
    """A ``record_fields`` problem in words: a text key, or ``!zh / en`` already in words."""
    if key.startswith("!"):
        zh, _, en = key[1:].partition(" / ")
        return zh if lang == "zh" else en
    return tr(key, lang)


def record_answer(hall: HallConfig, answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's reply to a record, in words."""
    if not answer.ok:
        return False, refusal_text(answer, lang)
    f = answer.result.get("finding", {})
    return True, tr(
        "done_pt_record", lang, id=f.get("id", ""),
        category=category_label(str(f.get("category", "")), lang),
        department=department_label(hall, f.get("department"), lang),
    )  # fmt: skip


def handle_answer(finding: str, answer: Answer, lang: Lang) -> tuple[bool, str]:
    if not answer.ok:
        return False, refusal_text(answer, lang)
    return True, tr("done_pt_handle", lang, id=finding)


def refusal_text(answer: Answer, lang: Lang) -> str:
    if answer.code == "no_answer":
        return tr("no_answer", lang)
    message = (answer.zh if lang == "zh" else answer.en) or answer.code
    return tr("refused", lang, message=message)
