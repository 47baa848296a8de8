"""The reconciler in the embedded setup (both databases): runs left queued or running by a dead process
are started again in this one; a run whose workers died too often is failed; healthy runs are left
alone. (Against real arq workers and Redis: tests/jobs/test_faults.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import asyncpg

from domain.enums import RunStatus
from domain.models import MatchingRun
from domain.paris_time import week_monday
from domain.services import run_requests, run_worker
from infra.settings import Settings
from jobs import lifecycle
from jobs.queue import InProcessQueue, queue_for
from jobs.reconciler import reconcile
from jobs.transient import is_transient
from tests.conftest import Backend
from tests.factories import catalogue, mentor, student

WEEK = week_monday(date.today()) + timedelta(days=7)  # next week, whatever today is


async def _programme() -> None:
    path, projects = await catalogue()
    await mentor(projects[:1], n=1, capacity=3)
    for i in range(3):
        await student(path, projects[0], n=i)


async def test_runs_left_by_a_dead_process_are_resumed_at_start(db: Backend) -> None:
    await _programme()
    queued = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
    )
    # A run a dead process had claimed: running, attempt 1, its heartbeat long gone.
    stuck = await MatchingRun.create(
        scope_key="students:x",
        scope={"kind": "students", "studentIds": [1, 2]},
        options={"week": WEEK.isoformat(), "timeLimitS": 5},
        status=RunStatus.RUNNING,
        attempts=1,
        heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    report = await lifecycle.start(Settings(database_url=db.url))
    assert report is not None
    assert sorted(map(str, report.requeued)) == sorted([str(queued.id), str(stuck.id)])
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.wait()
    assert (await MatchingRun.get(id=queued.id)).status is RunStatus.SUCCEEDED
    resumed = await MatchingRun.get(id=stuck.id)
    assert resumed.status is RunStatus.SUCCEEDED and resumed.attempts == 2


async def test_a_run_whose_workers_keep_dying_is_failed(db: Backend) -> None:
    dead = await MatchingRun.create(
        scope_key="all",
        scope={"kind": "all"},
        options={"week": WEEK.isoformat()},
        status=RunStatus.RUNNING,
        attempts=run_worker.MAX_ATTEMPTS,
        heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    alive = await MatchingRun.create(
        scope_key="path:1",
        scope={"kind": "path", "pathId": 1},
        options={"week": WEEK.isoformat()},
        status=RunStatus.RUNNING,
        attempts=1,
        heartbeat_at=datetime.now(UTC),
    )
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    report = await reconcile(queue, heartbeat_timeout_s=30)
    assert report.failed == [dead.id]
    assert report.healthy == [alive.id]
    failed = await MatchingRun.get(id=dead.id)
    assert failed.status is RunStatus.FAILED and "lost" in failed.error
    assert (await MatchingRun.get(id=alive.id)).status is RunStatus.RUNNING


def test_transient_errors_are_told_apart() -> None:
    assert is_transient(ConnectionResetError(104, "Connection reset by peer"))
    assert is_transient(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    wrapped = RuntimeError("query failed")
    wrapped.__cause__ = asyncpg.exceptions.ConnectionDoesNotExistError("closed")
    assert is_transient(wrapped)
    assert not is_transient(KeyError("pairs"))
    assert not is_transient(asyncpg.exceptions.UniqueViolationError("duplicate key"))
