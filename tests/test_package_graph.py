"""The package graph: which of the project's packages may import which (every import statement, also those
inside functions). ``domain`` and ``solver`` stand alone; ``infra`` (settings, connections, logging) sits
below everything that runs; ``jobs`` and ``schema`` never reach up into ``api`` (the HTTP edge and CLI)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "infra", "schema", "jobs", "domain", "solver", "scenarios")

# package -> the project packages it must not import
FORBIDDEN = {
    "domain": {"api", "infra", "schema", "jobs", "solver", "scenarios"},
    "solver": {"api", "infra", "schema", "jobs", "domain", "scenarios"},
    "infra": {"api", "schema", "jobs", "scenarios"},
    "jobs": {"api", "schema", "scenarios"},
    "schema": {"api", "scenarios"},
    "api": {"scenarios"},
}


def imported_packages(source: str) -> set[str]:
    """The top-level names of the absolute imports in ``source`` (relative ones stay in their package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def package_graph() -> dict[str, dict[str, set[str]]]:
    """package -> imported project package -> the files (relative paths) that import it."""
    graph: dict[str, dict[str, set[str]]] = {p: {} for p in PACKAGES}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in imported_packages(path.read_text(encoding="utf-8")) & set(PACKAGES) - {package}:
                graph[package].setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return graph


def test_the_walk_sees_imports_anywhere_in_a_module() -> None:
    source = "import api.app\nfrom schema import build\n\ndef f():\n    from jobs.queue import x\n"
    assert imported_packages(source) == {"api", "schema", "jobs"}
    assert imported_packages("from . import sibling\nfrom .x import y\n") == set()
    graph = package_graph()
    # Known edges, so that an empty graph (a wrong root, say) cannot pass.
    assert "schema" in graph["api"] and "domain" in graph["schema"] and "solver" in graph["jobs"]


def test_no_package_imports_one_above_it() -> None:
    graph = package_graph()
    wrong = {
        f"{package} -> {target}: {', '.join(sorted(files))}"
        for package, targets in graph.items()
        for target, files in targets.items()
        if target in FORBIDDEN.get(package, set())
    }
    assert not wrong, sorted(wrong)


def test_the_package_graph_has_no_cycle() -> None:
    graph = {package: set(targets) for package, targets in package_graph().items()}
    done: set[str] = set()

    def visit(package: str, path: tuple[str, ...]) -> None:
        assert package not in path, " -> ".join((*path, package))
        if package in done:
            return
        for target in sorted(graph[package]):
            visit(target, (*path, package))
        done.add(package)

    for package in PACKAGES:
        visit(package, ())
