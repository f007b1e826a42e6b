"""`hall console`: the web console (soft caller, live hall) as a node of the hall."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING

from config.cli import add_hall_argument

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]

PUBLIC_LISTEN_ENV = "SERVICEHALL_PUBLIC_LISTEN"
"""Where the citizens' listener listens when ``--public-listen`` is not given (the console's
systemd unit sets it; its ``console.env`` may change or empty it)."""


def register(sub: Sub) -> None:
    """Add ``hall console``."""
    p = sub.add_parser("console", help="web console: soft caller, live hall / 管理台")
    add_hall_argument(p)
    p.add_argument(
        "--broker", default=None, help="mqtt://[user:pass@]host:port (default: from the config)"
    )
    p.add_argument("--listen", default="127.0.0.1:8080", help="host:port to serve on")
    p.add_argument("--node", default="console", help="the console's node id (its MQTT user)")
    p.add_argument(
        "--public-listen",
        default=os.environ.get(PUBLIC_LISTEN_ENV) or None,
        metavar="HOST:PORT",
        help="also serve the citizens' pages (ticket status) on this address, apart from the "
        "staff pages; publish it behind the hall's reverse proxy at the config's public_url "
        f"(default: ${PUBLIC_LISTEN_ENV}, which the systemd unit sets; empty: none)",
    )
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from config.loader import ConfigError, load_hall, resolve_hall_path
    from console.run import serve

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        hall = load_hall(resolve_hall_path(args.config))
    except ConfigError as err:
        print("\n".join(str(p) for p in err.problems), file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                hall,
                hall.broker_url(args.broker),
                args.listen,
                node=args.node,
                public_listen=args.public_listen,
            )
        )
    return 0
