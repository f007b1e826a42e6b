"""The enrolment template every face test here uses (real dlib, computed once)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.integration.terminal.helpers import DATA


@pytest.fixture(scope="module")
def obama_template() -> np.ndarray[Any, Any]:
    if not DATA.is_dir():
        pytest.skip(f"face photos not found at {DATA}")
    from attendance.recognition.pipeline import encode_enrolment, load_image

    return encode_enrolment(load_image(DATA / "enroll" / "obama" / "obama.jpg"))
