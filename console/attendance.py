"""The attendance month view (考勤, A1–A8): a staff member's month as a calendar, a
department's as a table, each day coloured by its judgement and said in words.

Everything shown is the controller's ``att/month``, asked as the signed-in user (window staff
may ask only for themselves, a chief only for their department: the controller decides and
says why not). The mapping from a judged day to its colour and words is here, pure, so it is
tested without a hall; the templates only place it.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bus.models.replies import CalendarDay, MonthViewResult, StaffMonthView, ViewDay
from config.schema import HallConfig
from console.auth import Session
from console.commands import Answer
from console.i18n import Lang, tr

ATT_ROLES = frozenset({"manager", "chief", "staff", "patrol", "auditor"})
"""Who may open the month view (window staff: their own month only)."""
HALL_WIDE_ROLES = frozenset({"manager", "patrol", "auditor"})
"""Who sees every department (the others: the controller refuses)."""
STATUSES = ("normal", "late", "early", "late_early", "absent", "leave", "rest", "pending")
"""The colours of a day, in the legend's order."""
SHORT: Mapping[str, tuple[str, str]] = {
    "normal": ("√", "✓"),
    "late": ("迟", "L"),
    "early": ("退", "E"),
    "late_early": ("迟退", "LE"),
    "absent": ("旷", "A"),
    "leave": ("假", "W"),
    "rest": ("休", "–"),
    "pending": ("", ""),
}
"""A day's mark in the department table, where a cell has room for one or two characters."""
ALL = "all"
"""The department value of the whole hall."""
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Scope:
    """What the page shows: a month, and one staff member or a department (``all``)."""

    month: str
    staff: str | None = None
    department: str | None = None

    def fields(self) -> dict[str, Any]:
        """The ``att/month`` query."""
        out: dict[str, Any] = {"month": self.month}
        if self.staff:
            out["staff_id"] = self.staff
        elif self.department and self.department != ALL:
            out["department"] = self.department
        return out

    def query(self, month: str | None = None) -> str:
        """The page's query string (another month: the same person or department)."""
        key = f"staff={self.staff}" if self.staff else f"department={self.department or ALL}"
        return f"month={month or self.month}&{key}"


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(month: str, by: int) -> str:
    """The month ``by`` months after ``month`` (``YYYY-MM``)."""
    year, number = (int(p) for p in month.split("-"))
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def read_scope(
    params: Mapping[str, Any], session: Session, today: dt.date, hall: HallConfig
) -> Scope | str:
    """The scope of a request (``?month=&staff=`` or ``&department=``), or the text key of
    what is wrong. By default: this month in the hall's time zone; window staff their own
    calendar, a chief their department, the others the whole hall."""
    month = str(params.get("month") or "").strip() or month_of(today)
    found = _MONTH.match(month)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        return "am_bad_month"
    staff = str(params.get("staff") or "").strip() or None
    department = str(params.get("department") or "").strip() or None
    user = session.user
    if staff is None and department is None:
        if user.role == "staff":
            staff = user.staff
        elif user.role == "chief":
            department = user.department
        else:
            department = ALL
    if staff is not None:
        return Scope(month, staff=staff) if hall.staff_member(staff) else "am_bad_staff"
    if department != ALL and hall.department(department or "") is None:
        return "am_bad_department"
    return Scope(month, department=department)


def read_month(answer: Answer) -> MonthViewResult | None:
    """The controller's month, or None when it refused or did not answer."""
    if not answer.ok:
        return None
    try:
        return MonthViewResult.model_validate(answer.result)
    except ValidationError:
        return None


# One day: its colour and its words ---------------------------------------------------------


def status_words(day: ViewDay, date: dt.date, cal: CalendarDay | None, lang: Lang) -> str:
    """The judgement of a day in words: 迟到 12 分钟, 旷工, 病假, 节假日, 未判定 …"""
    status = day.status
    if status == "late":
        return _late(day, lang)
    if status == "early":
        return _early(day, lang)
    if status == "late_early":
        return f"{_late(day, lang)}{_sep(lang)}{_early(day, lang)}"
    if status == "leave":
        kinds = [tr(f"am_kind_{k}", lang) for k in day.writeoffs]
        return _sep(lang).join(kinds) or tr("am_leave", lang)
    if status == "rest":
        if cal is not None and cal.source == "override":
            return tr("am_rest_override", lang)
        return tr("am_holiday" if date.weekday() < 5 else "am_rest", lang)
    return tr(f"am_status_{status}", lang)


def flag_words(day: ViewDay, lang: Lang) -> list[str]:
    """The day's flags and its punches' clock flags in words (未签到, 时钟未同步 …). An absent
    day does not repeat 未签到 and 未签退: 旷工 says it."""
    flags = [f for f in day.flags if not (day.status == "absent" and f.startswith("missing_"))]
    return [tr(f"am_flag_{f}", lang) for f in (*flags, *day.punch_flags)]


def calendar_words(date: dt.date, cal: CalendarDay | None, lang: Lang) -> str:
    """What the calendar says of a workday beside its judgement: a weekend worked (调休上班),
    a date the manager made a workday; empty for an ordinary workday."""
    if cal is None or not cal.workday:
        return ""
    if cal.source == "override":
        return tr("am_workday_override", lang)
    return tr("am_adjusted_workday", lang) if date.weekday() >= 5 else ""


def day_words(day: ViewDay, date: dt.date, cal: CalendarDay | None, lang: Lang) -> list[str]:
    """Everything the page says of a day, judgement first."""
    words = [status_words(day, date, cal, lang), *flag_words(day, lang)]
    extra = calendar_words(date, cal, lang)
    if extra:
        words.append(extra)
    if day.status != "leave":
        # A day judged on the rest after a part write-off, or a correction: say which.
        words.extend(tr(f"am_kind_{k}", lang) for k in day.writeoffs)
    return [w for w in words if w]


def day_class(status: str) -> str:
    """The CSS class of a day's colour (``d-late`` …)."""
    return f"d-{status.replace('_', '-')}" if status in STATUSES else "d-pending"


def _late(day: ViewDay, lang: Lang) -> str:
    n = day.late_minutes
    return tr("am_late_n", lang, n=n) if n else tr("am_status_late", lang)


def _early(day: ViewDay, lang: Lang) -> str:
    n = day.early_minutes
    return tr("am_early_n", lang, n=n) if n else tr("am_status_early", lang)


def _sep(lang: Lang) -> str:
    return "、" if lang == "zh" else ", "


# The page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One day of one person as the page places it."""

    date: dt.date
    status: str
    css: str
    words: tuple[str, ...]
    short: str
    sign_in: str
    sign_out: str

    @property
    def title(self) -> str:
        return " · ".join((self.date.isoformat(), *self.words))


def cells(
    person: StaffMonthView, calendar: Mapping[dt.date, CalendarDay], lang: Lang
) -> list[Cell]:
    """The person's days, in date order."""
    out: list[Cell] = []
    for date, day in sorted(person.days.items()):
        cal = calendar.get(date)
        out.append(
            Cell(
                date=date,
                status=day.status,
                css=day_class(day.status),
                words=tuple(day_words(day, date, cal, lang)),
                short=SHORT.get(day.status, ("", ""))[0 if lang == "zh" else 1],
                sign_in=day.sign_in.strftime("%H:%M") if day.sign_in else "",
                sign_out=day.sign_out.strftime("%H:%M") if day.sign_out else "",
            )
        )
    return out


def weeks(month: str, days: list[Cell]) -> list[list[Cell | None]]:
    """The calendar grid, Monday first: the month's cells with blanks around it."""
    year, number = (int(p) for p in month.split("-"))
    by_day = {c.date.day: c for c in days}
    return [
        [by_day.get(d) if d else None for d in week]
        for week in gregorian.Calendar(firstweekday=0).monthdayscalendar(year, number)
    ]


def dept_label(hall: HallConfig, code: str | None, lang: Lang) -> str:
    if not code or code == ALL:
        return tr("am_all", lang)
    department = hall.department(code)
    if department is None:
        return code
    return department.name_en if lang == "en" and department.name_en else department.name


def attendance_context(
    hall: HallConfig, session: Session, found: MonthViewResult | None, scope: Scope, lang: Lang
) -> dict[str, Any]:
    """What ``attendance.html`` shows."""
    people: list[dict[str, Any]] = []
    if found is not None:
        for sid, person in found.staff.items():
            days = cells(person, found.calendar, lang)
            people.append(
                {
                    "id": sid,
                    "person": person,
                    "cells": days,
                    "weeks": weeks(found.month, days),
                    "dept": dept_label(hall, person.department, lang),
                }
            )
    role = session.user.role
    choices = [(d.code, dept_label(hall, d.code, lang)) for d in hall.departments]
    if role in HALL_WIDE_ROLES:
        choices.insert(0, (ALL, tr("am_all", lang)))
    elif role == "chief":
        choices = [c for c in choices if c[0] == session.user.department]
    else:
        choices = []
    staff_choices = [
        (s.id, f"{s.id} {s.name}")
        for s in hall.staff
        if role in HALL_WIDE_ROLES
        or (role == "chief" and s.department == session.user.department)
        or (role == "staff" and s.id == session.user.staff)
    ]
    in_view = [sid for sid, _ in staff_choices if sid in {p["id"] for p in people}]
    staff_default = scope.staff or (in_view[0] if in_view else "")
    days_of_month = gregorian.monthrange(*(int(p) for p in scope.month.split("-")))[1]
    weekdays = []
    for n in range(1, days_of_month + 1):
        date = dt.date(int(scope.month[:4]), int(scope.month[5:]), n)
        weekdays.append((n, tr(f"am_weekday_{date.weekday()}", lang), date.weekday() >= 5))
    return {
        "found": found,
        "scope": scope,
        "people": people,
        "single": scope.staff is not None,
        "dept_name": dept_label(hall, scope.department, lang),
        "dept_choices": choices,
        "staff_choices": staff_choices,
        "staff_default": staff_default,
        "legend": [(s, day_class(s), tr(f"am_status_{s}", lang)) for s in STATUSES],
        "weekday_names": [tr(f"am_weekday_{n}", lang) for n in range(7)],
        "month_days": weekdays,
        "prev_query": scope.query(shift_month(scope.month, -1)),
        "next_query": scope.query(shift_month(scope.month, 1)),
        "may_calendar": role != "staff",
    }
