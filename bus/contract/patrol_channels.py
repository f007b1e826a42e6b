"""The channels of the patrol log (巡查记录, seed 001 巡查制度): recording a finding, its
handling by the department's chief representative, the month's list with its counts, and a
finding's photo. Only the console (as its signed-in user) and the ``hall`` tools send them."""

from __future__ import annotations

from bus.contract.examples import _at
from bus.contract.registry import CommandChannel, Example, Role
from bus.contract.reply_examples import ok
from bus.models import patrol
from bus.models.base import RefusalDetails, Reply
from bus.models.patrol import (
    FindingResult,
    FindingsResult,
    PatrolFinding,
    PhotoResult,
    patrol_counts,
)

_M = Role.CONSOLE

EXAMPLE_PHOTO = (
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAGAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCjRRRXnn0R/9k="
)
"""An 8 × 6 JPEG (632 bytes): a real photo is the console's scaled copy, at most 24 KiB."""


def _id(n: int) -> str:
    return f"c-20261124-p{n:03d}"


_EMPTY_W03 = PatrolFinding(
    id="P00007",
    at=_at(9, 40),
    category="on_duty",
    window="W03",
    staff="S003",
    department="budongchan",
    note="09:40 巡查时 3 号窗口空岗，未摆放暂停服务牌",
    has_photo=True,
    recorded_by="patrol-li",
)
_HANDLED = _EMPTY_W03.model_copy(
    update={
        "handled_by": "chief-bdc",
        "handled_note": "已提醒王芳离岗须摆放暂停服务牌并在叫号器上暂停",
        "handled_at": _at(10, 15),
    }
)
_NOTICE_W05 = PatrolFinding(
    id="P00006",
    at=_at(9, 25),
    category="one_time_notice",
    window="W05",
    staff=None,
    department="qiye",
    note="企业开办一次性告知单缺少“变更登记”一页",
    has_photo=False,
    recorded_by="patrol-li",
)
_MONTH = FindingsResult(
    month="2026-11",
    findings=(_HANDLED, _NOTICE_W05),
    counts=tuple(patrol_counts((_HANDLED, _NOTICE_W05))),
)
_BDC = FindingsResult(
    month="2026-11", findings=(_HANDLED,), counts=tuple(patrol_counts((_HANDLED,)))
)

PATROL_CHANNELS: list[CommandChannel] = [
    CommandChannel(
        patrol.RecordFinding,
        (_M,),
        (
            Example(
                patrol.RecordFinding(
                    id=_id(1),
                    category="on_duty",
                    window="W03",
                    staff="S003",
                    note=_EMPTY_W03.note,
                    photo=EXAMPLE_PHOTO,
                ),
                "空岗 at window 3, with a photo (base64 JPEG, at most 24 KiB decoded)",
            ),
            patrol.RecordFinding(
                id=_id(2), category="one_time_notice", window="W05", note=_NOTICE_W05.note
            ),
        ),
        reply_examples=(
            ok(_id(1), FindingResult(finding=_EMPTY_W03)),
            Example(
                Reply.failure(
                    _id(3),
                    "invalid",
                    "命令格式错误 / invalid patrol/record: photo: 照片过大：31.2 KiB，最多 24 KiB，"
                    "请缩小后再上传 / photo too large: 31.2 KiB, at most 24 KiB; scale it down",
                ),
                "a photo over 24 KiB",
            ),
            Example(
                Reply.failure(
                    _id(4),
                    "forbidden",
                    "首席代表不能执行此操作 / a chief may not do this",
                    RefusalDetails(message_en="a chief may not do this"),
                ),
                "a chief recording (the patrol and the hall manager record)",
            ),
        ),
    ),
    CommandChannel(
        patrol.HandleFinding,
        (_M,),
        (patrol.HandleFinding(id=_id(5), finding="P00007", note=_HANDLED.handled_note or ""),),
        reply_examples=(
            ok(_id(5), FindingResult(finding=_HANDLED)),
            Example(
                Reply.failure(
                    _id(6),
                    "already_handled",
                    "巡查记录 P00007 已于 2026-11-24 10:15 由 chief-bdc 标记处理 / finding P00007 "
                    "was marked handled at 2026-11-24 10:15 by chief-bdc",
                    RefusalDetails(
                        message_en="finding P00007 was marked handled at 2026-11-24 10:15 by "
                        "chief-bdc"
                    ),
                ),
                "handled twice",
            ),
        ),
    ),
    CommandChannel(
        patrol.FindingsQuery,
        (_M,),
        (
            patrol.FindingsQuery(id=_id(7), month="2026-11"),
            Example(
                patrol.FindingsQuery(id=_id(8), month="2026-11", department="budongchan"),
                "a chief's list: their department's findings only",
            ),
        ),
        reply_examples=(ok(_id(7), _MONTH), ok(_id(8), _BDC)),
    ),
    CommandChannel(
        patrol.FindingPhoto,
        (_M,),
        (patrol.FindingPhoto(id=_id(9), finding="P00007"),),
        reply_examples=(
            ok(_id(9), PhotoResult(finding="P00007", media_type="image/jpeg", photo=EXAMPLE_PHOTO)),
        ),
    ),
]
"""The patrol log's commands."""
