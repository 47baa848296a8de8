"""The embedded setup (no Redis) keeps reconciling while the API process lives, not only at its start: a
run whose in-process job ended without ending it (the job was cancelled, or its last write to the database
failed) is taken up again within the heartbeat timeout and solved in a real child process; a run that keeps
losing its job is failed with the cause. Real database (both), real solver child process, no mocks."""

from __future__ import annotations

import asyncio
import multiprocessing
from datetime import date, timedelta

from domain.enums import RunStatus
from domain.models import MatchingRun
from domain.paris_time import week_monday
from domain.services import run_requests, run_worker
from infra.settings import Settings
from jobs import lifecycle
from jobs.queue import InProcessQueue, queue_for
from tests.conftest import Backend
from tests.factories import catalogue, mentor, student
from tests.jobs import programme
from tests.jobs.helpers import eventually

WEEK = week_monday(date.today()) + timedelta(days=7)
HEARTBEAT_TIMEOUT_S = 2.0


async def _programme() -> None:
    path, projects = await catalogue()
    await mentor(projects[:1], n=1, capacity=3)
    for i in range(3):
        await student(path, projects[0], n=i)


async def _ended(run_id: object) -> bool:
    return (await MatchingRun.get(id=run_id)).status not in (RunStatus.QUEUED, RunStatus.RUNNING)


async def test_a_run_whose_in_process_job_ended_is_resumed_within_the_heartbeat_timeout(db: Backend) -> None:
    await _programme()
    # The timeout comes from the settings (MENTORMATCH_HEARTBEAT_TIMEOUT_S), as in `mentormatch serve`.
    await lifecycle.start(
        Settings(database_url=db.url, heartbeat_timeout_s=HEARTBEAT_TIMEOUT_S), reconcile_every_s=0.2
    )
    try:
        run = await run_requests.start_run(
            run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
        )
        queue = queue_for(None)
        assert isinstance(queue, InProcessQueue)
        await queue.enqueue(run.id)
        # The job is cancelled after its claim, while the API process goes on (as an in-process job ends
        # when its task is cancelled or its last write fails): the run is left running with no job.
        await eventually(
            lambda: _status_is(run.id, RunStatus.RUNNING), within_s=30, what="the job claims the run"
        )
        job = queue.tasks[run.id]
        job.cancel()
        await asyncio.gather(job, return_exceptions=True)
        assert (await MatchingRun.get(id=run.id)).status is RunStatus.RUNNING
        # Within the heartbeat timeout (plus one pass and the solve itself), the run is solved again.
        await eventually(lambda: _ended(run.id), within_s=HEARTBEAT_TIMEOUT_S + 60, what="the run ends")
        await queue.wait()
        row = await MatchingRun.get(id=run.id)
        assert row.status is RunStatus.SUCCEEDED, row.error
        assert row.attempts == 2
    finally:
        await lifecycle.stop()


async def test_a_run_that_keeps_losing_its_in_process_job_fails_and_says_why(db: Backend) -> None:
    await _programme()
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
    )
    # Its last claim was its last allowed attempt, and that job is gone as well.
    for _ in range(run_worker.MAX_ATTEMPTS):
        assert await run_worker.claim(run.id) is not None
    await lifecycle.start(
        Settings(database_url=db.url), reconcile_every_s=0.2, heartbeat_timeout_s=HEARTBEAT_TIMEOUT_S
    )
    try:
        await eventually(lambda: _ended(run.id), within_s=HEARTBEAT_TIMEOUT_S + 30, what="the run ends")
        row = await MatchingRun.get(id=run.id)
        assert row.status is RunStatus.FAILED
        assert f"lost {run_worker.MAX_ATTEMPTS} times" in row.error
        assert "no job of this API process holds the run" in row.error
    finally:
        await lifecycle.stop()


async def test_a_run_interrupted_by_the_api_stopping_says_so_and_the_next_start_solves_it(
    db: Backend,
) -> None:
    await programme.build(800, 200, 5)  # several seconds of search on 2 cores
    await lifecycle.start(Settings(database_url=db.url))
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
    )
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.enqueue(run.id)
    await eventually(lambda: _searching(run.id), what="the solver child reports progress")
    await lifecycle.stop()
    assert [p for p in multiprocessing.active_children() if p.name == "mentormatch-solver"] == []
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.RUNNING
    assert "the API process stopped during the solve" in row.error
    report = await lifecycle.start(Settings(database_url=db.url))
    try:
        assert report is not None and report.requeued == [run.id]
        await eventually(lambda: _ended(run.id), within_s=120, what="the run ends")
        row = await MatchingRun.get(id=run.id)
        assert row.status is RunStatus.SUCCEEDED and row.attempts == 2 and row.error == ""
    finally:
        await lifecycle.stop()


async def _searching(run_id: object) -> bool:
    row = await MatchingRun.get(id=run_id)
    return row.status is RunStatus.RUNNING and (row.progress or {}).get("phase") not in (None, "loading")


async def _status_is(run_id: object, status: RunStatus) -> bool:
    return (await MatchingRun.get(id=run_id)).status is status
