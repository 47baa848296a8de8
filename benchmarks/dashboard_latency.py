"""Latency and SQL count of the mentor dashboard query, through HTTP on a real uvicorn server,
against a hand-written asyncpg query that returns the same JSON, and the requests/s of one API process.

    .venv/bin/python benchmarks/dashboard_latency.py [--runs 100] [--server postgres://...] [--clients 20]
        [--seconds 10] [--port 8108] [--profile] [--cpu-requests 200] [--no-throughput]
        [--workers 1]

Builds a fresh database (PostgreSQL, a `mentormatch_bench_<pid>` database, dropped at the end), one mentor
with 20 students, each with a current project and a session this week, and a mentor token; then
1. sends the nested dashboard query (mentor -> students -> current project -> sessions of the week) `--runs`
   times to an in-process uvicorn server: SQL statements per request, median, p95 and max latency in ms;
2. runs the hand-written query (one SQL statement through asyncpg, shaped in Python with the same helpers),
   checks that it gives the same JSON, and prints its median and the ratio GraphQL / hand-written;
2b. CPU milliseconds of this process per request (``time.process_time`` around ``--cpu-requests`` requests
   sent in-process through ASGI, no socket; and around as many hand-written queries, JSON-encoded): the
   measure to compare on a shared machine, where wall-clock figures follow the load; PostgreSQL's CPU is
   counted in neither. The 1-minute load average is printed with the figures;
3. starts `mentormatch serve --workers N` (N > 1 needs REDIS_URL) and keeps `--clients` concurrent
   keep-alive connections sending the dashboard query for `--seconds` (a raw-socket client in this
   process, much lighter than httpx): requests/s, and the server's CPU ms per request (all its processes,
   from psutil), the figure that does not depend on what else the machine runs;
4. with `--profile`, prints pyinstrument's profile of 200 dashboard requests (in-process ASGI).
Figures depend on the machine and its load: run it on a quiet machine to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
# The code of this checkout, not the one installed in the environment (an editable install of another).
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from domain.enums import Role  # noqa: E402
from domain.paris_time import PARIS, WeeklyWindow, paris_today, week_monday  # noqa: E402
from domain.services import mentors, mentorships, paths, students  # noqa: E402
from domain.services.tokens import issue_token  # noqa: E402
from infra import connections  # noqa: E402
from infra.settings import Settings  # noqa: E402
from schema.compiled import DASHBOARD  # noqa: E402  (the README's dashboard, as the compiled reader knows it)
from schema.loaders import paris_week_bounds  # noqa: E402
from schema.types import hhmm, paris_week  # noqa: E402

DATABASE = f"mentormatch_bench_{os.getpid()}"
# Next week (Paris): every session is booked in the future whatever the day the benchmark runs.
MONDAY = week_monday(paris_today()) + timedelta(days=7)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Paris wall time ``days`` after next Monday."""
    day = MONDAY + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


# The hand-written version: one statement, JSON built by PostgreSQL, shaped in Python like the API does.
HAND_SQL = """
SELECT m.name, m.capacity, m.timezone,
  (SELECT count(*) FROM mentorship c WHERE c.mentor_id = m.id AND c.ended_on IS NULL) AS load,
  (SELECT coalesce(json_agg(json_build_array(a.weekday, a.start_minute, a.end_minute)), '[]')
     FROM mentor_availability a WHERE a.mentor_id = m.id) AS windows,
  (SELECT coalesce(json_agg(json_build_object(
      'name', s.name, 'email', s.email, 'phone', s.phone,
      'project', json_build_object('name', p.name, 'level', p.level, 'path', pa.name),
      'slot', json_build_array(ms.slot_weekday, ms.slot_start_minute, ms.slot_minutes),
      'sessions', (SELECT coalesce(json_agg(json_build_array(se.starts_at, se.status, se.kind)
                                           ORDER BY se.starts_at), '[]')
                   FROM session se WHERE se.mentorship_id IN
                     (SELECT x.id FROM mentorship x WHERE x.student_id = s.id)
                   AND se.starts_at >= $2 AND se.starts_at < $3)
    ) ORDER BY ms.id), '[]')
   FROM mentorship ms JOIN student s ON s.id = ms.student_id
   JOIN project p ON p.id = s.current_project_id JOIN path pa ON pa.id = p.path_id
   WHERE ms.mentor_id = m.id AND ms.ended_on IS NULL) AS students
FROM mentor m WHERE m.id = $1
"""


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.count += 1


async def build(settings: Settings) -> tuple[int, str]:
    path = await paths.create_path(paths.PathInput("Web Developer"))
    projects = [
        await paths.create_project(paths.ProjectInput(path.id, f"Project {i}", 1 + i % 3)) for i in range(5)
    ]
    evenings = [WeeklyWindow(d, 8 * 60, 22 * 60) for d in range(5)]
    mentor = await mentors.create_mentor(
        mentors.MentorInput(
            "Dana Mentor",
            "dana@example.org",
            20,
            [p.id for p in projects],
            date(2025, 1, 6),
            availability=evenings,
        )
    )
    for i in range(20):
        student = await students.create_student(
            students.StudentInput(
                f"Student {i}", f"s{i}@example.org", path.id, projects[i % 5].id, availability=evenings
            )
        )
        await mentorships.create_mentorship(
            mentorships.MentorshipInput(student.id, mentor.id, at(i % 5, 9 + i // 5))
        )
    token, _ = await issue_token(Role.MENTOR, mentor_id=mentor.id)
    return mentor.id, token


async def hand_written(pool: asyncpg.Pool, mentor_id: int, week: date) -> dict[str, Any]:
    start, end = paris_week_bounds(week)
    async with pool.acquire() as conn:
        row = await conn.fetchrow(HAND_SQL, mentor_id, start, end)
    windows = [WeeklyWindow(*w) for w in json.loads(row["windows"])]
    shown = paris_week(windows, row["timezone"], week)

    def slot(weekday: int, start_minute: int, minutes: int) -> dict[str, Any]:
        return {"weekday": weekday, "start": hhmm(start_minute), "minutes": minutes}

    def session(raw: list[Any]) -> dict[str, Any]:
        at = datetime.fromisoformat(raw[0])
        return {
            "startsAt": at.isoformat(),
            "startsAtParis": at.astimezone(PARIS).isoformat(timespec="minutes"),
            "status": raw[1].upper(),
            "kind": raw[2].upper(),
        }

    return {
        "mentor": {
            "name": row["name"],
            "capacity": row["capacity"],
            "load": row["load"],
            "parisAvailability": {
                "shiftMinutes": shown.shift_minutes,
                "windows": [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in shown.windows],
            },
            "students": {
                "edges": [
                    {
                        "node": {
                            "name": s["name"],
                            "email": s["email"],
                            "phone": s["phone"],
                            "currentProject": {
                                "name": s["project"]["name"],
                                "level": s["project"]["level"],
                                "path": {"name": s["project"]["path"]},
                            },
                            "mentorship": {"slot": slot(*s["slot"])},
                            "sessions": [session(x) for x in s["sessions"]],
                        }
                    }
                    for s in json.loads(row["students"])
                ]
            },
        }
    }


def _serve(env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    out = subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=out,
    )


def _server_cpu_s(server: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds of the server process and its worker processes so far."""
    root = psutil.Process(server.pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


async def _raw_client(port: int, request: bytes, stop: float) -> int:
    """One keep-alive HTTP/1.1 connection sending ``request`` until ``stop``: a load generator much
    lighter than httpx (the machine's cores are shared with the server), checking each answer's status
    and that it has data and no errors."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.perf_counter() < stop:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            body = await reader.readexactly(length)
            assert body.startswith(b'{"data":{"mentor":{') and b'"errors"' not in body, body[:300]
            done += 1
    finally:
        writer.close()
    return done


async def throughput(
    url: str, body: dict[str, Any], token: str, clients: int, seconds: float, port: int, workers: int
) -> tuple[float, float]:
    """Requests/s of `mentormatch serve --workers N` with `clients` concurrent keep-alive connections,
    and the server's CPU milliseconds per request (all its processes) over the same interval."""
    env = {**os.environ, "DATABASE_URL": url, "MENTORMATCH_PORT": str(port)}
    env |= {"MENTORMATCH_RATE_LIMIT_PER_MINUTE": "100000000", "MENTORMATCH_ENV": "development"}
    if workers == 1:
        env.pop("REDIS_URL", None)
    elif not env.get("REDIS_URL"):
        raise SystemExit("--workers above 1 needs REDIS_URL (as `mentormatch serve` does)")
    server = _serve(env, workers)
    payload = json.dumps(body).encode()
    request = (
        f"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\n"
        f"authorization: Bearer {token}\r\ncontent-length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            for _ in range(600):
                try:
                    if (await http.get("/health/live")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        # Warm-up: every worker process sees the query (parser, validation and token caches).
        await asyncio.gather(*(_raw_client(port, request, time.perf_counter() + 2) for _ in range(clients)))
        cpu_before = _server_cpu_s(server)
        started = time.perf_counter()
        stop = started + seconds
        counts = await asyncio.gather(*(_raw_client(port, request, stop) for _ in range(clients)))
        elapsed = time.perf_counter() - started
        cpu = _server_cpu_s(server) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    return sum(counts) / elapsed, cpu * 1000 / sum(counts)


def asgi_client(app: Any, token: str) -> httpx.AsyncClient:
    """A client on ``app`` in this process (no socket, no server), with ``token``."""
    headers = {"authorization": f"Bearer {token}"}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers)


async def cpu_per_request(app: Any, body: dict[str, Any], token: str, n: int) -> float:
    """CPU milliseconds of this process per dashboard request, through in-process ASGI (no socket, no
    server): ``time.process_time`` around ``n`` requests, after a warm-up. PostgreSQL's own CPU is not
    counted (another process), nor is it for the hand-written path: both figures are the Python side."""
    async with asgi_client(app, token) as http:
        for _ in range(10):
            response = await http.post("/graphql", json=body)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
        start = time.process_time()
        for _ in range(n):
            await http.post("/graphql", json=body)
        return (time.process_time() - start) * 1000 / n


async def hand_written_cpu(pool: asyncpg.Pool, mentor_id: int, week: date, n: int) -> float:
    """CPU milliseconds of this process per hand-written request (query, shaping and ``json.dumps``, as
    the API serialises its response)."""
    for _ in range(10):
        json.dumps(await hand_written(pool, mentor_id, week))
    start = time.process_time()
    for _ in range(n):
        json.dumps(await hand_written(pool, mentor_id, week))
    return (time.process_time() - start) * 1000 / n


async def profile(app: Any, body: dict[str, Any], token: str) -> str:
    from pyinstrument import Profiler

    async with asgi_client(app, token) as http:
        for _ in range(10):
            await http.post("/graphql", json=body)
        profiler = Profiler(async_mode="enabled")
        profiler.start()
        for _ in range(200):
            await http.post("/graphql", json=body)
        profiler.stop()
    text: str = profiler.output_text(unicode=False, color=False, show_all=False)
    return text


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cpu-requests", type=int, default=200, help="requests timed for CPU ms/request")
    parser.add_argument("--no-throughput", action="store_true", help="skip the requests/s measure")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers (>1: REDIS_URL)")
    args = parser.parse_args()
    conn = await asyncpg.connect(f"{args.server}/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    await conn.close()
    url = f"{args.server}/{DATABASE}"
    settings = Settings(database_url=url, rate_limit_per_minute=10**6)
    await connections.connect_database(settings)
    await connections.migrate()
    mentor_id, token = await build(settings)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings, manage_database=False)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="error")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
        await asyncio.sleep(0.02)
    counter = Counter()
    logger = logging.getLogger("tortoise.db_client")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    timings: list[float] = []
    sql: list[int] = []
    week = (MONDAY + timedelta(days=2)).isoformat()
    body = {"query": DASHBOARD, "variables": {"id": mentor_id, "week": week}}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"authorization": f"Bearer {token}"}
    ) as http:
        for run in range(args.runs + 5):
            counter.count = 0
            start = time.perf_counter()
            response = await http.post("/graphql", json=body)
            elapsed = (time.perf_counter() - start) * 1000
            data = response.json()
            assert "errors" not in data, data
            assert len(data["data"]["mentor"]["students"]["edges"]) == 20
            if run >= 5:  # warm-up
                timings.append(elapsed)
                sql.append(counter.count)
    server.should_exit = True
    await task
    logger.removeHandler(counter)
    graphql_data = data["data"]

    week = MONDAY + timedelta(days=2)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    same = await hand_written(pool, mentor_id, week)
    mismatch = json.dumps(same, sort_keys=True) != json.dumps(graphql_data, sort_keys=True)
    hand: list[float] = []
    for run in range(args.runs + 5):
        start = time.perf_counter()
        await hand_written(pool, mentor_id, week)
        if run >= 5:
            hand.append((time.perf_counter() - start) * 1000)
    hand_cpu = await hand_written_cpu(pool, mentor_id, week, args.cpu_requests)
    await pool.close()
    graphql_cpu = await cpu_per_request(app, body, token, args.cpu_requests)
    profile_text = await profile(app, body, token) if args.profile else None
    await app.state.limiter.aclose()
    await connections.disconnect()
    load = os.getloadavg()[0]
    rps = server_cpu_ms = None
    if not args.no_throughput:
        rps, server_cpu_ms = await throughput(
            url, body, token, args.clients, args.seconds, args.port, args.workers
        )
    conn = await asyncpg.connect(f"{args.server}/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await conn.close()
    timings.sort()
    if profile_text:
        print(profile_text)
    print(
        json.dumps(
            {
                "database": "postgresql",
                "students": 20,
                "runs": args.runs,
                "sql_per_request": sorted(set(sql)),
                "median_ms": round(statistics.median(timings), 2),
                "p95_ms": round(timings[int(0.95 * len(timings)) - 1], 2),
                "max_ms": round(timings[-1], 2),
                "hand_written_median_ms": round(statistics.median(hand), 2),
                "ratio_graphql_to_hand_written": round(
                    statistics.median(timings) / statistics.median(hand), 1
                ),
                "hand_written_same_json": not mismatch,
                "cpu_ms_per_request": round(graphql_cpu, 2),
                "hand_written_cpu_ms_per_request": round(hand_cpu, 2),
                "cpu_ratio_graphql_to_hand_written": round(graphql_cpu / hand_cpu, 1),
                "load_average_1min": round(load, 2),
                "clients": args.clients,
                "workers": args.workers,
                "requests_per_s": None if rps is None else round(rps, 1),
                "server_cpu_ms_per_request": None if server_cpu_ms is None else round(server_cpu_ms, 2),
            }
        )
    )
    if mismatch:
        print(
            "hand-written JSON differs:", json.dumps(same)[:2000], json.dumps(graphql_data)[:2000], sep="\n"
        )


if __name__ == "__main__":
    asyncio.run(main())
