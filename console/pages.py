"""The regions of each page: which parts of the hall each depends on, and how it renders.

A page is a few regions; the same template renders a region into the page and into an SSE
message (``sse-swap="<region>"``), so a live update and a reload show the same thing.
Templates hold no rules: everything they show is computed here from ``HallState``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request

from bus.models.views import WindowData
from config.schema import HallConfig
from console.i18n import Lang, pick_lang, tr
from console.nav import nav_links
from console.state import HallState, device_names


@dataclass(frozen=True, slots=True)
class Region:
    """One live part of a page: its SSE event name, the state parts it shows, its template."""

    name: str
    depends: frozenset[str]
    template: str
    key: str = ""
    """What the region is of when a page has one per window or item (its template's ``key``)."""


def caller_regions(window: str) -> tuple[Region, ...]:
    """The live regions of the soft caller at ``window``."""
    w = f"window:{window}"
    return (
        Region("conn", frozenset({"conn"}), "_conn.html"),
        Region("ticket", frozenset({w, "tickets"}), "_caller_ticket.html"),
        Region("staff", frozenset({w}), "_caller_staff.html"),
        Region("signlabel", frozenset({w}), "_caller_signlabel.html"),
        Region("recalls", frozenset({w}), "_caller_recalls.html"),
        Region("pauselabel", frozenset({w}), "_caller_pauselabel.html"),
        Region("waiting", frozenset({"queue", "tickets"}), "_caller_waiting.html"),
        Region("counts", frozenset({w, "counters"}), "_caller_counts.html"),
    )


HALL_REGIONS: tuple[Region, ...] = (
    Region("conn", frozenset({"conn"}), "_conn.html"),
    Region("categories", frozenset({"queue", "catalog", "tickets", "clock"}), "_hall_cats.html"),
    Region("windows", frozenset({"windows", "clock"}), "_hall_windows.html"),
    Region(
        "alarms",
        frozenset({"queue", "tickets", "windows", "nodes", "clock", "workorders"}),
        "_hall_alarms.html",
    ),
    Region("nodes", frozenset({"nodes", "conn"}), "_hall_nodes.html"),
    Region("counters", frozenset({"counters", "tickets"}), "_hall_counters.html"),
    Region("notices", frozenset({"notices"}), "_hall_notices.html"),
)


def wait_alarm_minutes(hall: HallConfig) -> int:
    """The threshold of the live hall's wait colouring (``console.wait_alarm_minutes``)."""
    return hall.console.wait_alarm_minutes


TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "hall_lang"


def template_env() -> jinja2.Environment:
    """The console's templates, autoescaped; an undefined name is an error, never blank."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    env.globals["nav_links"] = nav_links
    return env


def request_lang(request: Request, hall: HallConfig) -> Lang:
    """The language a request asks for: ``?lang=``, then the cookie, then the hall's."""
    return pick_lang(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), hall.language
    )


class Renderer:
    """Renders regions and pages with the console's templates in one language."""

    def __init__(self, env: jinja2.Environment, state: HallState) -> None:
        self.env = env
        self.state = state

    def context(self, lang: Lang, **extra: Any) -> dict[str, Any]:
        """What every template sees: the state, the hall, the texts and the time helpers."""
        state = self.state
        hall = state.hall
        now = state.now()

        def t(key: str, **fields: Any) -> str:
            return tr(key, lang, **fields)

        def hhmm(value: dt.datetime | None) -> str:
            return value.astimezone(hall.tz).strftime("%H:%M") if value is not None else "—"

        def iso(value: dt.datetime | None) -> str:
            return value.isoformat() if value is not None else ""

        def minutes(delta: dt.timedelta | None) -> int:
            return max(0, int(delta.total_seconds() // 60)) if delta is not None else 0

        def named(zh: str, en: str) -> str:
            return en if lang == "en" and en else zh

        def service_name(code: str, name: str) -> str:
            item = hall.item(code)
            return item.name_en if lang == "en" and item is not None and item.name_en else name

        return {
            "state": state,
            "hall": hall,
            "lang": lang,
            "t": t,
            "hhmm": hhmm,
            "iso": iso,
            "minutes": minutes,
            "named": named,
            "service_name": service_name,
            "now": now,
            "now_iso": now.isoformat(),
            "alarm_minutes": wait_alarm_minutes(hall),
            **extra,
        }

    def render(self, template: str, ctx: Mapping[str, Any]) -> str:
        """One template with ``ctx``."""
        return self.env.get_template(template).render(**ctx)


# Caller ------------------------------------------------------------------------------------


def caller_context(state: HallState, window: str) -> dict[str, Any]:
    """What the caller's regions show for ``window``."""
    hall = state.hall
    cfg = hall.window(window)
    view: WindowData | None = state.windows.get(window)
    configured = tuple(cfg.categories) if cfg is not None else ()
    categories = tuple(view.categories) if view is not None else configured
    current = view.current if view is not None else None
    tracked = state.day_tickets.tickets.get(current.ticket) if current is not None else None
    waiting_counts = []
    queue = state.queue
    for prefix in categories:
        cat = queue.categories.get(prefix) if queue is not None else None
        hall_cat = hall.category(prefix)
        waiting_counts.append(
            {
                "prefix": prefix,
                "name": hall_cat.name if hall_cat else prefix,
                "name_en": hall_cat.name_en if hall_cat else prefix,
                "waiting": cat.waiting if cat is not None else 0,
                "estimated": cat.estimated_wait_minutes if cat is not None else 0,
            }
        )
    services = [i for i in hall.items]
    return {
        "window": window,
        "window_cfg": cfg,
        "view": view,
        "current": current,
        "issued_at": tracked.issued_at if tracked is not None else None,
        "waiting_counts": waiting_counts,
        "waiting": state.waiting(categories),
        "skipped": state.skipped(categories),
        "counts": state.day_tickets.window_counts(window),
        "services": services,
        "recall_limit": hall.queue.recall_limit,
    }


# Hall --------------------------------------------------------------------------------------


def hall_context(state: HallState, lang: Lang) -> dict[str, Any]:
    """What the live hall's regions show: queues, windows, nodes, alarms, counters."""
    hall = state.hall
    limit = wait_alarm_minutes(hall)
    rows = []
    alarms: list[str] = []
    for cat in hall.categories:
        waiting = state.queue.categories.get(cat.prefix) if state.queue is not None else None
        longest = state.longest_wait(cat.prefix)
        oldest = min(
            (t.issued_at for t in state.waiting([cat.prefix]) if t.issued_at is not None),
            default=None,
        )
        longest_min = int(longest.total_seconds() // 60) if longest is not None else 0
        over = longest is not None and longest_min >= limit
        name = cat.name_en if lang == "en" and cat.name_en else cat.name
        if over:
            alarms.append(tr("alarm_wait", lang, category=name, minutes=longest_min, limit=limit))
        catalog = state.catalog.categories.get(cat.prefix) if state.catalog is not None else None
        rows.append(
            {
                "prefix": cat.prefix,
                "name": name,
                "waiting": waiting.waiting if waiting is not None else 0,
                "estimated": waiting.estimated_wait_minutes if waiting is not None else 0,
                "oldest": oldest,
                "longest": longest_min,
                "over": over,
                "status": catalog.status if catalog is not None else "",
            }
        )
    nodes = []
    for node in hall.nodes:
        status = state.nodes.get(node.id)
        devices = []
        for name in device_names(node):
            dev = state.devices.get((node.id, name))
            devices.append({"name": name, "state": dev.state if dev else ""})
        nodes.append(
            {
                "id": node.id,
                "role": node.role,
                "state": status.state if status is not None else "",
                "devices": devices,
            }
        )
        if status is not None and status.state == "offline":
            alarms.append(tr("alarm_node", lang, node=node.id))
    for node_id, device, dev in state.device_faults():
        label = tr(f"dev_{dev.state}", lang)
        alarms.append(tr("alarm_device", lang, node=node_id, device=device, state=label))
    windows = [(w, state.windows.get(w.id)) for w in hall.windows]
    alarms += window_alarms(state, lang)
    notices = sorted(state.notices.values(), key=lambda n: n.created_at, reverse=True)
    return {
        "rows": rows,
        "alarms": alarms,
        "nodes": nodes,
        "windows": windows,
        "notices": notices,
        "counters": state.day_tickets.counters(),
    }


def window_alarms(state: HallState, lang: Lang) -> list[str]:
    """A window paused longer than ``console.pause_alarm_minutes``, today's bad reviews
    (1 or 2: each opened a work order, Q7), newest first, and the work orders past their due
    day, soonest due first (``queue/today`` brings them: ``console.today``)."""
    hall = state.hall
    limit = hall.console.pause_alarm_minutes
    now = state.now()
    out = []
    for cfg in hall.windows:
        view = state.windows.get(cfg.id)
        since = view.paused_since if view is not None and view.paused else None
        if since is None:
            continue
        minutes = int((now - since).total_seconds() // 60)
        if minutes >= limit:
            out.append(
                tr(
                    "alarm_paused", lang, window=cfg.number, minutes=minutes, limit=limit,
                    since=since.astimezone(hall.tz).strftime("%H:%M"),
                )
            )
    for bad in state.day_tickets.bad_reviews():
        where = hall.window(bad.window) if bad.window is not None else None
        at = bad.at.astimezone(hall.tz).strftime("%H:%M") if bad.at is not None else "—"
        out.append(
            tr(
                "alarm_bad_review", lang, at=at, ticket=bad.ticket, level=bad.level,
                window=where.number if where is not None else "—",
            )
        )
    for late in state.day_tickets.overdue_workorders.values():
        where = hall.window(late.window) if late.window is not None else None
        member = hall.staff_member(late.staff) if late.staff is not None else None
        out.append(
            tr(
                "alarm_workorder_overdue", lang, ticket=late.ticket,
                window=tr("window_n", lang, n=where.number) if where is not None else "—",
                staff=member.name if member is not None else (late.staff or "—"),
                due=late.due.isoformat(),
            )
        )  # fmt: skip
    return out


RegionContext = Callable[[HallState, Lang], dict[str, Any]]
