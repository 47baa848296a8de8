"""Scale-out: a large run split into parts that several ``mentormatch worker`` processes solve at once.

The run's job (``jobs.tasks``), the *parent*, decides to split when the run has at least
``MENTORMATCH_SPLIT_MIN_STUDENTS`` students and jobs go through Redis (a worker; never the embedded
setup). Then:

1. ``solver.split`` cuts the snapshot into ``MENTORMATCH_SPLIT_PARTS`` parts (by path; mentors who serve
   several parts are handed out first); each part's input goes to Redis and one arq job ``solve_part``
   per part is enqueued (job id ``<run>:<attempt>:part:<i>``).
2. A worker solves one part at a time (a part job that finds its worker busy with another part goes
   back to the queue for a moment, so that an idle worker takes it): parts spread over the workers.
   Each part gets the run's time limit divided by the number of parts (``share_s``), whatever the
   number of workers: one worker solves them in turn within the limit, W workers W at once, ending about
   W times sooner with the same result. The live workers (each keeps a presence key,
   ``worker_presence``) only set how many waves the parent waits for. (A part given "the time left
   until the run's deadline" took it all on one worker:
   the parts after it started past the deadline with two seconds, less than their model's build, and
   placed no one; at 100,000 students the merge then had 30,000 students to repair.) While it
   solves, the part beats in Redis every second and stops when the run is cancelled or its parent is
   gone (the parent's key expires ``HEARTBEAT_TIMEOUT_S`` after its last beat). Its result (or its
   error) goes to Redis.
3. The parent waits, beating the run's heartbeat (``jobs.tasks``' ticker) and its own key, reporting
   parts done / total as progress. A part whose job is gone, ended without a result, or whose worker
   stopped beating is enqueued again (its dead worker's hold released). Cancel: the parent marks the
   parts cancelled and the run ends cancelled. When the waves' time plus ``PART_GRACE_S`` per wave (the
   parts' model builds, not counted in their share) has passed, the parts still out are cancelled and
   their students go through the repair like any unplaced student.
4. ``solver.merge`` merges and repairs (in a thread); the parent stores the proposal as for one solve.

Every key of a split lives under ``mentormatch:split:<run>:<attempt>:`` with a time to live, and is
deleted when the parent ends: a new attempt of the run (its worker died) splits again from scratch, and
the old attempt's parts stop by themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import pickle
import time
from collections.abc import Callable, Sequence
from typing import Any

from arq import Retry
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix, result_key_prefix
from arq.jobs import Job, JobStatus

from jobs.solving import Cancel, solve_in_thread
from solver import MentorIn, Progress, SolveOptions, SolveResult, StudentIn
from solver.merge import merge
from solver.split import Split, split

log = logging.getLogger(__name__)

JOB_NAME = "solve_part"
TICK_S = 0.5
# A part's beat key lives this long: the parent counts a part silent once it is gone.
BEAT_TTL_S = 15
# A part job that finds its worker busy with another part waits this long in the queue before it is
# tried again (by whichever worker is free first).
BUSY_DEFER_S = 0.5
# A part that finds its worker busy goes back to the queue: enough tries for hours of waiting.
PART_MAX_TRIES = 100_000
# How long, per wave of parts, the parent waits beyond the parts' shares of the time limit for parts
# still solving (the solver's phases that cannot be interrupted, the model's build), and the least share
# a part gets.
PART_GRACE_S = 60.0
MIN_PART_S = 2.0
# Each worker's presence key (``worker_presence``): refreshed every PRESENCE_EVERY_S, gone PRESENCE_TTL_S
# after its worker stopped refreshing it.
PRESENCE_PREFIX = "mentormatch:worker:"
PRESENCE_EVERY_S = 5.0
PRESENCE_TTL_S = 20
# The merge's repair pass keeps at most this share of the run's time limit (at least REPAIR_MIN_S).
REPAIR_SHARE = 0.25
REPAIR_MIN_S = 5.0
KEY_TTL_S = 2 * 3600  # inputs of an attempt whose worker died go after this


def _prefix(run_id: str, attempt: int) -> str:
    return f"mentormatch:split:{run_id}:{attempt}:"


def part_job_id(run_id: str, attempt: int, index: int) -> str:
    return f"{run_id}:{attempt}:part:{index}"


@dataclasses.dataclass(frozen=True, slots=True)
class PartInput:
    mentors: tuple[MentorIn, ...]
    students: tuple[StudentIn, ...]
    options: SolveOptions  # without its callbacks; its time limit is the part's share


def _presence_key(queue_name: str, worker: str) -> str:
    return f"{PRESENCE_PREFIX}{queue_name}:{worker}"


async def worker_presence(redis: ArqRedis, queue_name: str, worker: str) -> None:
    """Run by each worker for as long as it runs (``jobs.worker``): its key says it is there to take
    parts. A worker that stops (or dies) is no longer counted ``PRESENCE_TTL_S`` later."""
    key = _presence_key(queue_name, worker)
    try:
        while True:
            try:
                await redis.set(key, b"1", ex=PRESENCE_TTL_S)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away for a moment: the next refresh puts the key back
                log.warning("worker presence: %s", exc)
            await asyncio.sleep(PRESENCE_EVERY_S)
    finally:
        with contextlib.suppress(Exception):
            await redis.delete(key)


async def live_workers(redis: ArqRedis, queue_name: str) -> int:
    """The workers of this queue that are there (at least this one, which asks)."""
    found = [k async for k in redis.scan_iter(match=_presence_key(queue_name, "*"), count=1000)]
    return max(1, len(found))


def share_s(time_limit_s: float, parts: int) -> float:
    """A part's share of the run's time limit: the parts share it equally, whatever the number of workers.
    One worker solves them one after another within the limit; W workers solve W at once and end about W
    times sooner with the same result (a run's outcome does not depend on how many workers are there)."""
    return max(MIN_PART_S, time_limit_s / max(1, parts))


def should_split(settings: Any, students: int, redis: ArqRedis | None) -> bool:
    parts = int(getattr(settings, "split_parts", 1))
    threshold = int(getattr(settings, "split_min_students", 0))
    return redis is not None and parts > 1 and threshold > 0 and students >= threshold


def _cancelled_result(students: Sequence[StudentIn]) -> SolveResult:
    return SolveResult((), (), (), 0, len(students), "cancelled")


async def solve_split(
    redis: ArqRedis,
    queue_name: str,
    run_id: str,
    attempt: int,
    mentors: list[MentorIn],
    students: list[StudentIn],
    group_of: dict[int, int],
    options: SolveOptions,
    parts: int,
    cancel: Cancel,
    on_progress: Callable[[Progress], None],
    on_parts: Callable[[int, int], None],
    *,
    heartbeat_timeout_s: float = 30.0,
) -> SolveResult:
    """The parent's side: split, enqueue, wait, merge. Returns a ``cancelled`` result on cancel."""
    started = time.monotonic()
    prefix = _prefix(run_id, attempt)
    cut: Split = await asyncio.to_thread(split, mentors, students, parts, group_of)
    total = len(cut.parts)
    workers = await live_workers(redis, queue_name)
    share = share_s(options.time_limit_s, total)
    waves = -(-total // max(1, min(workers, total)))
    # Past this, the parts still out are cancelled: every wave's share and its grace (builds).
    deadline = time.time() + waves * (share + PART_GRACE_S)
    plain = dataclasses.replace(options, cancel=None, progress=None, time_limit_s=share)
    ids = [part_job_id(run_id, attempt, p.index) for p in cut.parts]
    alive_ttl = max(1, round(heartbeat_timeout_s))
    try:
        await redis.set(prefix + "alive", b"1", ex=alive_ttl)
        for part in cut.parts:
            blob = pickle.dumps(PartInput(part.mentors, part.students, plain))
            await redis.set(prefix + f"in:{part.index}", blob, ex=KEY_TTL_S)
        for part, job_id in zip(cut.parts, ids, strict=True):
            await _enqueue(redis, queue_name, job_id, run_id, attempt, part.index)
        on_parts(0, total)
        log.info(
            "run %s: split into %d parts, %d mentors shared, %d workers: %.1f s each",
            run_id,
            total,
            len(cut.shared),
            workers,
            share,
        )
        results = await _wait(
            redis,
            queue_name,
            run_id,
            attempt,
            cut,
            ids,
            deadline,
            cancel,
            on_progress,
            on_parts,
            started,
            alive_ttl,
            heartbeat_timeout_s,
        )
        if results is None:
            return _cancelled_result(students)
        placed = sum(r.placed for r in results if r is not None)
        on_progress(Progress(time.monotonic() - started, placed, len(students), "merge"))
        repair_s = max(REPAIR_MIN_S, REPAIR_SHARE * options.time_limit_s)
        merged = await asyncio.to_thread(
            merge, mentors, students, cut, results, plain, repair_s=repair_s, cancel=cancel.local
        )
        stats = dict(merged.stats)
        stats["parts_solved"] = float(sum(1 for r in results if r is not None))
        return dataclasses.replace(merged, stats=stats)
    finally:
        # The parts of this attempt stop (a cancel, an error here) and every key goes.
        with contextlib.suppress(Exception):
            await redis.set(prefix + "cancel", b"1", ex=KEY_TTL_S)
            keys = [prefix + "alive"]
            for p in cut.parts:
                keys += [prefix + f"in:{p.index}", prefix + f"out:{p.index}", prefix + f"err:{p.index}"]
                keys += [prefix + f"beat:{p.index}"]
            await redis.delete(*keys)
            await redis.expire(prefix + "cancel", max(60, alive_ttl * 2))


async def _enqueue(
    redis: ArqRedis, queue_name: str, job_id: str, run_id: str, attempt: int, index: int
) -> None:
    # Forget a finished job of that id first (a part enqueued again), else arq refuses the id.
    await redis.delete(result_key_prefix + job_id)
    await redis.enqueue_job(JOB_NAME, run_id, attempt, index, _job_id=job_id, _queue_name=queue_name)


async def _wait(
    redis: ArqRedis,
    queue_name: str,
    run_id: str,
    attempt: int,
    cut: Split,
    ids: list[str],
    deadline: float,
    cancel: Cancel,
    on_progress: Callable[[Progress], None],
    on_parts: Callable[[int, int], None],
    started: float,
    alive_ttl: int,
    heartbeat_timeout_s: float,
) -> list[SolveResult | None] | None:
    prefix = _prefix(run_id, attempt)
    total = len(cut.parts)
    students = sum(len(p.students) for p in cut.parts)  # the only ceiling known before the merge
    results: list[SolveResult | None] = [None] * total
    done = [False] * total
    silent_since: dict[int, float] = {}  # part -> when its job was first seen in progress with no beat
    reported = (-1, -1)
    while True:
        if cancel.is_set():
            await redis.set(prefix + "cancel", b"1", ex=KEY_TTL_S)
            return None
        await redis.set(prefix + "alive", b"1", ex=alive_ttl)
        placed = 0
        for i in range(total):
            if done[i]:
                r = results[i]
                placed += r.placed if r is not None else 0
                continue
            out = await redis.get(prefix + f"out:{i}")
            if out is not None:
                result: SolveResult = pickle.loads(out)
                results[i], done[i] = result, True
                placed += result.placed
                continue
            err = await redis.get(prefix + f"err:{i}")
            if err is not None:
                raise RuntimeError(f"part {i + 1} of {total}: {err.decode()}")
            beat = await redis.get(prefix + f"beat:{i}")
            if beat is not None:
                placed += int(beat)
                silent_since.pop(i, None)
                continue
            status = await Job(ids[i], redis, _queue_name=queue_name).status()
            if status in (JobStatus.queued, JobStatus.deferred):
                silent_since.pop(i, None)
                continue
            if status is JobStatus.in_progress:
                first = silent_since.setdefault(i, time.monotonic())
                if time.monotonic() - first < heartbeat_timeout_s:
                    continue  # starting (loading its input), or a beat is late
                # Its worker stopped beating: release the job so that another worker takes it.
                log.warning("run %s: part %d lost its worker, released", run_id, i)
                await redis.delete(in_progress_key_prefix + ids[i])
            else:  # missing, or ended without a result (the worker lost it)
                log.warning("run %s: part %d has no job (%s), enqueued again", run_id, i, status.value)
                await _enqueue(redis, queue_name, ids[i], run_id, attempt, i)
            silent_since.pop(i, None)
        finished = sum(done)
        if (finished, placed) != reported:  # progress (and its event) only when it changed
            reported = (finished, placed)
            on_parts(finished, total)
            on_progress(Progress(time.monotonic() - started, placed, students, f"parts {finished}/{total}"))
        if finished == total:
            return results
        if time.time() > deadline:
            log.warning("run %s: %d parts out at the deadline, cancelled", run_id, total - finished)
            await redis.set(prefix + "cancel", b"1", ex=KEY_TTL_S)
            return results
        await asyncio.sleep(TICK_S)


def worker_state() -> dict[str, bool]:
    """Put in the worker's ctx as ``parts`` at start: whether the worker is solving a part."""
    return {"busy": False}


async def solve_part(ctx: dict[str, Any], run_id: str, attempt: int, index: int) -> str:
    """The arq job of one part (any worker)."""
    redis: ArqRedis = ctx["redis"]
    prefix = _prefix(run_id, attempt)
    # arq gives each job a copy of the worker's ctx: the flag lives in an object they share
    # (``worker_state``, made at worker start). Set before any await: arq starts jobs concurrently.
    state: dict[str, bool] = ctx.get("parts") or {}
    if state.get("busy"):
        raise Retry(defer=BUSY_DEFER_S)  # this worker is busy with another part: let a free one take it
    state["busy"] = True
    try:
        if await redis.exists(prefix + f"out:{index}"):
            return "done already"
        if await redis.exists(prefix + "cancel") or not await redis.exists(prefix + "alive"):
            return "abandoned"
        blob = await redis.get(prefix + f"in:{index}")
        if blob is None:
            return "abandoned"
        return await _solve_part(redis, prefix, index, pickle.loads(blob))
    finally:
        state["busy"] = False


async def _solve_part(redis: ArqRedis, prefix: str, index: int, part: PartInput) -> str:
    cancel = Cancel()
    latest: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        latest.append(progress)

    options = part.options
    await redis.set(prefix + f"beat:{index}", b"0", ex=BEAT_TTL_S)
    ticker = asyncio.create_task(_beat(redis, prefix, index, latest, cancel))
    try:
        result = await solve_in_thread(list(part.mentors), list(part.students), options, cancel, on_progress)
    except asyncio.CancelledError:
        cancel.set()
        raise
    except Exception as exc:
        log.exception("part %s%d failed", prefix, index)
        await redis.set(prefix + f"err:{index}", f"{type(exc).__name__}: {exc}".encode(), ex=KEY_TTL_S)
        return "failed"
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        with contextlib.suppress(Exception):
            await redis.delete(prefix + f"beat:{index}")
    if cancel.is_set():
        return "cancelled"
    await redis.set(prefix + f"out:{index}", pickle.dumps(result), ex=KEY_TTL_S)
    return result.status


async def _beat(redis: ArqRedis, prefix: str, index: int, latest: list[Progress], cancel: Cancel) -> None:
    while True:
        await asyncio.sleep(TICK_S)
        try:
            placed = latest[-1].placed if latest else 0
            await redis.set(prefix + f"beat:{index}", str(placed).encode(), ex=BEAT_TTL_S)
            stop = await redis.exists(prefix + "cancel") or not await redis.exists(prefix + "alive")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Redis away for a moment: the solver goes on
            log.warning("part %s%d: beat failed: %s", prefix, index, exc)
            continue
        if stop:
            cancel.set()
