"""Matching runs through the GraphQL API (both databases, jobs in-process): start, one active run per
scope (50 concurrent starts), review the proposal, publish all or part, idempotently."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from domain.models import MatchingRun, Mentorship
from domain.paris_time import week_monday
from jobs.queue import InProcessQueue, queue_for
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, pair, student
from tests.jobs.helpers import fresh_jobs, run_finished

__all__ = ["fresh_jobs"]

WEEK = (week_monday(date.today()) + timedelta(days=7)).isoformat()

START = """
mutation($input: StartRunInput!) {
  startRun(input: $input) {
    __typename
    ... on RunPayload { run { id status scope options } }
    ... on AlreadyRunningError { code field message runId }
    ... on UserError { code field message }
  }
}"""

RUN = """
query($id: UUID!) {
  matchingRun(id: $id) {
    id status error attempts
    progress { elapsedS placed upperBound phase }
    proposal {
      week placed upperBound boundKind solverStatus
      pairs { studentId mentorId slot { weekday start minutes } change currentMentorId }
      mentorLoads { mentorId capacity current proposed leaving after overCapacity }
      unplaced { studentId reason facts closestMentorIds }
    }
  }
}"""

PUBLISH = """
mutation($input: PublishRunInput!) {
  publishRun(input: $input) {
    __typename
    ... on PublishPayload { run { status publishedAt } created { id slot { weekday start } } }
    ... on UserError { code field message }
  }
}"""


async def _finished(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    return await run_finished(gql, run_id, RUN)


async def test_fifty_concurrent_starts_give_one_run(db: Backend, gql: GraphQLClient) -> None:
    variables = {"input": {"timeLimitS": 5, "week": WEEK}}
    answers = await asyncio.gather(*(gql.raw(START, variables) for _ in range(50)))
    assert all("errors" not in a for a in answers), [a["errors"] for a in answers if "errors" in a]
    kinds = [a["data"]["startRun"]["__typename"] for a in answers]
    assert kinds.count("RunPayload") == 1
    assert kinds.count("AlreadyRunningError") == 49
    assert await MatchingRun.all().count() == 1
    winner = next(a["data"]["startRun"]["run"]["id"] for a in answers if "run" in a["data"]["startRun"])
    refused = [a["data"]["startRun"] for a in answers if a["data"]["startRun"]["__typename"] != "RunPayload"]
    assert {r["code"] for r in refused} == {"ALREADY_RUNNING"}
    assert {r["runId"] for r in refused} == {winner}
    errors = sum("errors" in a for a in answers)
    print(
        f"\nFIGURE 50 concurrent startRun ({db.name}): {kinds.count('RunPayload')} run, "
        f"{kinds.count('AlreadyRunningError')} AlreadyRunning, {errors} server errors"
    )
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.wait()


async def test_start_refuses_bad_input(db: Backend, gql: GraphQLClient) -> None:
    bad_path = await gql(START, {"input": {"scope": {"pathId": 999}}})
    assert bad_path["startRun"]["code"] == "NOT_FOUND" and bad_path["startRun"]["field"] == "scope.pathId"
    too_long = await gql(START, {"input": {"timeLimitS": 10000}})
    assert too_long["startRun"]["code"] == "VALIDATION" and too_long["startRun"]["field"] == "timeLimitS"
    not_monday = await gql(
        START, {"input": {"week": (date.fromisoformat(WEEK) + timedelta(days=1)).isoformat()}}
    )
    assert not_monday["startRun"]["field"] == "week"
    far = await gql(START, {"input": {"week": "9999-12-27"}})
    assert far["startRun"]["code"] == "VALIDATION" and far["startRun"]["field"] == "week"
    assert await MatchingRun.all().count() == 0


async def test_review_then_publish_part_of_a_proposal(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue()
    m1 = await mentor(projects[:2], n=1, capacity=3)
    m2 = await mentor(projects[:2], n=2, capacity=1)
    paired = await student(path, projects[0], n=0)
    await pair(paired, m1)
    waiting = [await student(path, projects[i % 2], n=i) for i in range(1, 6)]
    started = await gql(START, {"input": {"scope": {"pathId": path.id}, "timeLimitS": 10, "week": WEEK}})
    run_id = started["startRun"]["run"]["id"]
    assert started["startRun"]["run"]["status"] == "QUEUED"
    run = await _finished(gql, run_id)
    assert run["status"] == "SUCCEEDED", run["error"]
    proposal = run["proposal"]
    # Two seats left with m1 (capacity 3, one current pair), one with m2: three of five placed.
    assert proposal["placed"] == 3 and len(proposal["pairs"]) == 3
    assert (proposal["upperBound"], proposal["boundKind"]) == (3, "flow")  # seats, and the flow sees them
    assert {p["change"] for p in proposal["pairs"]} == {"NEW"}
    loads = {load["mentorId"]: load for load in proposal["mentorLoads"]}
    assert loads[m1.id] == {
        "mentorId": m1.id,
        "capacity": 3,
        "current": 1,
        "proposed": 2,
        "leaving": 0,
        "after": 3,
        "overCapacity": False,
    }
    assert loads[m2.id]["after"] == 1
    assert len(proposal["unplaced"]) == 2
    assert all(u["reason"] == "ALL_MENTORS_FULL" or u["reason"] for u in proposal["unplaced"])
    assert {p["studentId"] for p in proposal["pairs"]} | {u["studentId"] for u in proposal["unplaced"]} == {
        s.id for s in waiting
    }

    rejected = proposal["pairs"][0]["studentId"]
    published = await gql(PUBLISH, {"input": {"runId": run_id, "rejectStudentIds": [rejected]}})
    assert published["publishRun"]["__typename"] == "PublishPayload", published
    assert published["publishRun"]["run"]["status"] == "PUBLISHED"
    assert len(published["publishRun"]["created"]) == 2
    from_run = await Mentorship.filter(run_id=run_id)
    assert {m.student_id for m in from_run} == {p["studentId"] for p in proposal["pairs"]} - {rejected}
    # Published once: publishing the rest later is refused with a typed error and stores nothing more.
    again = await gql(PUBLISH, {"input": {"runId": run_id, "acceptStudentIds": [rejected]}})
    assert again["publishRun"]["code"] == "ALREADY_PUBLISHED", again
    assert again["publishRun"]["field"] == "runId"
    assert await Mentorship.filter(run_id=run_id).count() == 2
    assert await Mentorship.filter(mentor_id=m1.id, ended_on__isnull=True).count() <= 3


async def test_publish_is_refused_when_a_mentor_changed_since_the_solve(
    db: Backend, gql: GraphQLClient
) -> None:
    path, projects = await catalogue()
    m1 = await mentor(projects[:1], n=1, capacity=3)
    for i in range(3):
        await student(path, projects[0], n=i)
    started = await gql(START, {"input": {"timeLimitS": 10, "week": WEEK}})
    run_id = started["startRun"]["run"]["id"]
    assert (await _finished(gql, run_id))["status"] == "SUCCEEDED"
    lower = """mutation($id: Int!) { updateMentor(input: {id: $id, capacity: 1}) { __typename } }"""
    assert (await gql(lower, {"id": m1.id}))["updateMentor"]["__typename"] == "MentorPayload"
    refused = await gql(PUBLISH, {"input": {"runId": run_id}})
    assert refused["publishRun"]["code"] == "RUN_STALE"
    assert await Mentorship.all().count() == 0
    assert (await MatchingRun.get(id=run_id)).published_at is None


async def test_cancel_a_queued_run(db: Backend, gql: GraphQLClient) -> None:
    run = await MatchingRun.create(scope_key="all", scope={"kind": "all"}, options={"week": WEEK})
    cancel = (
        """mutation($id: UUID!) { cancelRun(id: $id) { __typename ... on RunPayload { run { status } } } }"""
    )
    answer = await gql(cancel, {"id": str(run.id)})
    assert answer["cancelRun"]["run"]["status"] == "CANCELLED"
    again = await gql(START, {"input": {"week": WEEK, "timeLimitS": 2}})
    assert again["startRun"]["__typename"] == "RunPayload"  # the scope is free again
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.wait()
