"""Effects due after a commit: registered where they arise, run once the outermost transaction commits.

Tortoise has no ``on_commit``. Services open their transactions with :func:`in_transaction` (this module's,
a drop-in for Tortoise's) and call :func:`after_commit` where an effect arises: enqueue a run's job, wake
the subscribers of the events just recorded, send the messages just written. The effects are kept in a
context-local frame per transaction:

- a nested block (a savepoint) hands its effects to the enclosing block when it exits cleanly, and drops
  them when it raises (the savepoint rolled back), even if the enclosing block catches the error;
- the outermost block runs them after its commit, in registration order, each once (an effect registered
  twice in one transaction runs once); a rollback drops them;
- outside any transaction the change is already committed (autocommit): the effect runs at once.

Who runs them is the caller's business, not the domain's: the API, the workers and the in-process runner
set a :class:`Sink` for their context with :func:`using` (``jobs.effects``). Without a sink (a script, a
test calling a service directly) effects are dropped: the reconciler enqueues queued runs and the event
hubs poll their table, so nothing is lost, only later.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction as _tortoise_transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnqueueRun:
    """Enqueue the job of a queued matching run (a worker never sees an uncommitted run)."""

    run_id: UUID


@dataclass(frozen=True)
class EnqueuePublish:
    """Enqueue the job that publishes a large run (``run_publish``): its request is committed first."""

    run_id: UUID


@dataclass(frozen=True)
class WakeSubscribers:
    """Wake the event hubs: events were recorded (``domain.services.events``)."""


@dataclass(frozen=True)
class SendMessages:
    """Send the pending messages of the message outbox (``domain.services.notifications``)."""


Effect = EnqueueRun | EnqueuePublish | WakeSubscribers | SendMessages


class Sink(Protocol):
    async def run(self, effects: Sequence[Effect]) -> None: ...


@dataclass(eq=False)
class _Frame:
    effects: list[Effect] = field(default_factory=list)

    def add(self, effect: Effect) -> None:
        if effect not in self.effects:
            self.effects.append(effect)


_frame: ContextVar[_Frame | None] = ContextVar("mentormatch_outbox_frame", default=None)
_sink: ContextVar[Sink | None] = ContextVar("mentormatch_outbox_sink", default=None)


@contextlib.asynccontextmanager
async def in_transaction(connection_name: str | None = None) -> AsyncIterator[BaseDBAsyncClient]:
    """Tortoise's ``in_transaction`` with an effect frame: see the module's docstring."""
    parent = _frame.get()
    frame = _Frame()
    token = _frame.set(frame)
    try:
        async with _tortoise_transaction(connection_name) as conn:
            yield conn
    finally:
        _frame.reset(token)
    # Reached only when the block (and, outermost, its commit) succeeded.
    if parent is not None:
        for effect in frame.effects:
            parent.add(effect)
    else:
        await _run(frame.effects)


async def after_commit(*effects: Effect) -> None:
    """Register effects to run after the current outermost transaction commits (at once outside one)."""
    frame = _frame.get()
    if frame is None:
        await _run(list(effects))
        return
    for effect in effects:
        frame.add(effect)


def pending() -> list[Effect]:
    """The effects registered so far in the current transaction block (tests, diagnostics)."""
    frame = _frame.get()
    return list(frame.effects) if frame is not None else []


@contextlib.contextmanager
def using(sink: Sink | None) -> Iterator[None]:
    """Run the effects committed inside this block with ``sink``."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


async def _run(effects: Sequence[Effect]) -> None:
    if not effects:
        return
    sink = _sink.get()
    if sink is None:
        log.debug("no effect sink in this context; dropped %d effect(s)", len(effects))
        return
    try:
        await sink.run(effects)
    except Exception:  # the change is committed: an effect that fails is recovered later, never raised
        log.exception("effects after commit failed: %s", effects)
