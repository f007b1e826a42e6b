"""Imports go one way: the layer order of pyproject.toml, checked over every module.

The order is written once (``[tool.servicehall.layers]``); this test reads each module's
imports with ``ast`` (top-level and inside functions alike: a lazy import is still an
arrow) and fails on any that points up the order, across to a peer, or from a node into
a service.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

LAYERS = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["servicehall"]["layers"]
ORDER: list[list[str]] = LAYERS["order"]
NODES: list[str] = LAYERS["nodes"]
NODE_BASE: list[str] = LAYERS["node_base"]
ALLOW: dict[str, list[str]] = LAYERS["allow"]
PURE: dict[str, list[str]] = LAYERS["pure"]
PACKAGES = {p for layer in ORDER for p in layer} | set(NODES)
RANK = {p: i for i, layer in enumerate(ORDER) for p in layer}


@dataclass(frozen=True)
class Arrow:
    module: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}"


def _module_name(path: Path, root: Path) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def arrows(package: str, root: Path = REPO) -> Iterator[Arrow]:
    """Every import in ``package``, absolute (relative imports stay inside it).

    ``from a import b`` is an arrow to ``a.b``: ``b`` may be a module (``from attendance
    import intake``), and a name inside ``a`` is still inside ``a``.
    """
    for path in sorted((root / package).rglob("*.py")):
        module = _module_name(path, root)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Arrow(module, alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    yield Arrow(module, f"{node.module}.{alias.name}", node.lineno)


def _within(name: str, prefixes: list[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _top(name: str) -> str:
    return name.split(".")[0]


def violations(package: str, root: Path = REPO) -> list[str]:
    """What ``package`` imports against the declared order, one line each."""
    found = []
    for arrow in arrows(package, root):
        target = _top(arrow.imported)
        if target not in PACKAGES or target == package:
            continue
        if package in NODES:
            if target in NODE_BASE or _within(arrow.imported, ALLOW.get(package, [])):
                continue
            found.append(f"{arrow} (a node imports only {NODE_BASE} and its allow list)")
        elif target in NODES:
            if package != "hall":
                found.append(f"{arrow} (only hall/ may import a node)")
        elif RANK[target] > RANK[package]:
            found.append(f"{arrow} (up the layer order)")
        elif RANK[target] == RANK[package]:
            found.append(f"{arrow} (a peer in the same layer)")
    return found


def test_the_declared_order_names_every_package_of_the_tree_once() -> None:
    """A new top-level package must be placed in the order before it can be imported."""
    declared = [p for layer in ORDER for p in layer] + NODES
    assert len(declared) == len(set(declared))
    on_disk = {
        p.parent.name
        for p in REPO.glob("*/__init__.py")
        if p.parent.name not in {"tests", "bench", "docs", "scripts"}
    }
    assert on_disk == set(declared)


def test_no_module_imports_against_the_layer_order() -> None:
    """Lower layers never import higher ones; hallqueue and attendance import no controller
    or hall; kiosk, the terminal and the bridge import no service and no controller."""
    found = [line for package in sorted(PACKAGES) for line in violations(package)]
    assert found == [], "\n".join(found)


def test_the_check_reports_each_kind_of_wrong_arrow(tmp_path: Path) -> None:
    """The checker itself, on a small tree: up the order (also inside a function), across to
    a peer, a node into a service, a service into a node; what is allowed passes."""
    files = {
        "hallqueue/service.py": "from controller.app import Controller\n",
        "hallqueue/lazy.py": "def f():\n    import hall.compose\n",
        "attendance/x.py": "from hallqueue import stats\n",
        "kiosk/model.py": "from store import tables\nfrom bus.core import Bus\n",
        "store/y.py": "import kiosk.app\nfrom workdays.calendar import WorkdayCalendar\n",
        "terminal/desk.py": "from attendance import intake\nfrom attendance import service\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = {
        p: violations(p, tmp_path)
        for p in ("hallqueue", "attendance", "kiosk", "store", "terminal")
    }
    assert found["hallqueue"] == [
        "hallqueue.lazy:2 imports hall.compose (up the layer order)",
        "hallqueue.service:1 imports controller.app.Controller (up the layer order)",
    ]
    assert found["attendance"] == [
        "attendance.x:1 imports hallqueue.stats (a peer in the same layer)"
    ]
    assert [line.split(" (")[0] for line in found["kiosk"]] == [
        "kiosk.model:1 imports store.tables"
    ]
    assert found["store"] == ["store.y:1 imports kiosk.app (only hall/ may import a node)"]
    assert [line.split(" (")[0] for line in found["terminal"]] == [
        "terminal.desk:2 imports attendance.service"
    ]


def test_pure_cores_import_only_their_package_config_and_the_standard_library() -> None:
    """hallqueue.engine and attendance.rules take time and inputs as arguments: no bus client,
    store, SQL, MQTT, serial or clock library among their imports; of bus, the engine imports
    only the command and view models, and bus.models imports only pydantic and config."""
    found = []
    for core, allowed in PURE.items():
        package = core.split(".")[0]
        for arrow in arrows(package):
            if not _within(arrow.module, [core]):
                continue
            name = arrow.imported
            if _within(name, [core, *allowed]) or _top(name) in sys.stdlib_module_names:
                continue
            found.append(str(arrow))
    assert found == [], "\n".join(found)


FORBIDDEN_TOPS = (
    "bus", "store", "controller", "hall", "sqlalchemy", "paho", "kivy", "serial", "usb",
)  # fmt: skip
"""What a pure core may not load, but for the pure cores themselves (``bus.models``)."""


def _loaded_io(imports: str) -> list[str]:
    """The forbidden modules a fresh interpreter has loaded after ``import <imports>``: any
    of ``FORBIDDEN_TOPS`` that is not inside a declared pure core (nor a package holding one,
    like ``bus``, whose ``__init__`` runs first)."""
    pure = sorted(PURE)
    code = (
        f"import sys, json, {imports};"
        f"pure = {pure!r};"
        "inside = lambda m: any(m == p or m.startswith(p + '.') or p.startswith(m + '.')"
        " for p in pure);"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN_TOPS!r}"
        " and not inside(m))))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    loaded: list[str] = json.loads(res.stdout)
    return loaded


def test_importing_a_pure_core_loads_no_io_library() -> None:
    """Transitively too: importing the cores in a fresh interpreter loads no bus client,
    store, controller, SQL, MQTT, Kivy, serial or USB module. Of bus only the pydantic
    message models (``bus.models``, a pure core of its own) may come along."""
    assert _loaded_io("hallqueue.engine, attendance.rules") == []


def test_the_load_check_catches_a_bus_client_or_paho_coming_along() -> None:
    """The check above would fail if a pure core pulled in the MQTT client or paho."""
    assert _loaded_io("bus.models.queue, bus.core") == ["bus.core"]
    assert "paho" in _loaded_io("bus.models, paho.mqtt.client")
