"""`hall stats`: the manager's statistics (Q15) straight from the controller's data directory."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from config.cli import add_hall_argument

if TYPE_CHECKING:
    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Sub) -> None:
    p = sub.add_parser("stats", help="queue statistics / 排队统计 (Q15)")
    p.add_argument("--data-dir", required=True, help="the controller's data directory")
    p.add_argument("--db-url", default=None, help="instead of --data-dir: a database URL")
    p.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="last day, YYYY-MM-DD")
    p.add_argument("--csv", default=None, help="also write flat rows for charts to this CSV")
    p.add_argument("--today", default=None, help="as-of day for overdue work orders")
    add_hall_argument(p)
    p.set_defaults(handler=_stats)


def _hall_today(config: str | None) -> dt.date:
    """Today in the hall's time zone (the machine may run on UTC)."""
    from config.loader import load_hall, resolve_hall_path

    return dt.datetime.now(load_hall(resolve_hall_path(config)).tz).date()


def _stats(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from hallqueue.stats import write_csv
    from hallqueue.stats_store import load_stats
    from store.database import DB_FILENAME, open_engine

    try:
        date_from = dt.date.fromisoformat(args.date_from)
        date_to = dt.date.fromisoformat(args.date_to)
        today = dt.date.fromisoformat(args.today) if args.today else _hall_today(args.config)
    except ValueError as exc:
        print(f"日期格式应为 YYYY-MM-DD / dates must be YYYY-MM-DD: {exc}", file=sys.stderr)
        return 2
    if args.db_url is None and not (Path(args.data_dir) / DB_FILENAME).exists():
        print(f"{args.data_dir}: 没有大厅数据 / no controller database here", file=sys.stderr)
        return 2
    engine = open_engine(args.data_dir, args.db_url)
    try:
        with engine.connect() as conn:
            stats, grades = load_stats(conn, date_from, date_to, today)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    result = stats.result(grades).model_dump(mode="json")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8-sig") as out:
            write_csv(stats, out)
    return 0
