"""The matching job: ``run_matching(ctx, run_id)``, run by an arq worker or in-process (same function).

1. ``claim`` the run (running, attempt n); a run that ended already (a retry after the commit) is left
   alone.
2. Load the input snapshot (versions first) and store its versions on the run.
3. Solve in a thread (a worker) or a child process (the embedded setup, ``jobs.solving``) so the event
   loop stays alive: a ticker writes progress and the heartbeat, and watches for a cancel request, which it
   passes to the solver. A large run on workers is split into parts that several workers solve, then
   merged (``jobs.parts``); the ticker works the same, with the parts done in its progress.
4. Store the proposal in one transaction that first checks the snapshot is still current (else
   ``stale``, with what changed).

Transient database or Redis errors raise arq's ``Retry`` (arq retries nothing else); any other error ends
the run as ``failed`` with its reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from arq import Retry
from arq.constants import default_queue_name

from domain import gc_pause, outbox, payloads
from domain.bulk import CHUNK
from domain.enums import RunStatus
from domain.services import run_requests, run_worker
from jobs import effects, parts
from jobs.snapshot import SHARED_LOOP_CHUNK, Snapshot, load_snapshot
from jobs.solving import Cancel, solve_in_process, solve_in_thread
from jobs.transient import is_transient
from solver import STEP_MINUTES, STEPS_PER_DAY, Progress, SolveOptions, SolveResult, Weights

log = logging.getLogger(__name__)

MAX_TRIES = 5
TICK_S = 1.0


def retry_delay_s(job_try: int) -> float:
    return min(2.0 ** (job_try - 1), 15.0)


@dataclass
class _Latest:
    """The solver thread's latest progress, read by the ticker on the event loop."""

    progress: Progress | None = None
    sent: tuple[Progress, tuple[int, int] | None] | None = None
    parts: tuple[int, int] | None = None  # a split run: parts done, parts in all (``jobs.parts``)


def _weights(raw: dict[str, int]) -> Weights:
    chosen: dict[str, Any] = {k: int(v) for k, v in raw.items() if k in run_requests.WEIGHT_NAMES}
    return Weights(**chosen)


def proposal_of(snapshot: Snapshot, result: SolveResult) -> payloads.Proposal:
    """The one writer of the stored proposal: pairs with their Paris weekly slot, unplaced students with
    reasons, figures."""
    pairs: list[payloads.ProposedPair] = []
    for a in sorted(result.assignments, key=lambda a: a.student_id):
        weekday, step_of_day = divmod(a.start_step, STEPS_PER_DAY)
        pairs.append(
            {
                "studentId": a.student_id,
                "mentorId": a.mentor_id,
                "startStep": a.start_step,
                "weekday": weekday,
                "startMinute": step_of_day * STEP_MINUTES,
                "minutes": snapshot.minutes.get(a.student_id, a.duration_steps * STEP_MINUTES),
                "kept": a.kept,
            }
        )
    unplaced: list[payloads.Unplaced] = [
        {
            "studentId": u.student_id,
            "reason": u.reason.value,
            "facts": dict(u.facts),
            "closestMentorIds": [c.mentor_id for c in u.closest_mentors],
        }
        for u in sorted(result.unplaced, key=lambda u: u.student_id)
    ]
    return {
        "week": snapshot.week.isoformat(),
        "pairs": pairs,
        "unplaced": unplaced,
        "placed": result.placed,
        "upperBound": result.upper_bound,
        "boundKind": result.bound_kind,
        "solverStatus": result.status,
        "solverErrors": list(result.errors),
        "stats": {k: float(v) for k, v in result.stats.items()},
        "capacity": {str(k): v for k, v in snapshot.capacity.items()},
        "fixedLoad": {str(k): v for k, v in snapshot.fixed_load.items()},
        "students": len(snapshot.students),
        "mentors": len(snapshot.mentors),
    }


async def run_matching(ctx: dict[str, Any], run_id: str) -> str:
    """The job. Returns what happened (arq keeps it as the job's result)."""
    job_try: int = ctx.get("job_try", 1)
    with outbox.using(effects.sink_of_job(ctx)):  # events recorded by the run wake subscribers
        return await _run_job(ctx, run_id, job_try)


async def _run_job(ctx: dict[str, Any], run_id: str, job_try: int) -> str:
    try:
        outcome = await _run(ctx, UUID(run_id))
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if is_transient(exc) and job_try < MAX_TRIES:
            log.warning("run %s: transient error, retry %d: %s", run_id, job_try, exc)
            with contextlib.suppress(Exception):  # the database may be the thing that is away
                await run_worker.note_retry(UUID(run_id), reason)
            raise Retry(defer=retry_delay_s(job_try)) from exc
        log.exception("run %s failed", run_id)
        with contextlib.suppress(Exception):  # the reconciler fails it later when even this fails
            await run_worker.finish(UUID(run_id), None, RunStatus.FAILED, reason)
        return "failed"
    return outcome


async def _run(ctx: dict[str, Any], run_id: UUID) -> str:
    claim = await run_worker.claim(run_id)
    if claim is None:
        return "nothing to do"
    run, attempt = claim.run, claim.attempt
    options = run.options
    cancel = Cancel()
    latest = _Latest()
    started = time.monotonic()

    def on_progress(progress: Progress) -> None:  # runs in the solver's (or the pipe reader's) thread
        latest.progress = progress

    def on_parts(done: int, total: int) -> None:
        latest.parts = (done, total)

    solve_options = SolveOptions(
        time_limit_s=float(options.get("timeLimitS", 30.0)),
        seed=int(options.get("seed", 0)),
        weights=_weights(options.get("weights", {})),
    )
    # The embedded setup solves in a child process so that the API it shares a process with stays
    # responsive (``jobs.solving``); a worker process solves in a thread.
    solver = solve_in_process if ctx.get("solve_in_process") else solve_in_thread
    # The heartbeat starts with the claim: loading a large snapshot must not look like a dead worker.
    ticker = asyncio.create_task(_tick(run_id, attempt, latest, cancel, started))
    try:
        chunk = SHARED_LOOP_CHUNK if ctx.get("solve_in_process") else CHUNK
        # The cyclic collector paused while the snapshot's objects pile up (``domain.gc_pause``): its full
        # collections ran there, in whichever thread allocated (often the database driver's), and held
        # the API's event loop in the embedded setup: /health/live p99 116-143 ms at 20,000 students,
        # then 31-50 ms (``benchmarks/embedded_health.py``). The same for the proposal stored below.
        with gc_pause.paused():
            snapshot = await load_snapshot(run.scope, date.fromisoformat(options["week"]), chunk=chunk)
        if not await run_worker.record_snapshot(run_id, attempt, snapshot.versions):
            return "lost the claim"
        redis = ctx.get("redis")
        if redis is not None and parts.should_split(ctx.get("settings"), len(snapshot.students), redis):
            # A large run on workers: parts solved by several workers at once, then merged.
            result = await parts.solve_split(
                redis,
                ctx.get("queue_name") or default_queue_name,
                str(run_id),
                attempt,
                snapshot.mentors,
                snapshot.students,
                snapshot.path_of_project,
                solve_options,
                ctx["settings"].split_parts,
                cancel,
                on_progress,
                on_parts,
                heartbeat_timeout_s=float(ctx.get("heartbeat_timeout_s", 30.0)),
            )
        else:
            result = await solver(snapshot.mentors, snapshot.students, solve_options, cancel, on_progress)
    except asyncio.CancelledError:
        cancel.set()  # the job was cancelled (shutdown, arq timeout): stop the solver too
        raise
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
    if cancel.is_set() or result.status == "cancelled":
        await run_worker.finish(run_id, attempt, RunStatus.CANCELLED, "cancelled while solving")
        return "cancelled"
    if result.status == "infeasible_input":
        await run_worker.finish(
            run_id, attempt, RunStatus.FAILED, "solver refused the input: " + "; ".join(result.errors)
        )
        return "failed"
    with gc_pause.paused():
        status = await run_worker.store_proposal(run_id, attempt, proposal_of(snapshot, result))
    return status.value if status else "lost the claim"


def _unsent(latest: _Latest, started: float) -> payloads.RunProgress | None:
    """The progress not yet published (the solver's and, for a split run, the parts solved), or None."""
    progress = latest.progress
    if progress is None or (progress, latest.parts) == latest.sent:
        return None
    payload = payloads.progress(
        elapsed_s=round(time.monotonic() - started, 3),
        placed=progress.placed,
        upper_bound=progress.upper_bound,
        phase=progress.phase,
    )
    if latest.parts is not None:
        payload["partsDone"], payload["partsTotal"] = latest.parts
    return payload


async def _tick(
    run_id: UUID,
    attempt: int,
    latest: _Latest,
    cancel: Cancel,
    started: float,
) -> None:
    """While the solver runs: heartbeat, progress (when it changed) and the cancel flag, every tick."""
    while True:
        await asyncio.sleep(TICK_S)
        progress, parts_seen = latest.progress, latest.parts
        payload = _unsent(latest, started)
        try:
            cancelled = await run_worker.heartbeat(run_id, attempt, payload)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away: the solver goes on, the commit step retries
            log.warning("run %s: heartbeat failed: %s: %s", run_id, type(exc).__name__, exc)
            continue
        if payload is not None and progress is not None:
            latest.sent = (progress, parts_seen)
        if cancelled is None or cancelled:
            # Cancelled by staff, or another worker took the run over: stop solving.
            cancel.set()
