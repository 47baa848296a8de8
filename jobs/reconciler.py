"""The reconciler: finds runs stuck in ``queued`` or ``running`` and gets them going again, or fails them.

- queued, and its job is gone (Redis restarted without its data, the enqueue after the commit failed):
  enqueue it again (the job id is the run id, so a job that is there is never doubled);
- running, its heartbeat older than ``heartbeat_timeout_s`` (the worker was killed): release the dead
  worker's hold on the job, or enqueue it again when the job is gone; the next attempt takes it over
  (attempt numbers fence the dead one out); after ``run_worker.MAX_ATTEMPTS`` lost workers the run fails;
- publishing, its heartbeat older than ``heartbeat_timeout_s``: its publish job is enqueued again (a
  no-op while the job is still there; the publish is all or nothing, a new attempt starts over).

It runs as an arq cron job in the worker (and once at worker start), and in the embedded setup in the API
process (at its start, then every ``jobs.lifecycle.RECONCILE_EVERY_S``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain import outbox
from domain.enums import RunStatus
from domain.services import run_worker, runs
from jobs.effects import JobSink
from jobs.queue import ArqQueue, InProcessQueue

log = logging.getLogger(__name__)

HEARTBEAT_TIMEOUT_S = 30.0
QUEUED_GRACE_S = 5.0


@dataclass
class Report:
    requeued: list[UUID] = field(default_factory=list)
    released: list[UUID] = field(default_factory=list)
    failed: list[UUID] = field(default_factory=list)
    healthy: list[UUID] = field(default_factory=list)


async def reconcile(
    queue: ArqQueue | InProcessQueue,
    *,
    heartbeat_timeout_s: float = HEARTBEAT_TIMEOUT_S,
    queued_grace_s: float = QUEUED_GRACE_S,
) -> Report:
    with outbox.using(JobSink(queue)):  # the runs it fails wake their subscribers
        return await _reconcile(queue, heartbeat_timeout_s, queued_grace_s)


async def _reconcile(
    queue: ArqQueue | InProcessQueue, heartbeat_timeout_s: float, queued_grace_s: float
) -> Report:
    report = Report()
    now = datetime.now(UTC)
    for run in await runs.active_runs():
        state = await queue.state(run.id)
        if run.status is RunStatus.QUEUED:
            young = run.created_at > now - timedelta(seconds=queued_grace_s)
            if state in ("queued", "in_progress") or young:
                report.healthy.append(run.id)
                continue
            await queue.release(run.id)
            await queue.enqueue(run.id)
            report.requeued.append(run.id)
            continue
        beat = run.heartbeat_at or run.started_at or run.created_at
        alive = beat > now - timedelta(seconds=heartbeat_timeout_s)
        if (alive and state != "complete") or state == "queued":  # working, or a retry is waiting
            report.healthy.append(run.id)
            continue
        cause = _cause(queue, state, beat, now)
        if run.attempts >= run_worker.MAX_ATTEMPTS:
            reason = f"worker lost {run.attempts} times; the last time {cause}"
            if await run_worker.finish(run.id, None, RunStatus.FAILED, reason):
                report.failed.append(run.id)
            continue
        await run_worker.note_retry(run.id, f"attempt {run.attempts}: {cause}")
        await queue.release(run.id)
        if state == "in_progress" and isinstance(queue, ArqQueue):
            report.released.append(run.id)  # the job is still queued in Redis; a worker takes it now
        else:
            await queue.enqueue(run.id)
            report.requeued.append(run.id)
    # A publish job that died left nothing (its writes are one transaction): its job goes again (none is
    # added while arq still holds one of that id, or this process still runs one).
    for run_id in await runs.publishing_runs(now - timedelta(seconds=heartbeat_timeout_s)):
        await queue.enqueue_publish(run_id)
        report.requeued.append(run_id)
    if report.requeued or report.released or report.failed:
        log.warning(
            "reconciler: requeued %s, released %s, failed %s", report.requeued, report.released, report.failed
        )
    return report


def _cause(queue: ArqQueue | InProcessQueue, state: str, beat: datetime, now: datetime) -> str:
    """Why a running run is taken from its job, in words staff can act on (kept in the run's error)."""
    silent = f"no heartbeat for {(now - beat).total_seconds():.0f} s"
    if isinstance(queue, InProcessQueue):
        if state == "complete":
            return "the API process's job ended without ending the run"
        if state == "missing":
            return f"no job of this API process holds the run (a previous process stopped?); {silent}"
        return f"the API process's job is stuck; {silent}"
    return f"the worker holding it is gone; {silent}"
