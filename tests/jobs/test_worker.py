"""The production job path: an arq job enqueued in the real Redis is run by a worker."""

from __future__ import annotations

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker

from jobs.worker import WorkerSettings, ping
from tests.conftest import REDIS_URL


async def test_a_job_round_trips_through_redis() -> None:
    redis_settings = RedisSettings.from_dsn(REDIS_URL)
    pool = await create_pool(redis_settings)
    try:
        await pool.flushdb()
        job = await pool.enqueue_job("ping")
        assert job is not None
        worker = Worker(
            functions=WorkerSettings.functions,
            redis_pool=pool,
            burst=True,
            poll_delay=0.05,
            handle_signals=False,
        )
        await worker.main()
        assert await job.result(timeout=5) == "pong"
        assert ping in WorkerSettings.functions
    finally:
        await pool.flushdb()
        await pool.aclose()
