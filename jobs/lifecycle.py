"""The API process's part in jobs: at start, in the embedded setup (no Redis), one reconciler pass that
restarts in this process every run left queued or running by a previous process (no other process can be
running it), then a pass every ``RECONCILE_EVERY_S`` for the runs this process loses while it lives (a job
that ended without ending its run, one whose heartbeat stopped, a run left queued); the programme's daily
step (``jobs.daily``) at start and every hour; at stop, those loops, the job queue and the event hub close.
With Redis, workers own the reconciler and the daily step."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from domain import outbox
from domain.services import run_worker
from infra.settings import Settings
from jobs import daily, mail
from jobs.effects import sink_for
from jobs.events import close_hubs
from jobs.queue import close_queues, in_process_jobs, queue_for
from jobs.reconciler import Report, reconcile

log = logging.getLogger(__name__)

DAILY_STEP_EVERY_S = 3600.0
_daily_loop: asyncio.Task[None] | None = None
MAIL_PASS_EVERY_S = 30.0
RECONCILE_EVERY_S = 10.0
# A pass that starts this much later than planned is skipped (see ``_run_reconciler``).
LATE_PASS_S = 2.0
_loops: list[asyncio.Task[None]] = []


async def _run_daily_step(every_s: float) -> None:
    while True:
        try:
            with outbox.using(sink_for(None)):
                await daily.apply_due()
        except Exception:  # logged, and tried again next time: the step is idempotent
            log.exception("the daily step failed")
        await asyncio.sleep(every_s)


async def _run_mail_loop(every_s: float) -> None:
    while True:
        await asyncio.sleep(every_s)
        try:
            with outbox.using(sink_for(None)):
                await mail.send_now()
        except Exception:  # logged, and tried again next time: rows stay pending until sent
            log.exception("the sending pass failed")


async def _run_reconciler(every_s: float, heartbeat_timeout_s: float) -> None:
    while True:
        slept = time.monotonic()
        await asyncio.sleep(every_s)
        if time.monotonic() - slept > every_s + LATE_PASS_S:
            # The event loop was blocked: the jobs' tickers (on this loop too) could not beat meanwhile, so
            # their heartbeats look older than they are. The next pass judges them, once they have beaten.
            continue
        try:
            await reconcile(queue_for(None), heartbeat_timeout_s=heartbeat_timeout_s)
        except Exception:  # logged, and tried again next time (the database may be away for a moment)
            log.exception("the reconciler pass failed")


async def start(
    settings: Settings,
    *,
    daily_every_s: float = DAILY_STEP_EVERY_S,
    reconcile_every_s: float = RECONCILE_EVERY_S,
    heartbeat_timeout_s: float | None = None,
) -> Report | None:
    """The embedded setup's loops; ``heartbeat_timeout_s`` defaults to the settings' value."""
    global _daily_loop
    if settings.uses_redis:
        return None
    report = await reconcile(queue_for(None), heartbeat_timeout_s=0.0, queued_grace_s=0.0)
    _loops.append(
        asyncio.create_task(
            _run_reconciler(
                reconcile_every_s,
                settings.heartbeat_timeout_s if heartbeat_timeout_s is None else heartbeat_timeout_s,
            ),
            name="mentormatch-reconciler",
        )
    )
    _daily_loop = asyncio.create_task(_run_daily_step(daily_every_s), name="mentormatch-daily-step")
    _loops.append(asyncio.create_task(_run_mail_loop(MAIL_PASS_EVERY_S), name="mentormatch-mail"))
    return report


async def stop() -> None:
    global _daily_loop
    if _daily_loop is not None:
        _daily_loop.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(_daily_loop, timeout=5)
        _daily_loop = None
    for loop in _loops:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(loop, timeout=5)
    _loops.clear()
    await mail.wait_in_process()
    interrupted = in_process_jobs()
    await close_queues()
    for run_id in interrupted:  # left running: the next start resumes them; meanwhile they say why
        with contextlib.suppress(Exception):
            await run_worker.note_retry(
                run_id, "the API process stopped during the solve; its next start resumes the run"
            )
    await close_hubs()
