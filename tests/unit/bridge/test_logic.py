"""Pure decisions of the bridge: which queue command a key means, what the LED shows."""

from __future__ import annotations

from typing import Any

import pytest

from bus.models.views import WindowData, WindowStatus
from firmware_bridge.bridge.logic import (
    Backoff,
    NoCommand,
    QueueCommand,
    caller_command,
    led_lines,
    rating_command,
)
from tests.viewdata import current, rating, stopped, ticket, window


def _view(status: WindowStatus = WindowStatus.SERVING, **changes: Any) -> WindowData:
    return window(status, **changes)


@pytest.mark.parametrize(
    ("action", "verb"),
    [("next", "call"), ("recall", "recall"), ("skip", "skip"), ("hold", "hold"),
     ("pause", "pause"), ("finish", "finish")],
)
def test_caller_keys_send_the_command_for_the_nodes_window(action: str, verb: str) -> None:
    assert caller_command(action, "W03", _view()) == QueueCommand(verb, {"window": "W03"})


def test_resume_key_resumes_service_while_paused_and_takes_back_a_held_ticket_otherwise() -> None:
    held = (ticket("B004"),)
    assert caller_command("resume", "W03", _view(WindowStatus.PAUSED, held=held)) \
        == QueueCommand("resume", {"window": "W03"})
    assert caller_command("resume", "W03", _view(held=held)) \
        == QueueCommand("resume_ticket", {"window": "W03"})
    # Serving someone: the held ticket waits; the key means "resume service" (refused or not
    # by the controller, which owns the rules).
    serving = _view(held=held, current=current("B005"))
    assert caller_command("resume", "W03", serving) == QueueCommand("resume", {"window": "W03"})
    assert caller_command("resume", "W03", None) == QueueCommand("resume", {"window": "W03"})


def test_transfer_key_sends_nothing_since_the_target_service_is_chosen_on_the_console() -> None:
    result = caller_command("transfer", "W03", _view())
    assert isinstance(result, NoCommand) and "转移" in result.reason


def test_rating_goes_to_the_ticket_the_window_just_finished() -> None:
    view = _view(evaluator=rating("B003"))
    assert rating_command(4, "W03", view) == QueueCommand(
        "rate", {"window": "W03", "level": 4, "ticket": "B003"}
    )


@pytest.mark.parametrize(
    ("level", "view", "rated"),
    [
        (5, None, None),  # no view yet: never guess a ticket
        (5, _view(), None),  # nothing finished
        (5, _view(evaluator=stopped()), None),
        (5, _view(evaluator=rating("B003")), "B003"),  # pressed twice
        (0, _view(evaluator=rating("B003")), None),
        (6, _view(evaluator=rating("B003")), None),
    ],
)
def test_rating_key_sends_nothing_without_a_ticket_to_rate(
    level: int, view: WindowData | None, rated: str | None
) -> None:
    assert isinstance(rating_command(level, "W03", view, rated), NoCommand)


def test_led_shows_window_and_called_ticket() -> None:
    view = _view(current=current("B012"))
    assert led_lines(view) == ["3号窗口 不动产登记", "B012 请到3号窗口"]
    assert led_lines(view, lines=1) == ["B012 请到3号窗口"]
    assert led_lines(view, lines=3) == ["3号窗口 不动产登记", "B012 请到3号窗口", ""]


def test_led_shows_paused_over_the_ticket_and_welcome_when_idle() -> None:
    paused = _view(WindowStatus.PAUSED, current=current("B012"))
    assert led_lines(paused)[1] == "暂停服务"
    closed = _view(WindowStatus.CLOSED)
    assert led_lines(closed, lines=1) == ["窗口关闭"]
    assert led_lines(_view(WindowStatus.UNSTAFFED), lines=1) == ["无人值守"]
    assert led_lines(_view()) == ["3号窗口 不动产登记", "欢迎光临"]
    assert led_lines(None) == ["", ""]  # before the controller spoke: blank, not stale


def test_open_backoff_doubles_up_to_its_cap_and_restarts_after_success() -> None:
    backoff = Backoff(first=1.0, cap=30.0)
    assert [backoff.next() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    backoff.reset()
    assert backoff.next() == 1
