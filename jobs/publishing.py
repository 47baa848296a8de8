"""The publish job: ``publish_run(ctx, run_id)``, run by an arq worker or in-process (same function), for a
publish of at least ``MENTORMATCH_PUBLISH_JOB_MIN_PAIRS`` pairs (``domain.services.run_publish``).

The publish is all or nothing (its writes are one transaction), so a job that dies leaves nothing half
done: arq runs it again (the reconciler enqueues it again when its job is gone), and the new attempt
starts over. A refusal (a run gone stale since the solve) or an error that is not worth a retry ends the
publish: the run is succeeded again with the cause as its error (``run_publish.publish_failed``). Transient
database or Redis errors raise arq's ``Retry``, as the matching job does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from uuid import UUID

from arq import Retry

from domain import outbox
from domain.errors import DomainError
from domain.services import run_publish
from jobs import effects
from jobs.tasks import MAX_TRIES, retry_delay_s
from jobs.transient import is_transient

log = logging.getLogger(__name__)

JOB_NAME = "publish_run"


def job_id(run_id: UUID) -> str:
    """One publish job per run at a time (arq refuses a second job of the same id)."""
    return f"publish:{run_id}"


async def publish_run(ctx: dict[str, Any], run_id: str) -> str:
    """The job. Returns what happened (kept in the worker's log)."""
    job_try: int = ctx.get("job_try", 1)
    with outbox.using(effects.sink_of_job(ctx)):  # the events it records wake subscribers
        try:
            outcome = await run_publish.publish_queued(UUID(run_id))
        except asyncio.CancelledError:
            raise
        except DomainError as error:  # refused: publish_queued put the run back with the cause
            log.info("publish of run %s refused: %s", run_id, error.message)
            return f"refused: {error.code.value}"
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if is_transient(exc) and job_try < MAX_TRIES:
                log.warning("publish of run %s: transient error, retry %d: %s", run_id, job_try, exc)
                raise Retry(defer=retry_delay_s(job_try)) from exc
            log.exception("publish of run %s failed", run_id)
            try:
                await run_publish.publish_failed(UUID(run_id), reason)
            except Exception:  # the database is away: the reconciler enqueues the job again
                log.exception("publish of run %s: its failure could not be recorded", run_id)
            return "failed"
    if outcome is None:
        return "nothing to do"
    return f"published {len(outcome.created)} pairs"
