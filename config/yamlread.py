"""Reading a hall file into YAML nodes and data, whatever the file holds.

Every way a file can be unreadable ends in a ``ConfigError`` naming the file, the line and
a fix, never in a traceback: too large, not a regular file, binary, not UTF-8 (a GBK file
saved by a Chinese Windows editor is the usual case), control characters, YAML syntax,
nesting too deep, anchors that expand too far. Two things YAML itself lets through are
reported too: a key given twice in one mapping (YAML keeps the last and drops the first
without a word) and a time written unquoted that YAML 1.1 reads as a number (``9:00`` is
540). The loader reads such a value as the text it looks like, so one mistake does not
hide the others; the file is still refused.

A UTF-8 byte-order mark is tolerated (skipped): Windows Notepad wrote one with every UTF-8
file before Windows 10 1903, the YAML spec allows it, and it says exactly what the file is.
UTF-16 and UTF-32 (with their marks) are refused with the ``iconv`` line that converts them.
"""

from __future__ import annotations

import codecs
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from config.problems import ConfigError, Loc, Problem, format_loc

MAX_BYTES = 1024 * 1024
"""A hall file is tens of KB (the sample: 12 KB); above 1 MiB it is not a hall file, and the
pure-Python YAML parser would take seconds per MB on a Pi."""
MAX_DEPTH = 32
"""Nesting levels, counting through aliases; the sample needs 5."""
MAX_NODES = 100_000
"""Values after expanding aliases (the sample has about 2,000): bounds a "billion laughs"."""

# YAML 1.1 base-60 numbers: 9:00 is the int 540, 1:30.5 the float 90.5. A leading zero
# (09:00) is no int in YAML 1.1 either, so every reader takes that one as text.
_SEXAGESIMAL = re.compile(
    r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
)
_CLOCK = re.compile(r"([0-9]{1,2}):([0-5][0-9])(?::([0-5][0-9]))?")
# What the YAML reader refuses (its NON_PRINTABLE), found here to name the line.
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _refuse(file: str, message: str, hint: str, line: int | None = None, path: str = "") -> None:
    raise ConfigError([Problem(file, path, message, line, hint)])


def _line_col(data: bytes | str, offset: int) -> tuple[int, int]:
    before = data[:offset]
    newline = b"\n" if isinstance(before, bytes) else "\n"
    start = before.rfind(newline) + 1  # type: ignore[arg-type]
    return before.count(newline) + 1, offset - start + 1  # type: ignore[arg-type]


def read_text(path: Path, missing_hint: str = "") -> str:
    """The text of a hall file, or a ``ConfigError`` saying why it cannot be one."""
    file = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            _refuse(file, "是目录，不是文件 / is a directory, not a file",
                    "give the hall's .yaml file, e.g. config/halls/chengdong.yaml")
        if not stat.S_ISREG(info.st_mode):
            _refuse(file, "不是普通文件 / not a regular file", "give the hall's .yaml file")
        if info.st_size > MAX_BYTES:
            _refuse(file, f"文件过大 / file too large: {info.st_size} bytes (limit 1 MiB)",
                    "a hall config is tens of KB; is this the right file?")
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, FileNotFoundError | NotADirectoryError):
            hint = missing_hint
        elif isinstance(exc, PermissionError):
            hint = "check its permissions (ls -l), or run as the user the hall service runs as"
        else:
            hint = "check the path"
        _refuse(file, f"cannot read: {reason}", hint)
    if len(data) > MAX_BYTES:  # grew since stat
        _refuse(file, "文件过大 / file too large (limit 1 MiB)", "is this the right file?")
    return decode(data, file)


def decode(data: bytes, file: str) -> str:
    """UTF-8 text without control characters, or a ``ConfigError`` naming the first bad byte."""
    data = data.removeprefix(codecs.BOM_UTF8)
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            _refuse(file, f"文件是 {name} 编码 / {name} text, not UTF-8",
                    f"save it as UTF-8, e.g. iconv -f {name} -t UTF-8 {file} > hall.yaml", 1)
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _line_col(data, nul)
        _refuse(file, f"二进制文件 / binary file, not YAML text (NUL byte at column {col})",
                "is this the right file? a hall config is a UTF-8 text file", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        try:
            data.decode("gb18030")
            hint = (f"looks like GBK: save it as UTF-8, e.g. "
                    f"iconv -f gbk -t utf-8 {file} > hall.yaml")
        except UnicodeDecodeError:
            hint = "save it as UTF-8 text (is this the right file?)"
        _refuse(file, f"文件不是 UTF-8 编码 / not UTF-8: byte 0x{data[exc.start]:02X} at "
                f"column {col}", hint, line)
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line, col = _line_col(text, bad.start())
        _refuse(file, f"不允许的控制字符 / control character U+{ord(bad.group()):04X} at "
                f"column {col}", "delete it (often pasted in from another program)", line)
    return text


class _Refused(Exception):
    def __init__(self, message: str, hint: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message, self.hint, self.mark = message, hint, mark


_ROOT, _KEY = object(), object()


class _HallLoader(yaml.SafeLoader):
    """SafeLoader that keeps base-60 numbers as text, and notes duplicate keys, unquoted
    times and the key path it is at (for syntax errors)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.stack: list[object] = []
        self.error_loc: Loc | None = None
        self.notes: list[tuple[Loc, int, str, str]] = []
        self.error_node: yaml.Node | None = None

    def loc(self) -> Loc:
        return tuple(p for p in self.stack if isinstance(p, str | int))

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and _SEXAGESIMAL.fullmatch(value):
            return _STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Any, index: Any) -> Any:
        if parent is None:
            part: object = _ROOT
        elif index is None:
            part = _KEY
        elif isinstance(index, int):
            part = index
        else:
            part = index.value if isinstance(index, yaml.ScalarNode) else "?"
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(f"嵌套过深 / nested too deep: more than {MAX_DEPTH} levels",
                           "a hall config needs a few; look for unclosed brackets",
                           self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self.stack.append(part)
        try:
            return super().compose_node(parent, index)
        except Exception:
            if self.error_loc is None:
                self.error_loc = self.loc()
            raise
        finally:
            self.stack.pop()

    def compose_scalar_node(self, anchor: Any) -> Any:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        node = super().compose_scalar_node(anchor)
        if event.tag is None and event.style is None and _SEXAGESIMAL.fullmatch(event.value):
            self._unquoted(event.value, node.start_mark.line + 1)
        return node

    def _unquoted(self, value: str, line: int) -> None:
        loc = self.loc()
        key = loc[-1] if loc and isinstance(loc[-1], str) else ""
        clock = _CLOCK.fullmatch(value)
        if clock and int(clock.group(1)) < 24:
            quoted = f"{int(clock.group(1)):02d}:{clock.group(2)}"
            quoted += f":{clock.group(3)}" if clock.group(3) else ""
        else:
            quoted = value
        number = ""
        if "." not in value:
            total = 0
            for part in value.lstrip("+-").replace("_", "").split(":"):
                total = total * 60 + int(part)
            number = f" {-total if value.startswith('-') else total}"
        self.notes.append((
            loc, line,
            f"时间请加引号 / quote times: YAML 1.1 reads {value} as the number{number}",
            f'{key}: "{quoted}"' if key else f'"{quoted}"',
        ))

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                continue
            line = key.start_mark.line + 1
            first = seen.get((key.tag, key.value))
            if first is None:
                seen[(key.tag, key.value)] = line
            else:
                self.notes.append((
                    (*self.loc(), key.value), line,
                    f"重复的键 / duplicate key {key.value!r}: first at line {first}, "
                    f"again at line {line}",
                    "YAML keeps only the last one; delete one of them",
                ))
        return node

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            if self.error_node is None:
                self.error_node = node
            raise
        except Exception as exc:  # e.g. 2024-02-30 matches the date pattern, then fails
            if self.error_node is None:
                self.error_node = node
            kind = str(node.tag).rsplit(":", 1)[-1]
            detail = f": {exc}" if isinstance(exc, ValueError) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {node.value!r} as a {kind}{detail}", node.start_mark
            ) from None


def _yaml_hint(problem: str) -> str:
    if "'\\t'" in problem:
        return "用空格缩进，不要用制表符 / indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or check the indentation"
    if "alias" in problem or "anchor" in problem:
        return "define each &anchor once, before its *alias"
    if "constructor for the tag" in problem:
        return "remove the tag (the word after '!'); a hall file needs none"
    if "unhashable" in problem:
        return "a key is a plain word, not a list or a mapping"
    if "cannot read" in problem:
        return 'if it is meant as text, quote it: "…"; a date is YYYY-MM-DD'
    return "check the indentation, quotes and brackets on this line and the one above"


def _measure(root: yaml.Node, file: str) -> None:
    """Refuse a tree that expands (through aliases) past ``MAX_NODES`` or ``MAX_DEPTH``.

    Anchored nodes come before their aliases, so the first visit of each node is at its
    own place in the document and the recursion is as deep as the text nests (bounded).
    """
    done: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def fail(node: yaml.Node, loc: Loc, message: str) -> None:
        _refuse(file, message, "use fewer anchors/aliases (&name, *name)",
                node.start_mark.line + 1, format_loc(loc))

    def visit(node: yaml.Node, loc: Loc) -> tuple[int, int]:
        key = id(node)
        if key in done:
            return done[key]
        if key in active:
            fail(node, loc, "别名引用自身 / an alias refers to the value that contains it")
        active.add(key)
        size, depth = 1, 0
        children: list[tuple[str | int, yaml.Node]] = []
        if isinstance(node, yaml.MappingNode):
            children = [(str(k.value), v) for k, v in node.value]
            children += [("?", k) for k, _ in node.value if not isinstance(k, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            children = list(enumerate(node.value))
        for part, child in children:
            child_size, child_depth = visit(child, (*loc, part))
            size, depth = size + child_size, max(depth, child_depth + 1)
            if size > MAX_NODES:
                fail(node, loc, f"别名展开过大 / aliases expand to more than {MAX_NODES} values")
            if depth > MAX_DEPTH:
                fail(node, loc, f"嵌套过深 / nested too deep through aliases (> {MAX_DEPTH})")
        active.discard(key)
        done[key] = (size, depth)
        return size, depth

    visit(root, ())


def parse(text: str, file: str) -> tuple[yaml.Node | None, Any, list[Problem]]:
    """The node tree (for lines), the data, and the problems that do not stop reading
    (duplicate keys, unquoted times); raises ``ConfigError`` for the ones that do."""
    loader = _HallLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except _Refused as exc:
            line = exc.mark.line + 1 if exc.mark is not None else None
            loc = loader.error_loc or ()
            where = format_loc(loc[:6]) + ("…" if len(loc) > 6 else "")
            _refuse(file, exc.message, exc.hint, line, where)
        except yaml.YAMLError as exc:
            _refuse_yaml(file, exc, loader.error_loc or ())
        if root is None:
            return None, None, []
        _measure(root, file)
        try:
            data = loader.construct_document(root)
        except yaml.YAMLError as exc:
            _refuse_yaml(file, exc, _find(root, loader.error_node))
        problems = [Problem(file, format_loc(loc), message, line, hint)
                    for loc, line, message, hint in loader.notes]
        return root, data, problems
    finally:
        loader.dispose()


def _find(root: yaml.Node, target: yaml.Node | None) -> Loc:
    """The key path of ``target`` in the tree (measured, so bounded), or ``()``."""
    todo: list[tuple[yaml.Node, Loc]] = [(root, ())]
    seen: set[int] = set()
    while todo and target is not None:
        node, loc = todo.pop()
        if node is target:
            return loc
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                part = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                todo += [(key, loc), (value, (*loc, part))]
        elif isinstance(node, yaml.SequenceNode):
            todo += [(child, (*loc, i)) for i, child in enumerate(node.value)]
    return ()


def _refuse_yaml(file: str, exc: yaml.YAMLError, loc: Loc) -> None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        problem += f" ({context} at line {context_mark.line + 1})"
    elif context:
        problem += f" ({context})"
    line = mark.line + 1 if mark is not None else None
    column = f" at column {mark.column + 1}" if mark is not None else ""
    _refuse(file, f"YAML 格式错误 / not valid YAML: {problem}{column}", _yaml_hint(problem),
            line, format_loc(loc))
