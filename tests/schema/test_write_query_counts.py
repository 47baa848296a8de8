"""The SQL statements of the busy write paths, pinned as upper bounds: ``bookSession``, ``startRun``,
``recordAbsence`` for a fixed input, and ``publishRun`` for 10 and 40 pairs with a stated cost per pair.

The mutations run on an app configured with the tests' Redis: their jobs and sending passes go to an arq
queue of this test's own (no worker takes them), so that no job of this process queries the database while
the statements are counted. The figures are those of the code as written; a rewrite that needs fewer
statements keeps the tests green, one that needs more fails them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from domain.enums import Role
from domain.paris_time import paris_today, week_monday
from domain.services.tokens import issue_token
from infra.settings import Settings
from jobs import mail
from jobs.queue import InProcessQueue, queue_for
from tests import factories
from tests.conftest import REDIS_URL, Backend, GraphQLClient, app_client, count_queries, truncate_all
from tests.jobs.helpers import fresh_jobs
from tests.schema.operations import BOOK, PUBLISH, RECORD, START

__all__ = ["fresh_jobs"]

RUN = "query($id: UUID!) { matchingRun(id: $id) { status error proposal { placed } } }"

# Upper bounds: the statements counted when these tests were written, per backend (SQLite takes no row
# locks and PostgreSQL has RETURNING, so the two differ a little).
BOOK_SESSION = {"sqlite": 23, "postgres": 24}
START_RUN = {"sqlite": 5, "postgres": 6}
RECORD_LONG_ABSENCE = {"sqlite": 41, "postgres": 45}  # two students handed over, two sessions cancelled
PUBLISH_10_PAIRS = {"sqlite": 31, "postgres": 37}  # 37 and 43 before the second pass read versions only
# What each further new pair adds to publishRun, at most: nothing since publish writes set-based (one
# statement per kind per batch; measured 0 from 10 to 40 pairs; it was 17.2 and 20.2 pair by pair).
PUBLISH_PER_PAIR = {"sqlite": 0, "postgres": 0}


@pytest.fixture
async def counted(
    db: Backend, staff_token: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[GraphQLClient]:
    """A staff client on an app whose effects go to Redis, on an arq queue of this test's own."""
    queue = f"mentormatch-test-counts-{uuid4().hex}"
    monkeypatch.setenv("MENTORMATCH_QUEUE", queue)
    settings = Settings(database_url=db.url, max_page_size=50, redis_url=REDIS_URL)
    # The lifespan closes the rate limiter's Redis client.
    async with app_client(settings, staff_token, lifespan=True) as http:
        yield GraphQLClient(http)
    redis = Redis.from_url(REDIS_URL)
    try:
        job_ids = [j.decode() for j in await redis.zrange(queue, 0, -1)]
        await redis.delete(queue, *(f"arq:job:{j}" for j in job_ids))
    finally:
        await redis.aclose()


async def _statements(
    gql: GraphQLClient, query: str, variables: dict[str, object]
) -> tuple[int, dict[str, Any]]:
    await mail.wait_in_process()  # no sending pass of the setup runs while counting
    with count_queries() as counter:
        data = await gql(query, variables)
    return len(counter.statements), data


def _figure(db: Backend, what: str, count: int, bound: int) -> None:
    print(f"\nFIGURE {what} ({db.name}): {count} SQL statements (bound {bound})")


def _paris(day: date, hour: int = 19) -> str:
    return datetime.combine(day, time(hour, 0)).isoformat(timespec="minutes")


async def test_book_session_statements(db: Backend, counted: GraphQLClient) -> None:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    monday = week_monday(paris_today()) + timedelta(days=7)
    pair = await factories.pair(
        await factories.student(path, projects[0]), mentor, datetime.combine(monday, time(19))
    )
    await factories.open_all_week(pair)
    booking = {"mentorshipId": pair.id, "startsAt": _paris(monday + timedelta(days=8))}
    count, data = await _statements(counted, BOOK, {"input": booking})
    assert data["bookSession"]["__typename"] == "SessionPayload", data
    _figure(db, "bookSession", count, BOOK_SESSION[db.name])
    assert count <= BOOK_SESSION[db.name]


async def _waiting(students: int, mentors: int, seats: int) -> int:
    """``students`` waiting students of one path and ``mentors`` mentors of ``seats`` seats each."""
    path, projects = await factories.catalogue(2)
    for m in range(mentors):
        await factories.mentor(projects, n=m, capacity=seats)
    for s in range(students):
        await factories.student(path, projects[s % 2], n=s)
    return path.id


async def test_start_run_statements(db: Backend, counted: GraphQLClient) -> None:
    path_id = await _waiting(students=10, mentors=2, seats=5)
    week = (week_monday(paris_today()) + timedelta(days=7)).isoformat()
    start = {"scope": {"pathId": path_id}, "timeLimitS": 5, "week": week}
    count, data = await _statements(counted, START, {"input": start})
    assert data["startRun"]["run"]["status"] == "QUEUED", data
    _figure(db, "startRun", count, START_RUN[db.name])
    assert count <= START_RUN[db.name]


async def test_record_long_absence_statements(db: Backend, counted: GraphQLClient) -> None:
    path, projects = await factories.catalogue(1)
    away = await factories.mentor(projects, n=1, capacity=3)
    await factories.mentor(projects, n=2, capacity=5)  # a substitute
    first = week_monday(paris_today()) + timedelta(days=7)
    for i in range(2):
        student = await factories.student(path, projects[0], n=i)
        await factories.pair(student, away, datetime.combine(first + timedelta(days=i), time(19)))
    absence = {
        "mentorId": away.id,
        "startsOn": first.isoformat(),
        "endsOn": (first + timedelta(days=27)).isoformat(),
    }
    count, data = await _statements(counted, RECORD, {"input": absence})
    payload = data["recordAbsence"]
    assert payload["__typename"] == "AbsencePayload", data
    assert payload["absence"]["long"] and payload["cancelledSessions"] == 2
    assert payload["handoverRun"]["status"] == "QUEUED"
    _figure(db, "recordAbsence (long, 2 students)", count, RECORD_LONG_ABSENCE[db.name])
    assert count <= RECORD_LONG_ABSENCE[db.name]


async def _publish_statements(gql: GraphQLClient, counted: GraphQLClient, pairs: int) -> int:
    """Solve a run placing ``pairs`` new pairs (in this process), then count the statements of publishing it."""
    path_id = await _waiting(students=pairs, mentors=pairs // 5, seats=5)
    week = (week_monday(paris_today()) + timedelta(days=7)).isoformat()
    started = await gql(START, {"input": {"scope": {"pathId": path_id}, "timeLimitS": 20, "week": week}})
    run_id = started["startRun"]["run"]["id"]
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.wait()
    run = (await gql(RUN, {"id": run_id}))["matchingRun"]
    assert run["status"] == "SUCCEEDED" and run["proposal"]["placed"] == pairs, run
    count, data = await _statements(counted, PUBLISH, {"input": {"runId": run_id}})
    assert data["publishRun"]["__typename"] == "PublishPayload", data
    assert len(data["publishRun"]["created"]) == pairs
    return count


async def test_publish_run_statements_grow_by_a_bounded_cost_per_pair(
    db: Backend, gql: GraphQLClient, counted: GraphQLClient
) -> None:
    counts: dict[int, int] = {}
    for pairs in (10, 40):
        await truncate_all(db)  # the staff token too: issue another for both clients
        token, _ = await issue_token(Role.STAFF)
        for client in (gql, counted):
            client.http.headers["authorization"] = f"Bearer {token}"
        counts[pairs] = await _publish_statements(gql, counted, pairs)
    per_pair = (counts[40] - counts[10]) / 30
    print(
        f"\nFIGURE publishRun ({db.name}): {counts[10]} SQL statements for 10 pairs, {counts[40]} for 40, "
        f"{per_pair:.2f} per further pair (bounds {PUBLISH_10_PAIRS[db.name]}, {PUBLISH_PER_PAIR[db.name]} per pair)"
    )
    assert counts[10] <= PUBLISH_10_PAIRS[db.name]
    assert counts[40] - counts[10] <= PUBLISH_PER_PAIR[db.name] * 30
