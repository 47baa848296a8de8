"""The effects a commit leaves behind (``domain.outbox``), run by this process: enqueue the runs' jobs,
wake the subscribers of every process, start the sending of pending messages.

The API sets a :class:`JobSink` per GraphQL operation (``schema.effects``), the workers and the in-process
runner per job, the daily step and the reconciler per pass. None of its steps raises: a run left queued is
enqueued by the reconciler, a lost wake-up delays an event until the hubs' next poll, an unsent message
stays pending until the next sending pass.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis

from domain import outbox
from jobs.events import announce

if TYPE_CHECKING:
    from jobs.queue import ArqQueue, InProcessQueue

log = logging.getLogger(__name__)


class JobSink:
    def __init__(self, queue: ArqQueue | InProcessQueue) -> None:
        self.queue = queue

    async def run(self, effects: Sequence[outbox.Effect]) -> None:
        for effect in effects:
            if isinstance(effect, outbox.EnqueueRun):
                try:
                    await self.queue.enqueue(effect.run_id)
                except Exception as exc:  # Redis away: the run stays queued and the reconciler enqueues it
                    log.warning(
                        "run %s stored but not enqueued: %s: %s", effect.run_id, type(exc).__name__, exc
                    )
            elif isinstance(effect, outbox.EnqueuePublish):
                try:
                    await self.queue.enqueue_publish(effect.run_id)
                except Exception as exc:  # Redis away: the run stays publishing; the reconciler enqueues it
                    log.warning(
                        "publish of run %s stored but not enqueued: %s: %s",
                        effect.run_id,
                        type(exc).__name__,
                        exc,
                    )
        if any(isinstance(e, outbox.SendMessages) for e in effects):
            await self._start_sending()
        if any(isinstance(e, outbox.WakeSubscribers) for e in effects):
            await announce(await self._redis())

    async def _start_sending(self) -> None:
        """A sending pass: an arq job (one queued at a time) or a task of this process. Never raises: the
        messages stay pending and the periodic pass sends them."""
        from jobs import mail
        from jobs.queue import ArqQueue

        try:
            if isinstance(self.queue, ArqQueue):
                pool = await self.queue.pool()
                await pool.enqueue_job(
                    mail.JOB_NAME, _job_id=mail.JOB_NAME, _queue_name=self.queue.queue_name
                )
            else:
                mail.start_in_process()
        except Exception as exc:
            log.warning("cannot start sending messages: %s: %s", type(exc).__name__, exc)

    async def _redis(self) -> Redis | None:
        from jobs.queue import ArqQueue

        if isinstance(self.queue, ArqQueue):
            try:
                return await self.queue.pool()
            except Exception as exc:
                log.warning("cannot reach Redis to announce events: %s: %s", type(exc).__name__, exc)
        return None


def sink_for(redis_url: str | None) -> JobSink:
    """The sink of a process configured with ``redis_url`` (None: the embedded, in-process setup)."""
    from jobs.queue import queue_for

    return JobSink(queue_for(redis_url))


def sink_of_job(ctx: dict[str, Any]) -> JobSink:
    """The sink of a job: arq's pool in a worker, this process's queue in the in-process runner."""
    from jobs.queue import ArqQueue, configured_queue_name, queue_for

    redis = ctx.get("redis")
    if redis is None:
        return JobSink(queue_for(None))
    return JobSink(ArqQueue.from_pool(redis, queue_name=configured_queue_name()))
