"""Scale-out: one matching run of every waiting student, solved by N ``mentormatch worker`` processes.

Needs a seeded PostgreSQL database (``mentormatch seed --students 20000``) and Redis:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_scaleout REDIS_URL=redis://127.0.0.1:6379/5 \\
        nice -n 10 .venv/bin/python -m benchmarks.scaleout --workers 2 --parts 4 --time-limit 30

It starts the workers (``--parts 1``: never split), waits until they are up, starts the run as the API
does (``startRun``: stored, then enqueued), waits for its end and prints one line: start -> SUCCEEDED
seconds (from the run's own timestamps), students placed of those in the run, the parts, and the load
average. The workers are stopped at the end; nothing is published, so runs can be repeated on the same
database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO
from uuid import UUID

from arq.jobs import Job

from domain.models import Event, MatchingRun
from domain.services import run_requests
from infra import connections as services
from infra.settings import Settings
from jobs.parts import part_job_id
from jobs.queue import ArqQueue

ROOT = Path(__file__).resolve().parent.parent


async def _run(args: argparse.Namespace) -> None:
    queue_name = f"arq:mm-scaleout-bench-{os.getpid()}"
    env = {
        **os.environ,
        "MENTORMATCH_QUEUE": queue_name,
        "MENTORMATCH_SPLIT_PARTS": str(args.parts),
        "MENTORMATCH_SPLIT_MIN_STUDENTS": str(args.split_min if args.parts > 1 else 0),
        "PYTHONPATH": str(ROOT),
    }
    settings = Settings.from_env()
    assert settings.redis_url, "REDIS_URL is needed"
    workers, logs = _start_workers(args.workers, env)
    await services.connect_database(settings)
    queue = ArqQueue(settings.redis_url, queue_name=queue_name)
    try:
        await asyncio.sleep(args.warmup)  # the workers import, connect and run their startup crons
        run = await run_requests.start_run(
            run_requests.RunScope(), run_requests.RunOptions(time_limit_s=args.time_limit)
        )
        await queue.enqueue(run.id)
        t0 = time.monotonic()
        row = await _wait(run.id)
        wall = time.monotonic() - t0
        result = row.result or {}
        stats = result.get("stats", {})
        seconds = (row.finished_at - row.created_at).total_seconds() if row.finished_at else float("nan")
        # Until the first progress of the solve (or of the parts): claim, snapshot load, split.
        events = await Event.filter(topic=f"run:{run.id}", kind="progress").order_by("id")
        first = next((e for e in events if e.payload.get("phase") != "loading"), None)
        loaded = (first.created_at - row.created_at).total_seconds() if first else float("nan")
        # Each part's solve (arq keeps the part jobs' results for an hour) and the parts' window.
        pool = await queue.pool()
        infos = [
            await Job(part_job_id(str(run.id), row.attempts, i), pool, _queue_name=queue_name).result_info()
            for i in range(int(stats.get("parts", 0)))
        ]
        solved = [i for i in infos if i is not None]
        part_s = [round((i.finish_time - i.start_time).total_seconds(), 1) for i in solved]
        window = (
            (max(i.finish_time for i in solved) - min(i.start_time for i in solved)).total_seconds()
            if solved
            else 0.0
        )
        print(
            f"workers={args.workers} parts={args.parts} time_limit={args.time_limit:.0f}s "
            f"status={row.status.value} start->end={seconds:.1f}s (wall {wall:.1f}s, to first progress "
            f"{loaded:.1f}s) "
            f"placed={result.get('placed')}/{result.get('students')} upper_bound={result.get('upperBound')} "
            f"parts_solved={stats.get('parts_solved', 0):.0f} "
            f"repair={stats.get('repair_augment_placed', 0) + stats.get('repair_chain_placed', 0):.0f} "
            f"part_s={part_s} parts_window={window:.1f}s "
            f"merge_s={stats.get('merge_s', 0):.1f} load={os.getloadavg()[0]:.1f}",
            flush=True,
        )
    finally:
        await queue.close()
        await services.disconnect()
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()
        for log in logs:
            log.close()


def _start_workers(n: int, env: dict[str, str]) -> tuple[list[subprocess.Popen[bytes]], list[IO[bytes]]]:
    logs: list[IO[bytes]] = [open(f"/tmp/scaleout-bench-w{i}.log", "wb") for i in range(n)]  # noqa: SIM115
    workers = [
        subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "-m", "api.cli", "worker"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        for log in logs
    ]
    return workers, logs


async def _wait(run_id: UUID) -> MatchingRun:
    while True:
        row = await MatchingRun.get(id=run_id)
        if row.status.value in ("succeeded", "failed", "cancelled", "stale"):
            return row
        await asyncio.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--parts", type=int, default=4, help="parts of a split run (1: no split)")
    parser.add_argument("--split-min", type=int, default=1000, help="split runs of at least this many")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds for the workers to start")
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
