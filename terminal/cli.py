"""``hall terminal``: the punch terminal node (face and fingerprint, offline outbox)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from config.cli import add_hall_argument

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]

DEFAULT_OUTBOX = "/var/lib/servicehall/terminal/outbox.sqlite3"
DEFAULT_TRANSPORT_KEY = "/etc/servicehall/faces-transport.key"


def register(sub: Sub) -> None:
    p = sub.add_parser(
        "terminal",
        help="run a punch terminal / 运行考勤机",
        description=(
            "人脸与指纹考勤机：离线时打卡先存本地，联网后按顺序上传 / "
            "Face and fingerprint punch terminal; punches are stored locally first and sent "
            "in order when the controller is reachable."
        ),
    )
    add_hall_argument(p)
    p.add_argument("--node", required=True, help="this terminal's node id in the hall config")
    p.add_argument(
        "--camera",
        default=None,
        help="camera index (0), /dev/videoN, a video file, an image or a folder of images, "
        "or sim (default: the camera device's port in the hall config)",
    )
    p.add_argument("--broker", default=None, help="mqtt://[user:pass@]host:port")
    p.add_argument(
        "--secret", default=None, help="file with this node's MQTT password (user = node id)"
    )
    p.add_argument(
        "--outbox", default=DEFAULT_OUTBOX, help=f"outbox file (default {DEFAULT_OUTBOX})"
    )
    p.add_argument(
        "--faces-dir",
        default=None,
        help="the terminal's sealed template store (default: 'faces' beside the outbox)",
    )
    p.add_argument(
        "--transport-key",
        default=DEFAULT_TRANSPORT_KEY,
        help=f"key shared with the controller for template sync (default {DEFAULT_TRANSPORT_KEY})",
    )
    p.add_argument(
        "--headless", action="store_true", help="no screen: print each punch result on stdout"
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:

    from config.loader import load_hall_or_exit
    from terminal.run import TerminalArgs, run_terminal

    hall = load_hall_or_exit(args.config)
    outbox = Path(args.outbox)
    return run_terminal(
        hall,
        TerminalArgs(
            node=args.node,
            broker_url=hall.broker_url(args.broker),
            outbox=outbox,
            faces_dir=Path(args.faces_dir) if args.faces_dir else outbox.parent / "faces",
            transport_key=Path(args.transport_key),
            camera=args.camera,
            headless=args.headless,
            secret_file=Path(args.secret) if args.secret else None,
        ),
    )
