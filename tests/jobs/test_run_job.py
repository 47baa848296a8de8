"""The matching job end to end on both databases, run in-process (the embedded setup): snapshot, solve in
a thread, proposal stored after the version check; stale on an edit during the solve; retries."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from domain.enums import RunStatus
from domain.errors import Conflict
from domain.models import (
    Event,
    MatchingRun,
    Mentor,
    MentorAvailability,
    Mentorship,
    Student,
    StudentAvailability,
)
from domain.paris_time import WeeklyWindow, week_monday, windows_all_year, windows_in_paris_week, zone
from domain.services import mentors, run_publish, run_requests
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
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=10, week=WEEK)
    )
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
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=20, week=WEEK)
    )
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


async def test_each_person_gets_the_windows_of_their_own_zone(db: Backend) -> None:
    """Identical weekly windows are converted once per (zone, windows): people in another zone with the
    same windows still get their own conversion."""
    await programme.build(40, 10, seed=3)
    abroad_m = [m.id for m in await Mentor.all().order_by("id")][::2]
    abroad_s = [s.id for s in await Student.all().order_by("id")][::2]
    await Mentor.filter(id__in=abroad_m).update(timezone="America/Montreal")
    await Student.filter(id__in=abroad_s).update(timezone="America/Montreal")
    snap = await load_snapshot({"kind": "all"}, WEEK)
    windows: dict[tuple[str, int], list[WeeklyWindow]] = {}
    for ma in await MentorAvailability.all():
        windows.setdefault(("m", ma.mentor_id), []).append(
            WeeklyWindow(ma.weekday, ma.start_minute, ma.end_minute)
        )
    for sa in await StudentAvailability.all():
        windows.setdefault(("s", sa.student_id), []).append(
            WeeklyWindow(sa.weekday, sa.start_minute, sa.end_minute)
        )
    people = [("m", x.id, x.availability) for x in snap.mentors] + [
        ("s", x.id, x.availability) for x in snap.students
    ]
    abroad = {("m", i) for i in abroad_m} | {("s", i) for i in abroad_s}
    shifted = 0
    for kind, pid, got in people:
        tz = zone("America/Montreal" if (kind, pid) in abroad else "Europe/Paris")
        mine = windows.get((kind, pid), [])
        assert got == minutes_to_steps(windows_all_year(mine, tz, WEEK))
        if (kind, pid) in abroad and mine:
            shifted += got != minutes_to_steps(windows_in_paris_week(mine, zone("Europe/Paris"), WEEK))
    assert shifted > 0


async def test_an_edit_during_the_solve_makes_the_run_stale(db: Backend) -> None:
    await programme.build(*HARD)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=60, week=WEEK)
    )
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
    with pytest.raises(Conflict):
        await run_publish.publish_run(run.id)
    assert await Mentorship.all().count() == 0


async def test_a_running_run_is_cancelled_within_seconds(db: Backend) -> None:
    await programme.build(*HARD)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=120, week=WEEK)
    )
    queue = in_process()
    await queue.enqueue(run.id)
    await eventually(lambda: searching(run.id), what="the solver is searching")
    await run_requests.cancel_run(run.id)
    await queue.wait()
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.CANCELLED and row.result is None


async def test_a_queued_run_is_cancelled_at_once_and_its_job_does_nothing(db: Backend) -> None:
    run = await run_requests.start_run(run_requests.RunScope(), run_requests.RunOptions(week=WEEK))
    cancelled = await run_requests.cancel_run(run.id)
    assert cancelled.status is RunStatus.CANCELLED
    assert await run_matching({}, str(run.id)) == "nothing to do"
    assert await _status(run.id) is RunStatus.CANCELLED


async def test_a_second_start_of_the_same_scope_is_refused(db: Backend) -> None:
    first = await run_requests.start_run(
        run_requests.RunScope(path_id=None), run_requests.RunOptions(week=WEEK)
    )
    with pytest.raises(run_requests.AlreadyRunning) as refused:
        await run_requests.start_run(run_requests.RunScope(), run_requests.RunOptions(week=WEEK))
    assert refused.value.run_id == first.id
    path, _ = await catalogue()
    other = await run_requests.start_run(
        run_requests.RunScope(path_id=path.id), run_requests.RunOptions(week=WEEK)
    )
    assert other.scope_key == f"path:{path.id}"


async def test_a_failure_that_is_not_transient_fails_the_run_with_its_reason(db: Backend) -> None:
    run = await run_requests.start_run(run_requests.RunScope(), run_requests.RunOptions(week=WEEK))
    await MatchingRun.filter(id=run.id).update(scope={"kind": "students", "studentIds": "not a list"})
    assert await run_matching({}, str(run.id)) == "failed"
    row = await MatchingRun.get(id=run.id)
    assert row.status is RunStatus.FAILED and row.error


async def test_the_collector_is_paused_while_the_snapshot_loads_and_the_proposal_is_stored(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its full collections held the embedded API's event loop for 0.1-0.3 s at a time while a large
    snapshot loaded (``benchmarks/embedded_health.py``); it runs again once the job is done."""
    import gc

    from domain.services import run_worker
    from jobs import tasks

    path, projects = await catalogue()
    await mentor(projects[:1], n=1, capacity=2)
    await student(path, projects[0], n=1)
    seen: dict[str, bool] = {}
    real_load, real_store = tasks.load_snapshot, run_worker.store_proposal

    async def load(*args: object, **kwargs: object) -> object:
        seen["load"] = gc.isenabled()
        return await real_load(*args, **kwargs)  # type: ignore[arg-type]

    async def store(*args: object, **kwargs: object) -> object:
        seen["store"] = gc.isenabled()
        return await real_store(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "load_snapshot", load)
    monkeypatch.setattr(run_worker, "store_proposal", store)
    assert gc.isenabled()
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    assert seen == {"load": False, "store": False}
    assert gc.isenabled()
