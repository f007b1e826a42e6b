"""Why a face operation failed, as types the CLI and the terminal can act on.

Every message is Chinese first with English after a slash, because it reaches the hall's
staff (at the enrolment desk or on the terminal) as it is.
"""

from __future__ import annotations


class FaceError(Exception):
    """Base of every recognition error; ``str(err)`` is fit to show to a person."""


class ImageError(FaceError):
    """An image that cannot be read or is not a colour picture."""


class EnrolmentError(FaceError):
    """An enrolment photo that cannot give one clean template."""


class NoFaceError(EnrolmentError):
    """No face found where exactly one is needed."""


class MultipleFacesError(EnrolmentError):
    """More than one face where exactly one is needed (whose face would we keep?)."""


class FaceTooSmallError(EnrolmentError):
    """A face too small to give a template that later matches reliably."""


class KeyFileError(FaceError):
    """The template key is missing, malformed or readable by others."""


class StoreError(FaceError):
    """The template store is missing, corrupt, or sealed with another key."""


class UnknownStaffError(StoreError):
    """An operation named a staff member who has no templates."""
