"""The repository layout must never shadow the standard library."""

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


def test_pure_cores_import_no_io() -> None:
    """hallqueue.engine and attendance.rules import nothing from bus, controller, SQL or MQTT."""
    code = (
        "import sys, hallqueue.engine, attendance.rules;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('bus', 'controller', 'sqlalchemy', 'paho', 'kivy', 'serial', 'usb')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
