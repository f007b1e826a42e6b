"""The suite's log check (tests/logcheck.py) fails a test on any undeclared WARNING or worse
record, and on a declared record that never came."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

pytest_plugins = ["pytester"]

CONFTEST = """
from tests import logcheck
from tests.logcheck import fail_on_unexpected_log  # noqa: F401


def pytest_configure(config):
    for marker in logcheck.MARKERS:
        config.addinivalue_line("markers", marker)
"""

TESTS = """
import logging

import pytest

log = logging.getLogger("hall.drill")


def test_quiet():
    log.info("nothing to see")


def test_error_without_traceback():
    log.error("the printer is gone")


def test_error_with_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("a handler failed")


def test_warning():
    log.warning("the clock drifted")


def test_library_warning():
    logging.getLogger("asyncio").warning("Executing a task took 0.5 seconds")


@pytest.mark.expect_log("WARNING", r"clock drifted")
@pytest.mark.expect_log("ERROR", "printer is gone", logger="hall")
def test_declared():
    log.warning("the clock drifted")
    log.error("the printer is gone")
    log.error("the printer is gone")


@pytest.mark.expect_log("ERROR", "printer is gone")
def test_declared_but_missing():
    pass


@pytest.mark.expect_log("WARNING", "printer is gone")
def test_declared_at_another_level():
    log.error("the printer is gone")


@pytest.mark.expect_log("ERROR", "printer is gone", logger="kiosk")
def test_declared_for_another_logger():
    log.error("the printer is gone")


@pytest.mark.allow_logged_exceptions
def test_allowed_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("a handler failed")


@pytest.mark.allow_logged_exceptions
def test_allowed_exception_does_not_cover_a_plain_error():
    log.error("the printer is gone")
"""


def run_inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Run TESTS in a separate pytest (their records must not reach this test's own check):
    each inner test's name -> passed, undeclared (a record it did not declare) or missing
    (a declared record that never came)."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("COLUMNS", "1000")  # the short summary's reasons, not cut off
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=TESTS)
    result = pytester.runpytest_subprocess("-rA", "-p", "no:cacheprovider")
    found: dict[str, str] = {}
    for line in result.outlines:
        outcome, _sep, rest = line.partition(" test_inner.py::")
        name, _sep, why = rest.partition(" - ")
        if outcome == "PASSED":
            found.setdefault(name, "passed")
        elif outcome in ("ERROR", "FAILED"):  # the check fails the test in its teardown
            if "log records the test did not declare" in why:
                found[name] = "undeclared"
            elif "declared log records that never came" in why:
                found[name] = "missing"
            else:
                found[name] = line
    assert found, "\n".join(result.outlines)
    return found


def test_the_log_check_fails_undeclared_and_missing_records(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_inner(pytester, monkeypatch) == {
        "test_quiet": "passed",
        # Any ERROR fails, with or without a traceback; any WARNING, ours or a library's.
        "test_error_without_traceback": "undeclared",
        "test_error_with_traceback": "undeclared",
        "test_warning": "undeclared",
        "test_library_warning": "undeclared",
        # Declared records pass, however often they come...
        "test_declared": "passed",
        # ...but a declaration must match: level, logger and message.
        "test_declared_but_missing": "missing",
        "test_declared_at_another_level": "undeclared",
        "test_declared_for_another_logger": "undeclared",
        # The older marker still lets a traceback pass, and only that.
        "test_allowed_exception": "passed",
        "test_allowed_exception_does_not_cover_a_plain_error": "undeclared",
    }
