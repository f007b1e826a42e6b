"""The devices page (设备状态): every node of the hall and each of its devices (printers,
scanners, LED displays, keypads, evaluators, cameras, fingerprint modules, a terminal's
clock), with its state, when it was last heard, and the history of its faults.

The history is the controller's (``devices/history``, kept in its store by
``controller/devices.py``), so a console restart loses nothing. The state now is the
console's live view (the retained ``dev/…/state`` and ``node/…/status`` it subscribes to)
where it has one, else the controller's last word; when the controller does not answer the
page still shows the live states, and says that the history is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bus.models.audit import NODE, is_fault
from bus.models.replies import DeviceChange, DeviceHistoryResult, DeviceNow
from config.schema import HallConfig
from console.commands import Answer
from console.i18n import Lang, tr
from console.state import HallState, device_names

DEVICE_ROLES = frozenset({"manager", "chief", "auditor"})
"""Who may open the page: the chief and the auditor read it (no action on it anyway)."""
HISTORY_ROWS = 200


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a node (``device`` empty) or one of its devices."""

    node: str
    device: str
    label: str
    state: str
    """The state's code (``paper_out``, ``offline``); empty: never heard."""
    state_text: str
    fault: bool
    since: dt.datetime | None
    seen_at: dt.datetime | None
    detail: str


def read_history(answer: Answer) -> DeviceHistoryResult | None:
    if not answer.ok:
        return None
    try:
        return DeviceHistoryResult.model_validate(answer.result)
    except ValidationError:
        return None


def state_text(device: str, state: str, lang: Lang) -> str:
    if not state:
        return tr("dev_never", lang)
    return tr(state if device == NODE else f"dev_{state}", lang)


def device_label(hall: HallConfig, node: str, device: str, lang: Lang) -> str:
    """``打印机 printer`` (its kind in words), ``节点本身`` for the node's own status."""
    if device == NODE:
        return tr("dev_itself", lang)
    found = hall.node(node)
    configs = found.devices if found is not None else []
    kind = next((d.kind for d in configs if d.name == device), "clock" if device == "clock" else "")
    if not kind:
        return device
    words = tr(f"dev_kind_{kind}", lang)
    # The name in topics after the words (打印机 printer), unless the words say it (Printer).
    return words if device.lower() in words.lower() else f"{words} {device}"


def rows(state: HallState, result: DeviceHistoryResult | None, lang: Lang) -> list[Row]:
    """Every configured node and device, then any other the controller heard."""
    hall = state.hall
    heard: dict[tuple[str, str], DeviceNow] = (
        {(d.node, d.device): d for d in result.devices} if result is not None else {}
    )
    keys = [(n.id, d) for n in hall.nodes for d in (NODE, *device_names(n))]
    keys += sorted(k for k in heard if k not in keys)
    out = []
    for node, device in keys:
        now = heard.get((node, device))
        live = _live(state, node, device)
        code = live[0] if live is not None else (now.state if now is not None else "")
        detail = live[1] if live is not None else (now.detail if now is not None else "")
        out.append(Row(
            node=node, device=device, label=device_label(hall, node, device, lang),
            state=code, state_text=state_text(device, code, lang),
            fault=bool(code) and is_fault(device, code),
            since=now.since if now is not None else None,
            seen_at=now.seen_at if now is not None else None, detail=detail,
        ))  # fmt: skip
    return out


def _live(state: HallState, node: str, device: str) -> tuple[str, str] | None:
    if device == NODE:
        status = state.nodes.get(node)
        return (status.state, "") if status is not None else None
    dev = state.devices.get((node, device))
    return (str(dev.state), dev.detail) if dev is not None else None


def change_kind(change: DeviceChange, lang: Lang) -> str:
    if change.recovered:
        return tr("dev_recovered", lang)
    return tr("dev_fault" if change.fault else "dev_changed", lang)


def devices_context(
    state: HallState, result: DeviceHistoryResult | None, lang: Lang
) -> dict[str, Any]:
    hall = state.hall
    roles = {n.id: n.role for n in hall.nodes}

    def at_label(at: dt.datetime | None) -> str:
        return at.astimezone(hall.tz).strftime("%Y-%m-%d %H:%M:%S") if at is not None else "—"

    return {
        "rows": rows(state, result, lang),
        "changes": result.changes if result is not None else (),
        "loaded": result is not None,
        "role_label": lambda node: tr(f"dev_role_{roles[node]}", lang) if node in roles else "",
        "device_label": lambda c: device_label(hall, c.node, c.device, lang),
        "state_text": lambda device, code: state_text(device, code, lang) if code else "—",
        "change_kind": lambda c: change_kind(c, lang),
        "at_label": at_label,
        "tz": hall.timezone,
    }
