"""Recognition settings, and how their defaults were chosen.

Tuning data: ``/work/shared/data/faces`` (five people, one enrolment photo each, six probe
photos of four of them, one of which holds two people). Encodings are dlib's 128-d
ResNet features through ``face_recognition`` (5-point alignment, one jitter); distances
are Euclidean. Measured with this package's pipeline (enrolment at ≤ 1280 px, probes
detected at scale 0.25 and encoded at full resolution):

===================================  ================================================
same person: probe vs enrolment      0.07 (biden in two_people), 0.13 (obama, 240p),
                                     0.34 (obama in two_people), 0.34 (obama),
                                     0.39 (kit_harington), 0.40 (biden), 0.41 (rose_leslie)
different people: nearest pairs      0.75 (obama probe vs alex_lacamoire), 0.78 (the
                                     alex and obama enrolment photos), 0.80 (kit probe
                                     vs alex), 0.82 (two_people obama vs alex), 0.84
                                     (biden probe vs obama), 0.85 (rose probe vs kit);
                                     all others up to 1.02
nearest other staff − best match     0.41–0.76 for the genuine probes
===================================  ================================================

So genuine distances end at 0.41 and impostors start at 0.75. ``face_recognition``'s
usual 0.6 sits in the middle of that gap, but its authors note that the model separates
East Asian faces less well (ageitgey/face_recognition#612 and its wiki), i.e. impostor
distances shrink for the staff of a Chinese hall. A false accept is a proxy punch (互代签到,
−2 for both people), a false reject means "look again or use the fingerprint". With one
enrolment photo per person, a genuine photo taken years apart or at an angle lands further
out than the probes here, so the default is ``tolerance = 0.55``: 0.14 above the worst
genuine match here and still 0.20 below the nearest impostor, stricter than the library's
0.6. ``margin = 0.10``: the best staff member must also beat the second-best *other* staff
member by 0.10, so two similar colleagues never punch for each other; the genuine probes
here clear it four times over. A person left out of enrolment is ≥ 0.75 from everybody,
so ``unknown``. Re-check both on a hall's own enrolment photos.

Detection is the slow step (HOG over an image pyramid, 0.3–0.9 s per full-size photo on
one core here). Faces at a punch terminal are large, so detection runs on a copy shrunk by
``detect_scale`` (boxes are mapped back and the encoding is computed on the full frame, so
the distances above barely move), but never below ``detect_min_side`` pixels on the short
side: at scale 0.25 the 240-pixel probe lost its 62-pixel face.
"""

from __future__ import annotations

from dataclasses import dataclass

ENCODING_SIZE = 128


@dataclass(frozen=True, slots=True)
class RecognitionSettings:
    """How faces are found and matched; defaults are tuned as the module docstring says."""

    tolerance: float = 0.55
    """Largest distance still accepted as the same person."""
    margin: float = 0.10
    """How much closer the best staff member must be than the second-best one."""
    detect_scale: float = 0.25
    """Scale of the copy the detector runs on at identification (1.0 = full resolution)."""
    detect_min_side: int = 240
    """Never shrink the detector's copy below this many pixels on its short side."""
    upsample: int = 1
    """Times the detector upsamples its input; each time halves the smallest face found."""
    enrol_max_side: int = 1280
    """Enrolment photos are searched at up to this long side (phone photos are huge)."""
    enrol_min_face: int = 80
    """Smallest face, in pixels of the original photo, accepted for a template."""
    num_jitters: int = 1
    """Re-samplings averaged per encoding; more is slower and only slightly steadier."""

    def __post_init__(self) -> None:
        # ``hall faces identify --tolerance …`` shows these to the enrolment desk as they are.
        if not 0.0 < self.tolerance < 2.0:
            raise ValueError(
                f"阈值须在 0 与 2 之间 / tolerance must be in (0, 2), got {self.tolerance}"
            )
        if not 0.0 <= self.margin < 2.0:
            raise ValueError(
                f"区分度须在 0 与 2 之间 / margin must be in [0, 2), got {self.margin}"
            )
        if not 0.0 < self.detect_scale <= 1.0:
            raise ValueError(
                f"缩放比例须在 0 与 1 之间 / detect_scale must be in (0, 1], "
                f"got {self.detect_scale}"
            )
        if self.detect_min_side < 1 or self.enrol_max_side < 1 or self.enrol_min_face < 0:
            raise ValueError("尺寸须为正数 / sizes must be positive")
        if self.upsample < 0 or self.num_jitters < 1:
            raise ValueError(
                "upsample 须 ≥ 0，num_jitters 须 ≥ 1 / upsample must be ≥ 0 and num_jitters ≥ 1"
            )
