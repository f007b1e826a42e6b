"""The repository layout must never shadow the standard library (layers: test_layers.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_import_queue_from_repo_root_is_the_standard_library() -> None:
    """`import queue` at the repo root gives the stdlib (the card's queue/ is hallqueue/)."""
    code = "import queue, sys; print(queue.__file__); q = queue.Queue(); q.put(1); print(q.get())"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    path, value = res.stdout.split()
    assert value == "1"
    assert not path.startswith(str(REPO))
