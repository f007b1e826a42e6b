"""`make demo` runs a whole simulated hall and prints a live event log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_demo_hall_issues_calls_finishes_and_rates(tmp_path: Path) -> None:
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "hall.cli",
            "demo",
            "--data-dir",
            str(tmp_path),
            "--rate",
            "6",
            "--duration",
            "10",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert str(tmp_path / "logs") in out and str(tmp_path / "controller") in out
    for kind in (
        "ticket.issued",
        "ticket.called",
        "ticket.finished",
        "ticket.rated",
        "window.login",
    ):
        assert f" {kind} " in out, f"no {kind} in the demo log:\n{out[-2000:]}"
    assert (tmp_path / "controller" / "hall.sqlite3").exists()
    assert "Traceback" not in (tmp_path / "logs" / "controller.log").read_text()
