"""The notices page (公告, Q14): compose, preview, the list by status, revoke.

Times are the hall's: a date and a time typed on the form are the hall's local time in its
time zone, and an empty date is the hall's day by the controller's beacon (a drill started
with ``--clock-start`` runs on its own day, whatever the browser's or this machine's date).
The list is split by each notice's status at the hall's time (``Notice.status_at``): in force
and scheduled from the retained ``notice/<id>`` topics, ended from those emptied since the
console started. Every change goes through ``notice/push`` and ``notice/revoke``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bus.models.notices import Notice
from console.commands import Answer
from console.i18n import Lang, tr
from console.pages import Region
from console.state import HallState

NOTICE_ROLES = frozenset({"manager", "chief"})
"""Who may open the notices page (and push or revoke through it)."""

NOTICE_REGIONS: tuple[Region, ...] = (
    Region("conn", frozenset({"conn"}), "_conn.html"),
    Region("noticelist", frozenset({"notices", "clock"}), "_notice_list.html"),
)

PRIORITIES = ("normal", "high", "urgent")


def notices_context(state: HallState) -> dict[str, Any]:
    """The list by status at the hall's time, and what the form offers."""
    now = state.now()
    groups: dict[str, list[Notice]] = {"in_force": [], "scheduled": [], "ended": []}
    for notice in sorted(state.notices.values(), key=lambda n: n.start):
        groups[notice.status_at(now)].append(notice)
    ended = sorted(state.ended_notices.values(), key=lambda n: n.created_at, reverse=True)
    groups["ended"] = groups["ended"] + ended
    return {
        "groups": groups,
        "hall_day": state.today().isoformat(),
        "hall_time": now.strftime("%H:%M"),
        "tz_name": state.hall.timezone,
        "priorities": PRIORITIES,
        "all_windows": state.hall.windows,
        "target_names": lambda targets, lang: target_names(state, targets, lang),
    }


def target_names(state: HallState, targets: Any, lang: Lang) -> str:
    """Where a notice shows, in words (全部, 大厅屏, 3号窗口 …), not the wire's names."""
    names = []
    for target in targets:
        kind, _, window = str(target).partition(":")
        if kind == "window":
            cfg = state.hall.window(window)
            names.append(tr("window_n", lang, n=cfg.number if cfg is not None else window))
        elif kind in ("all", "screens", "kiosks"):
            names.append(tr(f"target_{kind}", lang))
        else:
            names.append(str(target))
    return "、".join(names) if lang == "zh" else ", ".join(names)


def moment(
    state: HallState, day: str, time: str, what: str
) -> dt.datetime | str | None:
    """The hall-local moment of a date and time field; None without a time (the form fills
    the date with the hall's day, so a date alone is not a moment: not midnight)."""
    day, time = day.strip(), time.strip()
    if not time:
        return None
    try:
        on = dt.date.fromisoformat(day) if day else state.today()
        at = dt.time.fromisoformat(time)
    except ValueError:
        return f"bad_{what}"
    return dt.datetime.combine(on, at, state.hall.tz)


def push_fields(state: HallState, form: Mapping[str, Any]) -> dict[str, Any] | str:
    """The ``notice/push`` fields of the form, or the text key of what is missing."""
    text = str(form.get("text") or "").strip()
    if not text:
        return "notice_needs_text"
    getlist = getattr(form, "getlist", None)
    chosen = [str(t) for t in (getlist("target") if getlist else [form.get("target")]) if t]
    targets = ["all"] if not chosen or "all" in chosen else chosen
    priority = str(form.get("priority") or "normal")
    if priority not in PRIORITIES:
        priority = "normal"
    start = moment(state, str(form.get("start_date") or ""), str(form.get("start_time") or ""),
                    "start")
    until = moment(state, str(form.get("until_date") or ""), str(form.get("until_time") or ""),
                    "until")
    for value in (start, until):
        if isinstance(value, str):
            return value
    fields: dict[str, Any] = {
        "text": text,
        "text_en": str(form.get("text_en") or "").strip(),
        "targets": targets,
        "priority": priority,
    }
    if isinstance(start, dt.datetime):
        fields["start"] = start.isoformat()
    if isinstance(until, dt.datetime):
        fields["until"] = until.isoformat()
    return fields


def notice_answer(verb: str, answer: Answer, lang: Lang) -> tuple[bool, str]:
    """The controller's reply to a push or a revoke, in words."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = answer.zh if lang == "zh" else answer.en
        return False, tr("refused", lang, message=message or answer.code)
    r = answer.result
    if verb == "push":
        return True, tr("done_notice_push", lang, id=r.get("notice_id", ""))
    revoked = ", ".join(str(x) for x in r.get("revoked", ()))
    return True, tr("done_notice_revoke", lang, id=revoked)
