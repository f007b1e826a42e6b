"""`hall kiosk`, `hall screen`, `hall display`, `hall evaluator`: the Kivy front ends.

Kivy is imported only inside the handlers (``kiosk.run``), so ``hall --help`` stays fast and
never opens a window.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from config.cli import add_hall_argument

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def _common(p: argparse.ArgumentParser) -> None:
    add_hall_argument(p)
    p.add_argument(
        "--broker", default=None, help="mqtt://[user:pass@]host:port (default: from the config)"
    )
    p.add_argument(
        "--screenshot",
        default=None,
        metavar="PATH",
        help="save the first settled frame with live data as PNG and exit",
    )
    p.add_argument("--size", default=None, metavar="WxH", help="window size in pixels")
    p.add_argument("--fullscreen", action="store_true", help="fill the screen (deployment)")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="start language")


def register(sub: Sub) -> None:
    p = sub.add_parser("kiosk", help="ticket kiosk / 取号机")
    _common(p)
    p.add_argument("--node", required=True, help="this kiosk's node id, e.g. kiosk-1")
    p.set_defaults(handler=_run, front_end="kiosk")

    p = sub.add_parser("screen", help="hall screen with voice calls / 综合屏")
    _common(p)
    p.add_argument("--node", required=True, help="this screen's node id, e.g. screen-1")
    p.add_argument(
        "--player",
        default=None,
        help="command that plays a WAV, {file} is the file (default: aplay, else sox play)",
    )
    p.add_argument("--no-voice", action="store_true", help="screen only, no announcements")
    p.add_argument("--voice-repeat", type=int, default=1, help="times each call is spoken")
    p.set_defaults(handler=_run, front_end="screen")

    p = sub.add_parser("display", help="window display, LCD / 窗口屏")
    _common(p)
    p.add_argument("--window", required=True, help="window id, e.g. W03")
    p.add_argument("--node", default=None, help="node id (default: display-<window>)")
    p.set_defaults(handler=_run, front_end="display")

    p = sub.add_parser("evaluator", help="evaluator / 评价器")
    _common(p)
    p.add_argument("--window", required=True, help="window id, e.g. W03")
    p.add_argument("--node", default=None, help="node id (default: evaluator-<window>)")
    p.set_defaults(handler=_run, front_end="evaluator")


def _run(args: argparse.Namespace) -> int:
    from kiosk.run import run

    return run(args)
