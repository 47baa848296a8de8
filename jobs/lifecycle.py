"""The API process's part in jobs: at start, in the embedded setup (no Redis), one reconciler pass that
restarts in this process every run left queued or running by a previous process (no other process can be
running it), and the programme's daily step (``jobs.daily``) at start and every hour; at stop, that loop,
the job queue and the event hub close. With Redis, workers own the reconciler and the daily step."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from api.settings import Settings
from domain import outbox
from jobs import daily, mail
from jobs.effects import sink_for
from jobs.events import close_hubs
from jobs.queue import close_queues, queue_for
from jobs.reconciler import Report, reconcile

log = logging.getLogger(__name__)

DAILY_STEP_EVERY_S = 3600.0
_daily_loop: asyncio.Task[None] | None = None
MAIL_PASS_EVERY_S = 30.0
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


async def start(settings: Settings, *, daily_every_s: float = DAILY_STEP_EVERY_S) -> Report | None:
    global _daily_loop
    if settings.uses_redis:
        return None
    report = await reconcile(queue_for(None), heartbeat_timeout_s=0.0, queued_grace_s=0.0)
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
    await close_queues()
    await close_hubs()
