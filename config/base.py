"""The base of every hall-config model: unknown keys are errors, values are immutable."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError


class StrictModel(BaseModel):
    """A config section. A misspelt key is rejected (and the loader suggests the right one)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=True,
    )


_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")


def _clock_time(value: Any) -> Any:
    """A time of day as the hall writes it, ``"09:00"`` or ``"09:00:00"``, in the hall's zone.

    pydantic alone would read a number as seconds after midnight UTC (540 → 00:09 UTC, an
    aware time that the hall's naive times cannot be compared with) and ``"09:00Z"`` as
    aware: both are refused, and a number gets the hint to quote the time.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError(
            "time_unquoted",
            "时间请加引号 / quote times: {value} is a number, not a time of day",
            {"value": value},
        )
    if isinstance(value, str):
        match = _CLOCK.fullmatch(value.strip())
        if match is None:
            raise PydanticCustomError(
                "time_format", '时间格式应为 "HH:MM" / a time is written "HH:MM", e.g. "09:00"'
            )
        hour, minute, second = (int(g) if g else 0 for g in match.groups())
        if hour > 23 or minute > 59 or second > 59:
            raise PydanticCustomError(
                "time_format", "时间超出范围 / no such time of day: {value} (00:00–23:59)",
                {"value": value},
            )
        return dt.time(hour, minute, second)
    if isinstance(value, dt.time) and value.tzinfo is not None:
        raise PydanticCustomError(
            "time_format", "时间不带时区 / no time zone here: the hall's timezone applies"
        )
    return value


ClockTime = Annotated[dt.time, BeforeValidator(_clock_time)]
"""A time of day of the hall (naive, in the hall's ``timezone``), written ``"HH:MM"``."""
