"""A matching run's record, shared by everyone who acts on it: its states, the status event each
transition writes, the lookups. Who acts, one module each: staff and the services that ask for a run
(``run_requests``: start, join, cancel), the worker (``run_worker``: claim, progress, the proposal, the
end) and staff again to publish (``run_publish``).

Every transition is one transaction that also writes the event announcing it (``domain.services.events``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Unpack
from uuid import UUID

from domain import payloads
from domain.enums import RunStatus
from domain.errors import NotFound
from domain.models import MatchingRun
from domain.services import events

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
TERMINAL = (
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
    RunStatus.STALE,
    RunStatus.PUBLISHED,
)


def status_payload(run: MatchingRun, **extra: Unpack[payloads.StatusExtra]) -> payloads.RunStatusPayload:
    """The one writer of a run's status and progress events: its status, its progress, what the transition
    adds."""
    head: payloads.RunStatusPayload = {"runId": str(run.id), "status": run.status.value}
    if run.progress is None:
        return {**head, **extra}
    return {**head, **run.progress, **extra}


async def set_status(
    run: MatchingRun, status: RunStatus, *, error: str = "", **extra: Unpack[payloads.TransitionExtra]
) -> None:
    now = datetime.now(UTC)
    run.status = status
    run.error = error
    if status in TERMINAL and status is not RunStatus.PUBLISHED:
        run.finished_at = now
    await run.save()
    await events.record(events.run_topic(run.id), "status", status_payload(run, error=error, **extra))


async def get_run(run_id: UUID, *, field: str = "runId") -> MatchingRun:
    run = await MatchingRun.get_or_none(id=run_id)
    if run is None:
        raise NotFound("MatchingRun", run_id, field=field)
    return run


async def lock(run_id: UUID, *, field: str = "runId") -> MatchingRun:
    run = await MatchingRun.select_for_update().get_or_none(id=run_id)
    if run is None:
        raise NotFound("MatchingRun", run_id, field=field)
    return run


async def active_runs() -> list[MatchingRun]:
    return await MatchingRun.filter(status__in=ACTIVE).order_by("created_at")


async def publishing_runs(silent_since: datetime) -> list[UUID]:
    """Runs whose publish job (``run_publish.publish_queued``) gave no sign of life since ``silent_since``."""
    rows = await MatchingRun.filter(status=RunStatus.PUBLISHING, heartbeat_at__lt=silent_since).values_list(
        "id", flat=True
    )
    return [UUID(str(row)) for row in rows]
