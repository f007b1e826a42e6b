"""The patrol log (巡查记录, seed 001 乌审旗政务服务中心巡查制度): findings and their handling.

The patrol (巡查员, or the hall manager) records what a round found at a window or about a
staff member, in one of the seven things the seed's 巡查范围和内容 checks, with a note and
perhaps a photo; the department's chief representative (首席代表) marks it handled with a
note (四(二): 视情况向首席代表反馈); the hall centre sums them up per department each month
(四(六): 定期梳理总结巡查情况，以适当的形式予以通报), which the monthly bulletin shows
(``patrol_counts``).

Pure: pydantic and the standard library only.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Any, Literal, get_args

from pydantic import (
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from bus.models import limits
from bus.models.base import Command, command_model
from bus.models.limits import Code, Note
from bus.models.replies import COMMAND_RESULTS, Result

PatrolCategory = Literal[
    "on_duty",
    "dress_badge",
    "courtesy",
    "unrelated_activity",
    "one_time_notice",
    "self_service_devices",
    "public_area",
]
"""What a finding is about: the seven checks of 001 巡查制度 三 (巡查范围和内容)."""

PATROL_CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "on_duty": ("在岗/串岗/空岗", "On duty / off post / empty post"),
    "dress_badge": ("着装与工牌", "Dress and badge"),
    "courtesy": ("文明用语与服务态度", "Courteous words and attitude"),
    "unrelated_activity": ("与工作无关的行为", "Activity unrelated to work"),
    "one_time_notice": ("一次性告知单是否完整", "One-time notice complete"),
    "self_service_devices": ("自助设备能否正常使用", "Self-service devices working"),
    "public_area": ("公共区域", "Public area"),
}
"""Each category in words, Chinese first, in the seed's order (三(三) to (九))."""
PATROL_CATEGORIES: tuple[str, ...] = get_args(PatrolCategory)

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"

PHOTO_TYPES: dict[bytes, str] = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
"""The photo's first bytes → its media type: only JPEG and PNG are kept."""


def photo_media_type(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` by the photo's own first bytes, else None."""
    for magic, media_type in PHOTO_TYPES.items():
        if data.startswith(magic):
            return media_type
    return None


def photo_problem(data: bytes) -> tuple[str, str] | None:
    """What is wrong with a decoded photo, in Chinese and in English; None if it may be kept."""
    if len(data) > limits.PHOTO_MAX_BYTES:
        kib = f"{len(data) / 1024:.1f}"
        most = limits.PHOTO_MAX_BYTES // 1024
        return (
            f"照片过大：{kib} KiB，最多 {most} KiB，请缩小后再上传",
            f"photo too large: {kib} KiB, at most {most} KiB; scale it down",
        )
    if photo_media_type(data) is None:
        return ("照片须为 JPEG 或 PNG 图片", "the photo must be a JPEG or PNG image")
    return None


def decode_photo(text: str) -> bytes:
    """The photo of a command's base64; ValueError (bilingual) if it is not one we keep."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("照片不是有效的 base64 / the photo is not valid base64") from None
    problem = photo_problem(data)
    if problem is not None:
        raise ValueError(f"{problem[0]} / {problem[1]}")
    return data


@command_model("patrol", "record")
class RecordFinding(Command):
    """A patrol's finding (巡查记录): what was seen, where or by whom, a note, perhaps a photo.

    At least one of ``window`` and ``staff``; the department is the controller's to find from
    the hall config (the staff member's, else the window's). The patrol and the hall manager
    record."""

    max_bytes = limits.PATROL_RECORD_MAX_BYTES

    category: PatrolCategory
    window: Code | None = None
    staff: Code | None = None
    note: Note = Field(min_length=1)
    photo: str | None = Field(
        default=None,
        max_length=limits.PHOTO_MAX_CHARS,
        json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/jpeg"},
    )
    """A JPEG or PNG, base64, at most 24 KiB decoded (``limits.PHOTO_MAX_BYTES``); a bigger
    one is refused, saying its size. Kept in the hall's own store, never sent elsewhere; the
    audit log names it by its size and hash only."""

    @field_validator("photo", mode="before")
    @classmethod
    def _a_small_image(cls, value: Any) -> Any:
        # Before the length check, so that a big photo is refused by its size in KiB, not by
        # "at most 32768 characters".
        if isinstance(value, str):
            decode_photo(value)
        return value

    @model_validator(mode="after")
    def _names_someone(self) -> RecordFinding:
        if not self.window and not self.staff:
            raise ValueError(
                "须注明窗口或工作人员（至少一项） / name a window or a staff member (at least one)"
            )
        return self

    @model_serializer(mode="wrap")
    def _photo_on_the_wire_only(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        wire = isinstance(info.context, dict) and info.context.get("wire") is True
        if self.photo is not None and not wire:
            raw = base64.b64decode(self.photo)
            data["photo"] = f"<{len(raw)} bytes sha256:{hashlib.sha256(raw).hexdigest()[:16]}>"
        return data

    def photo_bytes(self) -> bytes | None:
        """The decoded photo, if any."""
        return base64.b64decode(self.photo) if self.photo is not None else None


@command_model("patrol", "handle")
class HandleFinding(Command):
    """The chief representative of the finding's department (or the manager) marks it handled
    (已处理), saying how: 提醒纠正, 约谈, 整改."""

    finding: Code
    note: Note = Field(min_length=1)


@command_model("patrol", "findings")
class FindingsQuery(Command):
    """A month's findings by the hall's clock, with the counts per department and category.

    A chief names their own department (the controller refuses any other); the manager, the
    patrol and the auditor see every department's."""

    readonly = True

    month: str = Field(pattern=MONTH_PATTERN, max_length=7)
    """``YYYY-MM``."""
    department: Code | None = None


@command_model("patrol", "photo")
class FindingPhoto(Command):
    """One finding's photo (a chief: of their department's findings only)."""

    readonly = True

    finding: Code


# Results ---------------------------------------------------------------------------------


class PatrolFinding(Result):
    """One finding as the pages and the bulletin read it."""

    id: str
    at: dt.datetime
    category: PatrolCategory
    window: str | None
    staff: str | None
    department: str | None
    """The staff member's department, else the window's; None for a 综合窗口 nobody named."""
    note: str
    has_photo: bool
    recorded_by: str | None
    """The console user who recorded it (None: the ``hall`` command line)."""
    handled_by: str | None = None
    handled_note: str | None = None
    handled_at: dt.datetime | None = None


class PatrolCount(Result):
    """How many findings of a category a department had (in the month asked for)."""

    department: str | None
    category: PatrolCategory
    count: int


class FindingResult(Result):
    """The reply to ``patrol/record`` and ``patrol/handle``: the finding as it now stands."""

    finding: PatrolFinding


class FindingsResult(Result):
    """The reply to ``patrol/findings``: the month's findings, newest first, and the counts."""

    month: str
    findings: tuple[PatrolFinding, ...]
    counts: tuple[PatrolCount, ...]


class PhotoResult(Result):
    """The reply to ``patrol/photo``."""

    finding: str
    media_type: str
    photo: str
    """Base64."""


def patrol_counts(findings: Iterable[PatrolFinding]) -> list[PatrolCount]:
    """The findings counted per department and category, departments in code order (None,
    findings no department owns, last), categories in the seed's order; only what occurred.

    Pure: the query gives it one month's findings, so the counts are that month's; the
    monthly bulletin (通报, 001 巡查制度 四(六)) gives it the same."""
    tally: Counter[tuple[str | None, PatrolCategory]] = Counter(
        (finding.department, finding.category) for finding in findings
    )
    order = {code: n for n, code in enumerate(PATROL_CATEGORIES)}

    def key(item: tuple[tuple[str | None, PatrolCategory], int]) -> tuple[bool, str, int]:
        (department, category), _ = item
        return (department is None, department or "", order[category])

    return [
        PatrolCount(department=department, category=category, count=n)
        for (department, category), n in sorted(tally.items(), key=key)
    ]


COMMAND_RESULTS.update(
    {
        ("patrol", "record"): FindingResult,
        ("patrol", "handle"): FindingResult,
        ("patrol", "findings"): FindingsResult,
        ("patrol", "photo"): PhotoResult,
    }
)
