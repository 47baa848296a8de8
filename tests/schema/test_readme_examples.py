"""The README's GraphQL examples, run as written against the default demo (``mentormatch seed``: 500
students, seed 7), in the order the README gives them, as staff. Queries and mutations run over HTTP and
must answer without errors (a mutation with its payload, not a ``UserError``); subscriptions are validated
against the schema. The only substitution is the README's ``<id>`` placeholder: the run the README's
``startRun`` example started."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, OperationType, parse, validate

from domain.seed import seed
from schema.build import schema as app_schema
from tests.conftest import Backend, GraphQLClient
from tests.jobs.helpers import eventually, fresh_jobs

# The README's examples name programme dates (a first session on 2027-01-12): run them as on the day written.
pytestmark = pytest.mark.usefixtures("programme_clock")

__all__ = ["fresh_jobs"]

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```graphql\n(.*?)```", re.DOTALL)
INLINE = re.compile(r"`(\{ [^`]*\}|mutation [^`]*\})`")


def readme_operations() -> list[str]:
    """Every operation of the README's GraphQL examples, as written, in the README's order."""
    text = README.read_text(encoding="utf-8")
    found: list[tuple[int, str]] = []
    for match in BLOCK.finditer(text):
        source = match.group(1)
        document = parse(source.replace("<id>", "ID__"))
        for definition in document.definitions:
            assert definition.loc is not None
            found.append(
                (match.start() + definition.loc.start, source[definition.loc.start : definition.loc.end])
            )
    found += [(m.start(), m.group(1)) for m in INLINE.finditer(text)]
    return [op for _, op in sorted(found)]


def test_the_readme_has_the_examples_it_should() -> None:
    operations = readme_operations()
    assert any("createMentorship" in op for op in operations)
    assert any("publishRun" in op for op in operations)
    assert sum("sessions" in op for op in operations) >= 2
    assert len(operations) >= 10


def _kind(operation: str) -> OperationType:
    definition = parse(operation.replace("<id>", "ID__")).definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    return definition.operation


def _user_errors(value: Any) -> list[Any]:
    """UserError objects anywhere in a mutation's answer (they have a code)."""
    if isinstance(value, dict):
        if "code" in value and "message" in value:
            return [value]
        return [e for v in value.values() for e in _user_errors(v)]
    if isinstance(value, list):
        return [e for v in value for e in _user_errors(v)]
    return []


async def test_the_readme_examples_work_on_the_default_demo(db: Backend, gql: GraphQLClient) -> None:
    await seed(students=500, seed_number=7)
    run_id: str | None = None
    for operation in readme_operations():
        kind = _kind(operation)
        if kind is OperationType.SUBSCRIPTION:
            errors = validate(
                app_schema._schema, parse(operation.replace("<id>", "00000000-0000-0000-0000-000000000000"))
            )
            assert not errors, (operation, errors)
            continue
        if "<id>" in operation:
            assert run_id is not None, "the README starts a run before it uses its id"
            operation = operation.replace("<id>", run_id)
            if "publishRun" in operation:
                await _wait_for_run(gql, run_id)
        body = await gql.raw(operation)
        assert "errors" not in body, (operation, body.get("errors"))
        data = body["data"]
        if kind is OperationType.MUTATION:
            assert not _user_errors(data), (operation, data)
            if "startRun" in data:
                run_id = data["startRun"]["run"]["id"]
    assert run_id is not None


async def _wait_for_run(gql: GraphQLClient, run_id: str) -> None:
    async def done() -> bool:
        run = (await gql("query($id: UUID!) { matchingRun(id: $id) { status } }", {"id": run_id}))[
            "matchingRun"
        ]
        return bool(run["status"] not in ("QUEUED", "RUNNING"))

    await eventually(done, within_s=120, what=f"run {run_id} ends")
