"""Runtime dependencies are runtime dependencies: every third-party module that Mizan's own code imports
(anything but the tests and the benchmarks) comes from a distribution in `[project.dependencies]`, so a
plain `pip install .` runs the API and the worker, certificates included; the `dev` extra holds test and
lint tools only."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("core", "config", "i18n", "store", "search", "certificates", "mail", "workflows", "activities", "api",
           "infra")
TEST_AND_LINT_TOOLS = re.compile(r"^(pytest(-[a-z]+)?|playwright|schemathesis|ruff|mypy|types-[a-z0-9-]+)$")


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement such as `uvicorn[standard]==0.54.0`."""
    bare = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _third_party_imports() -> dict[str, list[str]]:
    """Top-level module -> the files of Mizan's runtime code that import it."""
    found: dict[str, list[str]] = {}
    for room in RUNTIME:
        for path in (ROOT / room).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in RUNTIME:
                        found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_module_the_runtime_imports_is_a_runtime_dependency() -> None:
    declared = {_name(r) for r in _project()["dependencies"]}  # type: ignore[attr-defined]
    distributions = packages_distributions()
    missing = {}
    for module, files in sorted(_third_party_imports().items()):
        providers = {_name(d) for d in distributions.get(module, [])}
        if not providers & declared:
            missing[module] = (sorted(providers), files[:3])
    assert missing == {}


def test_the_dev_extra_holds_test_and_lint_tools_only() -> None:
    dev = [_name(r) for r in _project()["optional-dependencies"]["dev"]]  # type: ignore[index]
    assert [name for name in dev if not TEST_AND_LINT_TOOLS.match(name)] == []
