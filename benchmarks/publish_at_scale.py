"""Publishing alone, at scale, repeatable: a seeded and solved database is kept as a template, each
measurement publishes a fresh copy of it.

    # once: seed N students, solve a run (a worker on --redis), keep the result as the template
    nice -n 10 .venv/bin/python benchmarks/publish_at_scale.py --students 20000 --make-template
    # then, as often as needed: copy the template, publishRun through the API, print the figures
    nice -n 10 .venv/bin/python benchmarks/publish_at_scale.py --students 20000
    nice -n 10 .venv/bin/python benchmarks/publish_at_scale.py --students 2000 --database sqlite

PostgreSQL: the template is the database ``mm_publish_<N>`` (copied with ``createdb -T``); SQLite: the file
``<tmp>/mm_publish_<N>.sqlite3`` (copied). The publish goes through the API in this process (its ASGI app,
the same code ``mentormatch serve`` runs, no worker, no Redis: jobs in this process). ``--job``: the
publish runs as a background job (``MENTORMATCH_PUBLISH_JOB_MIN_PAIRS=1``) and the figure is the time
until the run is published; else synchronously (the threshold set above the pair count). Prints seconds,
this process's CPU seconds, the CPU seconds of the PostgreSQL backends serving it (a server on this
machine), SQL statements and the pairs created. Not a test: figures depend on the machine's load (on a
busy machine, API CPU + PostgreSQL CPU is the better guide to the seconds of an idle one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import at_scale  # noqa: E402  (the end-to-end benchmark's helpers)

RUNS = "query { matchingRuns(status: SUCCEEDED, first: 1) { id status } }"
STATUS = "query($id: UUID!) { matchingRun(id: $id) { status error progress { phase placed } } }"


def _template(args: argparse.Namespace) -> str:
    if args.database == "sqlite":
        return str(Path(tempfile.gettempdir()) / f"mm_publish_{args.students}.sqlite3")
    return f"mm_publish_{args.students}"


def _url(args: argparse.Namespace, name: str) -> str:
    if args.database == "sqlite":
        return f"sqlite://{name}"
    return f"postgres://postgres@{args.pg_host}:5432/{name}"


def _env(url: str, *, job_min_pairs: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env |= {
        "DATABASE_URL": url,
        "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "1000000",
        "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT)),
    }
    if job_min_pairs is not None:
        env["MENTORMATCH_PUBLISH_JOB_MIN_PAIRS"] = str(job_min_pairs)
    return env


async def _solve(env: dict[str, str], token: str, time_limit: float) -> None:
    async with at_scale._api(env, token) as http:
        data = await at_scale._gql(http, at_scale.START, t=time_limit)
        run_id = data["startRun"]["run"]["id"]
        while True:
            await asyncio.sleep(0.5)
            status = (await at_scale._gql(http, STATUS, id=run_id))["matchingRun"]
            if status["status"] not in ("QUEUED", "RUNNING"):
                break
        if status["status"] != "SUCCEEDED":
            raise SystemExit(f"the run ended {status}")


def make_template(args: argparse.Namespace) -> None:
    name = _template(args)
    if args.database == "sqlite":
        Path(name).unlink(missing_ok=True)
    else:
        for command in (["dropdb", "--if-exists", "--force"], ["createdb"]):
            subprocess.run([*command, "-h", args.pg_host, "-U", "postgres", name], check=True)
    env = _env(_url(args, name), job_min_pairs=None)
    at_scale._cli(env, "migrate")
    at_scale._cli(env, "seed", "--students", str(args.students), "--seed", str(args.seed))
    token = at_scale._cli(env, "token", "--role", "staff").strip().split()[-1]
    asyncio.run(_solve(env, token, args.time_limit))  # the one succeeded run that each copy publishes
    print(f"template {name}: seeded and solved")


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


async def _pg_cpu_s(database: str | None) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to ``database`` (a server on this
    machine: their /proc entries; 0 elsewhere)."""
    if database is None:
        return 0.0
    from tortoise import Tortoise

    _, rows = await Tortoise.get_connection("default").execute_query(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]
    )
    return sum(_ticks(int(r["pid"])) for r in rows) / os.sysconf("SC_CLK_TCK")


async def _publish(
    env: dict[str, str], token: str, *, job: bool, profile: str | None, database: str | None
) -> dict[str, Any]:
    # Sending is not publishing: no sending pass here (it would write the introductions, timed apart below,
    # and send thousands of messages before this process can stop).
    from jobs import lifecycle, mail

    mail.start_in_process = lambda: None
    lifecycle.MAIL_PASS_EVERY_S = 24 * 3600.0
    async with at_scale._api(env, token) as http:
        run_id = (await at_scale._gql(http, RUNS))["matchingRuns"][0]["id"]
        pg0 = await _pg_cpu_s(database)
        with at_scale._counting() as counter, at_scale._profiled(profile):
            t0, c0 = time.perf_counter(), time.process_time()
            published = (await at_scale._gql(http, at_scale.PUBLISH, id=run_id))["publishRun"]
            answer_s = time.perf_counter() - t0
            if published["__typename"] != "PublishPayload":
                raise SystemExit(f"publishRun refused: {published}")
            status = published["run"]["status"]
            while status != "PUBLISHED":
                await asyncio.sleep(0.05)
                seen = (await at_scale._gql(http, STATUS, id=run_id))["matchingRun"]
                status = seen["status"]
                if status not in ("PUBLISHING", "PUBLISHED"):
                    raise SystemExit(f"the publish ended {seen}")
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        pg_cpu = await _pg_cpu_s(database) - pg0
        # The introductions the publish left owing, written as the sending pass writes them (the pass
        # the commit would have woken), timed apart: they are not in the publish.
        from domain.models import Mentorship
        from domain.services import introductions

        t1 = time.perf_counter()
        messages = await introductions.write_due()
        introductions_s = time.perf_counter() - t1
        created = await Mentorship.filter(run_id=run_id).count()
        return {
            "introductions_s": round(introductions_s, 3),
            "introductions": messages,
            "s": round(seconds, 3),
            "answer_s": round(answer_s, 3),
            "cpu_s": round(cpu, 3),
            "pg_cpu_s": round(pg_cpu, 3),
            "sql": counter.statements,
            "created": created,
        }


def publish(args: argparse.Namespace) -> None:
    template = _template(args)
    if args.database == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="mm-publish-"))
        copy = str(folder / "publish.sqlite3")
        shutil.copyfile(template, copy)
    else:
        copy = f"{template}_copy"
        subprocess.run(
            ["dropdb", "--if-exists", "--force", "-h", args.pg_host, "-U", "postgres", copy], check=True
        )
        subprocess.run(["createdb", "-h", args.pg_host, "-U", "postgres", "-T", template, copy], check=True)
        # The copy goes through the WAL (PostgreSQL 15's WAL_LOG strategy): flushed now, not by the
        # checkpointer in the middle of the measurement.
        subprocess.run(["psql", "-q", "-h", args.pg_host, "-U", "postgres", "-c", "CHECKPOINT"], check=True)
    env = _env(_url(args, copy), job_min_pairs=1 if args.job else 10**9)
    at_scale._cli(env, "migrate")  # a template made by an older checkout
    token = at_scale._cli(env, "token", "--role", "staff").strip().split()[-1]
    database = None if args.database == "sqlite" else copy
    figures = asyncio.run(_publish(env, token, job=args.job, profile=args.profile, database=database))
    mode = "job" if args.job else "synchronous"
    print(
        f"publishRun {args.students} students on {args.database} ({mode}): {figures['s']:.2f} s, "
        f"API CPU {figures['cpu_s']:.2f} s, PostgreSQL CPU {figures['pg_cpu_s']:.2f} s, "
        f"{figures['sql']} SQL, {figures['created']} pairs created "
        f"(answered in {figures['answer_s']:.2f} s); then the sending pass wrote "
        f"{figures['introductions']} introductions in {figures['introductions_s']:.2f} s"
    )
    print(json.dumps({"students": args.students, "database": args.database, "mode": mode, **figures}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--make-template", action="store_true", help="seed and solve, keep as the template")
    parser.add_argument("--job", action="store_true", help="publish as a background job")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--profile", default=None, help="write a pyinstrument profile of publish here")
    args = parser.parse_args()
    if args.make_template:
        make_template(args)
    else:
        publish(args)


if __name__ == "__main__":
    main()
