"""Face recognition for the punch terminal: enrolment, encrypted templates, 1:N, liveness.

What a terminal node calls::

    from attendance.recognition import Matcher, RecognitionSettings, TemplateStore
    from attendance.recognition.pipeline import identify_frame, eye_aspect_ratio_of
    from attendance.recognition.liveness import BlinkDetector

    store = TemplateStore.open(store_dir, key_path)   # sealed at rest, key mode 0600
    matcher = Matcher.from_store(store, settings)     # the template matrix, loaded once
    faces = identify_frame(rgb_frame, matcher)         # largest face first
    live = blink.update(time.monotonic(), eye_aspect_ratio_of(rgb_frame, faces[0].box))

and, to sync from the controller, ``store.import_encrypted(blob, transport_key)`` then
``store.save()`` and a new ``Matcher``. ``pipeline`` imports dlib (slow, large), so it is
not imported here; everything re-exported below is light. Defaults and the distances
they were tuned on: ``attendance.recognition.settings``.
"""

from attendance.recognition.errors import (
    EnrolmentError,
    FaceError,
    FaceTooSmallError,
    ImageError,
    KeyFileError,
    MultipleFacesError,
    NoFaceError,
    StoreError,
    UnknownStaffError,
)
from attendance.recognition.liveness import BlinkDetector, BlinkSettings, detect_blink
from attendance.recognition.matcher import Match, Matcher
from attendance.recognition.settings import RecognitionSettings
from attendance.recognition.store import StaffTemplates, TemplateStore

__all__ = [
    "BlinkDetector",
    "BlinkSettings",
    "EnrolmentError",
    "FaceError",
    "FaceTooSmallError",
    "ImageError",
    "KeyFileError",
    "Match",
    "Matcher",
    "MultipleFacesError",
    "NoFaceError",
    "RecognitionSettings",
    "StaffTemplates",
    "StoreError",
    "TemplateStore",
    "UnknownStaffError",
    "detect_blink",
]
