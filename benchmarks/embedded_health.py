"""How responsive the embedded API (SQLite, no Redis: jobs in-process) stays while it solves a large run.

    .venv/bin/python benchmarks/embedded_health.py [--students 20000] [--port 8108] [--time-limit 30]
        [--template /tmp/mm_health_20000.sqlite3]

Seeds a fresh SQLite database (``mentormatch seed``), starts ``mentormatch serve`` without REDIS_URL, starts
a run of every waiting student, and calls ``/health/live`` every 20 ms until the run ends; prints one JSON
line: /health/live p50, p99 and max in ms during the solve, the run's outcome and its seconds. Not a test:
figures depend on the machine and its load.

``--template``: the seeded database is kept in that file (seeded on the first use) and each measurement
runs on a copy of it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
START = "mutation { startRun(input: {timeLimitS: %s}) { ... on RunPayload { run { id } } } }"
STATUS = "query($id: UUID!) { matchingRun(id: $id) { status error progress { phase placed } } }"


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    out = subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"], env=env, cwd=ROOT, stdout=out, stderr=out
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--template", type=Path, default=None, help="a seeded database kept for reuse")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mm-embedded-"))
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {
        "DATABASE_URL": f"sqlite://{folder / 'bench.sqlite3'}",
        "MENTORMATCH_PORT": str(args.port),
        "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "1000000",
        "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT)),
    }
    seeded = time.perf_counter()
    if args.template is None or not args.template.exists():
        _cli(env, "seed", "--students", str(args.students))
        if args.template is not None:
            shutil.copyfile(folder / "bench.sqlite3", args.template)
    else:
        shutil.copyfile(args.template, folder / "bench.sqlite3")
    seed_s = time.perf_counter() - seeded
    token = _cli(env, "token", "--role", "staff").strip().split()[-1]
    server = _serve(env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        async with httpx.AsyncClient(
            base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            for _ in range(300):
                try:
                    if (await http.get("/health/live")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            started = time.perf_counter()
            answer = (await http.post("/graphql", json={"query": START % args.time_limit})).json()
            run_id = answer["data"]["startRun"]["run"]["id"]
            latencies: list[float] = []
            status: dict[str, object] = {}
            last_status = 0.0
            while True:
                t0 = time.perf_counter()
                assert (await http.get("/health/live")).status_code == 200
                latencies.append((time.perf_counter() - t0) * 1000)
                if t0 - last_status > 1.0:
                    last_status = t0
                    body = (
                        await http.post("/graphql", json={"query": STATUS, "variables": {"id": run_id}})
                    ).json()
                    status = body["data"]["matchingRun"]
                    if status["status"] not in ("QUEUED", "RUNNING"):
                        break
                await asyncio.sleep(0.02)
            run_s = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    print(
        json.dumps(
            {
                "students_seeded": args.students,
                "seed_s": round(seed_s, 1),
                "run_status": status.get("status"),
                "run_s": round(run_s, 1),
                "health_calls": len(latencies),
                "health_p50_ms": round(statistics.median(latencies), 1),
                "health_p99_ms": round(latencies[max(0, int(0.99 * len(latencies)) - 1)], 1),
                "health_max_ms": round(latencies[-1], 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
