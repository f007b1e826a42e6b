"""``hall queue …``: the queue's own tools (``hallqueue.cli``) and, here in the composition
root because it needs the controller, the replay into a hall's data directory
(``hall queue replay --data-dir DIR SCRIPT``: ``hall.replay_into``)."""

from __future__ import annotations

import argparse
from typing import Any

from hallqueue import cli as queue_cli


def register(sub: Any) -> None:
    replay = queue_cli.register(sub)
    replay.add_argument(
        "--data-dir",
        metavar="DIR",
        help=(
            "apply the script to this hall data directory through the controller's command "
            "path (store, audit log, the hall clock at each line's time) instead of in memory; "
            "refused while a controller runs on it / 回放到大厅数据目录"
        ),
    )
    replay.set_defaults(handler=_replay)


def _replay(args: argparse.Namespace) -> int:
    if args.data_dir is None:
        return queue_cli.replay_command(args)
    import sys

    from config.loader import load_hall_or_exit
    from hall.replay_into import StoreIsLater, replay_into
    from store.lock import DataDirBusy

    if args.stats_csv or args.detail:
        print(
            "--stats-csv, --detail: 回放到数据目录时不可用，请用 hall stats / not with --data-dir "
            "(read the day back with `hall stats`)",
            file=sys.stderr,
        )
        return 2
    hall = load_hall_or_exit(args.config)
    script = queue_cli.script_of(args)
    stream = queue_cli.open_script(script)
    if stream is None:
        return 2
    try:
        with stream:
            replay = replay_into(hall, args.data_dir, stream, sys.stdout, sys.stderr, source=script)
    except (DataDirBusy, StoreIsLater) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(
        f"{args.data_dir}: 已回放 {replay.applied} 条、被拒 {replay.refused} 条、跳过 "
        f"{replay.errors} 行 / {replay.applied} applied, {replay.refused} refused, "
        f"{replay.errors} line(s) skipped",
        file=sys.stderr,
    )
    return 0
