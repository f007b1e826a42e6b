"""The one ``--config`` option of the ``hall`` sub-commands that work on a hall.

``hall config check FILE`` itself lives in the composition root (``hall/config_cli.py``):
it also checks each device's options against its driver's schema, and ``config`` may not
import the drivers.
"""

from __future__ import annotations

import argparse

HALL_HELP = "大厅配置 YAML 或大厅编号 / hall YAML file or shipped hall id (default chengdong)"


def add_hall_argument(parser: argparse.ArgumentParser) -> None:
    """The one ``--config`` option of every ``hall`` sub-command that works on a hall."""
    parser.add_argument("--config", default=None, metavar="HALL", help=HALL_HELP)
