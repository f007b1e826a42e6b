"""The windows page (窗口与事项): open and close windows (Q11), suspend and resume items (Q10).

The manager sees every window and item; a chief those of their department. Each window shows
its status from the typed ``WindowView`` (serving, paused, closed with its reason, unstaffed);
each item its status, its suspension notice and its category's daily cap and what is left
(Q9) from the typed ``CatalogView``. Every change is one controller command
(``queue/close_window``, ``open_window``, ``suspend``, ``unsuspend``); the controller decides,
and its refusals (Q11's rules: too many closed, a category left unserved …) are shown in
words. Times typed on the forms are the hall's, on the hall's day like the notices page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bus.models.views import WindowStatus
from config.schema import Item, Window
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr
from console.notices import moment
from console.pages import Region
from console.state import HallState

WINDOW_ROLES = frozenset({"manager", "chief"})
"""Who may open the windows page (a chief for their department only)."""

WINDOW_VERBS = ("close_window", "open_window", "suspend", "unsuspend")
"""The ``queue/…`` commands the page may POST, by the name in its URL."""


def _windows(state: HallState, session: Session) -> list[Window]:
    user = session.user
    if user.role == "manager":
        return list(state.hall.windows)
    return [w for w in state.hall.windows if user.department and w.department == user.department]


def items_for(state: HallState, session: Session) -> list[Item]:
    """The service items the user manages: all for the manager, a chief's department's."""
    user = session.user
    if user.role == "manager":
        return list(state.hall.items)
    out = []
    for item in state.hall.items:
        cat = state.hall.category(item.category)
        if cat is not None and user.department and cat.department == user.department:
            out.append(item)
    return out


def windows_regions(state: HallState, session: Session) -> tuple[Region, ...]:
    """One live status cell per window and two per item (status, cap), and the connection."""
    regions = [Region("conn", frozenset({"conn"}), "_conn.html")]
    for w in _windows(state, session):
        regions.append(
            Region(f"win-{w.id}", frozenset({f"window:{w.id}"}), "_win_status.html", w.id)
        )
    for item in items_for(state, session):
        regions.append(Region(f"item-{item.code}", frozenset({"catalog", "clock"}),
                              "_item_status.html", item.code))
        regions.append(Region(f"cap-{item.code}", frozenset({"catalog"}), "_item_cap.html",
                              item.code))
    return tuple(regions)


def windows_context(state: HallState, session: Session) -> dict[str, Any]:
    """What the page and its live cells show: windows, items, their views, the hall's clock."""
    now = state.now()
    windows = _windows(state, session)
    items = items_for(state, session)
    catalog = state.catalog
    return {
        "page_windows": windows,
        "page_items": items,
        "window_views": {w.id: state.windows.get(w.id) for w in windows},
        "item_entries": {
            i.code: catalog.items.get(i.code) if catalog is not None else None for i in items
        },
        "cat_entries": dict(catalog.categories) if catalog is not None else {},
        "hall_day": state.today().isoformat(),
        "hall_time": now.strftime("%H:%M"),
        "tz_name": state.hall.timezone,
        "closed_status": WindowStatus.CLOSED,
    }


def may_act(state: HallState, session: Session, fields: Mapping[str, Any]) -> bool:
    """Whether the window or item of a command is one the page shows this user."""
    if "window" in fields:
        return any(w.id == fields["window"] for w in _windows(state, session))
    return any(i.code == fields.get("service") for i in items_for(state, session))


def action_fields(state: HallState, verb: str, form: Mapping[str, Any]) -> dict[str, Any] | str:
    """The command's fields from the form, or the text key of what is wrong with it."""
    if verb in ("close_window", "open_window"):
        window = str(form.get("window") or "")
        if not window:
            return "forbidden"
        if verb == "open_window":
            return {"window": window}
        reason = str(form.get("reason") or "").strip()
        if not reason:
            return "close_needs_reason"
        fields: dict[str, Any] = {"window": window, "reason": reason}
        until = moment(state, str(form.get("until_date") or ""),
                       str(form.get("until_time") or ""), "until")
        if isinstance(until, str):
            return until
        if isinstance(until, dt.datetime):
            fields["until"] = until.isoformat()
        return fields
    service = str(form.get("service") or "")
    if not service:
        return "forbidden"
    if verb == "unsuspend":
        return {"service": service}
    fields = {"service": service, "notice": str(form.get("notice") or "").strip()}
    end = moment(state, str(form.get("end_date") or ""), str(form.get("end_time") or ""), "until")
    if isinstance(end, str):
        return end
    if isinstance(end, dt.datetime):
        fields["end"] = end.isoformat()
    return fields


def windows_answer(
    verb: str, fields: Mapping[str, Any], answer: Answer, lang: Lang, state: HallState
) -> tuple[bool, str]:
    """The controller's reply to one of the page's commands, in words."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = answer.zh if lang == "zh" else answer.en
        return False, tr("refused", lang, message=message or answer.code)
    if "window" in fields:
        cfg = state.hall.window(str(fields["window"]))
        name = tr("window_n", lang, n=cfg.number if cfg is not None else fields["window"])
        return True, tr(f"done_{verb}", lang, window=name, reason=fields.get("reason", ""))
    item = state.hall.item(str(fields["service"]))
    name = str(fields["service"])
    if item is not None:
        name = item.name_en if lang == "en" and item.name_en else item.name
    notice = str(answer.result.get("notice") or fields.get("notice") or "")
    return True, tr(f"done_{verb}", lang, service=name, notice=notice)
