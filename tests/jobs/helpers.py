"""Helpers for the run tests (jobs and schema): the in-process job queue and event hub are per process; each test gets
fresh ones and leaves no job running behind it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest

from jobs.events import close_hubs
from jobs.queue import close_queues

if TYPE_CHECKING:
    from tests.conftest import GraphQLClient


@pytest.fixture(autouse=True)
async def fresh_jobs() -> AsyncIterator[None]:
    await close_queues()
    await close_hubs()
    yield
    await close_queues()
    await close_hubs()


async def eventually(check: Callable[[], Awaitable[bool]], *, within_s: float = 60.0, what: str = "") -> None:
    """Wait until ``check`` holds (a deadline against hangs, not a speed assertion)."""
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {within_s}s: {what}")
        await asyncio.sleep(0.05)


async def introduced(run_id: object) -> None:
    """Wait until the sending pass woken by a publish's commit has written the run's introductions
    (``domain.services.introductions``): its ``introduced_at`` set."""
    from domain.models import MatchingRun

    async def done() -> bool:
        return await MatchingRun.filter(id=run_id, introduced_at__isnull=False).exists()

    await eventually(done, what=f"run {run_id} introduced")


async def run_finished(gql: GraphQLClient, run_id: str, query: str) -> dict[str, Any]:
    """The run once its job has ended: ``query`` reads ``matchingRun(id: $id)``, its status at least."""
    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update((await gql(query, {"id": run_id}))["matchingRun"])
        return seen["status"] not in ("QUEUED", "RUNNING")

    await eventually(done, what=f"run {run_id} ends")
    return seen
