"""arq worker settings: ``mentormatch worker`` (or ``arq jobs.worker.WorkerSettings``).

Jobs: ``run_matching`` (a matching run, ``jobs.tasks``), ``publish_run`` (a large publish,
``jobs.publishing``), ``solve_part`` (one part of a large run split
over the workers, ``jobs.parts``), ``ping`` (health), the reconciler as a cron
job every 30 seconds and once at start (``jobs.reconciler``), and the programme's daily step every hour
and once at start (``jobs.daily``). ``MENTORMATCH_JOB_TIMEOUT_S`` bounds one job
(default 15 minutes); ``MENTORMATCH_QUEUE`` names the arq queue (default arq's).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from typing import Any, ClassVar

from arq import cron, func
from arq.connections import RedisSettings

from domain import outbox
from infra import connections
from infra.settings import Settings
from jobs import daily, effects, mail, parts, publishing, tasks
from jobs.queue import ArqQueue, configured_queue_name
from jobs.reconciler import reconcile


async def startup(ctx: dict[str, Any]) -> None:
    if not logging.getLogger().handlers:  # `mentormatch worker`: arq's job lines and ours on stderr
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    await connections.connect_database(settings)
    ctx["settings"] = settings
    ctx["queue_name"] = QUEUE_NAME  # a split run enqueues its parts there (``jobs.parts``)
    ctx["heartbeat_timeout_s"] = settings.heartbeat_timeout_s
    ctx["parts"] = parts.worker_state()  # one part at a time per worker
    ctx["mail"] = mail_state()  # one sending pass at a time per worker
    # Counted by a split run to share its time limit among its parts (``jobs.parts``).
    worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    ctx["presence"] = asyncio.create_task(parts.worker_presence(ctx["redis"], QUEUE_NAME, worker))


async def shutdown(ctx: dict[str, Any]) -> None:
    presence: asyncio.Task[None] | None = ctx.get("presence")
    if presence is not None:
        presence.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await presence
    await connections.disconnect()


async def ping(_ctx: dict[str, Any]) -> str:
    """A health job: proves a worker is consuming the queue."""
    return "pong"


async def run_matching(ctx: dict[str, Any], run_id: str) -> str:
    """A matching run (``jobs.tasks.run_matching``)."""
    return await tasks.run_matching(ctx, run_id)


async def publish_run(ctx: dict[str, Any], run_id: str) -> str:
    """A large publish (``jobs.publishing``)."""
    return await publishing.publish_run(ctx, run_id)


async def solve_part(ctx: dict[str, Any], run_id: str, attempt: int, index: int) -> str:
    """One part of a split run (``jobs.parts``)."""
    return await parts.solve_part(ctx, run_id, attempt, index)


async def reconcile_runs(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron: recover runs stuck in queued or running (``jobs.reconciler``)."""
    queue = ArqQueue.from_pool(ctx["redis"], queue_name=QUEUE_NAME)
    settings: Settings = ctx["settings"]
    report = await reconcile(queue, heartbeat_timeout_s=settings.heartbeat_timeout_s)
    return {
        "requeued": len(report.requeued),
        "released": len(report.released),
        "failed": len(report.failed),
    }


async def daily_step(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron, hourly: the programme's daily step (``jobs.daily``): returns from absences, last days."""
    with outbox.using(effects.sink_of_job(ctx)):
        return await daily.apply_due()


def mail_state() -> dict[str, bool]:
    """Put in the worker's ctx as ``mail`` at start: whether a sending pass runs in this worker (arq
    gives each job a copy of ctx: the flag lives in an object they share)."""
    return {"busy": False}


async def send_messages(ctx: dict[str, Any]) -> dict[str, int]:
    """The message outbox (``jobs.mail``): on demand after a commit that wrote messages, and as a cron
    pass (retries with backoff, reminders, rows a dead worker held).

    One pass at a time per worker: a pass takes the rows that come due while it runs (it loops until
    nothing is due), so another one started meanwhile is skipped. (At 100,000 students the reminders of
    a day's sessions took a pass longer than the cron's 30 s: a new pass started every 30 s, each
    redoing the reminders it read as not yet written, eight at once by the end of a run's solve.)"""
    state: dict[str, bool] = ctx.get("mail") or {}
    if state.get("busy"):
        return {"sent": 0, "retried": 0, "failed": 0, "skipped": 1}
    state["busy"] = True  # before any await: arq starts jobs concurrently
    try:
        with outbox.using(effects.sink_of_job(ctx)):
            report = await mail.send_now()
    finally:
        state["busy"] = False
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


def _redis_settings() -> RedisSettings:
    settings = Settings.from_env()
    return RedisSettings.from_dsn(settings.redis_url or "redis://127.0.0.1:6379/0")


QUEUE_NAME = configured_queue_name()
JOB_TIMEOUT_S = int(os.environ.get("MENTORMATCH_JOB_TIMEOUT_S", str(15 * 60)))


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        ping,
        run_matching,
        func(solve_part, max_tries=parts.PART_MAX_TRIES, keep_result=3600),
        # No result kept: a run whose publish failed may be published again under the same job id.
        func(publish_run, name=publishing.JOB_NAME, keep_result=0),
        func(send_messages, keep_result=0, max_tries=1),
    ]
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
