"""Scale-out (``jobs.parts``), with real processes: two ``mentormatch worker`` processes on the real Redis
(this test run's database, a queue of its own) and PostgreSQL (a database of the test's own) split a run
into two parts, solve one each, merge; a cancel stops every part; a part whose worker is killed is
taken over. Each test prints its figure (``pytest -s``)."""

from __future__ import annotations

import os
import pickle
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.jobs import Job

from jobs.parts import PartInput, part_job_id, share_s, solve_part, worker_state
from solver import SolveOptions
from solver.families import make
from tests.conftest import POSTGRES_SERVER, REDIS_URL
from tests.jobs.faults import Stack, own_database, until

SPLIT_ENV = {"MENTORMATCH_SPLIT_MIN_STUDENTS": "100", "MENTORMATCH_SPLIT_PARTS": "2"}
# The mixed family (solver.families): 30/45/60-minute sessions and funding weekdays keep the flow bound loose,
# so a part solves until its time is up instead of stopping early at the bound.
BIG = ("--students", "2400", "--mentors", "600", "--seed", "7", "--family", "mixed")  # parts of seconds
HUGE = ("--students", "8000", "--mentors", "2000", "--seed", "7", "--family", "mixed")  # longer than a cancel


@pytest.fixture
async def scaleout_db() -> AsyncIterator[str]:
    async with own_database(POSTGRES_SERVER, f"mentormatch_scaleout_{os.getpid()}") as url:
        yield url


@pytest.fixture
async def stack(scaleout_db: str, tmp_path: Path) -> AsyncIterator[Stack]:
    s = Stack(scaleout_db, REDIS_URL, tmp_path, **SPLIT_ENV)
    yield s
    s.stop()
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    try:
        keys = [k async for k in pool.scan_iter(match=f"{s.queue}*")]
        keys += [k async for k in pool.scan_iter(match="mentormatch:split:*")]
        if keys:
            await pool.delete(*keys)
    finally:
        await pool.aclose()


async def _pool(stack: Stack) -> ArqRedis:
    return await create_pool(RedisSettings.from_dsn(REDIS_URL), default_queue_name=stack.queue)


def _solved_parts(log: str) -> list[str]:
    """Part jobs a worker finished with a solver status (arq's ``←`` line with the job's result)."""
    return re.findall(r"part:(\d):solve_part ● '(optimal|feasible|time_limit)'", log)


async def _beating(pool: ArqRedis, run_id: str) -> int:
    return len([k async for k in pool.scan_iter(match=f"mentormatch:split:{run_id}:*:beat:*")])


async def test_a_large_run_is_split_over_two_workers_and_merged_into_a_valid_proposal(stack: Stack) -> None:
    await stack.step("seed", *BIG)
    stack.worker("w1")
    stack.worker("w2")
    run_id = (await stack.step("start", "--time-limit", "30"))["run"]

    async def done() -> bool:
        return bool((await stack.run_row(run_id))["status"] in ("succeeded", "failed", "cancelled"))

    await until(done, what="the split run ends", within_s=240)
    row = await stack.run_row(run_id)
    assert row["status"] == "succeeded", row["error"]
    checked = await stack.step("check", run_id)
    assert checked["violations"] == []
    assert checked["stats"]["parts"] == 2 and checked["stats"]["parts_solved"] == 2
    assert checked["placed"] >= checked["stats"]["parts_placed"] > 0
    # Both parts solved, each once. A worker solves one part at a time: a worker that solved both
    # (the other was slower to take the second) sent it back to the queue while it was busy.
    solved = [_solved_parts(stack.log(name)) for name in ("w1", "w2")]
    assert sorted(i for parts in solved for i, _ in parts) == ["0", "1"], solved
    for name, parts in zip(("w1", "w2"), solved, strict=True):
        if len(parts) == 2:
            assert re.search(r"part:\d:solve_part retrying job", stack.log(name))
    # Progress counted the parts (the last count comes with the status event of the stored proposal).
    totals = await stack.rows(
        "SELECT DISTINCT (payload->>'partsDone')::int AS done, (payload->>'partsTotal')::int AS total "
        "FROM event WHERE topic = $1 AND kind IN ('progress', 'status') AND payload ? 'partsTotal' "
        "ORDER BY done",
        f"run:{run_id}",
    )
    assert [r["total"] for r in totals] and all(r["total"] == 2 for r in totals)
    assert totals[0]["done"] == 0 and totals[-1]["done"] == 2
    print(
        f"\nFIGURE split run over 2 workers (parts solved per worker: {[len(p) for p in solved]}): "
        f"{checked['placed']}/{checked['students']} placed "
        f"(parts {checked['stats']['parts_placed']:.0f}, repair "
        f"{checked['stats']['repair_augment_placed'] + checked['stats']['repair_chain_placed']:.0f}), "
        f"0 violations"
    )


async def test_on_one_worker_the_parts_share_the_time_limit_and_each_is_solved(stack: Stack) -> None:
    """One worker solves the parts one after another: each gets its share of the time limit, not the
    time left until the run's deadline (the first part took it all, and the next ones started past the
    deadline with two seconds, less than their model's build: at 100,000 students they placed no one)."""
    await stack.step("seed", *BIG)
    stack.worker("w1")
    pool = await _pool(stack)
    try:
        run_id = (await stack.step("start", "--time-limit", "20"))["run"]

        async def split() -> bool:
            return len([k async for k in pool.scan_iter(match=f"mentormatch:split:{run_id}:1:in:*")]) == 2

        await until(split, what="the run is split", within_s=240)
        limits = []
        for index in (0, 1):
            blob = await pool.get(f"mentormatch:split:{run_id}:1:in:{index}")
            assert blob is not None
            limits.append(pickle.loads(blob).options.time_limit_s)
        assert limits == [10.0, 10.0]

        async def done() -> bool:
            return bool((await stack.run_row(run_id))["status"] in ("succeeded", "failed", "cancelled"))

        await until(done, what="the split run ends", within_s=240)
        row = await stack.run_row(run_id)
        assert row["status"] == "succeeded", row["error"]
        checked = await stack.step("check", run_id)
        assert checked["violations"] == []
        assert checked["stats"]["parts_solved"] == 2
        assert sorted(i for i, _ in _solved_parts(stack.log("w1"))) == ["0", "1"]
        print(f"\nFIGURE split run on 1 worker, parts of 10 s each: {checked['placed']} placed")
    finally:
        await pool.aclose()


def test_a_parts_share_is_the_time_limit_over_the_parts() -> None:
    assert share_s(30, 4) == 7.5
    assert share_s(30, 3) == 10
    assert share_s(30, 1) == 30
    assert share_s(4, 4) == 2.0  # never less than MIN_PART_S


async def test_cancel_stops_every_part(stack: Stack) -> None:
    await stack.step("seed", *HUGE)
    stack.worker("w1")
    stack.worker("w2")
    pool = await _pool(stack)
    try:
        run_id = (await stack.step("start", "--time-limit", "120"))["run"]
        # The step waits for both parts to solve, then cancels at once (a process of its own, started now).
        assert (await stack.step("cancel", run_id, "--when-parts", "2"))["status"] == "running"

        async def cancelled() -> bool:
            return bool((await stack.run_row(run_id))["status"] == "cancelled")

        await until(cancelled, what="the run ends cancelled", within_s=60)
        results = []
        for index in (0, 1):
            job = Job(part_job_id(run_id, 1, index), pool, _queue_name=stack.queue)
            results.append(await job.result(timeout=60))
        assert results == ["cancelled", "cancelled"]
        assert await _beating(pool, run_id) == 0
        assert [k async for k in pool.scan_iter(match=f"mentormatch:split:{run_id}:1:in:*")] == []
        print(f"\nFIGURE cancel of a split run: parts {results}, run cancelled")
    finally:
        await pool.aclose()


async def _both_beating(pool: ArqRedis, run_id: str) -> bool:
    return await _beating(pool, run_id) == 2


async def _split_run_solving(stack: Stack, pool: ArqRedis) -> tuple[str, str, str]:
    """Seed, start two workers and a 45 s run, wait until both parts solve: the run, the name of the worker
    holding the run's own job and the other's."""
    await stack.step("seed", *BIG)
    stack.worker("w1")
    stack.worker("w2")
    run_id = (await stack.step("start", "--time-limit", "45"))["run"]

    async def solving_or_ended() -> bool:
        if await _both_beating(pool, run_id):
            return True
        row = await stack.run_row(run_id)
        # A run that ended before both parts solved at once cannot show the kill: say why it ended.
        assert row["status"] not in ("succeeded", "failed", "cancelled"), (dict(row), stack.tails())
        return False

    async def explain() -> str:
        return (
            f"run {dict(await stack.run_row(run_id))}, beats {await _beating(pool, run_id)}\n{stack.tails()}"
        )

    await until(solving_or_ended, what="both parts are solving", within_s=240, explain=explain)
    parent = "w1" if ":run_matching('" in stack.log("w1") else "w2"
    return run_id, parent, "w2" if parent == "w1" else "w1"


async def _ends_succeeded(stack: Stack, run_id: str) -> asyncpg.Record:
    async def done() -> bool:
        return bool((await stack.run_row(run_id))["status"] in ("succeeded", "failed", "cancelled"))

    await until(done, what="the run ends", within_s=300)
    row = await stack.run_row(run_id)
    assert row["status"] == "succeeded", row["error"]
    return row


async def test_a_part_whose_worker_is_killed_is_taken_over(stack: Stack) -> None:
    pool = await _pool(stack)
    try:
        run_id, name, victim = await _split_run_solving(stack, pool)
        # Kill the worker that does not hold the run's own job: its part loses its worker.
        stack.kill(victim)
        row = await _ends_succeeded(stack, run_id)
        assert row["attempts"] == 1  # the run's own job never stopped: only the part was taken over
        checked = await stack.step("check", run_id)
        assert checked["violations"] == []
        assert checked["stats"]["parts_solved"] == 2
        assert len(_solved_parts(stack.log(name))) == 2
        assert "lost its worker" in stack.log(name)
        print(f"\nFIGURE part worker SIGKILL: run succeeded on attempt 1, {checked['placed']} placed")
    finally:
        await pool.aclose()


async def test_when_the_runs_own_worker_dies_its_parts_stop_and_the_reconciler_starts_it_again(
    stack: Stack,
) -> None:
    pool = await _pool(stack)
    try:
        run_id, parent, survivor = await _split_run_solving(stack, pool)
        stack.kill(parent)

        # The survivor's part ends: solved, or stopped when it saw its run's job gone (the parent's key
        # expires; ``test_a_part_stops_when_its_run_job_is_gone`` shows that stop on its own).
        async def stopped() -> bool:
            return await _beating(pool, run_id) == 0

        await until(stopped, what="no part of the first attempt solves", within_s=120)
        assert re.findall(r":1:part:\d:solve_part ● '(?:cancelled|optimal|feasible)'", stack.log(survivor))

        async def taken_over() -> bool:  # the survivor's reconciler, or this one, releases the run
            await stack.step("reconcile", "--heartbeat-timeout", "10")
            return bool((await stack.run_row(run_id))["attempts"] >= 2)

        await until(taken_over, what="the run is handed to the survivor", within_s=120)

        row = await _ends_succeeded(stack, run_id)
        assert row["attempts"] == 2
        checked = await stack.step("check", run_id)
        assert checked["violations"] == [] and checked["stats"]["parts_solved"] == 2
        assert re.findall(r":2:part:\d:solve_part ● '(?:optimal|feasible|time_limit)'", stack.log(survivor))
        print(
            f"\nFIGURE run's worker SIGKILL during a split: run succeeded on attempt 2, {checked['placed']} placed"
        )
    finally:
        await pool.aclose()


async def test_a_part_stops_when_its_run_job_is_gone() -> None:
    """In this process, on the real Redis: a part whose parent stops beating cancels its solver."""
    # Runs to its 60 s limit (mixed M ends ~1% under its LP bound); evening M, used before, is now
    # solved to optimality in 3-6 s, before the parent is missed.
    instance = make("mixed", "M", 1)
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
    run_id, prefix = f"test-{os.getpid()}", f"mentormatch:split:test-{os.getpid()}:1:"
    try:
        options = SolveOptions(time_limit_s=60)
        blob = pickle.dumps(PartInput(tuple(instance.mentors), tuple(instance.students), options))
        await pool.set(prefix + "in:0", blob, ex=600)
        await pool.set(prefix + "alive", b"1", ex=3)  # the parent's last beat
        ctx = {"redis": pool, "parts": worker_state()}
        t0 = time.monotonic()
        assert await solve_part(ctx, run_id, 1, 0) == "cancelled"
        assert time.monotonic() - t0 < 30
        assert await pool.get(prefix + "out:0") is None
        assert await pool.get(prefix + "beat:0") is None
        # A part whose run is gone before it starts does nothing.
        assert await solve_part(ctx, run_id, 1, 0) == "abandoned"
    finally:
        await pool.delete(prefix + "in:0", prefix + "alive")
        await pool.aclose()
