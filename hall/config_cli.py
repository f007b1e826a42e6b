"""``hall config check FILE``: validate a hall file before it reaches a controller.

It lives in the composition root because it checks more than ``config`` may know: each
device's options against its own driver's schema (``firmware_bridge.registry``, STYLE 5)
and a terminal camera's against the terminal's. Every file, whatever it holds, ends in
exit 0 (usable) or exit 2 (every problem on stderr: file, line, key path and a fix).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Iterator

from config.loader import ConfigError, Finding, load_hall, resolve_hall_path
from config.schema import DeviceConfig, HallConfig

MAX_SHOWN = 100
"""Problems printed; a file that is wrong everywhere is usually the wrong file."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("config", help="hall configuration / 大厅配置").add_subparsers(
        dest="config_command", metavar="ACTION", required=True
    )
    check = group.add_parser("check", help="validate a hall YAML file / 检查配置文件")
    check.add_argument("file", help="hall YAML file, or the id of a shipped hall")
    check.set_defaults(handler=_check)


def device_findings(hall: HallConfig, warn: Callable[[str], None]) -> Iterator[Finding]:
    """Each device entry's options as its driver's schema sees them (a ``HallCheck``)."""
    for i, node in enumerate(hall.nodes):
        for j, device in enumerate(node.devices):
            for loc, message, hint in _device(device, warn, f"{node.id}/{device.name}"):
                yield (
                    ("nodes", i, "devices", j, *loc),
                    f"设备选项有误 / {node.id}/{device.name} ({device.kind}): {message}",
                    hint,
                )


def _device(device: DeviceConfig, warn: Callable[[str], None], label: str) -> list[Finding]:
    if device.kind == "camera":
        from pydantic import ValidationError

        from config.loader import validation_findings
        from terminal.options import CameraOptions

        try:
            CameraOptions.model_validate(device.options)
        except ValidationError as err:
            return list(validation_findings(err, CameraOptions, device.options, ("options",)))
        return []
    if device.kind == "display":  # the LCD window display is a front end, not a driver
        if device.options:
            return [(("options",), "LCD 窗口屏没有设备选项 / an LCD display has no options",
                     "remove options")]
        return []
    from firmware_bridge import registry

    try:
        return registry.check_options(device.kind, device.port, device.options)
    except ImportError as exc:
        warn(f"warning: {label}: options not checked, driver not installed here ({exc})")
        return []


def _check(args: argparse.Namespace) -> int:
    try:
        return _run(args.file)
    except Exception as exc:  # the last guard only: every known case is a ConfigError
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(
            f"{args.file}: 内部错误，请报告 / internal error, please report: "
            f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})",
            file=sys.stderr,
        )
        return 2


def _run(name: str) -> int:
    path = resolve_hall_path(name)

    def warn(text: str) -> None:
        print(f"{path}: {text}", file=sys.stderr)

    def devices(hall: HallConfig) -> Iterator[Finding]:
        return device_findings(hall, warn)

    try:
        hall = load_hall(path, checks=[devices])
    except ConfigError as err:
        for problem in err.problems[:MAX_SHOWN]:
            print(problem, file=sys.stderr)
        more = len(err.problems) - MAX_SHOWN
        if more > 0:
            print(f"{path}: … 另有 {more} 处 / and {more} more", file=sys.stderr)
        print(f"{path}: {len(err.problems)} problem(s) / 配置有误", file=sys.stderr)
        return 2
    print(
        f"{path}: ok / 配置正确 — {hall.name} ({hall.hall_id}): {len(hall.categories)} categories, "
        f"{len(hall.items)} items, {len(hall.windows)} windows, {len(hall.nodes)} nodes"
    )
    return 0
