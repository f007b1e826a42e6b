"""Example payloads shared by the channels: built with the models, so each is validated."""

from __future__ import annotations

import datetime as dt

from bus.models import views
from bus.models.base import (
    ErrorBody,
    RefusalDetails,
    Reply,
)
from bus.models.replies import IssueResult, reply_model

_CST = dt.timezone(dt.timedelta(hours=8))
_NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=_CST)
_DAY = _NOW.date()
_SEQ = 1795831800000
"""An event sequence: the event time in milliseconds (``store/events.py``)."""


def _at(hour: int, minute: int = 0, day: dt.date = _DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=_CST)


_WINDOW_VIEW = views.WindowView.model_validate(
    {
        "at": "2026-11-24T09:30:00+08:00",
        "data": {
            "window": "W01",
            "number": 1,
            "department": "shebao",
            "department_name": "社保医保",
            "categories": ["A"],
            "green_channel": False,
            "current": {
                "ticket": "A012",
                "key": "2026-11-24/A012",
                "service": "A01",
                "service_name": "社保卡补换",
                "category": "A",
                "priority": False,
                "called_at": "2026-11-24T09:29:40+08:00",
            },
            "recalls": 0,
            "recalls_left": 2,
            "staff": {
                "id": "S001",
                "name": "张敏",
                "staff_number": "CD001",
                "department": "shebao",
            },
            "status": "serving",
            "paused": False,
            "closed": False,
            "closure": None,
            "display": None,
            "evaluator": {"state": "idle"},
            "held": [],
        },
    }
)

_WINDOW_PAUSED = views.WindowView.model_validate(
    {
        "at": "2026-11-24T10:05:00+08:00",
        "data": {
            **_WINDOW_VIEW.data.model_dump(mode="json"),
            "current": None,
            "status": "paused",
            "paused": True,
            "display": "暂停服务",
            "evaluator": {"state": "stopped", "text": "停止服务"},
        },
    }
)

_QUEUE_VIEW = views.QueueView.model_validate(
    {
        "at": "2026-11-24T09:30:00+08:00",
        "data": {
            "day": "2026-11-24",
            "categories": {
                "A": {
                    "name": "社保医保",
                    "name_en": "Social Security",
                    "waiting": 7,
                    "priority_waiting": 1,
                    "estimated_wait_minutes": 28,
                    "mean_service_minutes": 8.0,
                    "serving_windows": 2,
                    "windows": [1, 2],
                }
            },
            "calling": [
                {
                    "ticket": "A012",
                    "window": "W01",
                    "window_number": 1,
                    "called_at": "2026-11-24T09:29:40+08:00",
                }
            ],
        },
    }
)

_CATALOG_VIEW = views.CatalogView.model_validate(
    {
        "at": "2026-11-24T09:30:00+08:00",
        "data": {
            "day": "2026-11-24",
            "open_today": True,
            "categories": {
                "B": {
                    "name": "不动产登记",
                    "name_en": "Real Estate",
                    "department": "budongchan",
                    "department_name": "不动产登记",
                    "status": "open",
                    "last_ticket": "16:30",
                    "daily_cap": 120,
                    "issued": 31,
                    "left": 89,
                }
            },
            "items": {
                "B02": {
                    "name": "抵押登记",
                    "name_en": "Mortgage Registration",
                    "category": "B",
                    "status": "suspended",
                    "notice": "系统升级，抵押登记暂停办理",
                    "suspension_start": None,
                    "guide": {
                        "materials": ["身份证", "不动产权证书", "抵押合同"],
                        "procedure": ["取号", "窗口受理", "缴费", "领证"],
                        "type": "promised",
                        "type_zh": "承诺件",
                        "time_limit_workdays": 5,
                        "fees": "80元/件",
                        "legal_basis": "《不动产登记暂行条例》",
                        "location": "4号窗口",
                        "phone": "0000-12345",
                    },
                }
            },
        },
    }
)

_REPLY_OK = reply_model(IssueResult)(
    id="kiosk-1-7f3a2c",
    ok=True,
    result=IssueResult(
        ticket="A013",
        service="A01",
        ahead=7,
        key="2026-11-24/A013",
        category="A",
        service_name="社保卡补换",
        department="shebao",
        department_name="社保医保",
        windows=(1, 2, 9, 10),
        priority=False,
        issued_at=dt.datetime(2026, 11, 24, 9, 12, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        estimated_wait_minutes=28,
        booking=None,
        status_token="q3W8xZp2LmN5vR7t",
    ),
)
_REPLY_REFUSED = Reply.failure(
    "kiosk-1-7f3a2d",
    "closed",
    "该业务今日已停止取号 / This service is closed for today",
    RefusalDetails(message_en="This service is closed for today", service="A01"),
)
_REPLY_INVALID = Reply(
    id="caller-W01-0042",
    ok=False,
    error=ErrorBody(
        code="invalid", message="命令格式错误 / invalid queue/call: window: Field required"
    ),
)

# The registry -----------------------------------------------------------------------------
