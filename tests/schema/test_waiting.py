"""The waiting queue through the GraphQL API (both databases, staff only): students with no current
mentor, longest waiting first, with why their last pair ended and the mentors they must not get again."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx
import pytest
from tortoise.transactions import in_transaction

from domain.enums import MentorshipEndReason, PairingCause, Role
from domain.models import Mentor, Mentorship, Student
from domain.paris_time import PARIS
from domain.services import pairing, paths
from domain.services.tokens import issue_token
from tests import factories
from tests.conftest import GraphQLClient

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

QUEUE = """
query($pathId: Int, $first: Int, $after: String) {
  waitingStudents(pathId: $pathId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      studentId waitingSince lastEndReason lastMentorId previousMentorIds forbiddenMentorIds
      student { id name }
    } }
  }
}"""


async def paired_then_ended(
    student: Student, mentor: Mentor, at: datetime, ended_on: date, reason: MentorshipEndReason
) -> Mentorship:
    pair = await factories.pair(student, mentor, at)
    async with in_transaction():
        return await pairing.end_pair(
            pair,
            ended_on=ended_on,
            reason=reason,
            change=pairing.Change(PairingCause.REQUEST, actor="staff:1"),
        )


def nodes(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in page["edges"]]


async def test_the_queue_lists_waiting_students_longest_first_with_forbidden_mentors(
    gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    path, projects = await factories.catalogue(1)
    m1 = await factories.mentor(projects, n=1)
    m2 = await factories.mentor(projects, n=2)
    never = await factories.student(path, projects[0], n=1)
    refused = await factories.student(path, projects[0], n=2)
    completed = await factories.student(path, projects[0], n=3)
    paired = await factories.student(path, projects[0], n=4)
    other_path = await paths.create_path(paths.PathInput(name="Data Analyst"))
    other_project = await paths.create_project(paths.ProjectInput(other_path.id, "Clean a data set"))
    elsewhere = await factories.student(other_path, other_project, n=5)

    # R7: the student asked to change from m1 after a first, completed pair with m2.
    await paired_then_ended(
        refused, m2, datetime(2026, 11, 24, 19, 0), date(2026, 11, 30), MentorshipEndReason.COMPLETED
    )
    await paired_then_ended(
        refused,
        m1,
        datetime(2026, 12, 1, 19, 0),
        date(2026, 12, 5),
        MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
    )
    await paired_then_ended(
        completed, m2, datetime(2026, 11, 25, 19, 0), date(2026, 12, 3), MentorshipEndReason.COMPLETED
    )
    await factories.pair(paired, m1, datetime(2026, 11, 26, 19, 0))

    page = (await gql(QUEUE, {}))["waitingStudents"]
    assert page["totalCount"] == 4
    rows = nodes(page)
    assert [r["studentId"] for r in rows] == [never.id, elsewhere.id, completed.id, refused.id]
    created = (await Student.get(id=never.id)).created_at
    assert rows[0] == {
        "studentId": never.id,
        "waitingSince": created.astimezone(PARIS).date().isoformat(),
        "lastEndReason": None,
        "lastMentorId": None,
        "previousMentorIds": [],
        "forbiddenMentorIds": [],
        "student": {"id": never.id, "name": "Student 1"},
    }
    assert rows[2]["waitingSince"] == "2026-12-03"
    assert (rows[2]["lastEndReason"], rows[2]["previousMentorIds"], rows[2]["forbiddenMentorIds"]) == (
        "COMPLETED",
        [m2.id],
        [],
    )
    assert rows[3] == {
        "studentId": refused.id,
        "waitingSince": "2026-12-05",
        "lastEndReason": "CHANGE_REQUESTED_BY_STUDENT",
        "lastMentorId": m1.id,
        "previousMentorIds": sorted([m1.id, m2.id]),
        "forbiddenMentorIds": [m1.id],
        "student": {"id": refused.id, "name": "Student 2"},
    }

    by_path = (await gql(QUEUE, {"pathId": path.id}))["waitingStudents"]
    assert [r["studentId"] for r in nodes(by_path)] == [never.id, completed.id, refused.id]

    walked: list[int] = []
    after = None
    while True:
        part = (await gql(QUEUE, {"first": 3, "after": after}))["waitingStudents"]
        walked += [r["studentId"] for r in nodes(part)]
        if not part["pageInfo"]["hasNextPage"]:
            break
        after = part["pageInfo"]["endCursor"]
    assert walked == [never.id, elsewhere.id, completed.id, refused.id]

    bad = await gql.raw(QUEUE, {"after": "bm90LWEtY3Vyc29y"})
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "after"}

    # Staff only: a mentor gets what a missing field would give, and no data.
    token, _ = await issue_token(Role.MENTOR, mentor_id=m1.id)
    response = await client.post(
        "/graphql", json={"query": QUEUE}, headers={"authorization": f"Bearer {token}"}
    )
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_student_who_completed_their_path_is_not_waiting(gql: GraphQLClient) -> None:
    """The last project finished: the student waits for the final panel, not for a mentor (R20)."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects, n=1)
    graduate = await factories.student(path, projects[0], n=1)
    waiting = await factories.student(path, projects[0], n=2)
    await factories.pair(graduate, mentor, datetime(2026, 11, 24, 19, 0))

    finished = await gql(
        "mutation($s: Int!) { finishProject(input: {studentId: $s}) { __typename ... on FinishProjectPayload "
        "{ endedMentorship { endReason } } } }",
        {"s": graduate.id},
    )
    assert finished["finishProject"]["endedMentorship"]["endReason"] == "COMPLETED"

    queue = (await gql(QUEUE, {"first": 10}))["waitingStudents"]
    assert [n["studentId"] for n in nodes(queue)] == [waiting.id]
    assert queue["totalCount"] == 1
