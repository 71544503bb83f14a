"""The import graph between the top-level packages has no cycle, and the floor imports nothing.

Every ``import`` and ``from ... import`` of every module (read with ``ast``, at any depth: a
function-local import is an edge too) is an edge from the module's top-level package to the
imported one. The floor (``hirebridge_floor``: settings, the Redis client, logging, metrics)
imports none of the others; the rest form layers: ``storage`` on the floor, ``handlers`` and
``jobs_queue`` on ``storage``, and ``hirebridge`` (the entry points and the HTTP edge) on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
FLOOR = "hirebridge_floor"
PACKAGES = (FLOOR, "storage", "handlers", "jobs_queue", "hirebridge")
# What each package may import: the layers below it.
ALLOWED = {
    FLOOR: set(),
    "storage": {FLOOR},
    "handlers": {FLOOR, "storage"},
    "jobs_queue": {FLOOR, "storage"},
    "hirebridge": {FLOOR, "storage", "handlers", "jobs_queue"},
}


def imported_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def package_graph() -> dict[str, dict[str, set[str]]]:
    """For each package, the packages it imports and, for each, the modules that do."""
    graph: dict[str, dict[str, set[str]]] = {package: {} for package in PACKAGES}
    for package in PACKAGES:
        for path in sorted((REPOSITORY / package).rglob("*.py")):
            module = str(path.relative_to(REPOSITORY))
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for name in imported_names(tree):
                target = name.split(".")[0]
                if target in PACKAGES and target != package:
                    graph[package].setdefault(target, set()).add(module)
    return graph


def cycles(graph: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    found: list[list[str]] = []

    def visit(package: str, path: list[str]) -> None:
        for target in sorted(graph[package]):
            if target in path:
                found.append([*path[path.index(target) :], target])
            else:
                visit(target, [*path, target])

    for package in PACKAGES:
        visit(package, [package])
    return found


def test_the_package_graph_has_no_cycle() -> None:
    assert cycles(package_graph()) == []


def test_the_floor_imports_no_other_package() -> None:
    assert package_graph()[FLOOR] == {}


def test_each_package_imports_only_the_layers_below_it() -> None:
    graph = package_graph()
    upward = {
        f"{package} -> {target}": sorted(modules)
        for package, targets in graph.items()
        for target, modules in targets.items()
        if target not in ALLOWED[package]
    }
    assert upward == {}


def test_the_hirebridge_package_itself_imports_nothing() -> None:
    """``import hirebridge.x`` runs ``hirebridge/__init__.py`` first; it must stay empty of
    imports so that nothing is loaded by the way."""
    tree = ast.parse((REPOSITORY / "hirebridge" / "__init__.py").read_text(encoding="utf-8"))
    assert imported_names(tree) == set()


def test_the_graph_finds_a_cycle_when_there_is_one() -> None:
    graph: dict[str, dict[str, set[str]]] = {package: {} for package in PACKAGES} | {
        "storage": {"jobs_queue": {"storage/x.py"}},
        "jobs_queue": {"storage": {"jobs_queue/y.py"}},
    }
    assert ["jobs_queue", "storage", "jobs_queue"] in cycles(graph)
