"""The monthly report as files for the hall office: CSV (Excel-friendly) and XLSX.

Headers are Chinese: the sheet is what the centre publishes each month (第十条) and what the
assessment (考核办法 第二十一条) is scored from.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from attendance.report import MonthSummary
from config.schema import HallConfig

SUMMARY_HEADERS: tuple[str, ...] = (
    "人员编号",
    "姓名",
    "部门",
    "应出勤天数",
    "迟到次数",
    "早退次数",
    "旷工天数",
    "迟到早退折算旷工",
    "请假天数",
    "迟到早退扣分",
    "代打卡扣分",
    "旷工扣分",
    "扣分合计",
    "计入旷工",
    "退回原单位",
)
"""One row per staff member. English: staff id, name, department, workdays, late, early,
absent days, converted absences, leave days, late/early points, proxy points, absence
points, total points, absences counted, returned to unit."""

DAY_HEADERS: tuple[str, ...] = (
    "人员编号",
    "姓名",
    "日期",
    "状态",
    "签到",
    "签退",
    "迟到分钟",
    "早退分钟",
    "标记",
)

STATUS_LABELS: dict[str, str] = {
    "normal": "正常",
    "late": "迟到",
    "early": "早退",
    "late_early": "迟到早退",
    "absent": "旷工",
    "leave": "请假",
    "rest": "休息",
}


def _name(hall: HallConfig, staff_id: str) -> tuple[str, str]:
    member = hall.staff_member(staff_id)
    if member is None:
        return "", ""
    department = hall.department(member.department) if member.department else None
    return member.name, department.name if department else (member.department or "")


def summary_rows(hall: HallConfig, summary: MonthSummary) -> list[list[Any]]:
    """The summary table below :data:`SUMMARY_HEADERS`, in staff-id order."""
    rows: list[list[Any]] = []
    for staff_id, sm in sorted(summary.report.staff.items()):
        t, d = sm.totals, summary.deductions[staff_id]
        name, department = _name(hall, staff_id)
        rows.append(
            [
                staff_id,
                name,
                department,
                t.workdays,
                t.late,
                t.early,
                t.absent_days,
                t.converted_absences,
                t.leave_days,
                d.late_early,
                d.proxy_punch,
                d.absence,
                d.total,
                d.absences,
                "是" if d.returned_to_unit else "否",
            ]
        )
    return rows


def day_rows(hall: HallConfig, summary: MonthSummary) -> list[list[Any]]:
    """Every staff member's days below :data:`DAY_HEADERS`."""
    rows: list[list[Any]] = []
    for staff_id, sm in sorted(summary.report.staff.items()):
        name, _ = _name(hall, staff_id)
        for day in sm.days:
            rows.append(
                [
                    staff_id,
                    name,
                    day.day.isoformat(),
                    STATUS_LABELS.get(day.status.value, day.status.value),
                    day.sign_in.strftime("%H:%M:%S") if day.sign_in else "",
                    day.sign_out.strftime("%H:%M:%S") if day.sign_out else "",
                    "" if day.late_minutes is None else day.late_minutes,
                    "" if day.early_minutes is None else day.early_minutes,
                    " ".join(f.value for f in day.flags),
                ]
            )
    return rows


def write_csv(path: Path, hall: HallConfig, summary: MonthSummary) -> None:
    """The summary as CSV with a UTF-8 BOM, so Excel on a Chinese Windows opens it right."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUMMARY_HEADERS)
        writer.writerows(summary_rows(hall, summary))


def write_xlsx(path: Path, hall: HallConfig, summary: MonthSummary) -> None:
    """A workbook: sheet 汇总 (the summary, with a title line) and sheet 明细 (every day)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary_sheet = book.active
    assert summary_sheet is not None  # a new workbook always has one sheet
    summary_sheet.title = "汇总"
    report = summary.report
    title = f"{hall.name} {report.month} 月度考勤汇总（考勤方案 {report.profile}）"
    if summary.through is not None:
        title += f" 截至 {summary.through.isoformat()}"
    summary_sheet.append([title])
    summary_sheet["A1"].font = Font(bold=True)
    _table(summary_sheet, SUMMARY_HEADERS, summary_rows(hall, summary), Font(bold=True))
    _table(book.create_sheet("明细"), DAY_HEADERS, day_rows(hall, summary), Font(bold=True))
    book.save(path)


def _table(sheet: Any, headers: tuple[str, ...], rows: list[list[Any]], bold: Any) -> None:
    """A bold header row, the rows, and the panes frozen below the header."""
    sheet.append(list(headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = f"A{header_row + 1}"
