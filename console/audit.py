"""The audit-log page (操作日志): the controller's ``audit/search`` as a filter form, a table
and pages, for the manager and the auditor.

The console keeps nothing of the log: each page is the controller's answer, asked as the
signed-in user (the controller refuses anyone else too). Times are typed and shown in the
hall's zone; a command is named in words where the hall has a name for it
(``console.i18n_audit.COMMAND_WORDS``), the window by its number, the sender as the signed-in
user who acted and the node that carried it (``admin`` via ``console``, ``caller-W03``).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from bus.models import COMMANDS
from bus.models.replies import AuditEntry, AuditSearchResult
from config.schema import HallConfig
from console.commands import Answer
from console.i18n import Lang, tr
from console.i18n_audit import COMMAND_WORDS

AUDIT_ROLES = frozenset({"manager", "auditor"})
"""Who may open the page (the controller checks again)."""
PAGE_SIZE = 50
OUTCOMES = ("", "ok", "refused")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the page asks for: each field optional; ``start``/``end`` in the hall's zone."""

    user: str = ""
    window: str = ""
    command: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    outcome: str = ""
    cursor: str = ""

    def fields(self) -> dict[str, Any]:
        """The ``audit/search`` of this filter."""
        out: dict[str, Any] = {"limit": PAGE_SIZE}
        for name in ("user", "window", "command", "outcome", "cursor"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.start is not None:
            out["from"] = self.start.isoformat()
        if self.end is not None:
            out["to"] = self.end.isoformat()
        return out

    def query(self, cursor: str | None = None) -> str:
        """This filter as the page's query string (another ``cursor``: a page link)."""
        chosen = replace(self, cursor=cursor) if cursor is not None else self
        params = {
            "user": chosen.user, "window": chosen.window, "command": chosen.command,
            "from": local_input(chosen.start), "to": local_input(chosen.end),
            "outcome": chosen.outcome, "cursor": chosen.cursor,
        }  # fmt: skip
        return urllib.parse.urlencode({k: v for k, v in params.items() if v})


def local_input(at: dt.datetime | None) -> str:
    """A time as a ``datetime-local`` input shows it (the hall's wall clock)."""
    return at.strftime("%Y-%m-%dT%H:%M") if at is not None else ""


def read_audit_filter(params: Mapping[str, Any], hall: HallConfig) -> AuditFilter | str:
    """The filter of a request, or the text key of what is wrong with it."""

    def text(name: str) -> str:
        return str(params.get(name) or "").strip()

    times: list[dt.datetime | None] = []
    for name in ("from", "to"):
        raw = text(name)
        try:
            at = dt.datetime.fromisoformat(raw) if raw else None
        except ValueError:
            return "audit_bad_time"
        times.append(at.replace(tzinfo=hall.tz) if at and at.tzinfo is None else at)
    start, end = times
    if start is not None and end is not None and end <= start:
        return "audit_backwards"
    command, window, outcome = text("command"), text("window"), text("outcome")
    if command and tuple(command.split("/", 1)) not in COMMANDS:
        return "audit_bad_command"
    if window and hall.window(window) is None:
        return "audit_bad_window"
    if outcome not in OUTCOMES:
        return "audit_bad_command"
    cursor = text("cursor")
    return AuditFilter(
        user=text("user")[:64], window=window, command=command, start=start, end=end,
        outcome=outcome, cursor=cursor if cursor.isdigit() else "",
    )  # fmt: skip


def read_audit(answer: Answer) -> AuditSearchResult | None:
    """The controller's page, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return AuditSearchResult.model_validate(answer.result)
    except ValidationError:
        return None


def command_label(area: str, verb: str, lang: Lang) -> str:
    """The command in words (``叫号``), or ``area/verb`` when the hall has no name for it."""
    if verb == "tick":
        return tr("audit_tick", lang)
    words = COMMAND_WORDS.get(f"{area}/{verb}")
    if words is None:
        return f"{area}/{verb}"
    return words[0] if lang == "zh" else words[1]


def who_label(entry: AuditEntry, lang: Lang) -> tuple[str, str]:
    """(the user who acted, the node that carried it): ``admin``, ``经 console``."""
    node = entry.sender or tr("audit_controller", lang)
    if entry.acting_user:
        return entry.acting_user, tr("audit_via", lang, node=node)
    return node, ""


def command_choices(lang: Lang) -> list[tuple[str, str]]:
    """The commands the log can hold (not the queries, which are not logged), in words."""
    keys = sorted((a, v) for (a, v), m in COMMANDS.items() if not m.readonly)
    return [(f"{a}/{v}", f"{command_label(a, v, lang)}（{a}/{v}）") for a, v in keys]


def audit_context(
    hall: HallConfig, result: AuditSearchResult | None, chosen: AuditFilter, lang: Lang,
    asked: bool,
) -> dict[str, Any]:  # fmt: skip
    """What the page and its results show."""

    def window_label(window: str | None) -> str:
        found = hall.window(window) if window else None
        return tr("window_n", lang, n=found.number) if found is not None else (window or "—")

    return {
        "entries": result.entries if result is not None else (),
        "loaded": result is not None or not asked,
        "next_query": chosen.query(cursor=result.next_cursor)
        if result is not None and result.next_cursor
        else "",
        "first_query": chosen.query(cursor="") if chosen.cursor else "",
        "filter": chosen,
        "outcomes": OUTCOMES,
        "windows": hall.windows,
        "commands": command_choices(lang),
        "local_input": local_input,
        "at_label": lambda at: at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M:%S"),
        "command_label": lambda e: command_label(e.area, e.verb, lang),
        "who_label": lambda e: who_label(e, lang),
        "window_label": window_label,
        "tz": hall.timezone,
    }
