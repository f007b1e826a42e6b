"""From pixels to encodings and decisions: the only module that runs dlib.

Identification detects on a shrunken copy of the frame (``detect_scale``; HOG detection
is the slow step) and computes the 128-d encodings on the full frame inside the boxes
mapped back, so small frames cost little and the encodings keep full detail.
Enrolment searches the photo near full size and insists on exactly one face.

Frames are RGB ``uint8`` arrays of shape (height, width, 3); OpenCV delivers BGR, so a
terminal converts with ``cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)`` first.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from attendance.recognition.errors import (
    FaceTooSmallError,
    ImageError,
    MultipleFacesError,
    NoFaceError,
)
from attendance.recognition.liveness import Point, eyes_aspect_ratio
from attendance.recognition.matcher import Match, Matcher
from attendance.recognition.settings import ENCODING_SIZE, RecognitionSettings

with warnings.catch_warnings():
    # face_recognition_models still locates its model files through pkg_resources
    # (hence setuptools<80 in the venv); the deprecation is theirs, not actionable here.
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", DeprecationWarning)
    import face_recognition

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Box:
    """A face box in full-frame pixels, as ``face_recognition`` orders them."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def area(self) -> int:
        return max(0, self.bottom - self.top) * max(0, self.right - self.left)

    @property
    def side(self) -> int:
        return min(self.bottom - self.top, self.right - self.left)

    def as_css(self) -> tuple[int, int, int, int]:
        return (self.top, self.right, self.bottom, self.left)


@dataclass(frozen=True, slots=True)
class FaceResult:
    """One face in a frame and who it is (``match.staff_id is None``: 未识别 / unknown)."""

    box: Box
    match: Match
    encoding: npt.NDArray[np.float64]


def load_image(path: Path | str) -> Frame:
    """An image file as RGB, turned upright by its EXIF orientation (phone photos)."""
    try:
        with Image.open(path) as img:
            upright = ImageOps.exif_transpose(img) or img
            return np.asarray(upright.convert("RGB"), dtype=np.uint8)
    except FileNotFoundError as err:
        raise ImageError(f"找不到图片 / image not found: {path}") from err
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise ImageError(f"无法读取图片 / cannot read image {path}: {err}") from err


def _check_frame(frame: npt.ArrayLike) -> Frame:
    array = np.asarray(frame)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ImageError(
            f"需要RGB图像 / need an RGB uint8 image (h, w, 3), got {array.dtype} {array.shape}"
        )
    return np.ascontiguousarray(array)


def locate_faces(frame: Frame, scale: float, upsample: int) -> list[Box]:
    """Face boxes in full-frame pixels, found on a copy shrunk by ``scale``, largest first."""
    frame = _check_frame(frame)
    height, width = frame.shape[:2]
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        # INTER_AREA averages the pixels it drops, which keeps edges the HOG relies on.
        small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
    else:
        small, scale = frame, 1.0
    found = face_recognition.face_locations(small, number_of_times_to_upsample=upsample)
    boxes = [
        Box(
            max(0, round(top / scale)),
            min(width, round(right / scale)),
            min(height, round(bottom / scale)),
            max(0, round(left / scale)),
        )
        for top, right, bottom, left in found
    ]
    boxes = [box for box in boxes if box.area > 0]
    return sorted(boxes, key=lambda box: box.area, reverse=True)


def identification_scale(frame: Frame, settings: RecognitionSettings) -> float:
    """``detect_scale``, raised so that the short side stays ≥ ``detect_min_side``."""
    short = int(min(frame.shape[:2]))
    return min(1.0, max(settings.detect_scale, settings.detect_min_side / max(short, 1)))


def encode_faces(
    frame: Frame, boxes: Sequence[Box], settings: RecognitionSettings
) -> npt.NDArray[np.float64]:
    """The 128-d encoding of each box, computed on the full frame, shape (len(boxes), 128)."""
    if not boxes:
        return np.empty((0, ENCODING_SIZE))
    encodings = face_recognition.face_encodings(
        _check_frame(frame), [b.as_css() for b in boxes], num_jitters=settings.num_jitters
    )
    return np.asarray(encodings, dtype=np.float64).reshape(-1, ENCODING_SIZE)


def encode_enrolment(
    image: Frame, settings: RecognitionSettings | None = None, *, source: str = "image"
) -> npt.NDArray[np.float64]:
    """The one template of an enrolment photo; refuses zero faces, several, or a tiny one.

    The photo itself is not kept anywhere: only the returned 128 numbers are stored.
    """
    settings = settings or RecognitionSettings()
    image = _check_frame(image)
    scale = min(1.0, settings.enrol_max_side / max(image.shape[:2]))
    boxes = locate_faces(image, scale, settings.upsample)
    if not boxes:
        raise NoFaceError(
            f"{source}: 未检测到人脸，请正对镜头重新拍摄 / no face found; retake facing the camera"
        )
    if len(boxes) > 1:
        raise MultipleFacesError(
            f"{source}: 检测到 {len(boxes)} 张人脸，登记照片只能有本人 / "
            f"{len(boxes)} faces found; an enrolment photo must show one person only"
        )
    if boxes[0].side < settings.enrol_min_face:
        raise FaceTooSmallError(
            f"{source}: 人脸太小（{boxes[0].side} 像素，至少 {settings.enrol_min_face}），"
            "请靠近拍摄 / "
            f"face too small ({boxes[0].side} px, need {settings.enrol_min_face}); move closer"
        )
    template: npt.NDArray[np.float64] = encode_faces(image, boxes, settings)[0]
    return template


def identify_frame(
    frame: Frame, matcher: Matcher, settings: RecognitionSettings | None = None
) -> list[FaceResult]:
    """Every face in ``frame``, largest (nearest the terminal) first, with its decision."""
    settings = settings or matcher.settings
    frame = _check_frame(frame)
    boxes = locate_faces(frame, identification_scale(frame, settings), settings.upsample)
    encodings = encode_faces(frame, boxes, settings)
    matches = matcher.match_many(encodings) if len(boxes) else []
    return [FaceResult(b, m, e) for b, m, e in zip(boxes, matches, encodings, strict=True)]


def eye_aspect_ratio_of(frame: Frame, box: Box) -> float | None:
    """Mean eye aspect ratio of the face in ``box`` (68-point landmarks), for liveness."""
    marks = face_recognition.face_landmarks(_check_frame(frame), [box.as_css()], model="large")
    if not marks:
        return None
    eyes: dict[str, list[Point]] = {
        name: [(float(x), float(y)) for x, y in marks[0][name]]
        for name in ("left_eye", "right_eye")
    }
    return eyes_aspect_ratio(eyes)
