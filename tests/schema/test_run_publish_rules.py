"""Publishing and cancelling runs through the GraphQL API (both databases): a run is published once
(concurrent publishers and later parts get ALREADY_PUBLISHED), contradictory arguments are refused, and a
cancel acknowledged while the run is loading wins over the proposal."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

import pytest

import jobs.tasks
from domain.enums import RunStatus
from domain.models import MatchingRun, Mentorship, PairingChange
from jobs.snapshot import Snapshot
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, student
from tests.jobs.helpers import fresh_jobs
from tests.schema.test_runs import PUBLISH, START, WEEK, _finished

__all__ = ["fresh_jobs"]


async def _succeeded_run(gql: GraphQLClient, students: int = 4) -> tuple[str, list[int]]:
    path, projects = await catalogue()
    await mentor(projects[:1], n=1, capacity=10)
    ids = [(await student(path, projects[0], n=i)).id for i in range(students)]
    started = await gql(START, {"input": {"timeLimitS": 10, "week": WEEK}})
    run_id: str = started["startRun"]["run"]["id"]
    run = await _finished(gql, run_id)
    assert run["status"] == "SUCCEEDED", run["error"]
    assert len(run["proposal"]["pairs"]) == students
    return run_id, ids


async def test_twenty_concurrent_publishes_one_wins_the_others_are_told(
    db: Backend, gql: GraphQLClient
) -> None:
    run_id, ids = await _succeeded_run(gql)
    answers = await asyncio.gather(*(gql.raw(PUBLISH, {"input": {"runId": run_id}}) for _ in range(20)))
    assert all("errors" not in a for a in answers), [a["errors"] for a in answers if "errors" in a]
    results = [a["data"]["publishRun"] for a in answers]
    winners = [r for r in results if r["__typename"] == "PublishPayload"]
    losers = [r for r in results if r["__typename"] != "PublishPayload"]
    assert len(winners) == 1 and len(winners[0]["created"]) == len(ids)
    assert len(losers) == 19
    assert {(r["code"], r["field"]) for r in losers} == {("ALREADY_PUBLISHED", "runId")}
    assert await Mentorship.filter(run_id=run_id).count() == len(ids)
    assert await PairingChange.all().count() == len(ids)
    print(f"\nFIGURE 20 concurrent publishRun ({db.name}): {len(winners)} published, {len(losers)} told")


async def test_publishing_the_rest_of_a_partly_published_run_is_refused(
    db: Backend, gql: GraphQLClient
) -> None:
    run_id, ids = await _succeeded_run(gql)
    first = await gql(PUBLISH, {"input": {"runId": run_id, "acceptStudentIds": ids[:2]}})
    assert len(first["publishRun"]["created"]) == 2
    rest = await gql(PUBLISH, {"input": {"runId": run_id, "acceptStudentIds": ids[2:]}})
    assert rest["publishRun"]["code"] == "ALREADY_PUBLISHED", rest
    assert await Mentorship.filter(run_id=run_id).count() == 2


async def test_accept_and_reject_together_are_refused(db: Backend, gql: GraphQLClient) -> None:
    run_id, ids = await _succeeded_run(gql)
    both = await gql(
        PUBLISH, {"input": {"runId": run_id, "acceptStudentIds": ids[:2], "rejectStudentIds": ids[2:3]}}
    )
    assert (both["publishRun"]["code"], both["publishRun"]["field"]) == ("VALIDATION", "rejectStudentIds")
    assert await Mentorship.all().count() == 0
    assert (await MatchingRun.get(id=run_id)).published_at is None


CANCEL = """mutation($id: UUID!) {
  cancelRun(id: $id) { __typename ... on RunPayload { run { status } } ... on UserError { code } }
}"""


async def test_cancel_while_loading_wins(
    db: Backend, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, projects = await catalogue()
    await mentor(projects[:1], n=1, capacity=3)
    await student(path, projects[0], n=1)
    run = await MatchingRun.create(scope_key="all", scope={"kind": "all"}, options={"week": WEEK})
    acknowledged: list[str] = []
    real_load = jobs.tasks.load_snapshot

    async def load_then_cancel(scope: dict[str, Any], week: date) -> Snapshot:
        loaded = await real_load(scope, week)
        # Staff cancel while the worker is still loading (the run is RUNNING, phase "loading").
        answer = await gql(CANCEL, {"id": str(run.id)})
        acknowledged.append(answer["cancelRun"]["run"]["status"])
        return loaded

    monkeypatch.setattr(jobs.tasks, "load_snapshot", load_then_cancel)
    await jobs.tasks.run_matching({}, str(run.id))
    assert acknowledged == ["RUNNING"]
    stored = await MatchingRun.get(id=UUID(str(run.id)))
    assert stored.status is RunStatus.CANCELLED
    published = await gql(PUBLISH, {"input": {"runId": str(run.id)}})
    assert published["publishRun"]["code"] == "CONFLICT"
    assert await Mentorship.all().count() == 0
