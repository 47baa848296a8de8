"""Statements whose parameter count would grow with the data: more than 32,767 waiting students (asyncpg's
bind-parameter limit; SQLite's is 32,766) through the waiting queue and a run's snapshot, on both databases.
Permanent errors end a run with their real cause; transient ones that never stop say theirs too."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
from tortoise import Tortoise

from domain.bulk import CHUNK, chunks
from domain.enums import RunStatus
from domain.models import Assessment, MatchingRun, Student
from domain.paris_time import week_monday
from domain.services import run_requests, run_worker
from jobs.snapshot import SHARED_LOOP_CHUNK, load_snapshot
from jobs.tasks import run_matching
from jobs.transient import is_transient
from tests.conftest import Backend, GraphQLClient, count_queries
from tests.factories import catalogue, mentor

MANY = 33_000
WEEK = week_monday(date.today()) + timedelta(days=7)


async def _many_waiting_students() -> list[Student]:
    """33,000 students without a mentor, inserted in bulk; the first one finished the path's last project
    (R20: out of the queue), so that ``path_completed`` reads assessments for all of them."""
    path, projects = await catalogue(2)
    await Student.bulk_create(
        [
            Student(
                name=f"S{i}",
                email=f"s{i}@example.org",
                path_id=path.id,
                current_project_id=projects[i % 2].id,
            )
            for i in range(MANY)
        ],
        batch_size=2_000,
    )
    rows = await Student.all().order_by("id")
    done = next(s for s in rows if s.current_project_id == projects[-1].id)
    await Assessment.create(student_id=done.id, project_id=projects[-1].id)
    await mentor(projects, n=1, capacity=3)
    return rows


def test_chunks_are_bounded_and_cover_every_id() -> None:
    ids = [*range(2 * CHUNK + 5, 0, -1), 7]
    parts = list(chunks(ids))
    assert [len(p) for p in parts] == [CHUNK, CHUNK, 5]
    assert [i for p in parts for i in p] == sorted(set(ids))
    assert list(chunks([])) == []


async def test_the_waiting_queue_pages_over_more_ids_than_a_statement_takes(gql: GraphQLClient) -> None:
    rows = await _many_waiting_students()
    with count_queries() as counter:
        data = await gql("{ waitingStudents(first: 1) { totalCount edges { node { studentId } } } }")
    page = data["waitingStudents"]
    assert page["totalCount"] == MANY - 1
    assert len(page["edges"]) == 1 and page["edges"][0]["node"]["studentId"] in {s.id for s in rows}
    # Bounded, not one statement per student: a few chunks of CHUNK ids each.
    assert len(counter.statements) < 20


async def test_a_snapshot_loads_more_ids_than_a_statement_takes(db: Backend) -> None:
    await _many_waiting_students()
    snapshot = await load_snapshot({"kind": "all"}, WEEK)
    assert len(snapshot.students) == MANY - 1
    assert len(snapshot.versions["students"]) == MANY - 1
    # The stale check before the proposal is stored reads the same ids back.
    assert await run_worker.snapshot_changes(snapshot.versions) == {}
    # The same through the job, with the scope of listed students.
    ids = [int(i) for i in snapshot.versions["students"]][: MANY - 100]
    listed = await load_snapshot({"kind": "students", "studentIds": ids}, WEEK)
    assert [s.id for s in listed.students] == sorted(ids)
    # Read in the small chunks of the embedded job (it shares the API's event loop): the same snapshot.
    assert await load_snapshot({"kind": "all"}, WEEK, chunk=SHARED_LOOP_CHUNK) == snapshot


def test_a_statement_over_the_parameter_limit_is_not_transient() -> None:
    too_many = asyncpg.InterfaceError("the number of query arguments cannot exceed 32767")
    assert not is_transient(too_many)
    assert not is_transient(
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress")
    )
    # A connection lost is still transient, whatever asyncpg class says so.
    assert is_transient(asyncpg.InterfaceError("connection is closed"))


async def test_a_permanent_error_ends_the_run_with_its_cause_at_once(db: Backend) -> None:
    path, projects = await catalogue(1)
    await mentor(projects, n=1)
    await Student.create(name="S", email="s@example.org", path_id=path.id, current_project_id=projects[0].id)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
    )
    conn = Tortoise.get_connection("default")
    await conn.execute_script('ALTER TABLE "student_availability" RENAME TO "student_availability_away"')
    try:
        outcome = await run_matching({"job_try": 1}, str(run.id))  # no Retry raised: not transient
    finally:
        await conn.execute_script('ALTER TABLE "student_availability_away" RENAME TO "student_availability"')
    assert outcome == "failed"
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.FAILED and row.attempts == 1
    assert "student_availability" in row.error and "gave up" not in row.error


async def test_a_run_that_gives_up_says_the_last_transient_cause(db: Backend) -> None:
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
    )
    for _ in range(run_worker.MAX_ATTEMPTS):
        assert await run_worker.claim(run.id) is not None
        await run_worker.note_retry(run.id, "ConnectionResetError: connection reset by peer")
    assert await run_worker.claim(run.id) is None
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.FAILED
    assert row.error == "gave up after 3 attempts: ConnectionResetError: connection reset by peer"
