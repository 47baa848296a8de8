"""The production job path: an arq job enqueued in the real Redis is run by a worker."""

from __future__ import annotations

from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker

from jobs.worker import WorkerSettings, mail_state, ping, send_messages
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


async def test_a_sending_pass_is_skipped_while_another_runs_in_the_same_worker() -> None:
    """Cron passes of the outbox start every 30 s; one that finds a pass running in its worker does
    nothing (no database needed: it returns before any read)."""
    ctx = {"mail": mail_state()}
    ctx["mail"]["busy"] = True
    assert await send_messages(ctx) == {"sent": 0, "retried": 0, "failed": 0, "skipped": 1}
    assert ctx["mail"]["busy"] is True  # the running pass clears it, not the skipped one
