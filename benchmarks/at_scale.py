"""A matching run at scale, end to end: seed -> startRun -> solve (a worker) -> one review page -> publishRun.

    nice -n 10 .venv/bin/python benchmarks/at_scale.py --students 20000                  # PostgreSQL + Redis
    nice -n 10 .venv/bin/python benchmarks/at_scale.py --students 2000 --database sqlite  # SQLite + Redis

PostgreSQL (default): a fresh database ``mm_at_scale_<N>`` on ``--pg-host`` (dropped first; ``--reuse`` keeps
a seeded one; ``--template T``: a copy of the seeded database T, which the first run that seeds makes).
SQLite: a fresh file in a temporary folder. Either way ``mentormatch worker`` processes on ``--redis``
(flushed) solve the run and the API runs in this process (its ASGI app through httpx, the same
code ``mentormatch serve`` runs); ``--embedded``: no Redis, the jobs run in this process (the solve in a
child process).

``--workers 2 --split-parts 4`` starts two workers that split a large run into four parts
(``MENTORMATCH_SPLIT_PARTS``; ``--split-parts 1``: never split).

Prints one line per phase (seconds, the API process's CPU seconds, the workers' CPU seconds, SQL statements
this process sent, rows of its batched statements, peak RSS so far) and a JSON line with everything. The
review is read as staff read it: the first page twice, then the next page of pairs, one mentor's pairs,
the mentors over capacity and the unplaced students, each timed. SQL is counted in the API process only
(the workers' solve and snapshot are not counted); peak RSS is this process's and, with workers, the
largest worker's (its VmHWM). Not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed copy
START = """mutation($t: Float!) { startRun(input: {timeLimitS: $t}) {
  __typename ... on RunPayload { run { id } } ... on UserError { message } } }"""
STATUS = "query($id: UUID!) { matchingRun(id: $id) { status error } }"
REVIEW = """query($id: UUID!) { matchingRun(id: $id) { proposal {
  summary { pairs unplaced mentors overCapacity }
  pairsPage(first: 100) { totalCount edges { node { studentId mentorId } } pageInfo { endCursor } }
  mentorLoadsPage(first: 100) { edges { node { mentorId capacity after } } }
} } }"""
# The other pages staff turn to: the next page of pairs, the pairs of one mentor, the mentors over
# capacity, the unplaced students; each timed on its own.
PAGES = {
    "pairs page 2": """query($id: UUID!, $after: String) { matchingRun(id: $id) { proposal {
  pairsPage(first: 100, after: $after) { edges { node { studentId mentorId } } } } } }""",
    "pairs of one mentor": """query($id: UUID!, $m: Int) { matchingRun(id: $id) { proposal {
  pairsPage(first: 100, mentorId: $m) { totalCount edges { node { studentId } } } } } }""",
    "mentors over capacity": """query($id: UUID!) { matchingRun(id: $id) { proposal {
  mentorLoadsPage(first: 100, overCapacity: true) { edges { node { mentorId after } } } } } }""",
    "unplaced page": """query($id: UUID!) { matchingRun(id: $id) { proposal {
  unplacedPage(first: 100) { totalCount edges { node { studentId reason } } } } } }""",
}
PUBLISH = """mutation($id: UUID!) { publishRun(input: {runId: $id}) {
  __typename ... on PublishPayload { run { status } created { id } }
  ... on UserError { message } } }"""


class _Counter(logging.Handler):
    """Counts the statements Tortoise sends (its db_client logger, one record per statement) without
    formatting them; a batched statement (executemany) counts once, its rows apart."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements = 0
        self.batched_rows = 0

    def emit(self, record: logging.LogRecord) -> None:
        query = record.args[0] if isinstance(record.args, tuple) and record.args else record.msg
        if not isinstance(query, str) or not query.lstrip()[:6].upper().startswith(
            ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
        ):
            return
        self.statements += 1
        values = record.args[1] if isinstance(record.args, tuple) and len(record.args) > 1 else None
        if isinstance(values, list) and values and isinstance(values[0], (list, tuple)):
            self.batched_rows += len(values)


@contextlib.contextmanager
def _counting() -> Iterator[_Counter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = _Counter()
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
        logger.propagate = propagate


@contextlib.contextmanager
def _profiled(path: str | None) -> Iterator[None]:
    """With ``--profile FILE``: pyinstrument (not a dependency: ``pip install pyinstrument``) writes the
    publish phase's profile as text to FILE."""
    if not path:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="enabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(path).write_text(profiler.output_text(unicode=False, show_all=False))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s(pids: list[int]) -> float | None:
    """User + system CPU seconds of these processes so far (and of their waited-for children)."""
    if not pids:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / tick


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Phase:
    name: str
    seconds: float
    statements: int | None = None
    batched_rows: int | None = None
    api_rss_mb: float = 0.0
    worker_rss_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    cpu_s: float | None = None
    worker_cpu_s: float | None = None


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"mentormatch {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _database(args: argparse.Namespace) -> str:
    if args.database == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="mm-at-scale-"))
        return f"sqlite://{folder / 'at_scale.sqlite3'}"
    name = args.db_name or f"mm_at_scale_{args.students}"
    if not args.reuse:
        pg = ["-h", args.pg_host, "-U", "postgres"]
        subprocess.run(["dropdb", "--if-exists", "--force", *pg, name], check=True)
        if args.template and _pg_exists(args.pg_host, args.template):
            # A copy of the database seeded before (a file copy: seconds, not minutes of seeding).
            subprocess.run(["createdb", *pg, "-T", args.template, name], check=True)
            args.reuse = True
        else:
            subprocess.run(["createdb", *pg, name], check=True)
    return f"postgres://postgres@{args.pg_host}:5432/{name}"


def _pg_exists(host: str, name: str) -> bool:
    found = subprocess.run(
        ["psql", "-h", host, "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip() == "1"


async def _gql(http: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    answer = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    if answer.get("errors"):
        raise SystemExit(f"GraphQL errors: {answer['errors']}")
    data: dict[str, Any] = answer["data"]
    return data


@contextlib.asynccontextmanager
async def _api(env: dict[str, str], token: str) -> AsyncIterator[httpx.AsyncClient]:
    os.environ.update(env)
    if "REDIS_URL" not in env:
        os.environ.pop("REDIS_URL", None)
    from api.app import create_app
    from infra.settings import Settings

    settings = Settings.from_env(env)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers, timeout=600
        ) as http:
            yield http


def prepare(args: argparse.Namespace) -> tuple[dict[str, str], str, Phase]:
    """A fresh, seeded database and a staff token."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env |= {
        "DATABASE_URL": _database(args),
        "MENTORMATCH_RATE_LIMIT_PER_MINUTE": "1000000",
        "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT)),
    }
    if not args.embedded:
        env["REDIS_URL"] = args.redis
    if args.database == "sqlite" and not args.embedded:
        # The workers stop before the publish on SQLite (see ``run``), so no worker would take a publish
        # job: the publish runs within the request, whatever its size.
        env.setdefault("MENTORMATCH_PUBLISH_JOB_MIN_PAIRS", str(10**9))
    seeded = time.perf_counter()
    _cli(env, "migrate")
    if not args.reuse:
        _cli(env, "seed", "--students", str(args.students), "--seed", str(args.seed))
        if args.template and args.database == "postgres":  # kept for the next run (``--template``)
            name = env["DATABASE_URL"].rsplit("/", 1)[1]
            subprocess.run(["createdb", "-h", args.pg_host, "-U", "postgres", "-T", name, args.template])
    phase = Phase("seed (CLI)", time.perf_counter() - seeded)
    token = _cli(env, "token", "--role", "staff").strip().split()[-1]
    return env, token, phase


def start_workers(args: argparse.Namespace, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    """``--workers`` ``mentormatch worker`` processes (their log in ``--worker-log``.<i>, else dropped)."""
    if args.embedded:
        return []
    subprocess.run(["redis-cli", "-u", args.redis, "flushdb"], check=True, capture_output=True)
    worker_env = dict(env)
    if args.split_parts is not None:
        worker_env["MENTORMATCH_SPLIT_PARTS"] = str(args.split_parts)
    if args.split_min is not None:
        worker_env["MENTORMATCH_SPLIT_MIN_STUDENTS"] = str(args.split_min)
    workers = []
    for i in range(args.workers):
        log = open(f"{args.worker_log}.{i}", "wb") if args.worker_log else subprocess.DEVNULL  # noqa: SIM115
        workers.append(
            subprocess.Popen(
                [sys.executable, "-m", "api.cli", "worker"], env=worker_env, cwd=ROOT, stdout=log, stderr=log
            )
        )
    return workers


async def run(
    args: argparse.Namespace, env: dict[str, str], token: str, workers: list[subprocess.Popen[bytes]]
) -> list[Phase]:
    phases: list[Phase] = []
    pids = [w.pid for w in workers]
    async with _api(env, token) as http:

        def worker_rss() -> float | None:
            seen = [mb for mb in (_hwm_mb(pid) for pid in pids) if mb is not None]
            return max(seen) if seen else None

        if workers:
            await asyncio.sleep(args.warmup)  # the workers import, connect and run their startup crons
        with _counting() as counter:
            t0, c0, w0 = time.perf_counter(), time.process_time(), _cpu_s(pids)
            data = await _gql(http, START, t=args.time_limit)
            start_s, start_cpu = time.perf_counter() - t0, time.process_time() - c0
        if data["startRun"]["__typename"] != "RunPayload":
            raise SystemExit(f"startRun refused: {data['startRun']}")
        run_id = data["startRun"]["run"]["id"]
        phases.append(
            Phase("startRun", start_s, counter.statements, counter.batched_rows, _rss_mb(), cpu_s=start_cpu)
        )
        t0, c0 = time.perf_counter(), time.process_time()
        status: dict[str, Any] = {}
        peak_worker: float | None = None
        polls: list[float] = []
        while True:
            await asyncio.sleep(0.1)
            rss = worker_rss()
            if rss is not None:
                peak_worker = max(peak_worker or 0.0, rss)
            p0 = time.perf_counter()
            status = (await _gql(http, STATUS, id=run_id))["matchingRun"]
            polls.append(time.perf_counter() - p0)
            if status["status"] not in ("QUEUED", "RUNNING"):
                break
        solve_s, solve_cpu, w1 = time.perf_counter() - t0, time.process_time() - c0, _cpu_s(pids)
        poll_ms = {"polls": len(polls), "poll_max_ms": round(1000 * max(polls), 1)}
        phases.append(
            Phase(
                "run -> " + status["status"],
                solve_s,
                None,
                None,
                _rss_mb(),
                peak_worker,
                poll_ms,
                solve_cpu,
                None if w0 is None or w1 is None else w1 - w0,
            )
        )
        if status["status"] != "SUCCEEDED":
            raise SystemExit(f"the run ended {status}")
        if workers and args.database == "sqlite":
            # SQLite takes one writer at a time across processes: the worker's periodic writes (heartbeats,
            # the daily step, mail) would make the publish's long transaction wait past the busy timeout.
            # Its part is done: it stops here (its peak RSS is kept above).
            for worker in workers:
                worker.terminate()
                await asyncio.to_thread(worker.wait, 60)
        review: dict[str, Any] = {}
        for attempt in range(args.review_repeat):
            with _counting() as counter:
                t0, c0 = time.perf_counter(), time.process_time()
                review = (await _gql(http, REVIEW, id=run_id))["matchingRun"]["proposal"]
                review_s, review_cpu = time.perf_counter() - t0, time.process_time() - c0
            phases.append(
                Phase(
                    f"review page #{attempt + 1} (summary+100 pairs+100 loads)",
                    review_s,
                    counter.statements,
                    counter.batched_rows,
                    _rss_mb(),
                    worker_rss(),
                    {"pairs": review["summary"]["pairs"]},
                    review_cpu,
                )
            )
        edges = review["pairsPage"]["edges"]
        variables: dict[str, Any] = {
            "after": review["pairsPage"]["pageInfo"]["endCursor"],
            "m": edges[0]["node"]["mentorId"] if edges else 0,
        }
        for name, query in PAGES.items():
            wanted = {k: v for k, v in variables.items() if f"${k}" in query}
            with _counting() as counter:
                t0, c0 = time.perf_counter(), time.process_time()
                await _gql(http, query, id=run_id, **wanted)
                page_s, page_cpu = time.perf_counter() - t0, time.process_time() - c0
            phases.append(
                Phase(
                    f"review: {name}",
                    page_s,
                    counter.statements,
                    counter.batched_rows,
                    _rss_mb(),
                    worker_rss(),
                    cpu_s=page_cpu,
                )
            )
        with _counting() as counter, _profiled(args.profile):
            t0, c0, w0 = time.perf_counter(), time.process_time(), _cpu_s(pids)
            published = (await _gql(http, PUBLISH, id=run_id))["publishRun"]
            answered_s = time.perf_counter() - t0
            if published.get("run", {}).get("status") == "PUBLISHING":
                # A large publish runs as a job (MENTORMATCH_PUBLISH_JOB_MIN_PAIRS): until PUBLISHED.
                while True:
                    await asyncio.sleep(0.25)
                    state = (await _gql(http, STATUS, id=run_id))["matchingRun"]
                    if state["status"] != "PUBLISHING":
                        break
                if state["status"] != "PUBLISHED":
                    raise SystemExit(f"the publish job ended {state}")
            publish_s, publish_cpu, w1 = time.perf_counter() - t0, time.process_time() - c0, _cpu_s(pids)
        if published["__typename"] != "PublishPayload":
            raise SystemExit(f"publishRun refused: {published}")
        print(f"publishRun answered in {answered_s:.2f} s", file=sys.stderr)
        phases.append(
            Phase(
                "publishRun",
                publish_s,
                counter.statements,
                counter.batched_rows,
                _rss_mb(),
                worker_rss(),
                {"created": len(published["created"])},
                publish_cpu,
                None if w0 is None or w1 is None else w1 - w0,
            )
        )
    return phases


def _or_dash(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--db-name", default=None, help="PostgreSQL database (default mm_at_scale_<N>)")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded PostgreSQL database")
    parser.add_argument(
        "--template",
        default=None,
        help="PostgreSQL database kept as the seeded copy: made after seeding, copied instead of seeding",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4", help="the worker's Redis (flushed)")
    parser.add_argument(
        "--embedded", action="store_true", help="no Redis, no worker: jobs run in this process"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", default=None, help="write a pyinstrument profile of publish here")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1, help="mentormatch worker processes")
    parser.add_argument(
        "--split-parts", type=int, default=None, help="MENTORMATCH_SPLIT_PARTS of the workers (1: no split)"
    )
    parser.add_argument(
        "--split-min", type=int, default=None, help="MENTORMATCH_SPLIT_MIN_STUDENTS of the workers"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds for the workers to start")
    parser.add_argument("--review-repeat", type=int, default=2, help="times the first review page is read")
    parser.add_argument("--worker-log", default=None, help="keep each worker's log in WORKER_LOG.<i>")
    args = parser.parse_args()
    env, token, seeded = prepare(args)
    workers = start_workers(args, env)
    try:
        phases = [seeded, *asyncio.run(run(args, env, token, workers))]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    load = os.getloadavg()
    print(
        f"{args.students} students on {args.database}, {len(workers)} worker(s), split parts "
        f"{args.split_parts if args.split_parts is not None else 'default'}, load {load[0]:.1f} {load[1]:.1f}"
    )
    heads = ("seconds", "API CPU", "wrk CPU", "SQL", "rows", "API MB", "worker MB")
    print(f"{'phase':48} " + " ".join(f"{h:>9}" for h in heads))
    for p in phases:
        cells = [
            f"{p.seconds:.2f}",
            _or_dash(p.cpu_s, ".2f"),
            _or_dash(p.worker_cpu_s, ".1f"),
            _or_dash(p.statements, "d"),
            _or_dash(p.batched_rows, "d"),
            f"{p.api_rss_mb:.0f}",
            _or_dash(p.worker_rss_mb, ".0f"),
        ]
        print(f"{p.name:48} " + " ".join(f"{c:>9}" for c in cells))
    print(
        json.dumps(
            {
                "students": args.students,
                "database": args.database,
                "workers": len(workers),
                "split_parts": args.split_parts,
                "split_min": args.split_min,
                "time_limit_s": args.time_limit,
                "load": [round(x, 2) for x in load],
                "phases": [
                    {
                        "phase": p.name,
                        "s": round(p.seconds, 3),
                        "api_cpu_s": round(p.cpu_s, 3) if p.cpu_s is not None else None,
                        "worker_cpu_s": round(p.worker_cpu_s, 2) if p.worker_cpu_s is not None else None,
                        "sql": p.statements,
                        "batched_rows": p.batched_rows,
                        "api_peak_rss_mb": round(p.api_rss_mb),
                        "worker_peak_rss_mb": round(p.worker_rss_mb) if p.worker_rss_mb else None,
                        **p.extra,
                    }
                    for p in phases
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
