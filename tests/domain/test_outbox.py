"""The outbox (``domain.outbox``): effects registered inside a transaction run once, after the outermost
commit, and never after a rollback (nested blocks too); outside a transaction they run at once."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import uuid4

import pytest

from domain import outbox
from domain.models import MatchingRun, Path
from domain.services import run_requests
from tests.conftest import Backend


class Recorder:
    """A sink that records what it runs and whether the change was committed when it ran."""

    def __init__(self) -> None:
        self.batches: list[list[outbox.Effect]] = []
        self.paths_seen: list[int] = []

    async def run(self, effects: Sequence[outbox.Effect]) -> None:
        self.batches.append(list(effects))
        # A query outside the (finished) transaction: sees only committed rows.
        self.paths_seen.append(await Path.all().count())


class Boom(Exception):
    pass


async def test_effects_run_after_the_commit_in_order(db: Backend) -> None:
    sink = Recorder()
    first, second = outbox.EnqueueRun(uuid4()), outbox.EnqueueRun(uuid4())
    with outbox.using(sink):
        async with outbox.in_transaction():
            await Path.create(name="Data")
            await outbox.after_commit(first, outbox.WakeSubscribers())
            await outbox.after_commit(second)
            assert sink.batches == []  # nothing before the commit
    assert sink.batches == [[first, outbox.WakeSubscribers(), second]]
    assert sink.paths_seen == [1]  # the sink saw the committed row


async def test_a_rollback_drops_the_effects(db: Backend) -> None:
    sink = Recorder()
    with outbox.using(sink), pytest.raises(Boom):
        async with outbox.in_transaction():
            await Path.create(name="Data")
            await outbox.after_commit(outbox.WakeSubscribers())
            raise Boom
    assert sink.batches == []
    assert await Path.all().count() == 0
    # The next transaction starts with an empty frame: the dropped effect does not come back.
    with outbox.using(sink):
        async with outbox.in_transaction():
            await outbox.after_commit(outbox.SendMessages())
    assert sink.batches == [[outbox.SendMessages()]]


async def test_an_effect_registered_twice_runs_once(db: Backend) -> None:
    sink = Recorder()
    run_id = uuid4()
    with outbox.using(sink):
        async with outbox.in_transaction():
            await outbox.after_commit(outbox.EnqueueRun(run_id), outbox.WakeSubscribers())
            async with outbox.in_transaction():
                await outbox.after_commit(outbox.EnqueueRun(run_id), outbox.WakeSubscribers())
        async with outbox.in_transaction():
            pass  # a later transaction runs nothing again
    assert sink.batches == [[outbox.EnqueueRun(run_id), outbox.WakeSubscribers()]]


async def test_nested_blocks_wait_for_the_outermost_commit(db: Backend) -> None:
    sink = Recorder()
    kept, dropped = outbox.EnqueueRun(uuid4()), outbox.EnqueueRun(uuid4())
    with outbox.using(sink):
        async with outbox.in_transaction():
            async with outbox.in_transaction():
                await Path.create(name="Kept")
                await outbox.after_commit(kept)
            assert sink.batches == []  # the savepoint's exit is no commit
            with pytest.raises(Boom):
                async with outbox.in_transaction():  # a savepoint rolled back, its error caught
                    await Path.create(name="Dropped")
                    await outbox.after_commit(dropped)
                    raise Boom
            assert outbox.pending() == [kept]
    assert sink.batches == [[kept]]
    assert sink.paths_seen == [1]
    assert [p.name for p in await Path.all()] == ["Kept"]


async def test_an_outer_rollback_drops_what_nested_blocks_registered(db: Backend) -> None:
    sink = Recorder()
    with outbox.using(sink), pytest.raises(Boom):
        async with outbox.in_transaction():
            async with outbox.in_transaction():
                await outbox.after_commit(outbox.WakeSubscribers())
            raise Boom
    assert sink.batches == []


async def test_outside_a_transaction_an_effect_runs_at_once(db: Backend) -> None:
    sink = Recorder()
    with outbox.using(sink):
        await outbox.after_commit(outbox.WakeSubscribers())
    assert sink.batches == [[outbox.WakeSubscribers()]]
    # Without a sink (a script calling a service) the effect is dropped, not raised.
    await outbox.after_commit(outbox.WakeSubscribers())
    assert sink.batches == [[outbox.WakeSubscribers()]]


async def test_a_service_registers_where_the_effect_arises(db: Backend) -> None:
    """start_run registers its job's enqueue and the wake-up of its status event; a caller's transaction
    that rolls back afterwards takes both away with the run."""
    sink = Recorder()
    options = run_requests.RunOptions(time_limit_s=1.0)
    with outbox.using(sink), pytest.raises(Boom):
        async with outbox.in_transaction():
            await run_requests.start_run(run_requests.RunScope(), options)
            raise Boom
    assert sink.batches == [] and await MatchingRun.all().count() == 0
    with outbox.using(sink):
        run = await run_requests.start_run(run_requests.RunScope(), options)
    assert sink.batches == [[outbox.WakeSubscribers(), outbox.EnqueueRun(run.id)]]
