"""A citizen's mobile number (预约手机号, Q12): in clear on the wire, masked everywhere else.

A booking names the citizen only by the mobile number they give, so the hall can tell them
when it cancels a slot (002 四(七)7). The number is a ``MobileNumber``: like the users'
``SecretStr`` passwords it travels in clear only in a message going on the wire (the ``WIRE``
serialization context of ``bus.core.encode``); its ``repr``, a log line, a ``model_dump``
and so the audit log show it masked as the hall shows it on paper, ``138****1234``. The
engine keeps the whole number in its store; every view, event and reply carries
``mask_mobile(...)`` of it, and only the manager's ``queue/bookings`` query with
``full_numbers`` gets it whole (``controller/permissions.py``).

Pure: pydantic and the standard library only.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, PlainSerializer, Secret, SerializationInfo
from pydantic.json_schema import WithJsonSchema

MOBILE_PATTERN = r"^1[3-9]\d{9}$"
"""A mainland Chinese mobile number: 11 digits, ``1`` then ``3``–``9``."""
_MOBILE = re.compile(MOBILE_PATTERN)
_SEPARATORS = re.compile(r"[\s\-()（）]")
MOBILE_MESSAGE = (
    "手机号须为11位手机号码（如 13812345678） / a mobile number is 11 digits, e.g. 13812345678"
)


def mask_mobile(number: str | None) -> str:
    """``138****1234``: the first three and the last four digits, as every view shows it."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:3]}****{number[-4:]}"


def normalise_mobile(typed: str) -> str:
    """What a citizen typed (``138 1234 5678``, ``+86 138-1234-5678``) as the 11 digits a
    ``Mobile`` takes; anything else is returned stripped, for the model to refuse in words."""
    digits = _SEPARATORS.sub("", typed.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits


def is_mobile(text: str) -> bool:
    """Whether ``text`` is a mobile number as ``Mobile`` takes it."""
    return _MOBILE.fullmatch(text) is not None


class MobileNumber(Secret[str]):
    """The number itself; ``str()`` and ``repr()`` show it masked."""

    def _display(self) -> str:
        return mask_mobile(self.get_secret_value())


def _valid(value: MobileNumber) -> MobileNumber:
    if not is_mobile(value.get_secret_value()):
        raise ValueError(MOBILE_MESSAGE)
    return value


def _serialise(value: MobileNumber, info: SerializationInfo) -> str:
    context: Any = info.context
    if isinstance(context, dict) and context.get("wire") is True:
        return value.get_secret_value()
    return mask_mobile(value.get_secret_value())


Mobile = Annotated[
    MobileNumber,
    AfterValidator(_valid),
    PlainSerializer(_serialise, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 11,
            "maxLength": 11,
            "pattern": MOBILE_PATTERN,
            "description": "手机号 (11 digits); masked 138****1234 in every dump but the wire",
        }
    ),
]
"""A command field holding a citizen's mobile number: validated, masked but on the wire."""
