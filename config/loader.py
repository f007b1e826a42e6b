"""Loading a hall's YAML with errors that name the file, the line, the key path and a fix.

Every problem is collected before reporting, so a hall manager fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from config.schema import HallConfig

HALLS_DIR = Path(__file__).resolve().parent / "halls"
DEFAULT_HALL = "chengdong"

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a config file."""

    file: str
    path: str
    message: str
    line: int | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path or '<top>'}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class ConfigError(Exception):
    """A hall config that cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
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


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc``, to suggest the right spelling."""
    model: Any = HallConfig
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        field = fields.get(part) if fields is not None else None
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _is_union_member(part: str | int) -> bool:
    return isinstance(part, str) and (part[:1].isupper() or "[" in part)


def _pydantic_problems(
    file: str, root: yaml.Node | None, err: ValidationError
) -> Iterator[Problem]:
    for e in err.errors():
        loc: Loc = tuple(e["loc"])
        # Union members add their type name to the location; it means nothing to a hall manager.
        loc = tuple(p for p in loc if not _is_union_member(p))
        hint = ""
        if e["type"] == "extra_forbidden":
            model = _model_at(loc)
            known = sorted(model.model_fields) if model else []
            hint = _suggest(str(loc[-1]), known) or (
                f"known keys here: {', '.join(known)}" if known else "remove it"
            )
            message = "unknown key"
        elif e["type"] == "missing":
            message, hint = "required key is missing", "add it"
        else:
            message = e["msg"]
        yield Problem(file, format_loc(loc), message, _line_of(root, loc), hint)


def _reference_problems(hall: HallConfig) -> Iterator[tuple[Loc, str, str]]:
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


def parse_hall(data: Any, file: str = "<config>", root: yaml.Node | None = None) -> HallConfig:
    """Validate already-parsed YAML data; raises ConfigError with every problem."""
    if not isinstance(data, dict):
        raise ConfigError([Problem(file, "", "the file must be a mapping of keys", 1)])
    try:
        hall = HallConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(list(_pydantic_problems(file, root, err))) from None
    problems = [
        Problem(file, format_loc(loc), message, _line_of(root, loc), hint)
        for loc, message, hint in _reference_problems(hall)
    ]
    if problems:
        raise ConfigError(problems)
    return hall


def load_hall(path: str | Path) -> HallConfig:
    """Load and validate one hall file."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        shipped = sorted(p.stem for p in HALLS_DIR.glob("*.yaml"))
        hint = _suggest(path.stem, shipped) or f"shipped halls: {', '.join(shipped)}"
        raise ConfigError([Problem(file, "", f"cannot read: {exc.strerror}", hint=hint)]) from None
    # One parse: the node tree gives the line numbers, and the data is built from it.
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError([Problem(file, "", f"not valid YAML: {exc}", line)]) from None
    finally:
        loader.dispose()
    return parse_hall(data, file, root)


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
    if path.exists() or path.suffix in (".yaml", ".yml"):
        return path
    return HALLS_DIR / f"{name_or_path}.yaml"
