"""Loading a hall's YAML with errors that name the file, the line, the key path and a fix.

Every problem is collected before reporting, so a hall manager fixes a file in one pass.
Reading the file (encoding, size, YAML syntax, duplicate keys, unquoted times) is
``config.yamlread``; this module checks what was read against the schema, the
cross-references and the checks a caller adds (``hall config check`` adds the drivers'
option schemas, which ``config`` may not import).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from config.problems import ConfigError, Finding, Loc, Problem, format_loc, suggest
from config.schema import HallConfig
from config.yamlread import parse, read_text

__all__ = [
    "ConfigError", "Finding", "HallCheck", "Loc", "Problem", "format_loc", "load_hall",
    "load_hall_or_exit", "parse_hall", "resolve_hall_path", "validation_findings",
]

HALLS_DIR = Path(__file__).resolve().parent / "halls"
DEFAULT_HALL = "chengdong"

HallCheck = Callable[[HallConfig], Iterable[Finding]]
"""A check beyond the schema, run on a hall that passed it; its findings get file and line."""


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            # The last of duplicated keys: it is the value the data holds.
            pair = next(((k, v) for k, v in reversed(node.value) if k.value == str(part)), None)
            if pair is None:
                return line
            if i == len(loc) - 1:
                # The key's own line: for an unknown key that is where the fix goes.
                return int(pair[0].start_mark.line) + 1
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = int(node.start_mark.line) + 1
    return line


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc``, to suggest the right spelling."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        field = fields.get(part) if fields is not None else None
        if field is None:
            return None
        current = _inner_model(field.annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _suggest(word: str, choices: Iterable[str]) -> str:
    return suggest(word, choices)


def _looks_like_union_member(part: object) -> bool:
    return isinstance(part, str) and (part[:1].isupper() or "[" in part)


def _data_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """``loc`` without the names pydantic adds for union members (``str``, ``Node``, …).

    A part that is a key or index of the data is kept (a keymap's ``KEY_KP1`` is a key, not
    a type); past the data (a missing key) the names are told apart by their look.
    """
    out: list[str | int] = []
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, Sequence) and not isinstance(data, str) and isinstance(part, int):
            data = data[part] if -len(data) <= part < len(data) else None
        elif _looks_like_union_member(part) or part in ("str", "int"):
            continue
        else:
            data = None
        out.append(part if isinstance(part, int) else str(part))
    return tuple(out)


def validation_findings(
    err: ValidationError, model: type[BaseModel], data: Any, base: Loc = ()
) -> Iterator[Finding]:
    """``(key path, message, fix)`` for each error of ``model.model_validate(data)``, the
    path under ``base``: unknown keys get the closest known key, numbers for times the hint
    to quote them."""
    for e in err.errors():
        loc = _data_loc(data, tuple(e["loc"]))
        hint = ""
        key = str(loc[-1]) if loc else ""
        if e["type"] == "extra_forbidden":
            owner = _model_at(model, loc)
            known = sorted(owner.model_fields) if owner else []
            hint = _suggest(key, known) or (
                f"known keys here: {', '.join(known)}" if known else "remove it"
            )
            message = "unknown key"
        elif e["type"] == "missing":
            message, hint = "required key is missing", "add it"
        elif e["type"] in ("time_unquoted", "time_format"):
            message, hint = e["msg"], f'e.g. {key}: "09:00"'
        else:
            message = e["msg"].removeprefix("Value error, ")
            expected = (e.get("ctx") or {}).get("expected")
            if e["type"] in ("literal_error", "enum") and expected:
                hint = f"allowed: {expected}"
        yield (*base, *loc), message, hint


def _reference_problems(hall: HallConfig) -> Iterator[Finding]:
    """Cross-references the schema alone cannot check."""
    departments = [d.code for d in hall.departments]
    prefixes = [c.prefix for c in hall.categories]
    windows = [w.id for w in hall.windows]

    def dupes(kind: str, values: list[str]) -> Iterator[tuple[Loc, str, str]]:
        seen: set[str] = set()
        for i, v in enumerate(values):
            if v in seen:
                yield (kind, i), f"duplicate {v!r}", "each must be unique in the hall"
            seen.add(v)

    yield from dupes("departments", departments)
    yield from dupes("categories", prefixes)
    yield from dupes("items", [i.code for i in hall.items])
    yield from dupes("windows", windows)
    yield from dupes("nodes", [n.id for n in hall.nodes])
    yield from dupes("staff", [s.id for s in hall.staff])
    numbers = [str(w.number) for w in hall.windows]
    for loc, message, hint in dupes("windows", numbers):
        yield (*loc, "number"), message.replace("duplicate", "duplicate window number"), hint

    def ref(
        loc: Loc, value: str | None, known: list[str], what: str
    ) -> Iterator[tuple[Loc, str, str]]:
        if value is not None and value not in known:
            yield (
                loc,
                f"unknown {what} {value!r}",
                _suggest(value, known) or f"known: {', '.join(known)}",
            )

    for i, c in enumerate(hall.categories):
        yield from ref(("categories", i, "department"), c.department, departments, "department")
        if not hall.windows_for(c.prefix):
            yield (
                ("categories", i),
                f"category {c.prefix} is served by no window",
                "add it to a window",
            )
    for i, item in enumerate(hall.items):
        yield from ref(("items", i, "category"), item.category, prefixes, "category")
        if item.type == "promised" and item.time_limit_workdays is None:
            yield (
                ("items", i, "time_limit_workdays"),
                "a promised item (承诺件) needs its time limit",
                "set time_limit_workdays",
            )
    for i, w in enumerate(hall.windows):
        yield from ref(("windows", i, "department"), w.department, departments, "department")
        for j, p in enumerate(w.categories):
            yield from ref(("windows", i, "categories", j), p, prefixes, "category")
    for i, n in enumerate(hall.nodes):
        yield from ref(("nodes", i, "window"), n.window, windows, "window")
        if n.role in ("display", "evaluator", "caller") and n.window is None:
            yield ("nodes", i, "window"), f"a {n.role} node needs its window", "set window: W01"
    for i, s in enumerate(hall.staff):
        yield from ref(("staff", i, "department"), s.department, departments, "department")
    h = hall.hours
    if not h.open < h.last_ticket <= h.close:
        yield ("hours",), "need open < last_ticket <= close", "e.g. 09:00, 16:30, 17:00"


def parse_hall(
    data: Any,
    file: str = "<config>",
    root: yaml.Node | None = None,
    checks: Iterable[HallCheck] = (),
    problems: Iterable[Problem] = (),
) -> HallConfig:
    """Validate already-parsed YAML data; raises ConfigError with every problem.

    ``problems`` are the reader's (duplicate keys, unquoted times), reported with the
    schema's; ``checks`` run on a hall that passed the schema, with the cross-references.
    """
    found = list(problems)

    def fail(more: Iterable[Finding]) -> ConfigError:
        found.extend(Problem(file, format_loc(loc), message, _line_of(root, loc), hint)
                     for loc, message, hint in more)
        return ConfigError(sorted(found, key=lambda p: p.line or 0))

    if root is None and data is None:
        raise fail([((), "文件是空的 / the file is empty",
                     "start from config/halls/chengdong.yaml")])
    if not isinstance(data, dict):
        raise fail([((), "顶层须为键值映射 / the file must be a mapping of keys",
                     "start with 'hall_id: …' at column 1, not '- ' or a bare value")])
    try:
        hall = HallConfig.model_validate(data)
    except ValidationError as err:
        raise fail(validation_findings(err, HallConfig, data)) from None
    findings = list(_reference_problems(hall))
    for check in checks:
        findings.extend(check(hall))
    if found or findings:
        raise fail(findings)
    return hall


def load_hall(path: str | Path, checks: Iterable[HallCheck] = ()) -> HallConfig:
    """Load and validate one hall file; ``checks`` add findings beyond the schema."""
    path = Path(path)
    file = str(path)
    shipped = sorted(p.stem for p in HALLS_DIR.glob("*.yaml"))
    missing = _suggest(path.stem, shipped) or f"shipped halls: {', '.join(shipped)}"
    text = read_text(path, missing_hint=missing)
    # One parse: the node tree gives the line numbers, and the data is built from it.
    root, data, problems = parse(text, file)
    return parse_hall(data, file, root, checks, problems)


def load_hall_or_exit(name_or_path: str | Path | None) -> HallConfig:
    """For the `hall` commands: the hall config, or every problem on stderr and exit status 2."""
    try:
        return load_hall(resolve_hall_path(name_or_path))
    except ConfigError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(2) from None


def resolve_hall_path(name_or_path: str | Path | None) -> Path:
    """A path as given, or the shipped hall of that id (default: the sample hall)."""
    if name_or_path is None:
        return HALLS_DIR / f"{DEFAULT_HALL}.yaml"
    path = Path(name_or_path)
    try:
        exists = path.exists()
    except (OSError, ValueError):  # a name too long, a directory we may not search: say so later
        exists = True
    if exists or path.suffix in (".yaml", ".yml") or "/" in str(name_or_path):
        return path
    return HALLS_DIR / f"{name_or_path}.yaml"
