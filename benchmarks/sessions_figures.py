"""Figures: concurrent bookings of one slot through the GraphQL mutation, book/cancel/rebook, and
the five-year DST expansion checked against PostgreSQL. Prints one JSON line per figure.

    .venv/bin/python benchmarks/sessions_figures.py            # SQLite and PostgreSQL (127.0.0.1:5432)

Runs on a fresh temporary database per backend (dropped afterwards). With a bearer-token layer in place
the script signs in as staff when ``domain.services.tokens`` exists.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx
from tortoise import Tortoise
from tortoise.backends.base import executor as tortoise_executor

from api.app import create_app
from domain.models import Mentorship, Session
from domain.paris_time import WeeklyWindow, paris_today, week_monday
from domain.recurrence import Adjustment, expand
from domain.services import mentors, mentorships, paths, students
from infra import connections
from infra.settings import Settings

POSTGRES = os.environ.get("MENTORMATCH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = "mentormatch_bench_sessions"
BOOK = """mutation($input: BookSessionInput!) { bookSession(input: $input) {
  __typename ... on SessionPayload { session { id } } ... on UserError { code } } }"""
CANCEL = "mutation($id: Int!) { cancelSession(id: $id) { __typename ... on UserError { code } } }"


# Next week (Paris): every session is booked in the future whatever the day the benchmark runs.
MONDAY = week_monday(paris_today()) + timedelta(days=7)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Paris wall time ``days`` after next Monday."""
    day = MONDAY + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


def emit(**figure: Any) -> None:
    print(json.dumps(figure, default=str), flush=True)


async def headers() -> dict[str, str]:
    try:
        from domain.enums import Role  # type: ignore[attr-defined]
        from domain.services.tokens import issue_token  # type: ignore[import-not-found]
    except ImportError:
        return {}
    token, _ = await issue_token(Role.STAFF, label="bench")
    return {"authorization": f"Bearer {token}"}


async def world(n: int) -> tuple[Mentorship, Mentorship, Mentorship, Mentorship]:
    """Two students of one mentor; one student handed over from mentor 2 to mentor 3 (R5)."""
    path = await paths.create_path(paths.PathInput(f"Path {n}"))
    project = await paths.create_project(paths.ProjectInput(path.id, "P", level=2))
    evenings = [WeeklyWindow(d, 18 * 60, 22 * 60) for d in range(7)]
    ms = [
        await mentors.create_mentor(
            mentors.MentorInput(
                f"M{k}", f"m{n}-{k}@example.org", 5, [project.id], date(2025, 1, 6), availability=evenings
            )
        )
        for k in range(3)
    ]
    ss = [
        await students.create_student(
            students.StudentInput(
                f"S{k}", f"s{n}-{k}@example.org", path.id, project.id, availability=evenings
            )
        )
        for k in range(3)
    ]
    a = await mentorships.create_mentorship(mentorships.MentorshipInput(ss[0].id, ms[0].id, at(1, 19)))
    b = await mentorships.create_mentorship(mentorships.MentorshipInput(ss[1].id, ms[0].id, at(1, 19, 30)))
    old = await mentorships.create_mentorship(mentorships.MentorshipInput(ss[2].id, ms[1].id, at(1, 19)))
    ended = MONDAY + timedelta(days=38)
    await Mentorship.filter(id=old.id).update(ended_on=ended, end_reason="absence_handover")
    new = await mentorships.create_mentorship(mentorships.MentorshipInput(ss[2].id, ms[2].id, at(2, 19)))
    return a, b, old, new


async def contest(
    gql: httpx.AsyncClient, name: str, inputs: list[dict[str, Any]], rows: Any, backend: str
) -> None:
    started = time.perf_counter()
    responses = await asyncio.gather(
        *(gql.post("/graphql", json={"query": BOOK, "variables": {"input": i}}) for i in inputs)
    )
    elapsed = time.perf_counter() - started
    outcomes: Counter[str] = Counter()
    for r in responses:
        body = r.json()
        if r.status_code != 200 or "errors" in body:
            outcomes["server_error"] += 1
            continue
        result = body["data"]["bookSession"]
        outcomes[
            "success"
            if result["__typename"] == "SessionPayload"
            else result["__typename"] + ":" + result["code"]
        ] += 1
    emit(
        backend=backend,
        figure=name,
        requests=len(inputs),
        **outcomes,
        rows=await rows,
        seconds=round(elapsed, 3),
    )


async def run_backend(backend: str, url: str) -> None:
    tortoise_executor.EXECUTOR_CACHE.clear()
    settings = Settings(database_url=url)
    await connections.connect_database(settings)
    try:
        await connections.migrate()
        app = create_app(settings, manage_database=False)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=await headers()
        ) as gql:
            a, b, old, new = await world(1)
            same = [
                {
                    "mentorshipId": (a if k % 2 else b).id,
                    "startsAt": "2026-12-01T19:00",
                    "catchUp": True,
                    "catchUpReason": "mentor away",
                }
                for k in range(50)
            ]
            await contest(
                gql,
                "same_mentor_slot",
                same,
                Session.filter(mentor_id=a.mentor_id, catch_up=True).count(),
                backend,
            )
            partial = [
                {"mentorshipId": a.id, "startsAt": f"2026-12-08T18:{k:02d}", "durationMinutes": 60}
                for k in range(50)
            ]
            await contest(
                gql,
                "partial_overlaps",
                partial,
                Session.filter(mentorship_id=a.id, kind="regular", catch_up=False).count(),
                backend,
            )
            two = [
                {
                    "mentorshipId": (old if k % 2 else new).id,
                    "startsAt": "2026-12-08T19:15",
                    "kind": "PRESENTATION",
                }
                for k in range(50)
            ]
            await contest(
                gql,
                "student_two_mentors",
                two,
                Session.filter(student_id=new.student_id, kind="presentation").count(),
                backend,
            )
            ok = 0
            started = time.perf_counter()
            for _ in range(100):
                r = (
                    await gql.post(
                        "/graphql",
                        json={
                            "query": BOOK,
                            "variables": {"input": {"mentorshipId": b.id, "startsAt": "2036-01-08T19:30"}},
                        },
                    )
                ).json()
                booked = r["data"]["bookSession"]
                if booked["__typename"] != "SessionPayload":
                    continue
                c = (
                    await gql.post(
                        "/graphql", json={"query": CANCEL, "variables": {"id": int(booked["session"]["id"])}}
                    )
                ).json()
                ok += c["data"]["cancelSession"]["__typename"] == "SessionPayload"
            emit(
                backend=backend,
                figure="book_cancel_rebook",
                cycles=100,
                succeeded=ok,
                seconds=round(time.perf_counter() - started, 3),
            )
    finally:
        await Tortoise.close_connections()


async def expansion() -> None:
    started = time.perf_counter()
    occ = [
        o
        for wd in range(7)
        for minute in range(0, 1440, 15)
        for o in expand(wd, minute, date(2026, 1, 5), 261)
    ]
    counts = Counter(o.adjustment.value if o.adjustment else "exact" for o in occ)
    wall_ok = sum(1 for o in occ if o.adjustment is Adjustment.GAP_MOVED or o.local == o.wall)
    seconds = round(time.perf_counter() - started, 3)
    conn = await asyncpg.connect(f"{POSTGRES}/postgres")
    try:
        back = await conn.fetchval(
            "SELECT count(*) FROM unnest($1::timestamptz[], $2::timestamp[]) t(u, w)"
            " WHERE (u AT TIME ZONE 'Europe/Paris') = w",
            [o.starts_at for o in occ],
            [o.local for o in occ],
        )
        plain = [o for o in occ if o.adjustment is None]
        forward = await conn.fetchval(
            "SELECT count(*) FROM unnest($1::timestamp[], $2::timestamptz[]) t(w, u)"
            " WHERE (w AT TIME ZONE 'Europe/Paris') = u",
            [o.wall for o in plain],
            [o.starts_at for o in plain],
        )
        pg_gap = await conn.fetchval(
            "SELECT (timestamp '2027-03-28 02:30' AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris'"
        )
        pg_amb = await conn.fetchval(
            "SELECT (timestamp '2027-10-31 02:30' AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'UTC'"
        )
    finally:
        await conn.close()
    emit(
        figure="five_year_expansion",
        occurrences=len(occ),
        **counts,
        wall_time_kept_or_gap_rule=wall_ok,
        pg_agrees_utc_to_local=back,
        pg_agrees_local_to_utc_unambiguous=forward,
        of_unambiguous=len(plain),
        python_seconds=seconds,
        postgres_reads_gap_0230_as=pg_gap,
        postgres_reads_ambiguous_0230_as_utc=pg_amb,
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await run_backend("sqlite", f"sqlite://{tmp}/bench.sqlite3")
    admin = await asyncpg.connect(f"{POSTGRES}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        await run_backend("postgres", f"{POSTGRES}/{BENCH_DB}")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        await admin.close()
    await expansion()


if __name__ == "__main__":
    asyncio.run(main())
