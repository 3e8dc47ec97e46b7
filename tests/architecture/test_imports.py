"""The house's one-way rule, read from the code's own imports (module level and inside functions alike):

    api ──▶ workflows / activities ──▶ store / search / certificates / mail ──▶ i18n ──▶ core, config
                (activities ──▶ workflows)   (search ──▶ store)

`infra/` (starting the services, the CLI) and `bench/` stand on the side and may use any room; no room
uses them, nor `tests/`. And no two modules import each other, however indirectly.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("core", "config", "i18n", "store", "search", "certificates", "mail", "workflows", "activities", "api", "infra",
         "bench")

#: room -> the rooms it may import (besides itself)
MAY_IMPORT: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "config": frozenset({"core"}),
    "i18n": frozenset({"core", "config"}),
    "store": frozenset({"core", "config"}),
    "certificates": frozenset({"core", "config", "i18n"}),
    "mail": frozenset({"core", "config", "i18n"}),
    "search": frozenset({"core", "config", "store"}),
    "workflows": frozenset({"core", "config", "store"}),
    "activities": frozenset({"core", "config", "i18n", "store", "search", "certificates", "mail", "workflows"}),
    "api": frozenset({"core", "config", "i18n", "store", "search", "certificates", "mail", "workflows"}),
    "infra": frozenset(ROOMS) - {"bench"},
    "bench": frozenset(ROOMS),
}

def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    """Every module of Mizan's that `path` (the module named `module`) imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x` is this package, each further dot one up
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return {name for name in found if name.split(".")[0] in ROOMS}


def _graph() -> dict[str, set[str]]:
    files = [p for room in ROOMS for p in (ROOT / room).rglob("*.py") if "migrations" not in p.parts]
    modules = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        # `from pkg import name` names a module only when pkg.name is one
        graph[name] = {m for m in _imports(path, name) if m in modules and m != name}
    return graph


def test_every_import_runs_one_way() -> None:
    backwards = sorted(f"{module} -> {target}" for module, targets in _graph().items() for target in targets
                       if (room := module.split(".")[0]) != (other := target.split(".")[0])
                       and other not in MAY_IMPORT[room])
    assert backwards == []


def test_no_module_imports_itself_through_others() -> None:
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


def test_the_rule_sees_an_import_that_runs_back_up(tmp_path: Path) -> None:
    """The check itself can fail: a function-level import of api from store is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from api.cases.service import act\n    return act\n")
    assert "api.cases.service" in _imports(sample, "store.sample")
