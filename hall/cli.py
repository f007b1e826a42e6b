"""The `hall` command: one entry point whose sub-commands live beside the code they drive.

Each package contributes a ``cli`` module with ``register(subparsers)``; the heavy imports
happen inside the handlers so that ``hall --help`` and ``hall config check`` stay fast on a Pi.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Order is the order shown in `hall --help`.
_COMMAND_MODULES = (
    "hall.config_cli",
    "hall.controller_cli",
    "hall.queue_cli",
    "hallqueue.stats_cli",
    "hall.report_cli",
    "attendance.cli",
    "attendance.manage_cli",
    "attendance.faces_cli",
    "hall.users_cli",
    "terminal.cli",
    "firmware_bridge.cli",
    "firmware_bridge.printer.cli",
    "kiosk.cli",
    "hall.console_cli",
    "hall.contract_cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hall",
        description="servicehall: 政务服务中心 queue, displays and attendance / 排队叫号与考勤",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMAND_MODULES:
        # No guard: a sub-command whose module cannot be imported is a broken install, and
        # must fail here, loudly, rather than vanish from `hall --help`.
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result = handler(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
