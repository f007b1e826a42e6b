"""A photo held to the camera (video file, real recognition) never punches; a blink does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from config.schema import HallConfig
from terminal.clock import ClockCheck
from terminal.desk import PunchDesk
from terminal.faces import FacePipeline, FaceStatus
from terminal.outbox import Outbox
from tests.integration.terminal.helpers import (
    matcher_of,
    photo_video,
    play,
)

pytestmark = pytest.mark.integration


@pytest.mark.slow
def test_a_photo_held_to_the_camera_is_recognised_but_never_punches(
    tmp_path: Path, obama_template: np.ndarray[Any, Any], hall: HallConfig
) -> None:
    """Real video file, real detection, encodings and eye landmarks: 请眨眼 on every frame."""
    video = photo_video(tmp_path / "photo.avi")
    matcher = matcher_of({"S001": obama_template})
    outcomes = play(video, FacePipeline.from_matcher(lambda: matcher))
    assert len(outcomes) == 20
    assert {o.status for o in outcomes} == {FaceStatus.BLINK}
    assert {o.staff_id for o in outcomes} == {"S001"}
    assert outcomes[-1].prompt == "请眨眼 / please blink"


@pytest.mark.slow
def test_a_blink_on_the_same_video_punches_once_with_the_result(
    tmp_path: Path, obama_template: np.ndarray[Any, Any], hall: HallConfig
) -> None:
    """Same frames and real identification; the eye ratio is synthesised with one blink."""
    from attendance.recognition.pipeline import identify_frame

    video = photo_video(tmp_path / "blink.avi")
    matcher = matcher_of({"S001": obama_template})
    ears = iter([0.1 if i in (8, 9) else 0.3 for i in range(20)])
    pipeline = FacePipeline(lambda rgb: identify_frame(rgb, matcher), lambda _r, _b: next(ears))
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    desk = PunchDesk(hall, "terminal-1", outbox, ClockCheck(ntp=lambda: True))
    results = [
        desk.punch(o.staff_id, "face")
        for o in play(video, pipeline)
        if o.status is FaceStatus.LIVE and o.staff_id
    ]
    assert len(results) == 1 and results[0].name == "张敏"
    assert [(e.staff_id, e.source) for e in outbox.entries()] == [("S001", "face")]
