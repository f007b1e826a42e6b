"""``hall config check FILE``: validate a hall file before it reaches a controller."""

from __future__ import annotations

import argparse
import sys

HALL_HELP = "大厅配置 YAML 或大厅编号 / hall YAML file or shipped hall id (default chengdong)"


def add_hall_argument(parser: argparse.ArgumentParser) -> None:
    """The one ``--config`` option of every ``hall`` sub-command that works on a hall."""
    parser.add_argument("--config", default=None, metavar="HALL", help=HALL_HELP)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("config", help="hall configuration / 大厅配置").add_subparsers(
        dest="config_command", metavar="ACTION", required=True
    )
    check = group.add_parser("check", help="validate a hall YAML file / 检查配置文件")
    check.add_argument("file", help="hall YAML file, or the id of a shipped hall")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    from config.loader import ConfigError, load_hall, resolve_hall_path

    path = resolve_hall_path(args.file)
    try:
        hall = load_hall(path)
    except ConfigError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{path}: {len(err.problems)} problem(s) / 配置有误", file=sys.stderr)
        return 2
    print(
        f"{path}: ok / 配置正确 — {hall.name} ({hall.hall_id}): {len(hall.categories)} categories, "
        f"{len(hall.items)} items, {len(hall.windows)} windows, {len(hall.nodes)} nodes"
    )
    return 0
