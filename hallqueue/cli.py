"""``hall queue …`` sub-commands. Heavy imports happen inside the handlers (fast ``--help``)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from config.cli import add_hall_argument


def register(sub: Any) -> argparse.ArgumentParser:
    """Add ``hall queue``; the replay's parser is returned (``hall.queue_cli`` adds to it the
    replay into a hall's data directory, which needs the controller)."""
    queue = sub.add_parser("queue", help="queue tools / 排队叫号工具").add_subparsers(
        dest="queue_command", metavar="ACTION"
    )
    queue.required = True
    p = queue.add_parser(
        "replay",
        help="run a hall config over a script of operations / 回放操作脚本",
        description=(
            "Run a script of queue operations (one JSON object per line, RULES.md §5) through "
            "the queue engine with no broker and no devices; print one JSON event per line."
        ),
    )
    add_hall_argument(p)
    p.add_argument("script_file", nargs="?", metavar="SCRIPT", help="the operations file")
    p.add_argument("--script", help="the operations file (JSON lines); - for stdin")
    p.add_argument(
        "--all-events",
        action="store_true",
        help="also print events caused by time passing (expired, not rated, forfeited)",
    )
    p.add_argument("--detail", action="store_true", help="add each event's screen data")
    p.add_argument(
        "--stats-csv",
        metavar="FILE",
        help="also write the replayed days' statistics (Q15) as CSV / 导出统计",
    )
    p.set_defaults(handler=replay_command)
    parser: argparse.ArgumentParser = p
    return parser


def script_of(args: argparse.Namespace) -> str:
    """The script the command line names (``SCRIPT`` or ``--script``); exits 2 without one."""
    import sys

    script = args.script or args.script_file
    if not script or (args.script and args.script_file):
        print(
            "hall queue replay: 请给出一个脚本 / give one script: SCRIPT or --script",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return str(script)


def open_script(script: str) -> TextIO | None:
    """The script's lines (``-``: standard input); None, said on stderr, when unreadable."""
    import sys

    try:
        return sys.stdin if script == "-" else open(script, encoding="utf-8")
    except OSError as exc:
        print(f"{script}: cannot read: {exc.strerror}", file=sys.stderr)
        return None


def replay_command(args: argparse.Namespace) -> int:
    """The replay in memory: the events printed, the day forgotten (or its statistics)."""
    import sys

    from config.loader import load_hall_or_exit
    from hallqueue.replay import run
    from workdays.fixed import hall_calendar

    hall = load_hall_or_exit(args.config)
    args.script = script_of(args)
    stream = open_script(args.script)
    if stream is None:
        return 2
    with stream:
        replay = run(
            hall,
            hall_calendar(hall),
            stream,
            sys.stdout,
            sys.stderr,
            all_events=args.all_events,
            detail=args.detail,
            source=args.script,
        )
    if args.stats_csv and replay.state is not None and replay.last_at is not None:
        _write_stats(replay, args.stats_csv)
    # Skipped lines are reported on stderr; the replay itself succeeded (RULES.md §5).
    if replay.errors:
        print(f"{replay.errors} line(s) skipped", file=sys.stderr)
    return 0


def _write_stats(replay: Any, path: str) -> None:
    from hallqueue.stats import compute_stats, write_csv

    records = replay.records()
    days = [e.day for kind, _key, e in records if kind == "ticket"]
    today = replay.last_at.date()
    stats = compute_stats(records, min(days, default=today), max(days, default=today), today)
    with open(path, "w", encoding="utf-8-sig", newline="") as out:  # utf-8-sig: Excel reads it
        write_csv(stats, out)
