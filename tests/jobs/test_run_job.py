"""The matching job end to end on both databases, run in-process (the embedded setup): snapshot, solve in
a thread, proposal stored after the version check; stale on an edit during the solve; retries."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from domain.enums import RunStatus
from domain.models import Event, MatchingRun, Mentorship
from domain.paris_time import week_monday
from domain.services import mentors, runs
from jobs.queue import InProcessQueue, queue_for
from jobs.snapshot import load_snapshot, minutes_to_steps
from jobs.tasks import run_matching
from solver import Assignment, Interval, ReasonCode, SolveResult, Unplaced, check
from tests.conftest import Backend
from tests.factories import catalogue, mentor, pair, student
from tests.jobs import programme
from tests.jobs.helpers import eventually

WEEK = week_monday(date.today()) + timedelta(days=7)  # next week, whatever today is


def in_process() -> InProcessQueue:
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    return queue


# A programme the solver needs several seconds for (800 students, 200 mentors: about 9 s on 2 cores),
# so that an edit or a cancel lands while it searches.
HARD = (800, 200, 5)


async def searching(run_id: UUID) -> bool:
    """The solver reported progress past its first construction: it is in its long search phase."""
    row = await MatchingRun.get(id=run_id)
    return row.status is RunStatus.RUNNING and (row.progress or {}).get("phase") not in (None, "loading")


async def _status(run_id: UUID) -> RunStatus:
    return (await MatchingRun.get(id=run_id)).status


def test_minutes_become_whole_steps_cut_at_midnight() -> None:
    assert minutes_to_steps([(7, 60)]) == (Interval(1, 4),)
    assert minutes_to_steps([(1380, 1500)]) == (Interval(92, 96), Interval(96, 100))


async def test_a_run_places_waiting_students_and_keeps_current_pairs(db: Backend) -> None:
    path, projects = await catalogue()
    m1 = await mentor(projects[:1], n=1, capacity=2)
    await mentor(projects[1:2], n=2, capacity=1)
    s = [await student(path, projects[i % 2], n=i) for i in range(5)]
    await pair(s[0], m1)  # m1 keeps one seat for s0: one left
    run = await runs.start_run(runs.RunScope(), runs.RunOptions(time_limit_s=10, week=WEEK))
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    run = await MatchingRun.get(id=run.id)
    assert run.status is RunStatus.SUCCEEDED and run.result is not None
    pairs = run.result["pairs"]
    assert {p["studentId"] for p in pairs} <= {x.id for x in s[1:]}
    assert sum(p["mentorId"] == m1.id for p in pairs) == 1  # capacity 2 minus the current pair (R2)
    assert len(pairs) == 2 and run.result["placed"] == 2
    assert {u["studentId"] for u in run.result["unplaced"]} == {x.id for x in s[1:]} - {
        p["studentId"] for p in pairs
    }
    assert all(u["reason"] for u in run.result["unplaced"])
    assert run.snapshot is not None and str(m1.id) in run.snapshot["mentors"]
    # A second delivery of the same job (arq retries after a crash) finds the run finished: nothing changes.
    events_before = await Event.all().count()
    assert await run_matching({"job_try": 2}, str(run.id)) == "nothing to do"
    assert await Event.all().count() == events_before
    assert (await MatchingRun.get(id=run.id)).result == run.result


async def test_the_snapshot_matches_the_checker(db: Backend) -> None:
    await programme.build(60, 15, seed=3)
    snap = await load_snapshot({"kind": "all"}, WEEK)
    assert len(snap.students) == 60 and snap.mentors
    run = await runs.start_run(runs.RunScope(), runs.RunOptions(time_limit_s=20, week=WEEK))
    assert await run_matching({}, str(run.id)) == "succeeded"
    row = await MatchingRun.get(id=run.id)
    assert row.result is not None and row.result["placed"] > 0
    steps = {s.id: s.duration_steps for s in snap.students}
    assignments = tuple(
        Assignment(p["studentId"], p["mentorId"], p["startStep"], steps[p["studentId"]], p["kept"])
        for p in row.result["pairs"]
    )
    unplaced = tuple(
        Unplaced(u["studentId"], ReasonCode(u["reason"]), u["facts"]) for u in row.result["unplaced"]
    )
    outcome = SolveResult(assignments, unplaced, (), len(assignments), row.result["upperBound"], "feasible")
    assert check(snap.mentors, snap.students, outcome) == []


async def test_an_edit_during_the_solve_makes_the_run_stale(db: Backend) -> None:
    await programme.build(*HARD)
    run = await runs.start_run(runs.RunScope(), runs.RunOptions(time_limit_s=60, week=WEEK))
    queue = in_process()
    await queue.enqueue(run.id)
    await eventually(lambda: searching(run.id), what="the solver is searching")
    snap = (await MatchingRun.get(id=run.id)).snapshot or {}
    target = int(next(iter(snap["mentors"])))
    await mentors.update_mentor(target, mentors.MentorPatch(capacity=1))
    await queue.wait()
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.STALE, row.error
    assert row.result is not None
    assert [c["id"] for c in row.result["staleChanges"]["mentors"]] == [target]
    print(f"\nFIGURE capacity edit during the solve ({db.name}): run {row.status.value}, publish refused")
    # A stale run cannot be published: no pair can break the new capacity.
    with pytest.raises(runs.Conflict):
        await runs.publish_run(run.id)
    assert await Mentorship.all().count() == 0


async def test_a_running_run_is_cancelled_within_seconds(db: Backend) -> None:
    await programme.build(*HARD)
    run = await runs.start_run(runs.RunScope(), runs.RunOptions(time_limit_s=120, week=WEEK))
    queue = in_process()
    await queue.enqueue(run.id)
    await eventually(lambda: searching(run.id), what="the solver is searching")
    await runs.cancel_run(run.id)
    await queue.wait()
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.CANCELLED and row.result is None


async def test_a_queued_run_is_cancelled_at_once_and_its_job_does_nothing(db: Backend) -> None:
    run = await runs.start_run(runs.RunScope(), runs.RunOptions(week=WEEK))
    cancelled = await runs.cancel_run(run.id)
    assert cancelled.status is RunStatus.CANCELLED
    assert await run_matching({}, str(run.id)) == "nothing to do"
    assert await _status(run.id) is RunStatus.CANCELLED


async def test_a_second_start_of_the_same_scope_is_refused(db: Backend) -> None:
    first = await runs.start_run(runs.RunScope(path_id=None), runs.RunOptions(week=WEEK))
    with pytest.raises(runs.AlreadyRunning) as refused:
        await runs.start_run(runs.RunScope(), runs.RunOptions(week=WEEK))
    assert refused.value.run_id == first.id
    path, _ = await catalogue()
    other = await runs.start_run(runs.RunScope(path_id=path.id), runs.RunOptions(week=WEEK))
    assert other.scope_key == f"path:{path.id}"


async def test_a_failure_that_is_not_transient_fails_the_run_with_its_reason(db: Backend) -> None:
    run = await runs.start_run(runs.RunScope(), runs.RunOptions(week=WEEK))
    await MatchingRun.filter(id=run.id).update(scope={"kind": "students", "studentIds": "not a list"})
    assert await run_matching({}, str(run.id)) == "failed"
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.FAILED and row.error
