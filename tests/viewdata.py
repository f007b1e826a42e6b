"""Typed window views for the tests of their readers (display, evaluator, LED bridge)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bus.models.views import (
    CurrentTicket,
    EvaluatorIdle,
    EvaluatorRating,
    EvaluatorStopped,
    StaffOnDuty,
    TicketBrief,
    WindowData,
    WindowStatus,
    not_serving_display,
)

AT = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def ticket(number: str, service: str = "C01", name: str = "抵押登记") -> TicketBrief:
    """A ticket in a window's held list."""
    return TicketBrief(
        ticket=number, key=f"2026-11-24/{number}", service=service, service_name=name,
        category=number[0], priority=False,
    )


def current(number: str, service: str = "C01", name: str = "抵押登记") -> CurrentTicket:
    """The ticket at the window now, called at ``AT``."""
    return CurrentTicket(**ticket(number, service, name).model_dump(), called_at=AT)


def rating(number: str) -> EvaluatorRating:
    return EvaluatorRating(ticket=number, until=AT + dt.timedelta(minutes=2))


def stopped() -> EvaluatorStopped:
    return EvaluatorStopped()


STAFF = StaffOnDuty(id="S005", name="王磊", staff_number="CD005", department="budongchan")


def window(status: WindowStatus = WindowStatus.SERVING, **changes: Any) -> WindowData:
    """``state/window/W03`` serving nobody with a staff member signed in, unless changed."""
    fields: dict[str, Any] = {
        "window": "W03", "number": 3, "department": "budongchan",
        "department_name": "不动产登记", "categories": ("C",), "green_channel": False,
        "current": None, "recalls": 0, "recalls_left": 2,
        "staff": None if status is WindowStatus.UNSTAFFED else STAFF,
        "status": status, "paused": status is WindowStatus.PAUSED,
        "closed": status is WindowStatus.CLOSED, "closure": None,
        "display": not_serving_display(status, changes.get("closure")),
        "evaluator": EvaluatorIdle() if status.serving else EvaluatorStopped(), "held": (),
    }
    fields.update(changes)
    return WindowData(**fields)
