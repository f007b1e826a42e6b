"""The loader on mutated copies of the sample hall: a hall or a ConfigError, nothing else."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.loader import ConfigError, load_hall, resolve_hall_path
from config.schema import HallConfig
from hall.config_cli import device_findings

SAMPLE = resolve_hall_path("chengdong").read_bytes()
LINES = SAMPLE.splitlines(keepends=True)
# Values seen in hall files, and ones that broke YAML readers before.
VALUES = [
    b"9:00", b"17:00", b'"09:00"', b"09:00:00", b"900", b"-1", b"0", b"~", b"null", b"yes",
    b"[]", b"{}", b"[[[[", b"*x", b"&x 1", b"!!binary zz", b"2024-02-30", b"1e400", b".nan",
    b"wide", "城东".encode("gbk"), b"\xef\xbb\xbf", b"\x00", b"\t", b'"', b"'", b": ", b"- ",
    b"<<: *x", b"? a", b"%YAML 1.1",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "duplicate", "swap", "value", "insert"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "flip" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            bit = 1 << draw(st.integers(0, 7))
            lines[i] = lines[i][:j] + bytes([lines[i][j] ^ bit]) + lines[i][j + 1:]
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "value" and b": " in lines[i]:
            key = lines[i].split(b": ", 1)[0]
            lines[i] = key + b": " + draw(st.sampled_from(VALUES)) + b"\n"
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(VALUES)) + b"\n")
        if not lines:
            lines = [b""]
    return b"".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_a_mutated_sample_loads_or_is_explained(data: bytes) -> None:
    """Byte flips, deleted, repeated and swapped lines, odd values: a hall or a ConfigError
    whose every problem names the file, with the driver-option check included."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "hall.yaml"
        path.write_bytes(data)
        try:
            hall = load_hall(path, checks=[lambda h: device_findings(h, lambda _text: None)])
        except ConfigError as err:
            assert err.problems
            assert all(p.file == str(path) and p.message for p in err.problems)
        else:
            assert isinstance(hall, HallConfig)
