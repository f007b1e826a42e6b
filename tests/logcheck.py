"""The suite's log check: a test fails on any WARNING or worse log record it did not declare.

A record at WARNING, ERROR or CRITICAL, from our code or a library (kivy, paho, asyncio...),
fails the test unless the test declares it with a marker::

    @pytest.mark.expect_log("WARNING", r"cannot open .* retrying", logger="firmware_bridge.inputs")
    @pytest.mark.expect_log("ERROR", "handler failed")
    def test_...

``level`` is the record's exact level name (or number); the pattern is a regular expression
searched for in the formatted message (``re.search``, so a plain substring works when it
has no special characters); ``logger`` names the logger or one of its parents. The marker
may be repeated. Every declaration must match at least one record: a declaration nothing
matches fails the test too, so declarations cannot outlive the behaviour they describe.

``@pytest.mark.allow_logged_exceptions`` is the older, coarser form: it lets ERROR (and
CRITICAL) records that carry a traceback pass. Prefer ``expect_log``.

Records are caught from the test's setup to its teardown, on every thread.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

# Library records outside our control that would otherwise fail every test that triggers
# them. Each entry: (logger name or parent, level, message regex) and why it is ignored.
# Nothing is ignored at present: add an entry only with a reason, never for our own loggers.
IGNORED_LIBRARY_RECORDS: tuple[tuple[str, int, str], ...] = ()

MARKERS = (
    "expect_log(level, pattern, logger=None): the test provokes a log record at this level "
    "whose message matches this regex; it must occur, and others at WARNING or above fail",
    "allow_logged_exceptions: the test provokes ERROR records with a traceback (prefer expect_log)",
)


@dataclass(frozen=True)
class Expected:
    """One ``expect_log`` declaration."""

    level: int
    pattern: re.Pattern[str]
    logger: str | None

    def matches(self, record: logging.LogRecord) -> bool:
        return (
            record.levelno == self.level
            and _under(record.name, self.logger)
            and self.pattern.search(record.getMessage()) is not None
        )

    def __str__(self) -> str:
        where = f" from {self.logger!r}" if self.logger else ""
        return f"{logging.getLevelName(self.level)} matching {self.pattern.pattern!r}{where}"


def _under(name: str, parent: str | None) -> bool:
    return parent is None or name == parent or name.startswith(parent + ".")


def _level(value: object) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        number = logging.getLevelName(value.upper())
        if isinstance(number, int):
            return number
    raise pytest.UsageError(f"expect_log: unknown level {value!r}")


def expectations(item: pytest.Item) -> list[Expected]:
    """The test's ``expect_log`` markers, checked."""
    found = []
    for mark in item.iter_markers("expect_log"):
        if len(mark.args) != 2 or set(mark.kwargs) - {"logger"}:
            raise pytest.UsageError(
                f"{item.nodeid}: expect_log takes (level, pattern, logger=None), got {mark}"
            )
        level, pattern = mark.args
        found.append(Expected(_level(level), re.compile(pattern), mark.kwargs.get("logger")))
    return found


def _ignored(record: logging.LogRecord) -> bool:
    return any(
        record.levelno == level
        and _under(record.name, name)
        and re.search(pattern, record.getMessage())
        for name, level, pattern in IGNORED_LIBRARY_RECORDS
    )


class _Catcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _describe(record: logging.LogRecord) -> str:
    traceback = " (with traceback)" if record.exc_info else ""
    return f"  {record.levelname} {record.name}: {record.getMessage()}{traceback}"


@pytest.fixture(autouse=True)
def fail_on_unexpected_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """A record at WARNING or above the test did not declare fails it, and so does a
    declared one that never came (a callback that raised and was only logged is a failure)."""
    expected = expectations(request.node)
    allow_exceptions = request.node.get_closest_marker("allow_logged_exceptions") is not None
    catcher = _Catcher()
    root = logging.getLogger()
    root.addHandler(catcher)
    try:
        yield
    finally:
        root.removeHandler(catcher)
    unexpected = []
    seen: set[Expected] = set()
    for record in catcher.records:
        matched = [e for e in expected if e.matches(record)]
        seen.update(matched)
        if matched or _ignored(record):
            continue
        if allow_exceptions and record.levelno >= logging.ERROR and record.exc_info:
            continue
        unexpected.append(record)
    missing = [e for e in expected if e not in seen]
    problems = []
    if unexpected:
        problems.append(
            "log records the test did not declare (add @pytest.mark.expect_log(level, "
            "pattern, logger=...) if the test provokes them):\n"
            + "\n".join(_describe(r) for r in unexpected)
        )
    if missing:
        problems.append(
            "declared log records that never came:\n" + "\n".join(f"  {e}" for e in missing)
        )
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
