"""The soft caller's actions: which command each sends, with which fields, answered how.

Each action is one ``queue/<verb>`` command of the window; the answer is the controller's
reply in words (``answer_text``): what was done, or the refusal as the controller said it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bus.models.views import WindowData, WindowStatus
from config.schema import HallConfig
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr

Fields = Callable[[str, Session, Mapping[str, Any]], "dict[str, Any] | str"]
"""(window, session, form) → the command's fields, or the text key of why not."""


def _window(window: str, _s: Session, _f: Mapping[str, Any]) -> dict[str, Any] | str:
    return {"window": window}


def _login(window: str, session: Session, _f: Mapping[str, Any]) -> dict[str, Any] | str:
    if not session.user.staff:
        return "forbidden"
    return {"window": window, "staff": session.user.staff}


def _transfer(window: str, _s: Session, form: Mapping[str, Any]) -> dict[str, Any] | str:
    service = str(form.get("service") or "")
    return {"window": window, "service": service} if service else "pick_service"


def _resume_ticket(window: str, _s: Session, form: Mapping[str, Any]) -> dict[str, Any] | str:
    ticket = str(form.get("ticket") or "")
    return {"window": window, "ticket": ticket} if ticket else {"window": window}


def _reactivate(_w: str, _s: Session, form: Mapping[str, Any]) -> dict[str, Any] | str:
    ticket = str(form.get("ticket") or "")
    return {"ticket": ticket} if ticket else "pick_ticket"


@dataclass(frozen=True, slots=True)
class Verb:
    """One caller action: its command and how its fields are made."""

    area: str
    verb: str
    fields: Fields


VERBS: dict[str, Verb] = {
    name: Verb("queue", name, fn)
    for name, fn in {
        "call": _window,
        "recall": _window,
        "skip": _window,
        "finish": _window,
        "hold": _window,
        "resume_ticket": _resume_ticket,
        "pause": _window,
        "resume": _window,
        "transfer": _transfer,
        "reactivate": _reactivate,
        "login": _login,
        "logout": _window,
    }.items()
}
"""The actions the caller page may POST, by the name in its URL."""


TOGGLES = ("sign", "pause_toggle")
"""Buttons whose command depends on the window now: one button each, never swapped while a
click is in flight (only its label is live)."""


def resolve(verb: str, view: WindowData | None, session: Session) -> str:
    """The command a toggle sends now: sign in or out, pause or resume."""
    if verb == "sign":
        here = view.staff if view is not None else None
        return "logout" if here is not None and here.id == session.user.staff else "login"
    if verb == "pause_toggle":
        paused = view is not None and view.status is WindowStatus.PAUSED
        return "resume" if paused else "pause"
    return verb


def answer_text(verb: str, answer: Answer, lang: Lang, hall: HallConfig) -> tuple[bool, str]:
    """Whether it was done, and the controller's answer in words."""
    if not answer.ok:
        if answer.code == "no_answer":
            return False, tr("no_answer", lang)
        message = answer.zh if lang == "zh" else answer.en
        return False, tr("refused", lang, message=message or answer.code)
    r = answer.result
    if verb in ("call", "resume_ticket") and not r.get("ticket"):
        return True, tr("done_call_empty", lang)
    fields: dict[str, Any] = {
        "ticket": r.get("ticket", ""),
        "left": r.get("recalls_left", ""),
        "ahead": r.get("ahead", ""),
        "name": r.get("name") or "",
        "service": r.get("service", ""),
    }
    if verb == "transfer":
        item = hall.item(str(r.get("service", "")))
        if item is not None:
            fields["service"] = item.name_en if lang == "en" and item.name_en else item.name
    return True, tr(f"done_{verb}", lang, **fields)
