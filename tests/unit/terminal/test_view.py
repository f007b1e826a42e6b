"""The terminal's screen state: a message about a finger goes away again by itself."""

from __future__ import annotations

import datetime as dt

from terminal.desk import PunchResult, Verdict
from terminal.faces import PROMPTS, FaceOutcome, FaceStatus
from terminal.node import FINGER_UNKNOWN
from terminal.view import RESULT_SECONDS, TerminalView
from tests.unit.terminal.helpers import SHANGHAI


def _result() -> PunchResult:
    return PunchResult(
        staff_id="S002",
        name="王芳",
        source="fingerprint",
        shown_time=dt.datetime(2026, 11, 2, 8, 55, tzinfo=SHANGHAI),
        verdict=Verdict("am_in", "sign_in", 0, "签到 / sign-in：正常 / on time"),
        punch_id="terminal-1-x",
        clock_synced=True,
    )


def test_an_unknown_finger_message_ends_and_the_idle_prompt_returns() -> None:
    """Fingerprint-only terminal: 指纹未识别 must not stay on the screen for the rest of the
    day, nor come back when the next person's result leaves the screen."""
    view = TerminalView()
    view.say(FINGER_UNKNOWN, 100.0)
    assert view.state.prompt == FINGER_UNKNOWN
    view.tick(100.0 + RESULT_SECONDS)
    assert view.state.prompt == PROMPTS[FaceStatus.IDLE]

    view.say(FINGER_UNKNOWN, 200.0)
    view.punched(_result(), 201.0)
    view.tick(201.0 + RESULT_SECONDS)
    assert view.state.result is None
    assert view.state.prompt == PROMPTS[FaceStatus.IDLE], "a later punch supersedes it"


def test_camera_prompts_wait_until_the_finger_message_has_been_read() -> None:
    """With a camera running, the next frame (10 a second) must not wipe the message at once;
    the camera's latest prompt shows when the message ends."""
    view = TerminalView()
    view.say(FINGER_UNKNOWN, 100.0)
    view.face(FaceOutcome(FaceStatus.BLINK, "S001", 0.1))
    assert view.state.prompt == FINGER_UNKNOWN
    view.tick(100.0 + RESULT_SECONDS)
    assert view.state.prompt == PROMPTS[FaceStatus.BLINK]
    view.face(FaceOutcome(FaceStatus.IDLE, None, 0.2))
    assert view.state.prompt == PROMPTS[FaceStatus.IDLE]
