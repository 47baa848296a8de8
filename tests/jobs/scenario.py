"""Steps of the fault scenarios, each run as its own process against ``DATABASE_URL`` and ``REDIS_URL``
(``python -m tests.jobs.scenario <step>``), so that the test process never points its own database
connection elsewhere. Each step prints one JSON line.

- ``seed --students N --mentors M --seed S``: migrate, then load a programme (``tests.jobs.programme``).
- ``start [--path-index I] [--time-limit T]``: start a run (``domain.services.run_requests``) and enqueue its job
  in the arq queue ``MENTORMATCH_QUEUE``, after the commit, as the API does.
- ``reconcile [--heartbeat-timeout S] [--queued-grace S]``: one reconciler pass.
- ``cancel RUN [--when-parts N]``: request the run's cancel, as staff do (once N parts of the split run
  are solving, read from their beats in Redis: no process start between the two).
- ``check RUN``: the run's stored proposal checked by ``solver.check`` against a fresh snapshot of its
  scope and week (nothing was published meanwhile): its violations and figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from redis.asyncio import Redis

from domain.models import Path
from domain.paris_time import week_monday
from domain.services import run_requests, runs
from infra import connections
from infra.settings import Settings
from jobs.queue import ArqQueue
from jobs.reconciler import reconcile
from jobs.snapshot import duration_steps, load_snapshot
from solver import Assignment, ReasonCode, SolveResult, Unplaced, check
from tests.jobs import programme

WEEK = week_monday(date.today()) + timedelta(days=7)  # next week, whatever today is


def _queue(settings: Settings) -> ArqQueue:
    assert settings.redis_url is not None
    return ArqQueue(settings.redis_url, queue_name=os.environ["MENTORMATCH_QUEUE"])


async def _step(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings.from_env()
    await connections.connect_database(settings)
    try:
        if args.step == "seed":
            await connections.migrate()
            return await programme.build(args.students, args.mentors, args.seed, args.family)
        if args.step == "start":
            scope = run_requests.RunScope()
            if args.path_index is not None:
                path = await Path.all().order_by("id").offset(args.path_index).first()
                assert path is not None
                scope = run_requests.RunScope(path_id=path.id)
            run = await run_requests.start_run(
                scope, run_requests.RunOptions(time_limit_s=args.time_limit, week=WEEK)
            )
            queue = _queue(settings)
            try:
                if not args.no_enqueue:
                    await queue.enqueue(run.id)
            finally:
                await queue.close()
            return {"run": str(run.id)}
        if args.step == "cancel":
            if args.when_parts:
                await _parts_solving(settings, args.run, args.when_parts)
            run = await run_requests.cancel_run(UUID(args.run))
            return {"status": run.status.value}
        if args.step == "check":
            return await _check(UUID(args.run))
        queue = _queue(settings)
        try:
            report = await reconcile(
                queue, heartbeat_timeout_s=args.heartbeat_timeout, queued_grace_s=args.queued_grace
            )
        finally:
            await queue.close()
        return {
            "requeued": [str(i) for i in report.requeued],
            "released": [str(i) for i in report.released],
            "failed": [str(i) for i in report.failed],
            "healthy": [str(i) for i in report.healthy],
        }
    finally:
        await connections.disconnect()


async def _parts_solving(settings: Settings, run_id: str, n: int) -> None:
    assert settings.redis_url is not None
    redis = Redis.from_url(settings.redis_url)
    try:
        for _ in range(3000):
            beats = [k async for k in redis.scan_iter(match=f"mentormatch:split:{run_id}:*:beat:*")]
            if len(beats) >= n:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{n} parts never solved at once")
    finally:
        await redis.aclose()


async def _check(run_id: UUID) -> dict[str, Any]:
    run = await runs.get_run(run_id)
    proposal = run.result or {}
    snapshot = await load_snapshot(run.scope, date.fromisoformat(run.options["week"]))
    assignments = tuple(
        Assignment(p["studentId"], p["mentorId"], p["startStep"], duration_steps(p["minutes"]), p["kept"])
        for p in proposal["pairs"]
    )
    unplaced = tuple(
        Unplaced(u["studentId"], ReasonCode(u["reason"]), u["facts"]) for u in proposal["unplaced"]
    )
    result = SolveResult(
        assignments, unplaced, (), proposal["placed"], proposal["upperBound"], proposal["solverStatus"]
    )
    return {
        "violations": check(snapshot.mentors, snapshot.students, result),
        "placed": proposal["placed"],
        "students": len(snapshot.students),
        "stats": proposal["stats"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    seed = sub.add_parser("seed")
    seed.add_argument("--students", type=int, default=100)
    seed.add_argument("--mentors", type=int, default=None)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--family", default="patterns")
    start = sub.add_parser("start")
    start.add_argument("--path-index", type=int, default=None)
    start.add_argument("--time-limit", type=float, default=60.0)
    start.add_argument("--no-enqueue", action="store_true")
    rec = sub.add_parser("reconcile")
    rec.add_argument("--heartbeat-timeout", type=float, default=30.0)
    rec.add_argument("--queued-grace", type=float, default=5.0)
    cancel = sub.add_parser("cancel")
    cancel.add_argument("run")
    cancel.add_argument("--when-parts", type=int, default=0)
    sub.add_parser("check").add_argument("run")
    print(json.dumps(asyncio.run(_step(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
