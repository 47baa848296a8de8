"""Run a domain action and return its payload, or the typed error it raised (never an exception); then,
once its transaction committed, enqueue the runs it started and wake subscribers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar
from uuid import UUID

from domain.errors import DomainError
from jobs.queue import announce_on, queue_for
from schema.context import Info
from schema.errors import AnyUserError, to_graphql_error

T = TypeVar("T")
log = logging.getLogger(__name__)


async def attempt(action: Callable[[], Awaitable[T]]) -> T | AnyUserError:
    try:
        return await action()
    except DomainError as error:
        return to_graphql_error(error)


async def after_commit(info: Info, started_runs: Iterable[UUID] = ()) -> None:
    """After a mutation's transaction committed: enqueue the jobs of the runs it started (a worker never
    sees an uncommitted run), then wake the subscribers of the events it recorded. A mutation that
    changes pairings, sessions' owners or runs ends with this."""
    queue = queue_for(info.context.settings.redis_url)
    for run_id in started_runs:
        try:
            await queue.enqueue(run_id)
        except Exception as exc:  # Redis away: the run stays queued and the reconciler enqueues it
            log.warning("run %s stored but not enqueued: %s: %s", run_id, type(exc).__name__, exc)
    await announce_on(queue)
