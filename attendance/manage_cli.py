"""The manager's attendance commands: ``hall attendance request|approve|reject|list`` and
``hall calendar override`` (through the controller, over the bus), ``hall attendance report``
and ``verify-log`` (reading the controller's store directly: no broker needed).

Heavy imports happen inside the handlers so that ``hall --help`` stays fast on a Pi.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from attendance.cli import command_group
from config.attendance import ROLE_LABELS, WriteOffKind
from config.cli import add_hall_argument

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.engine import Engine

    from bus.models.base import Command
    from config.schema import HallConfig

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def register(sub: Any) -> None:
    """Add the commands to ``hall attendance`` and the ``hall calendar`` group."""
    group = command_group(sub)
    _register_requests(group)
    _register_store_commands(group)
    calendar = sub.choices.get("calendar")
    if calendar is None:
        calendar = sub.add_parser("calendar", help="工作日历 / the hall's workday calendar")
        calendar.set_defaults(handler=lambda _args: _usage(calendar))
        calendar.hall_commands = calendar.add_subparsers(dest="calendar_command", metavar="ACTION")
    override = calendar.hall_commands.add_parser(
        "override",
        help="设定休息日/工作日 / declare a date a holiday or a workday",
        description="在控制器中设定日期为休息日或工作日（优先于法定日历），或清除设定。"
        " / Store a manager override in the controller (wins over the statutory calendar).",
    )
    _bus_args(override)
    which = override.add_mutually_exclusive_group(required=True)
    which.add_argument("--holiday", metavar="DATE", help="休息日 / closed on DATE (YYYY-MM-DD)")
    which.add_argument("--workday", metavar="DATE", help="工作日 / working on DATE")
    which.add_argument("--clear", metavar="DATE", help="清除设定 / remove the override of DATE")
    override.set_defaults(handler=_calendar_override)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_BAD_INPUT


def _bus_args(p: argparse.ArgumentParser) -> None:
    add_hall_argument(p)
    p.add_argument("--broker", default=None, help="mqtt://host:port (default: hall config)")


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", help="控制器数据目录 / the controller's data directory")
    p.add_argument("--db-url", default=None, help="数据库 URL / database URL instead")
    add_hall_argument(p)


def _register_requests(group: Any) -> None:
    roles = sorted(ROLE_LABELS)
    request = group.add_parser(
        "request",
        help="提交核销申请（请假、出差、补卡…）/ file a write-off request",
        description="经控制器提交核销申请（A4/A5）。时间为 ISO 8601；只有日期时，开始为当天"
        " 0 点、结束为当天 23:59:59；不带时区为大厅时间。 / File a request through the controller.",
    )
    _bus_args(request)
    request.add_argument("--staff", required=True, help="工号 / staff id")
    request.add_argument("--kind", required=True, choices=[k.value for k in WriteOffKind])
    request.add_argument("--start", required=True, help="开始 / start (ISO 8601 or date)")
    request.add_argument("--end", help="结束 / end (default: = start, for punch_correction)")
    request.add_argument("--reason", default="", help="事由 / reason")
    request.add_argument("--substitute", help="顶岗人员工号 / substitute's staff id")
    request.add_argument(
        "--emergency", action="store_true", help="紧急请假（当天 9:30 前报告）/ emergency leave"
    )
    request.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="ID",
        help="设备故障登记的其他人员 / device_failure: more staff listed (repeatable)",
    )
    request.set_defaults(handler=_request)
    for verb, label in (("approve", "同意 / approve"), ("reject", "不同意 / reject")):
        p = group.add_parser(verb, help=f"审批核销申请：{label}")
        _bus_args(p)
        p.add_argument("request_id", help="申请编号 / request id, e.g. R00001")
        p.add_argument(
            "--role",
            choices=roles,
            help="审批步骤（默认：正等待的一步）/ the step (default: the one waiting); the "
            "command line signs as the hall manager: the centre's and department leader's steps",
        )
        p.add_argument("--note", default="", help="意见 / note")
        if verb == "approve":
            p.add_argument("--substitute", help="顶岗人员工号 / name the substitute now")
        p.set_defaults(handler=_sign, verb=verb)
    listing = group.add_parser("list", help="核销申请列表 / list write-off requests")
    _bus_args(listing)
    listing.add_argument("--staff", help="工号 / only this staff id")
    listing.add_argument("--status", choices=["pending", "approved", "rejected"])
    listing.set_defaults(handler=_list)


def _register_store_commands(group: Any) -> None:
    report = group.add_parser(
        "report",
        help="月度考勤报表 / monthly report from the controller's store",
        description="从控制器数据库生成月度考勤汇总（迟到、早退、旷工、请假与考核扣分），"
        "输出 JSON，可另存 CSV/XLSX。 / Per staff counts and deductions; JSON on stdout.",
    )
    _store_args(report)
    report.add_argument("--month", required=True, help="月份 / YYYY-MM")
    report.add_argument("--csv", type=Path, help="另存 CSV / also write CSV here")
    report.add_argument("--xlsx", type=Path, help="另存 Excel / also write XLSX here")
    report.add_argument("--days", action="store_true", help="JSON 含每日明细 / include days")
    report.add_argument(
        "--at",
        help="按此时间出报表（默认现在）/ report as of this time (ISO 8601; default now): "
        "a running month counts the days before it, emergency leave stands as it did then",
    )
    report.set_defaults(handler=_report)
    verify = group.add_parser(
        "verify-log",
        help="校验打卡记录哈希链 / check the punch log's hash chain",
        description="逐条校验打卡记录；完整退出码 0，否则报告第一处断开并退出码 1。"
        " / Exit 0 when intact, else name the first broken link and exit 1.",
    )
    _store_args(verify)
    verify.set_defaults(handler=_verify_log)


# Through the controller -----------------------------------------------------------------


def _load_hall(name: str | None) -> HallConfig:
    from config.loader import load_hall_or_exit

    return load_hall_or_exit(name)


def _ask(args: argparse.Namespace, build: Callable[[str], Command]) -> int:
    """Build the command with a fresh id, send it, print its typed result as JSON."""
    from bus.models.replies import COMMAND_RESULTS
    from bus.remote import ask

    answer = ask(
        _load_hall(args.config),
        build,
        args.broker,
        invalid=EXIT_BAD_INPUT,
        no_answer=EXIT_FAILED,
        refused=EXIT_FAILED,
    )
    if isinstance(answer, int):
        return answer
    command, reply = answer
    result = reply.result_as(COMMAND_RESULTS[(command.area, command.verb)])  # its model
    print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


def _time(text: str, end_of_day: bool = False) -> dt.datetime:
    from attendance.csvinput import parse_time

    try:
        return parse_time(text, end_of_day=end_of_day)
    except ValueError as exc:
        raise SystemExit(f"hall attendance: {exc}") from None


def _request(args: argparse.Namespace) -> int:
    from bus.models.attendance import WriteoffRequest

    end = args.end or args.start
    start_at, end_at = _time(args.start), _time(end, end_of_day=args.end is not None)
    return _ask(
        args,
        lambda command_id: WriteoffRequest(
            id=command_id,
            staff_id=args.staff,
            kind=args.kind,
            start=start_at,
            end=end_at,
            reason=args.reason,
            substitute=args.substitute,
            emergency=args.emergency,
            staff_ids=args.also,
        ),
    )


def _sign(args: argparse.Namespace) -> int:
    from bus.models.attendance import Approve, Reject

    if args.verb == "approve":
        return _ask(
            args,
            lambda command_id: Approve(
                id=command_id,
                request_id=args.request_id,
                approver_role=args.role,
                note=args.note,
                substitute=getattr(args, "substitute", None) or None,
            ),
        )
    return _ask(
        args,
        lambda command_id: Reject(
            id=command_id,
            request_id=args.request_id,
            approver_role=args.role,
            note=args.note,
        ),
    )


def _list(args: argparse.Namespace) -> int:
    from bus.models.attendance import ListRequests

    return _ask(
        args,
        lambda command_id: ListRequests(id=command_id, staff_id=args.staff, status=args.status),
    )


def _calendar_override(args: argparse.Namespace) -> int:
    from datetime import date

    from bus.models.attendance import CalendarOverride

    kinds: tuple[Literal["holiday", "workday", "clear"], ...] = ("holiday", "workday", "clear")
    kind = next(k for k in kinds if getattr(args, k))
    text = getattr(args, kind)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        print(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {text!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return _ask(args, lambda command_id: CalendarOverride(id=command_id, date=day, kind=kind))


# From the store -------------------------------------------------------------------------


def _open_store(args: argparse.Namespace) -> Engine:
    """The controller's database, brought to the current schema; refuses to create one."""
    from store.database import DB_FILENAME, open_engine

    if not args.db_url:
        if not args.data_dir:
            raise SystemExit("hall attendance: 需要 --data-dir 或 --db-url / give --data-dir")
        path = Path(args.data_dir) / DB_FILENAME
        if not path.is_file():
            raise SystemExit(f"hall attendance: 没有数据库 / no controller database at {path}")
    return open_engine(args.data_dir, args.db_url)


def _report(args: argparse.Namespace) -> int:
    import datetime as dt

    from attendance.report import month_report
    from attendance.report_files import write_csv, write_xlsx
    from attendance.rules import parse_month
    from store.calendar_store import HallCalendar

    try:
        parse_month(args.month)
    except ValueError as exc:
        print(f"hall attendance report: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    hall = _load_hall(args.config)
    now = dt.datetime.now(hall.tz)
    if args.at:
        from attendance.requests import aware

        now = aware(_time(args.at), hall)
    engine = _open_store(args)
    try:
        with engine.connect() as conn:
            calendar = HallCalendar(hall.attendance)
            calendar.load(conn)  # the hall config's dates under the manager's overrides
            summary = month_report(conn, hall, calendar.current, args.month, now)
    finally:
        engine.dispose()
    if args.csv:
        write_csv(args.csv, hall, summary)
        print(f"已写入 / written: {args.csv}", file=sys.stderr)
    if args.xlsx:
        write_xlsx(args.xlsx, hall, summary)
        print(f"已写入 / written: {args.xlsx}", file=sys.stderr)
    json.dump(summary.to_json(hall, days=args.days), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _verify_log(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from attendance.punchlog import first_break
    from store import tables

    engine = _open_store(args)
    try:
        with engine.connect() as conn:
            broken = first_break(conn)
            count = conn.execute(sa.select(sa.func.count()).select_from(tables.punches)).scalar()
    finally:
        engine.dispose()
    if broken is not None:
        print(
            f"打卡记录在 seq {broken.seq} 处断开 / punch log broken at seq {broken.seq}: "
            f"{broken.reason}"
        )
        return EXIT_FAILED
    print(f"打卡记录完整，共 {count} 条 / punch log intact: {count} punches")
    return 0
