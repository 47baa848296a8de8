"""ARCHITECTURE.md names every module of the packages, so the layout it gives stays the real one: a new
module without its line fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "infra", "schema", "domain", "jobs", "solver", "scenarios")


def _modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if path.name == "__init__.py" or relative.startswith("domain/migrations/"):
                continue
            found.append(relative)
    return found


def _named(doc: str, module: str) -> bool:
    folder, name = module.rsplit("/", 1)
    if f"`{module}`" in doc:
        return True
    # A row may group modules of one folder: `domain/services/mentors.py`, `students.py`, ...
    rows = [line for line in doc.splitlines() if line.startswith("|") and f"`{folder}/" in line]
    if any(re.search(rf"`{re.escape(name)}`", row) for row in rows):
        return True
    # schema/mutations/*.py lists its modules by name in one row.
    return any(f"`{folder}/*.py`" in row and re.search(rf"\b{re.escape(name[:-3])}\b", row) for row in rows)


def test_every_module_has_its_line() -> None:
    doc = (ROOT / "ARCHITECTURE.md").read_text()
    missing = [m for m in _modules() if not _named(doc, m)]
    assert missing == [], f"modules without a line in ARCHITECTURE.md: {missing}"


def test_every_module_named_exists() -> None:
    doc = (ROOT / "ARCHITECTURE.md").read_text()
    named = set(re.findall(r"`((?:api|infra|schema|domain|jobs|solver|scenarios)/[a-z_/]+\.py)`", doc))
    assert named, "the document names modules"
    gone = sorted(m for m in named if not (ROOT / m).exists())
    assert gone == [], f"ARCHITECTURE.md names modules that do not exist: {gone}"


def _section(doc: str, title: str) -> str:
    start = doc.index(f"## {title}\n")
    end = doc.find("\n## ", start + 1)
    return doc[start : end if end != -1 else len(doc)]


def test_the_request_flow_is_described() -> None:
    """The flow of a mutation names, in order, the modules it passes: the edge, the schema's checks, the
    mutation, the service and the one mapping of its errors, the transaction, the effects after the commit."""
    flow = _section((ROOT / "ARCHITECTURE.md").read_text(), "How a request flows")
    path = [
        "api/app.py",
        "api/limits.py",
        "schema/limits.py",
        "schema/guard.py",
        "schema/mutations/sessions.py",
        "domain/services/sessions.py",
        "schema/errors.py",
        "domain/outbox.py",
        "schema/effects.py",
        "jobs/effects.py",
    ]
    places = [flow.find(f"`{module}`") for module in path]
    assert -1 not in places, [m for m, p in zip(path, places, strict=True) if p == -1]
    assert places == sorted(places), "the flow names the modules in the order a request passes them"
    # A matching run's way: request, worker, solver, review, publish.
    for module in ("run_requests.py", "jobs/tasks.py", "run_worker.py", "solver/solve.py", "run_publish.py"):
        assert module in flow, module
