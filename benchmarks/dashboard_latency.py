"""Latency and SQL count of the mentor dashboard query, through HTTP on a real uvicorn server,
against a hand-written asyncpg query that returns the same JSON, and the requests/s of one API process.

    .venv/bin/python benchmarks/dashboard_latency.py [--runs 100] [--server postgres://...] [--clients 20]
        [--seconds 10] [--port 8108] [--profile]

Builds a fresh database (PostgreSQL, a `mentormatch_bench_<pid>` database, dropped at the end), one mentor
with 20 students, each with a current project and a session this week, and a mentor token; then
1. sends the nested dashboard query (mentor -> students -> current project -> sessions of the week) `--runs`
   times to an in-process uvicorn server: SQL statements per request, median, p95 and max latency in ms;
2. runs the hand-written query (one SQL statement through asyncpg, shaped in Python with the same helpers),
   checks that it gives the same JSON, and prints its median and the ratio GraphQL / hand-written;
3. starts `mentormatch serve` as its own process and keeps `--clients` concurrent clients sending the
   dashboard query for `--seconds`: requests/s of that one process (the clients run in this process);
4. with `--profile`, prints pyinstrument's profile of 200 dashboard requests (in-process ASGI).
Figures depend on the machine and its load: run it on a quiet machine to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn

from api import services
from api.app import create_app
from api.settings import Settings
from domain.enums import Role
from domain.paris_time import PARIS, WeeklyWindow
from domain.services import mentors, mentorships, paths, students
from domain.services.tokens import issue_token
from schema.loaders import paris_week_bounds
from schema.types import hhmm, paris_week

ROOT = Path(__file__).resolve().parents[1]
DATABASE = f"mentormatch_bench_{os.getpid()}"

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

DASHBOARD = """
query Dashboard($id: Int!, $week: Date!) {
  mentor(id: $id) {
    name capacity load
    parisAvailability(week: $week) { shiftMinutes windows { weekday start end } }
    students(first: 20) { edges { node {
      name email phone
      currentProject { name level path { name } }
      mentorship { slot { weekday start minutes } }
      sessions(week: $week) { startsAt startsAtParis status kind }
    } } }
  }
}"""


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
            mentorships.MentorshipInput(student.id, mentor.id, datetime(2026, 11, 23 + i % 5, 9 + i // 5, 0))
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


def _serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    out = subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"], env=env, cwd=ROOT, stdout=out, stderr=out
    )


async def throughput(
    url: str, body: dict[str, Any], token: str, clients: int, seconds: float, port: int
) -> float:
    """Requests/s of one `mentormatch serve` process with `clients` concurrent clients."""
    env = {**os.environ, "DATABASE_URL": url, "MENTORMATCH_PORT": str(port)}
    env |= {"MENTORMATCH_RATE_LIMIT_PER_MINUTE": "100000000", "MENTORMATCH_ENV": "development"}
    env.pop("REDIS_URL", None)
    server = _serve(env)
    done = 0
    try:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={"authorization": f"Bearer {token}"},
            limits=limits,
            timeout=120,
        ) as http:
            for _ in range(300):
                try:
                    if (await http.get("/health/live")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            for _ in range(20):  # warm-up
                await http.post("/graphql", json=body)
            stop = time.perf_counter() + seconds

            async def client() -> None:
                nonlocal done
                while time.perf_counter() < stop:
                    response = await http.post("/graphql", json=body)
                    assert response.status_code == 200 and "errors" not in response.json()
                    done += 1

            started = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(clients)))
            elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return done / elapsed


async def profile(app: Any, body: dict[str, Any], token: str) -> str:
    from pyinstrument import Profiler

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        headers={"authorization": f"Bearer {token}"},
    ) as http:
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
    args = parser.parse_args()
    conn = await asyncpg.connect(f"{args.server}/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    await conn.close()
    url = f"{args.server}/{DATABASE}"
    settings = Settings(database_url=url, rate_limit_per_minute=10**6)
    await services.connect_database(settings)
    await services.migrate()
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
    body = {"query": DASHBOARD, "variables": {"id": mentor_id, "week": "2026-11-25"}}
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

    week = date(2026, 11, 25)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    same = await hand_written(pool, mentor_id, week)
    mismatch = json.dumps(same, sort_keys=True) != json.dumps(graphql_data, sort_keys=True)
    hand: list[float] = []
    for run in range(args.runs + 5):
        start = time.perf_counter()
        await hand_written(pool, mentor_id, week)
        if run >= 5:
            hand.append((time.perf_counter() - start) * 1000)
    await pool.close()
    profile_text = await profile(app, body, token) if args.profile else None
    await app.state.limiter.aclose()
    await services.disconnect()
    rps = await throughput(url, body, token, args.clients, args.seconds, args.port)
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
                "clients": args.clients,
                "requests_per_s_one_process": round(rps, 1),
            }
        )
    )
    if mismatch:
        print(
            "hand-written JSON differs:", json.dumps(same)[:2000], json.dumps(graphql_data)[:2000], sep="\n"
        )


if __name__ == "__main__":
    asyncio.run(main())
