"""Nested lists and links load in a fixed number of SQL queries, whatever the number of parents:
``Path.projects``, ``Session.discoveryNote``, ``MatchingRun.proposal``, ``MentorAbsence.handovers`` and
``Student.certification`` (each used to cost one query, or three, per parent)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.enums import PanelDecision, Role, RunStatus
from domain.models import (
    Certification,
    DiscoveryNote,
    Handover,
    MatchingRun,
    MentorAbsence,
    Mentorship,
    Session,
)
from domain.services import paths
from domain.services.tokens import issue_token
from tests import factories
from tests.conftest import Backend, GraphQLClient, count_queries, truncate_all

PATHS = "{ paths(first: 50) { edges { node { id projects { id name path { id } } } } } }"
NOTES = """{ sessions(week: "2026-11-23", first: 50) { edges { node { id discoveryNote { goals } } } } }"""
RUNS = """{ matchingRuns(first: 50) { id proposal {
  placed pairs { studentId change currentMentorId } mentorLoads { mentorId capacity current after } } } }"""
ABSENCES = "query($m: Int!) { mentorAbsences(mentorId: $m) { id handovers { studentId status } } }"


async def _paths(n: int) -> dict[str, object]:
    for i in range(n):
        path = await paths.create_path(paths.PathInput(name=f"Path {i}"))
        for j in range(2):
            await paths.create_project(paths.ProjectInput(path.id, f"Project {i}.{j}", position=j))
    return {}


async def _pairs(n: int) -> list[Mentorship]:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects, capacity=20)
    made = []
    for i in range(n):
        student = await factories.student(path, projects[0], n=i)
        made.append(await factories.pair(student, mentor, datetime(2026, 11, 23 + i % 5, 18 + i // 5, 0)))
    return made


async def _notes(n: int) -> dict[str, object]:
    for pair in await _pairs(n):
        session = await Session.get(mentorship_id=pair.id)
        await DiscoveryNote.create(session_id=session.id, goals=f"goals of {pair.student_id}")
    return {}


async def _runs(n: int) -> dict[str, object]:
    pairs = await _pairs(2)
    proposed = [
        {"studentId": p.student_id, "mentorId": p.mentor_id, "weekday": 1, "startMinute": 1140, "minutes": 45}
        | {"kept": False}
        for p in pairs
    ]
    for i in range(n):
        await MatchingRun.create(
            id=uuid4(),
            status=RunStatus.SUCCEEDED,
            scope_key=f"scope-{i}",
            result={
                "week": "2026-11-30",
                "placed": len(proposed),
                "upperBound": len(proposed),
                "solverStatus": "OPTIMAL",
                "pairs": proposed,
                "unplaced": [],
            },
        )
    return {}


async def _absences(n: int) -> dict[str, object]:
    pairs = await _pairs(2)
    start = date(2027, 1, 4)
    for i in range(n):
        starts_on = start + timedelta(days=30 * i)
        absence = await MentorAbsence.create(
            mentor_id=pairs[0].mentor_id,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=20),
            starts_at=datetime.combine(starts_on, datetime.min.time(), UTC),
            ends_at=datetime.combine(starts_on + timedelta(days=21), datetime.min.time(), UTC),
            long=True,
        )
        for pair in pairs:
            await Handover.create(absence_id=absence.id, student_id=pair.student_id, original_id=pair.id)
    return {"m": pairs[0].mentor_id}


Setup = Callable[[int], Awaitable[dict[str, object]]]
CASES: dict[str, tuple[str, Setup, Callable[[dict[str, Any]], int]]] = {
    "Path.projects": (PATHS, _paths, lambda d: len(d["paths"]["edges"])),
    "Session.discoveryNote": (NOTES, _notes, lambda d: len(d["sessions"]["edges"])),
    "MatchingRun.proposal": (RUNS, _runs, lambda d: len(d["matchingRuns"])),
    "MentorAbsence.handovers": (ABSENCES, _absences, lambda d: len(d["mentorAbsences"])),
}


@pytest.mark.parametrize("field", sorted(CASES))
async def test_nested_field_costs_the_same_queries_for_1_or_6_parents(
    db: Backend, gql: GraphQLClient, field: str
) -> None:
    query, setup, parents = CASES[field]
    counts = []
    for n in (1, 6):
        await truncate_all(db)  # the staff token too: issue another
        token, _ = await issue_token(Role.STAFF)
        gql.http.headers["authorization"] = f"Bearer {token}"
        variables = await setup(n)
        with count_queries() as counter:
            data = await gql(query, variables)
        assert parents(data) == n, data
        counts.append(len(counter.statements))
    print(f"\nFIGURE {field} ({db.name}): {counts[0]} SQL statements for 1 parent, {counts[1]} for 6")
    assert counts[0] == counts[1], f"{field}: {counts[0]} queries for 1 parent, {counts[1]} for 6"


STUDENTS = "{ students(first: 50) { edges { node { id certification { decision certified pathId } } } } }"


async def test_certifications_of_20_students_cost_the_queries_of_2(db: Backend, gql: GraphQLClient) -> None:
    counts = []
    for n in (2, 20):
        await truncate_all(db)
        token, _ = await issue_token(Role.STAFF)
        gql.http.headers["authorization"] = f"Bearer {token}"
        path, projects = await factories.catalogue(1)
        for i in range(n):
            student = await factories.student(path, projects[0], n=i)
            if i % 2 == 0:  # half of them decided on, the others not yet
                decision = PanelDecision.CERTIFIED if i % 4 == 0 else PanelDecision.NOT_CERTIFIED
                await Certification.create(
                    student_id=student.id, path_id=path.id, decision=decision, reason="r"
                )
        with count_queries() as counter:
            data = await gql(STUDENTS)
        nodes = [e["node"] for e in data["students"]["edges"]]
        assert len(nodes) == n
        decided = [node["certification"] for node in nodes if node["certification"] is not None]
        assert len(decided) == n // 2 and {c["pathId"] for c in decided} == {path.id}
        assert sum(c["certified"] for c in decided) == (n + 2) // 4
        counts.append(len(counter.statements))
    print(
        f"\nFIGURE Student.certification ({db.name}): {counts[0]} SQL statements for 2 students, {counts[1]} for 20"
    )
    assert counts[0] == counts[1], f"{counts[0]} queries for 2 students, {counts[1]} for 20"
