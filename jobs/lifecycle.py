"""The API process's part in jobs: at start, in the embedded setup (no Redis), one reconciler pass that
restarts in this process every run left queued or running by a previous process (no other process can be
running it); at stop, the job queue and the event hub close. With Redis, workers own the reconciler."""

from __future__ import annotations

from api.settings import Settings
from jobs.events import close_hubs
from jobs.queue import close_queues, queue_for
from jobs.reconciler import Report, reconcile


async def start(settings: Settings) -> Report | None:
    if settings.uses_redis:
        return None
    return await reconcile(queue_for(None), heartbeat_timeout_s=0.0, queued_grace_s=0.0)


async def stop() -> None:
    await close_queues()
    await close_hubs()
