"""The fault and abuse suite's two sizes: short in ``make test``, long in ``make soak``.

``make soak`` sets ``HALL_SOAK=1`` and runs the same tests with the soak's counts; each
prints its figures (``figures``) in both."""

from __future__ import annotations

import os

import pytest

SOAK = os.environ.get("HALL_SOAK") == "1"


def scale(short: int, soak: int) -> int:
    """``short`` in ``make test``, ``soak`` in ``make soak``."""
    return soak if SOAK else short


def figures(capsys: pytest.CaptureFixture[str], name: str, text: str) -> None:
    """Print one case's measured figures past pytest's capture."""
    with capsys.disabled():
        print(f"\n[{'soak' if SOAK else 'short'}] {name}: {text}", flush=True)
