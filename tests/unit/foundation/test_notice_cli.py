"""`hall notice push` with a time it cannot read."""

from __future__ import annotations

import pytest

from hall.cli import main


def test_an_unreadable_time_is_a_message_and_exit_2_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--until 25:00 raised ValueError out of the command (a traceback for the hall manager)
    before anything was sent."""
    code = main(["notice", "push", "--text", "今日下午系统维护", "--until", "25:00"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("时间格式应为 ISO 8601 或 HH:MM / a time must be ISO 8601 or HH:MM")
