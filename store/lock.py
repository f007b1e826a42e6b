"""One writer per data directory: the controller holds an exclusive lock on a file there.

``hall controller`` takes it for as long as it runs; a tool that would write the store itself
(``hall queue replay --data-dir``) takes it too, and so refuses to run beside a controller
instead of writing under it. The lock is the kernel's (``flock``): it goes with the process,
so a controller killed with SIGKILL leaves nothing to clean up.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

LOCK_FILENAME = "controller.lock"


class DataDirBusy(RuntimeError):
    """Another process (a running controller) holds the data directory."""

    def __init__(self, data_dir: Path, holder: str) -> None:
        self.data_dir = data_dir
        self.holder = holder
        who = f"（进程 {holder}）" if holder else ""
        who_en = f" (pid {holder})" if holder else ""
        super().__init__(
            f"{data_dir}: 控制器正在使用该数据目录{who}，请先停止它 / a controller is running "
            f"on this data directory{who_en}: stop it first"
        )


@contextlib.contextmanager
def hold_data_dir(data_dir: str | Path) -> Iterator[None]:
    """Hold ``data_dir`` (created if missing) while the block runs; DataDirBusy at once when
    another process holds it. The file keeps the holder's pid, for that message."""
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / LOCK_FILENAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise DataDirBusy(path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
