"""``hall attendance …``: the attendance commands.

``evaluate`` lives here. Other commands (report, verify-log, request, approve, …) join the
group from their own module's ``register(sub)`` by calling ``command_group(sub)``
(whichever runs first creates the group); see ``attendance/manage_cli.py``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

    from config.attendance import AttendanceSettings

EXIT_BAD_INPUT = 2


def command_group(sub: Any) -> Any:
    """The subparsers of ``hall attendance``, created on first use, so that several packages
    can add commands to it in any order."""
    existing = sub.choices.get("attendance")
    if existing is not None:
        return existing.hall_commands
    parser = sub.add_parser(
        "attendance",
        help="考勤 / attendance: evaluate, report, requests",
        description="考勤 / attendance (RULES.md §3, §4)",
    )
    parser.set_defaults(handler=lambda _args: _print_help(parser))
    group = parser.add_subparsers(dest="attendance_command", metavar="COMMAND")
    parser.hall_commands = group
    return group


def register(sub: Any) -> None:
    """Add the ``attendance`` group and its commands to the ``hall`` command."""
    _register_evaluate(command_group(sub))


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_BAD_INPUT


def _register_evaluate(group: Any) -> None:
    p = group.add_parser(
        "evaluate",
        help="按月评估打卡 CSV，输出 JSON / evaluate a month of punch CSV, print JSON",
        description=(
            "读取打卡与核销 CSV（RULES.md §4），按考勤方案输出每人每天的结果与合计 JSON。"
            " / Read punch and write-off CSVs (RULES.md §4) and print each staff member's "
            "days and totals as JSON."
        ),
    )
    p.add_argument(
        "--profile",
        default="chengdong",
        help="考勤方案 / profile: chengdong, wushen, qujiang, yanjin, or a YAML file",
    )
    p.add_argument("--month", required=True, help="月份 / month, YYYY-MM")
    p.add_argument(
        "--punches", required=True, help="打卡 CSV / punches: staff_id,time,source,device"
    )
    p.add_argument("--writeoffs", help="核销 CSV / write-offs: staff_id,kind,start,end,status")
    p.add_argument(
        "--tz",
        help="大厅时区 / hall time zone (default: the hall config's timezone, else Asia/Shanghai)",
    )
    p.add_argument(
        "--holiday",
        action="append",
        default=[],
        metavar="DATE",
        help="额外休息日 / extra holiday (override), repeatable",
    )
    p.add_argument(
        "--workday",
        action="append",
        default=[],
        metavar="DATE",
        help="额外工作日 / extra workday (override), repeatable",
    )
    p.add_argument(
        "--conversion",
        choices=("once", "per_threshold"),
        help="迟到早退折算旷工方式 / A2 mode: once (default) or per_threshold",
    )
    p.add_argument(
        "--conversion-threshold",
        type=int,
        metavar="N",
        help="每 N 次迟到早退折算旷工 / A2 threshold (default 3)",
    )
    p.add_argument(
        "--staff",
        action="append",
        default=[],
        metavar="ID",
        help="名单中的人员（无打卡也列出）/ roster entry, listed even without punches",
    )
    p.set_defaults(handler=_evaluate)


def _fail(message: str) -> int:
    print(f"hall attendance evaluate: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _evaluate(args: argparse.Namespace) -> int:
    import json
    from datetime import date
    from pathlib import Path
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from attendance.csvinput import CsvInputError, read_punches, read_writeoffs
    from attendance.rules import evaluate_month, parse_month
    from config.attendance import MonthlyConversion
    from workdays.calendar import WorkdayCalendar

    try:
        parse_month(args.month)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        settings, hall_tz = _load_settings(args.profile)
    except ValueError as exc:
        return _fail(str(exc))
    tz_name = args.tz or hall_tz or "Asia/Shanghai"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(f"未知时区 / unknown time zone {tz_name!r}")
    try:
        calendar = WorkdayCalendar(settings.holidays, settings.workdays).with_overrides(
            holidays=[date.fromisoformat(d) for d in args.holiday],
            workdays=[date.fromisoformat(d) for d in args.workday],
        )
    except ValueError as exc:
        return _fail(f"--holiday/--workday: {exc}")
    try:
        punches = read_punches(Path(args.punches))
        writeoffs = read_writeoffs(Path(args.writeoffs)) if args.writeoffs else []
    except CsvInputError as exc:
        return _fail(str(exc))
    profile = settings.resolved_profile()
    if args.conversion or args.conversion_threshold is not None:
        if args.conversion_threshold is not None and args.conversion_threshold < 1:
            return _fail("--conversion-threshold 须 ≥ 1 / must be at least 1")
        conversion = MonthlyConversion(
            mode=args.conversion or profile.monthly_conversion.mode,
            threshold=args.conversion_threshold or profile.monthly_conversion.threshold,
        )
        profile = profile.model_copy(update={"monthly_conversion": conversion})
    report = evaluate_month(profile, calendar, punches, writeoffs, args.month, tz, args.staff)
    json.dump(report.to_json(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def _load_settings(name: str) -> tuple[AttendanceSettings, str | None]:
    """A preset by name, or from a YAML/JSON file: a hall config (its ``attendance:``
    section, calendar overrides included, and its ``timezone``), such a section alone, or
    a bare profile. Returns the settings and the hall config's time zone, if it names one."""
    from pathlib import Path

    import yaml
    from pydantic import ValidationError

    from config.attendance import AttendanceProfile, AttendanceSettings

    path = Path(name)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        try:
            return AttendanceSettings(profile=name), None
        except ValidationError as exc:
            raise ValueError(_first_error(exc)) from None

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: 无法读取考勤方案 / cannot read profile: {exc}") from None
    hall_tz: str | None = None
    if isinstance(data, dict) and "attendance" in data:
        zone = data.get("timezone")
        hall_tz = zone if isinstance(zone, str) else None
        data = data["attendance"]
    try:
        if isinstance(data, dict) and "slots" in data:
            return AttendanceSettings(profile=AttendanceProfile.model_validate(data)), hall_tz
        return AttendanceSettings.model_validate(data), hall_tz
    except ValidationError as exc:
        raise ValueError(f"{path}: 考勤方案无效 / invalid profile:\n{exc}") from None


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return str(exc)
    # Our own validators raise ValueError with a bilingual text; show it without pydantic's
    # "Value error, " prefix.
    return str((errors[0].get("ctx") or {}).get("error", errors[0]["msg"]))
