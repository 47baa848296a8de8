"""arq worker settings: ``mentormatch worker`` (or ``arq jobs.worker.WorkerSettings``).

Jobs: ``run_matching`` (a matching run, ``jobs.tasks``), ``ping`` (health), the reconciler as a cron
job every 30 seconds and once at start (``jobs.reconciler``), and the programme's daily step every hour
and once at start (``jobs.daily``). ``MENTORMATCH_JOB_TIMEOUT_S`` bounds one job
(default 15 minutes); ``MENTORMATCH_QUEUE`` names the arq queue (default arq's).
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any, ClassVar

from arq import cron, func
from arq.connections import RedisSettings

from api import services
from api.settings import Settings
from domain import outbox
from jobs import daily, effects, mail, tasks
from jobs.queue import ArqQueue, configured_queue_name
from jobs.reconciler import reconcile


async def startup(ctx: dict[str, Any]) -> None:
    if not logging.getLogger().handlers:  # `mentormatch worker`: arq's job lines and ours on stderr
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    await services.connect_database(settings)
    ctx["settings"] = settings


async def shutdown(_ctx: dict[str, Any]) -> None:
    await services.disconnect()


async def ping(_ctx: dict[str, Any]) -> str:
    """A health job: proves a worker is consuming the queue."""
    return "pong"


async def run_matching(ctx: dict[str, Any], run_id: str) -> str:
    """A matching run (``jobs.tasks.run_matching``)."""
    return await tasks.run_matching(ctx, run_id)


async def reconcile_runs(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron: recover runs stuck in queued or running (``jobs.reconciler``)."""
    queue = ArqQueue.from_pool(ctx["redis"], queue_name=QUEUE_NAME)
    report = await reconcile(queue, heartbeat_timeout_s=HEARTBEAT_TIMEOUT_S)
    return {
        "requeued": len(report.requeued),
        "released": len(report.released),
        "failed": len(report.failed),
    }


async def daily_step(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron, hourly: the programme's daily step (``jobs.daily``): returns from absences, last days."""
    with outbox.using(effects.sink_of_job(ctx)):
        return await daily.apply_due()


async def send_messages(ctx: dict[str, Any]) -> dict[str, int]:
    """The message outbox (``jobs.mail``): on demand after a commit that wrote messages, and as a cron
    pass (retries with backoff, reminders, rows a dead worker held)."""
    with outbox.using(effects.sink_of_job(ctx)):
        report = await mail.send_now()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


def _redis_settings() -> RedisSettings:
    settings = Settings.from_env()
    return RedisSettings.from_dsn(settings.redis_url or "redis://127.0.0.1:6379/0")


QUEUE_NAME = configured_queue_name()
JOB_TIMEOUT_S = int(os.environ.get("MENTORMATCH_JOB_TIMEOUT_S", str(15 * 60)))
HEARTBEAT_TIMEOUT_S = float(os.environ.get("MENTORMATCH_HEARTBEAT_TIMEOUT_S", "30"))


class WorkerSettings:
    functions: ClassVar[list[Any]] = [ping, run_matching, func(send_messages, keep_result=0, max_tries=1)]
    cron_jobs: ClassVar[list[Any]] = [
        cron(reconcile_runs, second={0, 30}, run_at_startup=True, timeout=60, max_tries=1),
        cron(daily_step, minute={5}, run_at_startup=True, timeout=600, max_tries=1),
        cron(send_messages, second={20, 50}, timeout=300, max_tries=1, unique=True, keep_result=0),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = _redis_settings()
    queue_name = QUEUE_NAME
    job_timeout = JOB_TIMEOUT_S
    max_tries = tasks.MAX_TRIES
    poll_delay = 0.2
    # `mentormatch worker --check` (arq's health check) passes while this key is fresher than 31 s. One key
    # per host (arq's default is one per queue, which any live worker would keep fresh): in a container,
    # the check run by the container's health check sees its own worker.
    health_check_interval = 30
    health_check_key = f"{QUEUE_NAME}:health-check:{socket.gethostname()}"
