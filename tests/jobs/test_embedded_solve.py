"""The embedded setup (no Redis) solves in a child process, not in a thread of the API process: progress
still comes back (through a pipe), a cancel still stops it, and a solver process that dies fails the run
with that cause. (``benchmarks/embedded_health.py`` prints /health/live latencies during a large solve.)"""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date, timedelta

from domain.enums import RunStatus
from domain.models import MatchingRun
from domain.paris_time import week_monday
from domain.services import run_requests
from jobs.queue import InProcessQueue, queue_for
from tests.conftest import Backend
from tests.jobs import programme
from tests.jobs.helpers import eventually

WEEK = week_monday(date.today()) + timedelta(days=7)
HARD = (800, 200, 5)  # several seconds of search on 2 cores


def _solver_processes() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "mentormatch-solver"]


async def _searching(run_id: object) -> bool:
    row = await MatchingRun.get(id=run_id)
    return row.status is RunStatus.RUNNING and (row.progress or {}).get("phase") not in (None, "loading")


async def _start() -> tuple[InProcessQueue, MatchingRun]:
    await programme.build(*HARD)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=120, week=WEEK)
    )
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.enqueue(run.id)
    await eventually(lambda: _searching(run.id), what="the solver reports progress")
    return queue, run


async def test_an_embedded_run_solves_in_a_child_process_with_progress_and_cancel(db: Backend) -> None:
    queue, run = await _start()
    children = _solver_processes()
    assert len(children) == 1 and children[0].pid != os.getpid()
    progress = (await MatchingRun.get(id=run.id)).progress or {}
    assert progress["placed"] >= 0 and progress["upperBound"] > 0
    await run_requests.cancel_run(run.id)
    await queue.wait()
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.CANCELLED and row.result is None
    assert _solver_processes() == []  # the child stopped with the run


async def test_a_solver_process_that_dies_fails_the_run_with_that_cause(db: Backend) -> None:
    queue, run = await _start()
    (child,) = _solver_processes()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    await queue.wait()
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.FAILED
    assert "solver process ended without a result (exit code -9)" in row.error
