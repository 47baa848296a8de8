"""The pairing audit trail through the GraphQL API (both databases): who changed which pair, when and
why; staff read every row, a mentor or a student only the rows of their own pairs (counts included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest

from domain.enums import Role
from domain.models import ApiToken, MatchingRun, Mentor, Mentorship, PairingChange, Student
from domain.paris_time import week_monday
from domain.services.tokens import issue_token
from tests import factories
from tests.conftest import PROGRAMME_NOW, Backend, GraphQLClient, post_as
from tests.jobs.helpers import eventually, fresh_jobs
from tests.schema.operations import CREATE_MENTORSHIP as PAIR

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

__all__ = ["fresh_jobs"]

as_token = partial(post_as, expect_ok=True)  # the status is 200, the body as answered

WEEK = (week_monday(PROGRAMME_NOW.date()) + timedelta(days=7)).isoformat()  # next week, as pinned

CHANGES = """
query($studentId: Int, $mentorId: Int, $cause: PairingCause, $since: DateTime, $until: DateTime,
      $first: Int, $after: String) {
  pairingChanges(studentId: $studentId, mentorId: $mentorId, cause: $cause, since: $since, until: $until,
                 first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id at atParis action cause causeRef actor reason mentorshipId mentorId studentId
    } }
  }
}"""


def nodes(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in page["edges"]]


async def staff_actor() -> str:
    return f"staff:{(await ApiToken.get(role=Role.STAFF)).id}"


async def two_manual_pairs(gql: GraphQLClient) -> tuple[Mentor, Mentor, Student, Student, list[int]]:
    path, projects = await factories.catalogue(2)
    mentor_a = await factories.mentor(projects, n=1)
    mentor_b = await factories.mentor(projects, n=2)
    student_a = await factories.student(path, projects[0], n=1)
    student_b = await factories.student(path, projects[0], n=2)
    ids = []
    for s, m, at in ((student_a, mentor_a, "2026-12-01T19:00"), (student_b, mentor_b, "2026-12-02T19:00")):
        made = await gql(PAIR, {"input": {"studentId": s.id, "mentorId": m.id, "firstSessionAt": at}})
        assert made["createMentorship"]["__typename"] == "MentorshipPayload", made
        ids.append(made["createMentorship"]["mentorship"]["id"])
    return mentor_a, mentor_b, student_a, student_b, ids


async def test_a_manual_pairing_records_who_when_and_why(gql: GraphQLClient) -> None:
    mentor_a, mentor_b, student_a, student_b, pair_ids = await two_manual_pairs(gql)
    page = (await gql(CHANGES, {"cause": "MANUAL"}))["pairingChanges"]
    assert page["totalCount"] == 2
    actor = await staff_actor()
    rows = nodes(page)
    assert [(r["action"], r["cause"], r["causeRef"], r["actor"]) for r in rows] == [
        ("STARTED", "MANUAL", "", actor),
        ("STARTED", "MANUAL", "", actor),
    ]
    assert [(r["mentorshipId"], r["mentorId"], r["studentId"]) for r in rows] == [
        (pair_ids[0], mentor_a.id, student_a.id),
        (pair_ids[1], mentor_b.id, student_b.id),
    ]
    at = datetime.fromisoformat(rows[0]["at"])
    assert at.tzinfo is not None and abs(datetime.now(UTC) - at) < timedelta(minutes=5)
    # The pair's own trail, through the mentorship.
    trail = await gql(
        "query($id: Int!) { mentorship(id: $id) { changes { action cause actor studentId } } }",
        {"id": pair_ids[0]},
    )
    assert trail["mentorship"]["changes"] == [
        {"action": "STARTED", "cause": "MANUAL", "actor": actor, "studentId": student_a.id}
    ]


async def test_a_published_run_records_the_run_and_who_published_it(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue(1)
    await factories.mentor(projects, n=1, capacity=3)
    waiting = [await factories.student(path, projects[0], n=n) for n in range(2)]
    started = await gql(
        "mutation($input: StartRunInput!) { startRun(input: $input) { ... on RunPayload { run { id } } } }",
        {"input": {"scope": {"pathId": path.id}, "timeLimitS": 10, "week": WEEK}},
    )
    run_id = started["startRun"]["run"]["id"]

    async def done() -> bool:
        run = await MatchingRun.get(id=run_id)
        return run.status.value not in ("queued", "running")

    await eventually(done, what=f"run {run_id} ends")
    published = await gql(
        "mutation($input: PublishRunInput!) { publishRun(input: $input) { __typename } }",
        {"input": {"runId": run_id}},
    )
    assert published["publishRun"]["__typename"] == "PublishPayload", published
    page = (await gql(CHANGES, {"cause": "RUN"}))["pairingChanges"]
    rows = nodes(page)
    assert page["totalCount"] == 2 == await Mentorship.filter(run_id=run_id).count()
    assert {(r["action"], r["causeRef"], r["actor"]) for r in rows} == {
        ("STARTED", run_id, await staff_actor())
    }
    assert {r["studentId"] for r in rows} == {s.id for s in waiting}
    assert (await gql(CHANGES, {"cause": "MANUAL"}))["pairingChanges"]["totalCount"] == 0


async def test_mentors_and_students_read_only_their_own_rows(
    gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    mentor_a, mentor_b, student_a, student_b, _ = await two_manual_pairs(gql)
    mentor_token, _ = await issue_token(Role.MENTOR, mentor_id=mentor_a.id)
    student_token, _ = await issue_token(Role.STUDENT, student_id=student_b.id)

    foreign = (await as_token(client, mentor_token, CHANGES, {"mentorId": mentor_b.id}))["data"]
    assert foreign["pairingChanges"]["totalCount"] == 0 and foreign["pairingChanges"]["edges"] == []
    own = (await as_token(client, mentor_token, CHANGES, {}))["data"]["pairingChanges"]
    assert own["totalCount"] == 1 and {r["mentorId"] for r in nodes(own)} == {mentor_a.id}

    other_student = (await as_token(client, student_token, CHANGES, {"studentId": student_a.id}))["data"]
    assert other_student["pairingChanges"]["totalCount"] == 0
    mine = (await as_token(client, student_token, CHANGES, {}))["data"]["pairingChanges"]
    assert mine["totalCount"] == 1 and {r["studentId"] for r in nodes(mine)} == {student_b.id}

    anonymous = (await client.post("/graphql", json={"query": CHANGES}, headers={"authorization": ""})).json()
    assert anonymous["data"] is None or anonymous["data"]["pairingChanges"] is None
    assert anonymous["errors"][0]["extensions"]["code"] in {"UNAUTHENTICATED", "NOT_FOUND"}


async def test_filters_by_time_and_pages_oldest_first(gql: GraphQLClient) -> None:
    mentor_a, _, student_a, _, _ = await two_manual_pairs(gql)
    first, second = await PairingChange.all().order_by("id")
    await PairingChange.filter(id=first.id).update(at=datetime(2026, 1, 10, 10, 0, tzinfo=UTC))
    await PairingChange.filter(id=second.id).update(at=datetime(2026, 2, 10, 10, 0, tzinfo=UTC))

    window = {"since": "2026-02-01T00:00:00+01:00", "until": "2026-03-01T00:00:00Z"}
    page = (await gql(CHANGES, window))["pairingChanges"]
    assert [r["id"] for r in nodes(page)] == [second.id]
    january = (await gql(CHANGES, {"until": "2026-02-10T10:00:00Z"}))["pairingChanges"]
    assert [r["id"] for r in nodes(january)] == [first.id]  # until is excluded
    assert nodes(january)[0]["atParis"] == "2026-01-10T11:00:00+01:00"
    by_student = (await gql(CHANGES, {"studentId": student_a.id, "mentorId": mentor_a.id}))["pairingChanges"]
    assert [r["id"] for r in nodes(by_student)] == [first.id]

    one = (await gql(CHANGES, {"first": 1}))["pairingChanges"]
    assert [r["id"] for r in nodes(one)] == [first.id] and one["pageInfo"]["hasNextPage"]
    rest = (await gql(CHANGES, {"first": 1, "after": one["pageInfo"]["endCursor"]}))["pairingChanges"]
    assert [r["id"] for r in nodes(rest)] == [second.id] and not rest["pageInfo"]["hasNextPage"]

    naive = await gql.raw(CHANGES, {"since": "2026-02-01T00:00:00"})
    assert naive["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "since"}
    backwards = await gql.raw(CHANGES, {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"})
    assert backwards["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "until"}
