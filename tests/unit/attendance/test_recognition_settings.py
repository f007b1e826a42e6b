"""Recognition settings refuse nonsense in words the enrolment desk reads (Chinese first)."""

from __future__ import annotations

from typing import Any

import pytest

from attendance.recognition import RecognitionSettings


@pytest.mark.parametrize(
    ("field", "value", "chinese"),
    [
        ("tolerance", 3.0, "阈值"),
        ("margin", -0.1, "区分度"),
        ("detect_scale", 0.0, "缩放比例"),
        ("enrol_max_side", 0, "尺寸"),
        ("num_jitters", 0, "num_jitters 须"),
    ],
)
def test_an_out_of_range_setting_is_refused_chinese_first(
    field: str, value: Any, chinese: str
) -> None:
    """``hall faces identify --tolerance 3`` prints this message as it is."""
    with pytest.raises(ValueError) as refused:
        RecognitionSettings(**{field: value})
    zh, _, en = str(refused.value).partition(" / ")
    assert chinese in zh and en
