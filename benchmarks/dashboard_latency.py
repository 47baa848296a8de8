"""Latency and SQL count of the mentor dashboard query (issue 2), through HTTP on a real uvicorn server.

    .venv/bin/python benchmarks/dashboard_latency.py [--runs 100] [--database postgres://...]

Builds a fresh database (PostgreSQL by default, the `mentormatch_bench` database, dropped and recreated),
one mentor with 20 students, each with a current project and a session this week, and a mentor token;
then sends the nested dashboard query (mentor -> students -> current project -> sessions of the week)
`--runs` times and prints one JSON line: SQL statements per request, median, p95 and max latency in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import statistics
import time
from datetime import date, datetime

import asyncpg
import httpx
import uvicorn

from api import services
from api.app import create_app
from api.settings import Settings
from domain.enums import Role
from domain.paris_time import WeeklyWindow
from domain.services import mentors, mentorships, paths, students
from domain.services.tokens import issue_token

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


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    conn = await asyncpg.connect(f"{args.server}/postgres")
    await conn.execute('DROP DATABASE IF EXISTS "mentormatch_bench" WITH (FORCE)')
    await conn.execute('CREATE DATABASE "mentormatch_bench"')
    await conn.close()
    settings = Settings(database_url=f"{args.server}/mentormatch_bench", rate_limit_per_minute=10**6)
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
    await app.state.limiter.aclose()
    await services.disconnect()
    timings.sort()
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
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
