"""Where matching jobs go: arq on Redis (``REDIS_URL`` set) or tasks in this process (embedded setup).

Both run ``jobs.tasks.run_matching`` with the run's id as the job id, so a job is enqueued at most once
per run; both answer the reconciler's questions (is the job there? release a dead worker's hold).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any, Literal
from uuid import UUID

from arq import Retry
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import default_queue_name, in_progress_key_prefix, result_key_prefix
from arq.jobs import Job, JobStatus
from redis.asyncio import Redis

from jobs import publishing, tasks

log = logging.getLogger(__name__)

JOB_NAME = "run_matching"
QUEUE_ENV = "MENTORMATCH_QUEUE"
JobState = Literal["queued", "in_progress", "missing", "complete"]


class ArqQueue:
    """Jobs in Redis, run by ``mentormatch worker`` processes."""

    def __init__(self, redis_url: str, *, queue_name: str = default_queue_name) -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name
        self._pool: ArqRedis | None = None
        self._lock = asyncio.Lock()

    @classmethod
    def from_pool(cls, pool: ArqRedis, *, queue_name: str = default_queue_name) -> ArqQueue:
        queue = cls("redis://", queue_name=queue_name)
        queue._pool = pool
        return queue

    async def pool(self) -> ArqRedis:
        async with self._lock:
            if self._pool is None:
                self._pool = await create_pool(
                    RedisSettings.from_dsn(self.redis_url), default_queue_name=self.queue_name
                )
            return self._pool

    @property
    def redis(self) -> Redis | None:
        return self._pool

    async def enqueue(self, run_id: UUID) -> None:
        pool = await self.pool()
        await pool.enqueue_job(JOB_NAME, str(run_id), _job_id=str(run_id), _queue_name=self.queue_name)

    async def enqueue_publish(self, run_id: UUID) -> None:
        """The publish job of a run (``jobs.publishing``); none added while one is queued or running."""
        pool = await self.pool()
        await pool.enqueue_job(
            publishing.JOB_NAME,
            str(run_id),
            _job_id=publishing.job_id(run_id),
            _queue_name=self.queue_name,
        )

    async def state(self, run_id: UUID) -> JobState:
        pool = await self.pool()
        status = await Job(str(run_id), pool, _queue_name=self.queue_name).status()
        if status is JobStatus.in_progress:
            return "in_progress"
        if status in (JobStatus.queued, JobStatus.deferred):
            return "queued"
        if status is JobStatus.complete:
            return "complete"
        return "missing"

    async def release(self, run_id: UUID) -> None:
        """Drop a dead worker's hold on the job (its in-progress key) so that another worker takes the job,
        and forget a finished job's result so that the run can be enqueued again."""
        pool = await self.pool()
        await pool.delete(in_progress_key_prefix + str(run_id), result_key_prefix + str(run_id))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


class InProcessQueue:
    """The embedded setup: each job is a task of this process, retried here on ``Retry``."""

    def __init__(self) -> None:
        self.tasks: dict[UUID, asyncio.Task[str]] = {}
        self.publishing: dict[UUID, asyncio.Task[str]] = {}  # publish jobs (``jobs.publishing``)

    @property
    def redis(self) -> Redis | None:
        return None

    async def enqueue(self, run_id: UUID) -> None:
        task = self.tasks.get(run_id)
        if task is not None and not task.done():
            return
        self.tasks[run_id] = asyncio.create_task(self._run(run_id), name=f"run-{run_id}")

    async def enqueue_publish(self, run_id: UUID) -> None:
        task = self.publishing.get(run_id)
        if task is not None and not task.done():
            return
        self.publishing[run_id] = asyncio.create_task(self._publish(run_id), name=f"publish-{run_id}")

    async def _publish(self, run_id: UUID) -> str:
        job_try = 1
        while True:
            try:
                return await publishing.publish_run({"job_try": job_try, "redis": None}, str(run_id))
            except Retry as retry:
                await asyncio.sleep(retry.defer_score / 1000 if retry.defer_score else 1.0)
                job_try += 1

    async def _run(self, run_id: UUID) -> str:
        job_try = 1
        while True:
            try:
                ctx = {"job_try": job_try, "redis": None, "solve_in_process": True}
                return await tasks.run_matching(ctx, str(run_id))
            except Retry as retry:
                delay = retry.defer_score / 1000 if retry.defer_score else 1.0
                await asyncio.sleep(delay)
                job_try += 1

    async def state(self, run_id: UUID) -> JobState:
        task = self.tasks.get(run_id)
        if task is None:
            return "missing"
        return "complete" if task.done() else "in_progress"

    async def release(self, run_id: UUID) -> None:
        """Forget the run's job; one still going (its heartbeat stopped: stuck) is cancelled first, which
        stops its solver process too, so that the job enqueued next is the only one."""
        task = self.tasks.pop(run_id, None)
        if task is None:
            return
        if not task.done():
            task.cancel()
            await _bounded_wait([task], "in-process job")
        if task.done():
            with contextlib.suppress(BaseException):
                task.result()

    async def wait(self) -> None:
        """Wait for every job of this process (tests, shutdown)."""
        pending = [t for t in [*self.tasks.values(), *self.publishing.values()] if not t.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        tasks = [*self.tasks.values(), *self.publishing.values()]
        self.tasks.clear()
        self.publishing.clear()
        for task in tasks:
            task.cancel()
        await _bounded_wait(tasks, "in-process job")


async def _bounded_wait(tasks: list[asyncio.Task[Any]], what: str, timeout_s: float = 10.0) -> None:
    """Wait for cancelled tasks, but never forever: a task stuck in a thread must not hang shutdown."""
    if not tasks:
        return
    _done, pending = await asyncio.wait(tasks, timeout=timeout_s)
    for task in pending:
        log.error("%s %s still running %.0f s after cancel; leaving it", what, task.get_name(), timeout_s)


def configured_queue_name() -> str:
    """The arq queue that the API enqueues on and the workers listen to: ``MENTORMATCH_QUEUE``, else arq's
    default. Read here only, by both sides, so that they cannot disagree."""
    return os.environ.get(QUEUE_ENV) or default_queue_name


_queues: dict[tuple[str | None, str], ArqQueue | InProcessQueue] = {}


def queue_for(redis_url: str | None) -> ArqQueue | InProcessQueue:
    name = configured_queue_name()
    queue = _queues.get((redis_url, name))
    if queue is None:
        queue = ArqQueue(redis_url, queue_name=name) if redis_url else InProcessQueue()
        _queues[(redis_url, name)] = queue
    return queue


def in_process_jobs() -> list[UUID]:
    """The runs whose in-process jobs are going now (the embedded setup)."""
    return [
        run_id
        for queue in _queues.values()
        if isinstance(queue, InProcessQueue)
        for run_id, task in queue.tasks.items()
        if not task.done()
    ]


async def close_queues() -> None:
    queues = list(_queues.values())
    _queues.clear()
    for queue in queues:
        await queue.close()
