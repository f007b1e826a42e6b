"""Face punching frame by frame: identify → liveness (a blink) → "this person is here".

Per frame the nearest face (the largest) is identified; while the same staff member stays
in front of the camera their eye aspect ratio is fed to a ``BlinkDetector``; a blink
within the window makes the outcome ``LIVE`` and the node punches. A photo held to the
camera is recognised but never blinks, so it stays at 请眨眼 and never punches.

Anything that breaks the sequence starts it over: no face, an unknown face, another staff
member, or eyes that could not be measured. Recognition and landmarks are injected, so
the sequence can be tested with synthetic eye ratios; ``from_matcher`` wires the real ones.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from attendance.recognition.liveness import BlinkDetector, BlinkSettings
from attendance.recognition.matcher import Match, Matcher
from firmware_bridge.camera import RGB, Frame


class FaceStatus(enum.StrEnum):
    IDLE = "idle"
    """Nobody in front of the camera."""
    UNKNOWN = "unknown"
    """A face that is not an enrolled staff member (or too close to call)."""
    BLINK = "blink"
    """A staff member recognised; waiting for a blink (请眨眼)."""
    LIVE = "live"
    """Recognised and blinked: punch."""


PROMPTS: dict[FaceStatus, str] = {
    FaceStatus.IDLE: "请正对摄像头 / please face the camera",
    FaceStatus.UNKNOWN: "未识别，请重试或使用指纹 / not recognised: try again or use fingerprint",
    FaceStatus.BLINK: "请眨眼 / please blink",
    FaceStatus.LIVE: "",
}


class FaceLike(Protocol):
    """What ``identify`` returns per face (``pipeline.FaceResult``)."""

    @property
    def box(self) -> Any: ...
    @property
    def match(self) -> Match: ...


IdentifyFn = Callable[[RGB], Sequence[FaceLike]]
EarFn = Callable[[RGB, Any], float | None]


@dataclass(frozen=True, slots=True)
class FaceOutcome:
    status: FaceStatus
    staff_id: str | None = None
    t: float = 0.0

    @property
    def prompt(self) -> str:
        return PROMPTS[self.status]


class FacePipeline:
    """The per-frame state machine; one instance per camera, used from one thread."""

    def __init__(
        self, identify: IdentifyFn, eye_ratio: EarFn, blink: BlinkSettings | None = None
    ) -> None:
        self._identify = identify
        self._eye_ratio = eye_ratio
        self._detector = BlinkDetector(blink)
        self._current: str | None = None

    @classmethod
    def from_matcher(
        cls, matcher: Callable[[], Matcher], blink: BlinkSettings | None = None
    ) -> FacePipeline:
        """The real thing: dlib detection, 1:N against ``matcher()`` (re-read each frame, so a
        template sync takes effect at the next frame), 68-point eye landmarks."""
        from attendance.recognition.pipeline import eye_aspect_ratio_of, identify_frame

        return cls(lambda rgb: identify_frame(rgb, matcher()), eye_aspect_ratio_of, blink)

    def process(self, frame: Frame) -> FaceOutcome:
        faces = self._identify(frame.rgb)
        if not faces:
            return self._restart(FaceStatus.IDLE, frame.t)
        face = faces[0]
        staff_id = face.match.staff_id
        if staff_id is None:
            return self._restart(FaceStatus.UNKNOWN, frame.t)
        if staff_id != self._current:
            # Someone else's blink must never make this face look alive.
            self._detector.reset()
            self._current = staff_id
        if self._detector.update(frame.t, self._eye_ratio(frame.rgb, face.box)):
            self._detector.reset()  # the next punch needs a new blink
            return FaceOutcome(FaceStatus.LIVE, staff_id, frame.t)
        return FaceOutcome(FaceStatus.BLINK, staff_id, frame.t)

    def _restart(self, status: FaceStatus, t: float) -> FaceOutcome:
        self._detector.reset()
        self._current = None
        return FaceOutcome(status, None, t)
