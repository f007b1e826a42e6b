"""Liveness by blinking: eye aspect ratio (EAR) and a blink detector over a time window.

A photo held to the terminal's camera never blinks, so a punch requires one blink within
``window_s`` seconds of the face being seen (issue 7). Pure functions of the landmarks
and of the times passed in; the terminal node supplies both (no clock, no camera here).

EAR (Soukupová and Čech, 2016) = (|p2−p6| + |p3−p5|) / (2·|p1−p4|) over the six points of
an eye in dlib's 68-point order (``face_recognition.face_landmarks(..., model="large")``):
about 0.2–0.35 when open, falling towards 0.05 while the eye is shut. The open value
varies from person to person (narrower eyes give lower values), so the detector does not
use one absolute threshold: it compares each sample with the median of the window, which
is the person's own open-eye EAR because a blink lasts only a few frames.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Sample = tuple[float, float]
"""(time in seconds, EAR); any monotonic time base."""


def eye_aspect_ratio(eye: Sequence[Point]) -> float:
    """EAR of one eye from its six landmarks (p1 … p6, dlib order)."""
    if len(eye) != 6:
        raise ValueError(f"an eye has 6 landmarks, got {len(eye)}")
    p1, p2, p3, p4, p5, p6 = eye
    width = math.dist(p1, p4)
    if width == 0.0:
        raise ValueError("degenerate eye: both corners at the same point")
    return (math.dist(p2, p6) + math.dist(p3, p5)) / (2.0 * width)


def eyes_aspect_ratio(landmarks: Mapping[str, Sequence[Point]]) -> float:
    """Mean EAR of both eyes, from a ``face_recognition.face_landmarks`` entry.

    Averaging both eyes halves landmark noise; a wink then counts as a weak blink, which
    the ratio thresholds usually reject, and that is acceptable.
    """
    return (eye_aspect_ratio(landmarks["left_eye"]) + eye_aspect_ratio(landmarks["right_eye"])) / 2


@dataclass(frozen=True, slots=True)
class BlinkSettings:
    """When a dip of the EAR counts as a blink."""

    window_s: float = 5.0
    """The blink must fall within the last this-many seconds."""
    closed_ratio: float = 0.75
    """Eyes count as shut below this fraction of the window's median EAR …"""
    min_drop: float = 0.05
    """… and at least this far below it: landmark jitter on a still photo stays smaller."""
    reopen_ratio: float = 0.90
    """Eyes count as open again from this fraction of the median on."""
    max_closed_s: float = 1.0
    """From the first shut sample to the reopening sample; longer is not a blink."""

    def __post_init__(self) -> None:
        if self.window_s <= 0 or self.max_closed_s <= 0 or self.min_drop < 0:
            raise ValueError("window_s and max_closed_s must be > 0, min_drop ≥ 0")
        if not 0 < self.closed_ratio < self.reopen_ratio <= 1:
            raise ValueError("need 0 < closed_ratio < reopen_ratio ≤ 1")


def detect_blink(samples: Sequence[Sample], settings: BlinkSettings | None = None) -> bool:
    """Whether ``samples`` (in time order) hold open → shut → open within the window.

    The window ends at the last sample. A constant or slowly drifting EAR, as from a
    photo, never qualifies; neither do eyes that were never seen open before closing.
    """
    settings = settings or BlinkSettings()
    if len(samples) < 3:
        return False
    end = samples[-1][0]
    recent = [(t, ear) for t, ear in samples if end - t <= settings.window_s]
    if len(recent) < 3:
        return False
    baseline = statistics.median(ear for _, ear in recent)
    shut_below = min(baseline * settings.closed_ratio, baseline - settings.min_drop)
    open_from = baseline * settings.reopen_ratio
    seen_open = False
    shut_since: float | None = None
    for t, ear in recent:
        if ear >= open_from:
            if shut_since is not None and t - shut_since <= settings.max_closed_s:
                return True
            seen_open, shut_since = True, None
        elif ear < shut_below and seen_open and shut_since is None:
            shut_since = t
        # Between the thresholds: half-closed, keep the current state (hysteresis).
    return False


class BlinkDetector:
    """Feeds EAR samples from consecutive frames; ``update`` says when a blink was seen."""

    def __init__(self, settings: BlinkSettings | None = None) -> None:
        self.settings = settings or BlinkSettings()
        self._samples: deque[Sample] = deque()

    def update(self, t: float, ear: float | None) -> bool:
        """Add the sample at time ``t``; ``ear=None`` (face lost) starts over.

        Starting over matters: a blink of the person who just left must not make the
        photo that follows them look alive.
        """
        if ear is None:
            self.reset()
            return False
        if self._samples and t < self._samples[-1][0]:
            raise ValueError("samples must come in time order (use a monotonic clock)")
        self._samples.append((t, ear))
        while self._samples and t - self._samples[0][0] > self.settings.window_s:
            self._samples.popleft()
        return detect_blink(self._samples, self.settings)

    def reset(self) -> None:
        self._samples.clear()
