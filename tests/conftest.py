"""Fixtures shared by the whole suite: a private Mosquitto, the sample hall, log checks."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.loader import load_hall, resolve_hall_path
from config.schema import HallConfig
from tests import logcheck
from tests.logcheck import fail_on_unexpected_log  # noqa: F401  (autouse: the log check)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def hall() -> HallConfig:
    """The sample hall of RULES.md §6."""
    return load_hall(resolve_hall_path("chengdong"))


class Broker:
    def __init__(self, port: int, process: subprocess.Popen[bytes], log_file: Path) -> None:
        self.port = port
        self.process = process
        self.log_file = log_file

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"


def start_mosquitto(
    directory: Path, config_file: Path | None = None, port: int | None = None
) -> Broker:
    """Start Mosquitto and wait until it listens (it logs 'Opening ipv4 listen socket')."""
    from controller.broker import free_port, mosquitto_binary, write_dev_config

    port = port or free_port()
    config_file = config_file or write_dev_config(directory, port)
    log_file = directory / f"mosquitto-{port}.log"
    fh = log_file.open("wb")
    process = subprocess.Popen(
        [mosquitto_binary(), "-c", str(config_file), "-v"], stdout=fh, stderr=subprocess.STDOUT
    )
    from tests.waiting import wait_for_port

    if not wait_for_port(port, timeout=10):
        process.kill()
        raise RuntimeError(f"mosquitto did not start: {log_file.read_text(errors='replace')}")
    return Broker(port, process, log_file)


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Broker]:
    """A private Mosquitto on a free port, for this test only."""
    broker = start_mosquitto(tmp_path)
    yield broker
    broker.process.terminate()
    broker.process.wait(timeout=10)


def _pg_bin(name: str) -> str | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return shutil.which(name)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private PostgreSQL server for this test session; yields a SQLAlchemy URL."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (make test installs it: postgresql)")
    from controller.broker import free_port

    # PostgreSQL refuses to run as root: as root, run it as the postgres user in a folder
    # that user owns (pytest's own temporary folders are private to root).
    as_user: list[str] = []
    base = tmp_path_factory.mktemp("pg")
    if os.geteuid() == 0:
        import pwd
        import tempfile

        entry = pwd.getpwnam("postgres")
        base = Path(tempfile.mkdtemp(prefix="servicehall-pg-"))
        os.chown(base, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    port = free_port()
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_user,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=on",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [
                *as_user,
                _pg_bin("createdb") or "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "hall",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/hall"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
        )
        if as_user:
            shutil.rmtree(base, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    for marker in logcheck.MARKERS:
        config.addinivalue_line("markers", marker)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
