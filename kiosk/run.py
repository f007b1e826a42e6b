"""Starting one front end: config, environment, bus, view-model and Kivy app.

``build_app`` is shared by the CLI and the UI test runner, so the tests drive exactly the app
that ``hall kiosk`` starts.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config.loader import ConfigError, load_hall, resolve_hall_path
from config.schema import HallConfig
from uikit import env

if TYPE_CHECKING:
    from kiosk.app import FrontEndApp
    from kiosk.model_screen import CallEvent

log = logging.getLogger(__name__)

SIZES: dict[str, tuple[int, int]] = {
    "kiosk": (1080, 1920),  # portrait 21.5" kiosk touchscreen
    "screen": (1920, 1080),  # hall screen
    "display": (1024, 600),  # 7" LCD above a window
    "evaluator": (1280, 800),  # 8–10" evaluator tablet
}


class UsageError(Exception):
    pass


def load(config: str | None) -> HallConfig:
    try:
        return load_hall(resolve_hall_path(config))
    except ConfigError as err:
        raise UsageError("\n".join(str(p) for p in err.problems)) from None


def node_for(hall: HallConfig, kind: str, node: str | None, window: str | None) -> str:
    """The node id, checked against the hall config so a typo fails at start, not silently."""
    if kind in ("display", "evaluator"):
        if window is None or hall.window(window) is None:
            known = ", ".join(w.id for w in hall.windows)
            raise UsageError(f"unknown window {window!r}; the hall has {known}")
        node = node or f"{kind}-{window}"
    if node is None or hall.node(node) is None:
        same_role = ", ".join(n.id for n in hall.nodes if n.role == kind) or "none"
        raise UsageError(f"unknown node {node!r}; {kind} nodes in this hall: {same_role}")
    return node


def parse_size(value: str | None, kind: str) -> tuple[int, int]:
    if not value:
        return SIZES[kind]
    w, _, h = value.lower().partition("x")
    try:
        return int(w), int(h)
    except ValueError:
        raise UsageError(f"--size {value!r}: use WIDTHxHEIGHT, e.g. 1080x1920") from None


def build_app(
    kind: str,
    hall: HallConfig,
    node: str,
    broker_url: str,
    *,
    window: str | None = None,
    screenshot: Path | None = None,
    lang: str | None = None,
    voice: Any = None,
) -> FrontEndApp:
    """The app of one front end on a real bus (call after ``env.prepare``)."""
    from bus.client import PahoBus
    from kiosk.app import clock_deliver

    bus = PahoBus(hall.hall_id, node, broker_url, role=kind, deliver=clock_deliver)
    common: dict[str, Any] = {"deliver": clock_deliver}
    title = f"{hall.name} · {kind}"
    app: FrontEndApp
    if kind == "kiosk":
        from kiosk.model_kiosk import KioskModel
        from kiosk.ui_kiosk import KioskApp

        app = KioskApp(KioskModel(bus, hall, **common), bus, title=title, screenshot=screenshot)
    elif kind == "screen":
        from kiosk.model_screen import ScreenModel
        from kiosk.ui_screen import ScreenApp

        model = ScreenModel(bus, hall, announce=_speaker(voice), **common)
        app = ScreenApp(model, bus, title=title, screenshot=screenshot)
    elif kind == "display":
        from kiosk.model_window import DisplayModel
        from kiosk.ui_window import DisplayApp

        model_d = DisplayModel(bus, hall, window=window, **common)
        app = DisplayApp(model_d, bus, title=title, screenshot=screenshot)
    elif kind == "evaluator":
        from kiosk.model_window import EvaluatorModel
        from kiosk.ui_window import EvaluatorApp

        model_e = EvaluatorModel(bus, hall, window=window, **common)
        app = EvaluatorApp(model_e, bus, title=title, screenshot=screenshot)
    else:
        raise UsageError(f"unknown front end {kind!r}")
    if lang in ("zh", "en"):
        app.model.lang = lang  # type: ignore[assignment]
    return app


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    kind: str = args.front_end
    try:
        hall = load(args.config)
        window = getattr(args, "window", None)
        node = node_for(hall, kind, args.node, window)
        size = parse_size(args.size, kind)
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    env.prepare(size, fullscreen=args.fullscreen)
    voice = None
    if kind == "screen" and not args.no_voice:
        from kiosk.voice import Announcer

        player = shlex.split(args.player) if args.player else None
        voice = Announcer(player=player, repeat=args.voice_repeat)
    screenshot = Path(args.screenshot) if args.screenshot else None
    app = build_app(
        kind,
        hall,
        node,
        hall.broker_url(args.broker),
        window=window,
        screenshot=screenshot,
        lang=args.lang,
        voice=voice,
    )
    try:
        app.run()
    finally:
        if voice is not None:
            voice.close()
    return app.exit_code


def _speaker(voice: Any) -> Callable[[CallEvent], None] | None:
    """The hall screen speaks each call event's own line (``data.announcement``)."""
    if voice is None:
        return None
    return lambda event: voice.say(event.data.announcement)
