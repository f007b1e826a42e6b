"""The write-off requests page (请假与核销申请, RULES A4/A5): a form to file a request, the
requests waiting at the signed-in approver's step with their approve / reject buttons, and
the user's own requests with where each stands.

Everything listed is the controller's ``att/list``, asked as the signed-in user; a request is
``att/request`` and a signature ``att/approve`` / ``att/reject``, each sent as that user, so
the controller decides (``controller/permissions.py`` and ``attendance/approvers.py``) and
says why not: staff file their own (not a device failure), a chief for their department's
staff, the manager for anyone; the patrol registers device failures. The console never names
a signer or a report time: the controller takes both from the login and its clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from bus.models.attendance import WriteoffKind
from bus.models.replies import WriteoffList, WriteoffResult
from config.attendance import ROLE_LABELS, USER_ROLE_STEPS
from config.schema import HallConfig, Staff
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr

AR_ROLES = frozenset({"manager", "chief", "staff", "patrol"})
"""Who may open the page: who files, registers or approves requests."""
FILE_ROLES = frozenset({"manager", "chief", "staff"})
"""Who gets the request form (staff for themselves, a chief for their department)."""
DEVICE_ROLES = frozenset({"manager", "patrol"})
"""Who gets the device-failure form (RULES A4: the patrol's manual registration)."""
LEAVE_KINDS: tuple[WriteoffKind, ...] = (
    "personal", "sick", "annual", "marriage", "maternity", "bereavement", "family_visit",
    "business_trip", "official", "punch_correction",
)  # fmt: skip
"""What the request form offers: everything but a device failure."""


def role_label(step: str | None, lang: Lang) -> str:
    """A chain step in the hall's words (``首席事务代表`` / ``chief representative``)."""
    if step is None:
        return ""
    zh, _, en = ROLE_LABELS.get(step, step).partition(" / ")
    return en or zh if lang == "en" else zh


def kind_label(kind: str, lang: Lang) -> str:
    return tr(f"ar_kind_{kind}", lang)


def fileable_staff(hall: HallConfig, session: Session) -> list[Staff]:
    """Whom this user may file for: staff themselves, a chief their department, the manager
    everyone (the controller checks again)."""
    user = session.user
    if user.role == "staff":
        return [s for s in hall.staff if s.id == user.staff]
    if user.role == "chief":
        return [s for s in hall.staff if s.department == user.department]
    return list(hall.staff)


def _local(value: str, hall: HallConfig) -> dt.datetime | None:
    """A ``datetime-local`` field, in hall time."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=hall.tz)


def request_fields(
    form: Mapping[str, Any], session: Session, hall: HallConfig
) -> dict[str, Any] | str:
    """The ``att/request`` fields of the request form, or the text key of what is missing."""
    kind = str(form.get("kind") or "")
    if kind not in LEAVE_KINDS:
        return "ar_bad_kind"
    staff = session.user.staff if session.user.role == "staff" else str(form.get("staff") or "")
    if not staff:
        return "ar_pick_staff"
    start = _local(str(form.get("start") or ""), hall)
    end = start if kind == "punch_correction" else _local(str(form.get("end") or ""), hall)
    if start is None or end is None:
        return "ar_bad_time"
    fields: dict[str, Any] = {
        "staff_id": staff, "kind": kind, "start": start, "end": end,
        "reason": str(form.get("reason") or "").strip(),
        "emergency": form.get("emergency") in ("on", "yes", "1"),
    }  # fmt: skip
    substitute = str(form.get("substitute") or "").strip()
    if substitute:
        fields["substitute"] = substitute
    return fields


def device_fields(form: Any, hall: HallConfig) -> dict[str, Any] | str:
    """The ``att/request`` (``device_failure``) of the patrol's form: the first staff member
    listed is the request's, the others ride in ``staff_ids``."""
    listed = [str(s) for s in form.getlist("staff") if s] if hasattr(form, "getlist") else []
    if not listed:
        return "ar_pick_device_staff"
    start = _local(str(form.get("start") or ""), hall)
    end = _local(str(form.get("end") or ""), hall)
    if start is None or end is None:
        return "ar_bad_time"
    return {
        "staff_id": listed[0], "staff_ids": listed[1:], "kind": "device_failure",
        "start": start, "end": end, "reason": str(form.get("reason") or "").strip(),
    }  # fmt: skip


def _refused(answer: Answer, lang: Lang) -> tuple[bool, str]:
    if answer.code == "no_answer":
        return False, tr("no_answer", lang)
    message = (answer.zh if lang == "zh" else answer.en) or answer.zh or answer.code
    return False, tr("refused", lang, message=message)


def _read(answer: Answer) -> WriteoffResult | None:
    try:
        return WriteoffResult.model_validate(answer.result)
    except ValidationError:
        return None


def _next(r: WriteoffResult, lang: Lang) -> str:
    """Where a request stands, in words: ``待 政务服务中心 审批`` or its status."""
    if r.status == "pending" and r.next_role:
        return tr("ar_waits_for", lang, role=role_label(r.next_role, lang))
    return tr(f"ar_status_{r.status}", lang)


def filed_answer(answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's reply to a request or registration, in words."""
    r = _read(answer) if answer.ok else None
    if r is None:
        return _refused(answer, lang)
    if r.kind == "device_failure":
        n = len(r.staff_ids)
        return True, tr("done_ar_device", lang, id=r.request_id, n=n, next=_next(r, lang))
    kind = kind_label(r.kind, lang)
    return True, tr("done_ar_request", lang, id=r.request_id, kind=kind, next=_next(r, lang))


def signed_answer(answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's reply to a signature, in words."""
    r = _read(answer) if answer.ok else None
    if r is None:
        return _refused(answer, lang)
    if r.status == "approved":
        return True, tr("done_ar_approved", lang, id=r.request_id, kind=kind_label(r.kind, lang))
    if r.status == "rejected":
        return True, tr("done_ar_rejected", lang, id=r.request_id)
    role = role_label(r.approvals[-1].role if r.approvals else None, lang)
    return True, tr("done_ar_signed", lang, id=r.request_id, role=role, next=_next(r, lang))


def read_list(answer: Answer) -> tuple[WriteoffResult, ...] | None:
    """The controller's requests, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return WriteoffList.model_validate(answer.result).requests
    except ValidationError:
        return None


def waiting_for_me(
    hall: HallConfig, session: Session, requests: Sequence[WriteoffResult]
) -> list[WriteoffResult]:
    """The pending requests whose waiting step is this user's (a chief: their department's)."""
    user = session.user
    steps = USER_ROLE_STEPS.get(user.role, ())
    out = []
    for r in requests:
        if r.status != "pending" or r.next_role not in steps:
            continue
        member = hall.staff_member(r.staff_id)
        if user.role == "chief" and (member is None or member.department != user.department):
            continue
        out.append(r)
    return out


def others_of(
    hall: HallConfig, session: Session, requests: Sequence[WriteoffResult]
) -> list[WriteoffResult]:
    """The other requests this user follows: a chief their department's, the manager all,
    the patrol the device failures; newest first."""
    user = session.user
    if user.role == "chief":
        dept = {s.id for s in hall.staff if s.department == user.department}
        chosen = [r for r in requests if r.staff_id in dept and r.staff_id != user.staff]
    elif user.role == "manager":
        chosen = [r for r in requests if r.staff_id != user.staff]
    elif user.role == "patrol":
        chosen = [r for r in requests if r.kind == "device_failure"]
    else:
        chosen = []
    return list(reversed(chosen))


def lists_context(
    hall: HallConfig,
    session: Session,
    requests: Sequence[WriteoffResult] | None,
    lang: Lang,
    answers: Mapping[str, tuple[bool, str]] | None = None,
) -> dict[str, Any]:
    """What the lists show (the part the buttons swap)."""
    found = requests or ()
    user = session.user
    mine = [r for r in found if user.staff is not None and user.staff in r.staff_ids]
    role = user.role
    waiting = waiting_for_me(hall, session, found)

    def staff_label(staff_id: str) -> str:
        member = hall.staff_member(staff_id)
        return f"{staff_id} {member.name}" if member is not None else staff_id

    return {
        "loaded": requests is not None,
        "waiting": waiting,
        "mine": list(reversed(mine)),
        "shows_mine": user.staff is not None,
        "others": [r for r in others_of(hall, session, found) if r not in waiting],
        "others_title": f"ar_others_{role}" if role in ("chief", "manager", "patrol") else "",
        "answers": answers or {},
        "kind_label": lambda k: kind_label(k, lang),
        "role_label": lambda s: role_label(s, lang),
        "next_label": lambda r: _next(r, lang),
        "days_label": lambda days: tr(
            "ar_days_one" if days == 1 else "ar_days", lang, days=f"{days:g}"
        ),
        "staff_label": staff_label,
        "at_label": lambda at: at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M"),
    }


def page_context(hall: HallConfig, session: Session, today: dt.date) -> dict[str, Any]:
    """The forms (outside the swapped lists)."""
    role = session.user.role
    return {
        "may_file": role in FILE_ROLES,
        "may_register": role in DEVICE_ROLES,
        "fileable": fileable_staff(hall, session),
        "all_staff": list(hall.staff),
        "leave_kinds": LEAVE_KINDS,
        "default_start": f"{today.isoformat()}T00:00",
        "default_end": f"{today.isoformat()}T23:59",
        "report_by": hall.attendance.resolved_profile().approvals.emergency_report_by.strftime(
            "%H:%M"
        ),
    }


def list_fields(session: Session) -> dict[str, Any]:
    """The ``att/list`` this user may ask: staff their own, others the hall's (the page
    keeps what is theirs to see)."""
    if session.user.role == "staff":
        return {"staff_id": session.user.staff}
    return {}
