"""A publish of many pairs runs as a background job (both databases, jobs in-process): publishRun answers
at once with the run PUBLISHING, a second publishRun meanwhile gets PUBLISH_IN_PROGRESS, the job reports
its pairs on the run's progress stream until PUBLISHED; a job that finds the run stale leaves nothing
written and the run SUCCEEDED again with the cause; a job lost with its process is enqueued again by the
reconciler and publishes everything. The threshold is the settings' ``publish_job_min_pairs``."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.enums import MessageKind, RunStatus
from domain.models import Event, MatchingRun, Mentor, Mentorship, Message
from domain.services import events, run_publish
from jobs.queue import InProcessQueue, queue_for
from jobs.reconciler import reconcile
from tests.conftest import Backend, GraphQLClient, app_client
from tests.jobs.helpers import eventually, fresh_jobs, introduced
from tests.schema.operations import PUBLISH
from tests.schema.test_publish_at_size import _programme, _succeeded
from tests.schema.test_subscriptions import connected, ws_token

__all__ = ["fresh_jobs", "ws_token"]

RUN = """
query($id: UUID!) {
  matchingRun(id: $id) { status error progress { phase placed pairsDone pairsTotal } }
}"""

JOB_SUB = """
subscription($runId: UUID!, $after: Int) {
  matchingRunProgress(runId: $runId, afterEventId: $after) { eventId status phase pairsDone pairsTotal error }
}"""


@pytest.fixture
async def job_gql(db: Backend, staff_token: str) -> AsyncIterator[GraphQLClient]:
    """The API with a publish of 30 pairs or more as a job."""
    async with app_client(dataclasses.replace(db.settings, publish_job_min_pairs=30), staff_token) as http:
        yield GraphQLClient(http)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """The publish job waits for this event before it starts (the test acts while it is queued)."""
    go = asyncio.Event()
    real = run_publish.publish_queued

    async def publish_queued(run_id: UUID, **kwargs: Any) -> run_publish.PublishOutcome | None:
        await go.wait()
        return await real(run_id, **kwargs)

    monkeypatch.setattr(run_publish, "publish_queued", publish_queued)
    return go


async def _status(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    run: dict[str, Any] = (await gql(RUN, {"id": run_id}))["matchingRun"]
    return run


async def _ended(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update(await _status(gql, run_id))
        return seen["status"] != "PUBLISHING"

    await eventually(done, what=f"the publish of run {run_id} ends")
    return seen


async def test_a_large_publish_answers_at_once_and_reports_its_pairs_until_published(
    db: Backend, gql: GraphQLClient, job_gql: GraphQLClient, held: asyncio.Event, ws_token: str
) -> None:
    await _programme(mentors=6, students=40)
    run_id = await _succeeded(gql, pairs=40)
    last_event = await events.last_id()
    answer = (await job_gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert answer == {"__typename": "PublishPayload", "run": {"status": "PUBLISHING"}, "created": []}
    # Nothing is written yet; the run says what is under way.
    assert await Mentorship.filter(run_id=run_id).count() == 0
    run = await _status(gql, run_id)
    assert run["progress"]["phase"] == "checking"
    assert (run["progress"]["pairsDone"], run["progress"]["pairsTotal"]) == (0, 40)
    assert run["progress"]["placed"] == 40  # the solve's figures are kept
    # A second publish meanwhile: a typed error, nothing else queued.
    again = (await job_gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert again["__typename"] == "ConflictError"
    assert (again["code"], again["field"]) == ("PUBLISH_IN_PROGRESS", "runId")
    # Below the threshold a publish is synchronous, and it is refused the same way meanwhile.
    small = (await gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert small["code"] == "PUBLISH_IN_PROGRESS"

    async with connected(db, ws_token) as client:
        await client.subscribe(JOB_SUB, {"runId": run_id, "after": last_event})
        held.set()
        seen = []
        while True:
            message = await client.next()
            if message["type"] == "complete":
                break
            seen.append(message["payload"]["data"]["matchingRunProgress"])
    assert seen[0]["status"] == "PUBLISHING"
    assert seen[-1]["status"] == "PUBLISHED"
    assert (seen[-1]["pairsDone"], seen[-1]["pairsTotal"]) == (40, 40)
    phases = [s["phase"] for s in seen]
    assert phases.index("checking") < phases.index("writing") < phases.index("published")
    done = [s["pairsDone"] for s in seen]
    assert done == sorted(done) and all(s["pairsTotal"] == 40 for s in seen)
    created = await Mentorship.filter(run_id=run_id).count()
    assert created == 40
    run_row = await MatchingRun.get(id=run_id)
    assert run_row.result is not None and "publishing" not in run_row.result
    assert len(run_row.result["published"]["mentorshipIds"]) == 40
    # The same rows as a synchronous publish: two introductions per pair (by the sending pass the
    # commit woke), the actor kept.
    await introduced(run_id)
    assert await Message.filter(kind=MessageKind.PAIR_STARTED).count() == 80
    # Published once.
    third = (await job_gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert third["code"] == "ALREADY_PUBLISHED"


async def test_a_publish_job_that_finds_the_run_stale_writes_nothing_and_says_why(
    db: Backend, gql: GraphQLClient, job_gql: GraphQLClient, held: asyncio.Event
) -> None:
    mentor_ids, _ = await _programme(mentors=6, students=40)
    run_id = await _succeeded(gql, pairs=40)
    answer = (await job_gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert answer["run"]["status"] == "PUBLISHING"
    # A mentor of the run changes while the job waits.
    proposed = (await MatchingRun.get(id=run_id)).result or {}
    changed = proposed["pairs"][0]["mentorId"]
    assert changed in mentor_ids
    mentor_row = await Mentor.get(id=changed)
    mentor_row.version += 1
    await mentor_row.save(update_fields=["version", "updated_at"])
    held.set()
    run = await _ended(gql, run_id)
    assert run["status"] == "SUCCEEDED"
    assert run["error"].startswith("publish failed, nothing was published: RUN_STALE: ")
    assert f"mentor {changed}" in run["error"]
    assert (run["progress"]["phase"], run["progress"]["pairsTotal"]) == ("done", 0)
    assert await Mentorship.filter(run_id=run_id).count() == 0
    assert await Message.all().count() == 0
    status_events = await Event.filter(topic=events.run_topic(run_id), kind="status").order_by("-id").first()
    assert status_events is not None
    assert status_events.payload["status"] == "succeeded"
    assert "RUN_STALE" in status_events.payload["error"]
    stored = await MatchingRun.get(id=run_id)
    assert stored.result is not None and "publishing" not in stored.result


async def test_a_publish_job_lost_with_its_process_is_enqueued_again_and_publishes_everything(
    db: Backend, gql: GraphQLClient, job_gql: GraphQLClient, held: asyncio.Event
) -> None:
    await _programme(mentors=6, students=40)
    run_id = await _succeeded(gql, pairs=40)
    answer = (await job_gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert answer["run"]["status"] == "PUBLISHING"
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    # The process that held the job stops (its task is cancelled): the run stays publishing.
    await queue.close()
    assert (await MatchingRun.get(id=run_id)).status is RunStatus.PUBLISHING
    assert await Mentorship.filter(run_id=run_id).count() == 0
    # A fresh heartbeat is left alone; a silent one gets its job again.
    report = await reconcile(queue, heartbeat_timeout_s=60)
    assert UUID(run_id) not in report.requeued
    await MatchingRun.filter(id=run_id).update(heartbeat_at=datetime.now(UTC) - timedelta(minutes=5))
    held.set()
    report = await reconcile(queue, heartbeat_timeout_s=60)
    assert UUID(run_id) in report.requeued
    run = await _ended(gql, run_id)
    assert run["status"] == "PUBLISHED", run["error"]
    assert await Mentorship.filter(run_id=run_id).count() == 40
