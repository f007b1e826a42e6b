"""`hall config check` on files of every shape: exit 0 or 2, never a traceback, and for each
known case a message with the file, the line, the key path and the fix."""

from __future__ import annotations

import codecs
import os
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.loader import ConfigError, load_hall, resolve_hall_path
from config.yamlread import MAX_BYTES
from tests.conftest import REPO

SAMPLE = resolve_hall_path("chengdong")
TEXT = SAMPLE.read_text(encoding="utf-8")


def _sample(old: str, new: str) -> bytes:
    assert old in TEXT, old
    return TEXT.replace(old, new, 1).encode("utf-8")


def _line_of(data: bytes, needle: str) -> int:
    return data.decode("utf-8").splitlines().index(needle) + 1


def _huge() -> bytes:
    row = '  - {id: S001, name: 张敏, department: shebao, staff_number: "CD001"}\n'.encode()
    return TEXT.encode() + row * (50_000_000 // len(row))


def _bomb() -> bytes:
    rows = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for a, b in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]")
    return "\n".join(rows).encode()


@dataclass(frozen=True)
class Case:
    name: str
    content: Callable[[], bytes] | None
    """None: a path that is not a file (set up by the test)."""
    status: int
    expect: tuple[str, ...] = ()
    """Substrings of stderr (``{file}`` is the path)."""


CLOSE_TWICE = _sample('  close: "17:00"\n', '  close: "17:00"\n  close: "18:00"\n')

CASES = [
    Case("sample", lambda: TEXT.encode(), 0),
    Case("utf8-bom", lambda: codecs.BOM_UTF8 + TEXT.encode(), 0),
    Case("crlf", lambda: TEXT.replace("\n", "\r\n").encode(), 0),
    Case(
        "gbk",
        lambda: TEXT.encode("gbk"),
        2,
        ("{file}:1: <top>: 文件不是 UTF-8 编码 / not UTF-8", "iconv -f gbk -t utf-8"),
    ),
    Case(
        "gbk-line-2",
        lambda: b"hall_id: x\nname: " + "城东".encode("gbk") + b"\n",
        2,
        ("{file}:2: <top>: 文件不是 UTF-8 编码 / not UTF-8: byte 0xB3 at column 7",
         "looks like GBK"),
    ),
    Case("utf16-bom", lambda: TEXT.encode("utf-16"), 2,
         ("{file}:1: <top>: 文件是 UTF-16 编码", "iconv -f UTF-16 -t UTF-8")),
    Case("utf32-bom", lambda: TEXT.encode("utf-32"), 2, ("文件是 UTF-32 编码",)),
    Case("random-bytes", lambda: random.Random(7).randbytes(4096), 2, ("{file}:",)),
    Case("png", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), 2,
         ("二进制文件 / binary file", "is this the right file?")),
    Case("nul-byte", lambda: b"hall_id: x\nname: a\x00b\n", 2,
         ("{file}:2: <top>: 二进制文件 / binary file", "NUL byte at column 8")),
    Case("control-char", lambda: _sample("name: 城东", "name: \x07城东"), 2,
         ("{file}:4: <top>: 不允许的控制字符 / control character U+0007", "delete it")),
    Case("empty", lambda: b"", 2, ("{file}: <top>: 文件是空的 / the file is empty",)),
    Case("only-comments", lambda: b"# nothing here\n", 2, ("文件是空的",)),
    Case(
        "unquoted-9:00",
        lambda: _sample('  open: "09:00"', "  open: 9:00"),
        2,
        ("{file}:10: hours.open: 时间请加引号 / quote times", "number 540", '(open: "09:00")'),
    ),
    Case(
        "unquoted-17:00",
        lambda: _sample('  close: "17:00"', "  close: 17:00"),
        2,
        ("{file}:11: hours.close: 时间请加引号", "number 1020", '(close: "17:00")'),
    ),
    Case(
        "unquoted-9:00:00",
        lambda: _sample('  last_ticket: "16:30"', "  last_ticket: 9:00:00"),
        2,
        ("{file}:12: hours.last_ticket: 时间请加引号", '(last_ticket: "09:00:00")'),
    ),
    Case(
        "time-as-number",
        lambda: _sample('  open: "09:00"', "  open: 900"),
        2,
        ("{file}:10: hours.open: 时间请加引号 / quote times: 900 is a number", 'open: "09:00"'),
    ),
    Case(
        "time-with-zone",
        lambda: _sample('  open: "09:00"', '  open: "09:00+08:00"'),
        2,
        ("{file}:10: hours.open:", 'open: "09:00"'),
    ),
    Case(
        "deep-sequence",
        lambda: b"[" * 10_000 + b"]" * 10_000,
        2,
        ("{file}:1: [0][0][0][0][0][0]…: 嵌套过深 / nested too deep", "unclosed brackets"),
    ),
    Case(
        "deep-mapping",
        lambda: b"{a: " * 10_000 + b"1" + b"}" * 10_000,
        2,
        ("{file}:1: a.a.a.a.a.a…: 嵌套过深 / nested too deep",),
    ),
    Case(
        "deep-block",
        lambda: "\n".join("  " * i + f"k{i}:" for i in range(200)).encode() + b" 1\n",
        2,
        ("{file}:32: k0.k1.k2.k3.k4.k5…: 嵌套过深",),
    ),
    Case(
        "duplicate-top-key",
        lambda: TEXT.encode() + b"hall_id: other\n",
        2,
        (
            f"{{file}}:{TEXT.count(chr(10)) + 1}: hall_id: 重复的键 / duplicate key 'hall_id': "
            f"first at line 3, again at line {TEXT.count(chr(10)) + 1}",
            "delete one of them",
        ),
    ),
    Case(
        "duplicate-nested-key",
        lambda: CLOSE_TWICE,
        2,
        ("{file}:12: hours.close: 重复的键", "first at line 11, again at line 12"),
    ),
    Case(
        "duplicate-in-flow-mapping",
        lambda: _sample("{id: W01, number: 1,", "{id: W01, number: 1, number: 2,"),
        2,
        ("windows[0].number: 重复的键 / duplicate key 'number'",),
    ),
    Case("billion-laughs", _bomb, 2,
         ("{file}:6: f: 别名展开过大 / aliases expand to more than", "fewer anchors")),
    Case("recursive-alias", lambda: b"hall_id: &a [*a]\n", 2,
         ("{file}:1: hall_id[0]: 别名引用自身",)),
    Case("undefined-alias", lambda: b"hall_id: *nope\n", 2,
         ("{file}:1: hall_id: YAML 格式错误 / not valid YAML: found undefined alias",)),
    Case("top-level-list", lambda: b"- hall_id: x\n- name: y\n", 2,
         ("{file}:1: <top>: 顶层须为键值映射 / the file must be a mapping of keys", "'hall_id:")),
    Case("top-level-scalar", lambda: b"just words\n", 2, ("the file must be a mapping of keys",)),
    Case("tabs", lambda: _sample('  open: "09:00"', '\topen: "09:00"'), 2,
         ("{file}:10: hours: YAML 格式错误 / not valid YAML", "indent with spaces, not tabs")),
    Case("unclosed-bracket", lambda: b"hall_id: x\nname: [unclosed\n", 2,
         ("{file}:3: name: YAML 格式错误 / not valid YAML",)),
    Case("two-documents", lambda: b"hall_id: x\n---\nhall_id: y\n", 2,
         ("{file}:2: <top>: YAML 格式错误", "expected a single document")),
    Case("unknown-tag", lambda: _sample("language: zh", "language: !foo zh"), 2,
         ("{file}:7: language: YAML 格式错误", "remove the tag")),
    Case("impossible-date", lambda: _sample("  profile: chengdong", "  profile: chengdong\n"
                                            "  holidays: [2024-02-30]"), 2,
         ("attendance.holidays[0]: YAML 格式错误", "day is out of range", "YYYY-MM-DD")),
    Case("list-as-key", lambda: b"? [a, b]\n: 1\n", 2, ("found unhashable key", "plain word")),
    Case("huge", _huge, 2,
         ("{file}: <top>: 文件过大 / file too large", "limit 1 MiB", "is this the right file?")),
    Case(
        "printer-width-wide",
        lambda: _sample("options: {width_mm: 80}", "options: {width_mm: wide}"),
        2,
        (
            "{file}:196: nodes[1].devices[0].options.width_mm: 设备选项有误 / "
            "kiosk-1/printer (printer): Input should be 58 or 80",
            "allowed: 58 or 80",
        ),
    ),
    Case(
        "printer-option-misspelt",
        lambda: _sample("options: {width_mm: 80}", "options: {widht_mm: 80}"),
        2,
        ("{file}:196: nodes[1].devices[0].options.widht_mm: 设备选项有误",
         "did you mean 'width_mm'?"),
    ),
    Case(
        "printer-bad-port",
        lambda: _sample("port: sim, options: {width_mm: 80}",
                        "port: lpt1, options: {width_mm: 80}"),
        2,
        ("{file}:196: nodes[1].devices[0].port: 设备选项有误", "usb:VVVV:PPPP"),
    ),
    Case(
        "driver-for-another-kind",
        lambda: _sample("options: {width_mm: 80}", "options: {driver: led}"),
        2,
        ("nodes[1].devices[0].options.driver: 设备选项有误", "not 'printer'"),
    ),
    Case(
        "keypad-unknown-action",
        lambda: _sample("{name: keys, kind: keypad, port: sim}",
                        "{name: keys, kind: keypad, port: sim, options: {keymap: {KEY_KP1: nxt}}}"),
        2,
        ("{file}:211: nodes[7].devices[0].options.keymap: 设备选项有误", "unknown action 'nxt'"),
    ),
    Case(
        "camera-option",
        lambda: _sample("{name: camera, kind: camera, port: sim}",
                        "{name: camera, kind: camera, port: sim, options: {max_width: 10}}"),
        2,
        ("{file}:207: nodes[4].devices[0].options.max_width: 设备选项有误 / terminal-1/camera",),
    ),
    Case(
        "mcu-option-range",
        lambda: _sample("devices: [{name: led, kind: led, port: sim}]",
                        "devices: [{name: led, kind: led, port: sim, options: {max_retries: 99}}]"),
        2,
        ("nodes[5].devices[0].options.max_retries: 设备选项有误 / display-W01/led",),
    ),
    Case("directory", None, 2, ("{file}: <top>: 是目录，不是文件 / is a directory",)),
    Case("missing", None, 2, ("{file}: <top>: cannot read: No such file or directory",
                              "shipped halls: chengdong")),
    Case("fifo", None, 2, ("{file}: <top>: 不是普通文件 / not a regular file",)),
    Case("unreadable", None, 2, ("{file}: <top>: cannot read: Permission denied", "ls -l")),
]


def _make(case: Case, tmp_path: Path) -> Path:
    path = tmp_path / f"{case.name}.yaml"
    if case.content is not None:
        path.write_bytes(case.content())
    elif case.name == "directory":
        path.mkdir()
    elif case.name == "fifo":
        os.mkfifo(path)
    elif case.name == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads every file")
        path.write_text(TEXT, encoding="utf-8")
        path.chmod(0)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_config_check_explains_every_file(case: Case, tmp_path: Path) -> None:
    """Exit 0 or 2, no traceback; the known case's message with file, line, path and fix."""
    path = _make(case, tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "hall.cli", "config", "check", str(path)],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert "Traceback" not in res.stderr, res.stderr
    assert "internal error" not in res.stderr, res.stderr
    assert res.returncode == case.status, res.stderr
    if case.status == 0:
        assert "ok / 配置正确" in res.stdout
    else:
        assert f"{path}: " in res.stderr and "配置有误" in res.stderr
    for expected in case.expect:
        assert expected.format(file=path) in res.stderr, res.stderr


def test_size_limit_sits_between_a_hall_file_and_a_slow_parse() -> None:
    """The limit is well above any hall (the sample is tens of KB) and below a slow parse."""
    assert 20 * SAMPLE.stat().st_size < MAX_BYTES <= 4 * 1024 * 1024


def test_quoted_times_and_leading_zero_times_are_accepted(tmp_path: Path) -> None:
    """Only what YAML 1.1 misreads (9:00, 17:00) is refused; "9:00" quoted and 09:00 are the
    text they look like for every YAML reader (yaml.safe_dump writes 09:00 unquoted)."""
    path = tmp_path / "hall.yaml"
    text = TEXT.replace('open: "09:00"', 'open: "9:00"').replace('last_ticket: "16:30"',
                                                                   "last_ticket: 16:30:00")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="last_ticket"):
        load_hall(path)
    path.write_text(TEXT.replace('open: "09:00"', "open: 09:00"), encoding="utf-8")
    assert load_hall(path).hours.open.isoformat() == "09:00:00"
    path.write_text(TEXT.replace('open: "09:00"', 'open: "9:00"'), encoding="utf-8")
    assert load_hall(path).hours.open.isoformat() == "09:00:00"
