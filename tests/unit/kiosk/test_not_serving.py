"""One meaning of "not serving" for every reader: the LCD display and the LED bridge agree.

A window does not serve when it is paused, temporarily closed or nobody is signed in; the
view says which (``WindowData.status``) and both displays show which, in the same words.
"""

from __future__ import annotations

import pytest

from bus.models.views import WindowStatus
from firmware_bridge.bridge.logic import IDLE_TEXT, QueueCommand, caller_command, led_lines
from kiosk.model_window import DisplayModel, EvaluatorModel
from tests.unit.kiosk.conftest import FakeHall
from tests.viewdata import ticket, window


@pytest.mark.parametrize("status", list(WindowStatus))
def test_the_lcd_display_and_the_led_board_give_the_same_answer(
    fake_hall: FakeHall, status: WindowStatus
) -> None:
    lcd, _bus = fake_hall.model(DisplayModel, "display-W03", window="W03")
    lcd.view = window(status)
    lcd.lang = "zh"
    led = led_lines(lcd.view, lines=1)[0]
    assert lcd.paused is (led != IDLE_TEXT) is (not status.serving)
    if not status.serving:
        assert lcd.not_serving_text()[0] == led


def _states(h: FakeHall) -> dict[str, WindowStatus]:
    lcd, _bus = h.model(DisplayModel, "display-W03", window="W03")
    seen = {"start": lcd.status}
    h.ok("queue", "login", window="W03", staff="S003")
    seen["signed in"] = lcd.status
    h.ok("queue", "pause", window="W03")
    seen["paused"] = lcd.status
    h.ok("queue", "resume", window="W03")
    h.ok("queue", "close_window", window="W03", reason="培训")
    seen["closed"] = lcd.status
    return seen


def test_the_controller_says_which_way_a_window_does_not_serve(fake_hall: FakeHall) -> None:
    assert _states(fake_hall) == {
        "start": WindowStatus.UNSTAFFED,
        "signed in": WindowStatus.SERVING,
        "paused": WindowStatus.PAUSED,
        "closed": WindowStatus.CLOSED,
    }


def test_the_evaluator_stops_and_the_resume_key_resumes_whenever_the_window_does_not_serve(
    fake_hall: FakeHall,
) -> None:
    evaluator, _bus = fake_hall.model(EvaluatorModel, "evaluator-W01", window="W01")
    for status in WindowStatus:
        evaluator.view = window(status)
        assert (evaluator.state == "stopped") is (not status.serving)
        command = caller_command("resume", "W03", window(status, held=(ticket("B004"),)))
        assert isinstance(command, QueueCommand)
        assert command.verb == ("resume_ticket" if status.serving else "resume")


def test_a_closed_window_shows_its_reason_on_the_lcd_and_the_led_board(
    fake_hall: FakeHall,
) -> None:
    """Q11: the closure's reason reaches both displays (窗口关闭：<reason>), not the pause text."""
    lcd, _bus = fake_hall.model(DisplayModel, "display-W03", window="W03")
    fake_hall.ok("queue", "login", window="W03", staff="S003")
    fake_hall.ok("queue", "close_window", window="W03", reason="系统升级")
    assert lcd.view is not None and lcd.view.status is WindowStatus.CLOSED
    assert lcd.view.display == "窗口关闭：系统升级"
    lcd.lang = "zh"
    title, hint = lcd.not_serving_text()
    assert title == "窗口关闭：系统升级" and "暂时离开" not in hint
    assert led_lines(lcd.view) == ["3号窗口 不动产登记", "窗口关闭：系统升级"]
    assert led_lines(lcd.view, lines=1) == [title]
    lcd.lang = "en"
    assert lcd.not_serving_text()[0] == "Window closed: 系统升级"
