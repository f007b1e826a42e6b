"""``hall report bulletin``: the monthly bulletin (月通报) as a PDF, from the controller's data
directory.

The composition root may read the store and call a node's renderer: the figures come from the
functions the controller answers the console's queries with (``queue/stats``:
``hallqueue.stats_store.stats_between``; ``att/report``: ``attendance.report.month_report``;
``queue/workorders``: ``hallqueue.workorder_queries.workorder_query``), so this file, the
console's ``/stats/bulletin.pdf``, ``hall stats`` and ``hall attendance report`` agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from config.cli import add_hall_argument

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from config.schema import HallConfig
    from console.bulletin import Bulletin

    Sub = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: Sub) -> None:
    report = sub.add_parser("report", help="通报与报告 / reports (月通报 bulletin)")
    group = report.add_subparsers(dest="report", metavar="REPORT")
    group.required = True
    p = group.add_parser(
        "bulletin",
        help="月通报 PDF / the monthly bulletin as a PDF",
        description="从控制器数据库生成月度督查通报（排队、满意度与差评工单、考勤、巡查），A4 PDF。"
        " / The month's queue figures, reviews and work orders, attendance and patrol findings.",
    )
    p.add_argument("--month", required=True, help="月份 / YYYY-MM")
    p.add_argument("--out", type=Path, default=None,
                   help="PDF 文件（默认 bulletin-YYYY-MM.pdf）/ output file")  # fmt: skip
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="语言 / language")
    p.add_argument("--data-dir", required=True, help="the controller's data directory")
    p.add_argument("--db-url", default=None, help="instead of --data-dir: a database URL")
    p.add_argument(
        "--at", default=None,
        help="按此时间出通报（默认现在）/ as of this time (ISO 8601, hall time without offset)",
    )  # fmt: skip
    add_hall_argument(p)
    p.set_defaults(handler=_bulletin)


def bulletin_from_store(
    conn: Connection, hall: HallConfig, month: str, now: dt.datetime
) -> Bulletin:
    """The month's bulletin from the answers the controller's services give the console's
    queries (``queue/stats``, ``queue/workorders``, ``att/report``, ``att/list``,
    ``patrol/findings``): the very ``handle`` of each service, on the store, at ``now``."""
    from attendance.service import AttendanceService
    from bus.models.attendance import ListRequests, MonthReportQuery
    from bus.models.base import Command
    from bus.models.patrol import FindingsQuery, FindingsResult
    from bus.models.queue import StatsQuery, WorkordersQuery
    from bus.models.replies import (
        MonthReportResult,
        StatsResult,
        WorkordersResult,
        WriteoffList,
    )
    from console.bulletin import Bulletin, month_days
    from controller.patrol import PatrolService
    from hallqueue.service import QueueService
    from store.calendar_store import HallCalendar
    from store.events import EventFactory
    from store.service import Service

    days = month_days(month)
    if days is None:
        raise ValueError(f"月份应为 YYYY-MM / not a month: {month!r}")
    calendar = HallCalendar(hall.attendance)
    calendar.load(conn)  # the hall config's dates under the manager's overrides
    events = EventFactory(hall.hall_id)
    queue = QueueService(hall, calendar, events)
    queue.load(conn, now)
    attendance = AttendanceService(hall, calendar, events)

    def ask(service: Service, cmd: Command) -> object:
        outcome = service.handle(conn, cmd, now)
        if outcome.error is not None:
            raise ValueError(outcome.error[1])
        return outcome.result

    first, last = days
    stats = ask(queue, StatsQuery.model_validate({"id": "bulletin", "from": first, "to": last}))
    orders = ask(queue, WorkordersQuery(id="bulletin"))
    report = ask(attendance, MonthReportQuery(id="bulletin", month=month, days=True))
    writeoffs = ask(attendance, ListRequests(id="bulletin", status="approved"))
    patrol = ask(PatrolService(hall), FindingsQuery(id="bulletin", month=month))
    assert isinstance(stats, StatsResult) and isinstance(report, MonthReportResult)
    assert isinstance(orders, WorkordersResult) and isinstance(writeoffs, WriteoffList)
    assert isinstance(patrol, FindingsResult)
    return Bulletin(
        hall=hall, month=month, generated_at=now.astimezone(hall.tz).replace(microsecond=0),
        stats=stats, attendance=report, workorders=orders, writeoffs=writeoffs.requests,
        patrol=patrol.counts,
    )  # fmt: skip


def _bulletin(args: argparse.Namespace) -> int:
    from config.loader import load_hall, resolve_hall_path
    from console.bulletin import month_days
    from console.bulletin_pdf import render
    from store.database import DB_FILENAME, open_engine

    if month_days(args.month) is None:
        print(f"hall report bulletin: 月份应为 YYYY-MM / not a month: {args.month}",
              file=sys.stderr)  # fmt: skip
        return 2
    hall = load_hall(resolve_hall_path(args.config))
    now = dt.datetime.now(hall.tz)
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            print(f"hall report bulletin: --at 不是 ISO 8601 时间: {args.at}", file=sys.stderr)
            return 2
        now = at if at.tzinfo else at.replace(tzinfo=hall.tz)
    if args.db_url is None and not (Path(args.data_dir) / DB_FILENAME).exists():
        print(f"{args.data_dir}: 没有大厅数据 / no controller database here", file=sys.stderr)
        return 2
    engine = open_engine(args.data_dir, args.db_url)
    try:
        with engine.connect() as conn:
            bulletin = bulletin_from_store(conn, hall, args.month, now)
    finally:
        engine.dispose()
    out: Path = args.out or Path(f"bulletin-{args.month}.pdf")
    out.write_bytes(render(bulletin, args.lang))
    print(f"已写入 / written: {out}", file=sys.stderr)
    return 0
