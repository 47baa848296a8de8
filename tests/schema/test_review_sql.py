"""The review stored as rows against the review computed from the stored result, as every review
page was before (both databases): a run with all four change kinds, mentors over capacity, at 100% and
tied, students of two paths and several unplaced reasons. Every filter, page size and cursor gives the same
pages, counts and figures, through the domain and through the API; a page costs a fixed number of SQL
statements that never read the stored result; the worker writes the rows with the proposal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.enums import RunStatus
from domain.models import (
    MatchingRun,
    Mentor,
    RunReview,
    RunReviewLoad,
    RunReviewPair,
    RunReviewUnplaced,
    Student,
)
from domain.outbox import in_transaction
from domain.paris_time import week_monday
from domain.services import paths, run_requests, run_review
from jobs.tasks import run_matching
from tests import factories
from tests.conftest import Backend, GraphQLClient, count_queries
from tests.jobs import programme
from tests.jobs.helpers import fresh_jobs

__all__ = ["fresh_jobs"]

TUESDAY_19 = (1, 19 * 60)
REASONS = ("NO_MENTOR_FOR_PROJECT", "ALL_MENTORS_FULL", "NO_COMMON_SLOT")


@dataclass
class World:
    run: MatchingRun
    mentors: list[Mentor]
    students: list[Student]
    path_ids: list[int]


def _pair(s: Student, m: Mentor, slot: tuple[int, int], *, kept: bool = False) -> dict[str, Any]:
    weekday, minute = slot
    return {
        "studentId": s.id,
        "mentorId": m.id,
        "startStep": weekday * 96 + minute // 15,
        "weekday": weekday,
        "startMinute": minute,
        "minutes": 45,
        "kept": kept,
    }


async def _world() -> World:
    """Mentors m0 (capacity 2) .. m5 and students s0 .. s14; current pairs s0, s2 with m0, s1 with m1,
    s9 with m5. The proposal: s0 SAME (m0, same slot), s1 MOVED (m1, another slot), s2 NEW_MENTOR (m0 ->
    m2), s3 and s4 NEW with m0 (over capacity: 2 + 2 - 1 = 3 of 2), s5 NEW with m1, s6 NEW with m2 (100%),
    s7 and s8 NEW with m3 and m4 (tied at 25%), s10 NEW with m5 (over: 2 of 1); s11 .. s14 unplaced."""
    path, projects = await factories.catalogue(1)
    other = await paths.create_path(paths.PathInput(name="Data Analyst"))
    other_project = await paths.create_project(paths.ProjectInput(other.id, "Analyse", position=0))
    capacities = [2, 3, 2, 4, 4, 1]
    mentors = [await factories.mentor(projects, n=i, capacity=c) for i, c in enumerate(capacities)]
    students = [
        await factories.student(path, projects[0], n=i)
        if i < 6 or i == 9
        else await factories.student(other, other_project, n=i)
        for i in range(15)
    ]
    tuesday = datetime(2026, 11, 24, 19, 0)  # weekday 1, 19:00 (TUESDAY_19)
    await factories.pair(students[0], mentors[0], tuesday)
    await factories.pair(students[2], mentors[0], tuesday + timedelta(days=2, hours=-1))
    await factories.pair(students[1], mentors[1], tuesday + timedelta(days=1))
    await factories.pair(students[9], mentors[5], tuesday)
    s, m = students, mentors
    pairs = [
        _pair(s[0], m[0], TUESDAY_19, kept=True),
        _pair(s[1], m[1], (4, 18 * 60)),
        _pair(s[2], m[2], (0, 20 * 60)),
        _pair(s[3], m[0], (2, 18 * 60)),
        _pair(s[4], m[0], (3, 20 * 60)),
        _pair(s[5], m[1], (0, 18 * 60)),
        _pair(s[6], m[2], (1, 18 * 60)),
        _pair(s[7], m[3], (1, 18 * 60)),
        _pair(s[8], m[4], (2, 19 * 60)),
        _pair(s[10], m[5], (3, 18 * 60)),
    ]
    unplaced = [
        {
            "studentId": s[11 + i].id,
            "reason": reason,
            "facts": {"mentors_for_project": i, "allowed_mentors": i, "mentors_with_room": 0},
            "closestMentorIds": [m[i].id, m[5].id][: i + 1],
        }
        for i, reason in enumerate([*REASONS, "ALL_MENTORS_FULL"])
    ]
    result = {
        "week": "2026-11-30",
        "pairs": pairs,
        "unplaced": unplaced,
        "placed": len(pairs),
        "upperBound": len(pairs) + 1,
        "boundKind": "lp",
        "solverStatus": "FEASIBLE",
        "solverErrors": [],
        "stats": {"seconds": 1.5},
        "capacity": {},
        "fixedLoad": {},
        "students": 15,
        "mentors": 6,
    }
    run = await MatchingRun.create(id=uuid4(), status=RunStatus.SUCCEEDED, scope_key="all", result=result)
    return World(run, mentors, students, [path.id, other.id])


async def _store(run: MatchingRun) -> run_review.Stored:
    async with in_transaction():
        await run_review.store(run)
    row = await RunReview.get(run_id=run.id)
    return run_review.Stored(row)


async def _walk(read: Any, size: int) -> list[tuple[int, Any]]:
    """Every page of one list, ``size`` at a time, following the cursors."""
    items: list[tuple[int, Any]] = []
    after = None
    while True:
        page = await read(after, size)
        items += page.items
        if not page.has_next:
            return items
        assert page.items, "a page that says more follow has items"
        after = page.items[-1][0]


async def test_the_stored_review_pages_as_the_computed_one(db: Backend) -> None:
    world = await _world()
    (seen,) = await run_review.review_many([world.run])
    assert seen is not None
    computed = run_review.Computed(seen)
    stored = await _store(world.run)
    # The case covers what it claims: every change kind, two mentors over capacity, one at 100%, a tie,
    # two paths and three reasons.
    assert {p.change for p in seen.pairs} == {"NEW", "NEW_MENTOR", "SAME", "MOVED"}
    assert sum(m.over_capacity for m in seen.loads) == 2
    assert any(run_review.fill(m) == 1.0 and not m.over_capacity for m in seen.loads)
    assert len({u["reason"] for u in seen.unplaced}) == 3
    assert stored.counts() == computed.counts() == (10, 6, 4)

    m = [x.id for x in world.mentors]
    filters = [
        run_review.PairFilter(change, mentor_id, path_id)
        for change in (None, "NEW", "NEW_MENTOR", "SAME", "MOVED")
        for mentor_id in (None, m[0], m[2], m[5], 999_999)
        for path_id in (None, *world.path_ids)
    ]
    for where in filters:
        for size in (1, 3, 50):
            want = await _walk(lambda a, n, w=where: computed.pairs_page(w, a, n), size)
            got = await _walk(lambda a, n, w=where: stored.pairs_page(w, a, n), size)
            assert got == want, (where, size)
        assert await stored.pairs_count(where) == await computed.pairs_count(where) == len(want)
    for over in (None, True, False):
        for size in (1, 2, 50):
            want_loads = await _walk(lambda a, n, o=over: computed.loads_page(o, a, n), size)
            got_loads = await _walk(lambda a, n, o=over: stored.loads_page(o, a, n), size)
            assert got_loads == want_loads, (over, size)
        assert await stored.loads_count(over) == await computed.loads_count(over) == len(want_loads)
    # Fullest first: m5 (2 of 1) and m0 (3 of 2) over capacity, then m2 at 100%, ..., m3 before m4 (tied).
    order = [load.mentor_id for _, load in await _walk(lambda a, n: stored.loads_page(None, a, n), 50)]
    assert order == [m[5], m[0], m[2], m[1], m[3], m[4]]
    for reason in (None, *REASONS, "LOST_TO_COMPETITION"):
        for size in (1, 2, 50):
            want_u = await _walk(lambda a, n, r=reason: computed.unplaced_page(r, a, n), size)
            got_u = await _walk(lambda a, n, r=reason: stored.unplaced_page(r, a, n), size)
            assert got_u == want_u, (reason, size)
        assert await stored.unplaced_count(reason) == await computed.unplaced_count(reason) == len(want_u)
    assert await stored.summary() == await computed.summary()
    assert (await stored.summary()).over_capacity == 2
    # The unpaged lists, in their old order.
    ids = [world.run.id]
    assert await run_review.stored_pairs(ids) == [seen.pairs]
    assert await run_review.stored_loads(ids) == [seen.loads]
    assert await run_review.stored_unplaced(ids) == [seen.unplaced]


FULL = """query($id: UUID!) { matchingRun(id: $id) { proposal {
  week placed upperBound boundKind solverStatus figures
  pairs { studentId mentorId slot { weekday start minutes } change currentMentorId currentSlot { start } }
  mentorLoads { mentorId capacity current proposed leaving after overCapacity }
  unplaced { studentId reason facts closestMentorIds }
  summary { pairs unplaced mentors overCapacity pairsByChange { kind count }
            unplacedByReason { kind count } loadHistogram { fromPercent toPercent mentors } }
} } }"""

PAIRS = """query($id: UUID!, $change: PairChangeKind, $mentorId: Int, $pathId: Int, $first: Int, $after: String) {
  matchingRun(id: $id) { proposal {
    pairsPage(change: $change, mentorId: $mentorId, pathId: $pathId, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { studentId mentorId slot { weekday start } change currentMentorId
                            currentSlot { weekday start minutes } } }
    } } } }"""

LOADS = """query($id: UUID!, $over: Boolean, $first: Int, $after: String) { matchingRun(id: $id) { proposal {
  mentorLoadsPage(overCapacity: $over, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { mentorId capacity current proposed leaving after overCapacity } }
  } } } }"""

UNPLACED = """query($id: UUID!, $reason: String, $first: Int, $after: String) {
  matchingRun(id: $id) { proposal {
    unplacedPage(reason: $reason, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { studentId reason facts closestMentorIds } }
    } } } }"""


async def _pages(gql: GraphQLClient, query: str, field: str, **variables: Any) -> list[dict[str, Any]]:
    """Every page of one list through the API, as answered."""
    pages = []
    after = None
    while True:
        page = (await gql(query, {**variables, "after": after}))["matchingRun"]["proposal"][field]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


async def _answers(gql: GraphQLClient, world: World) -> list[Any]:
    run_id = str(world.run.id)
    m = [x.id for x in world.mentors]
    answers: list[Any] = [await gql(FULL, {"id": run_id})]
    for variables in (
        {"first": 1},
        {"first": 4},
        {"change": "NEW", "first": 2},
        {"change": "NEW_MENTOR"},
        {"change": "SAME"},
        {"change": "MOVED"},
        {"mentorId": m[0], "first": 2},
        {"mentorId": m[2], "first": 1},
        {"pathId": world.path_ids[1], "first": 2},
        {"pathId": world.path_ids[0], "change": "NEW"},
        {"mentorId": m[0], "change": "NEW", "first": 1},
    ):
        answers.append(await _pages(gql, PAIRS, "pairsPage", id=run_id, **variables))
    for over in (None, True, False):
        for first in (1, 4):
            answers.append(await _pages(gql, LOADS, "mentorLoadsPage", id=run_id, over=over, first=first))
    for reason in (None, *REASONS):
        answers.append(await _pages(gql, UNPLACED, "unplacedPage", id=run_id, reason=reason, first=1))
    return answers


async def test_the_api_answers_the_same_from_the_rows_as_from_the_result(gql: GraphQLClient) -> None:
    """The same requests before the rows are written (a run stored before migration 0013: computed from its
    result) and after: the same answers, cursors included."""
    world = await _world()
    before = await _answers(gql, world)
    await _store(world.run)
    after = await _answers(gql, world)
    assert after == before
    proposal = before[0]["matchingRun"]["proposal"]
    assert proposal["week"] == "2026-11-30" and proposal["boundKind"] == "lp"
    assert proposal["summary"]["overCapacity"] == 2


PAGE = """query($id: UUID!, $after: String) { matchingRun(id: $id) { proposal {
  pairsPage(change: NEW, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { studentId mentorId change } } } } } }"""
SUMMARY = """query($id: UUID!) { matchingRun(id: $id) { proposal { summary {
  pairs unplaced mentors overCapacity pairsByChange { kind count } loadHistogram { mentors } } } } }"""
WHOLE = """query { matchingRuns { proposal { pairsPage(first: 2) { totalCount edges { node { studentId } } } } } }"""
LOADS_PAGE = """query($id: UUID!) { matchingRun(id: $id) { proposal {
  mentorLoadsPage(overCapacity: true, first: 1) { edges { node { mentorId after } } } } } }"""

# The statements of one review page, pinned: the run's status columns, its stored review's figures, the
# page (and its count when totalCount is asked): never the stored result nor the snapshot.
PAGE_STATEMENTS = 4
WHOLE_STATEMENTS = 3  # the count of a whole list is kept with the figures
SUMMARY_STATEMENTS = 3  # the run, the review's figures, one statement of three GROUP BYs
LOADS_STATEMENTS = 3


def _reads(statements: list[str]) -> list[str]:
    """The statements of the request less the token's check (trusted ``token_cache_s`` after a read: on a
    loaded machine the next request may come later and read it again)."""
    return [s for s in statements if '"api_token"' not in s]


async def test_a_review_page_costs_a_fixed_number_of_statements(gql: GraphQLClient) -> None:
    world = await _world()
    await _store(world.run)
    run_id = str(world.run.id)
    await gql(SUMMARY, {"id": run_id})  # warm: the first request of a client reads more than its token
    counts = []
    after = None
    for _ in range(2):
        with count_queries() as counter:
            page = (await gql(PAGE, {"id": run_id, "after": after}))["matchingRun"]["proposal"]["pairsPage"]
        after = page["pageInfo"]["endCursor"]
        counts.append(_reads(counter.statements))
    assert [len(c) for c in counts] == [PAGE_STATEMENTS, PAGE_STATEMENTS], counts
    for statements in counts:
        assert not any('"result"' in s or '"snapshot"' in s for s in statements), statements
    with count_queries() as counter:
        (listed,) = (await gql(WHOLE))["matchingRuns"]
    assert listed["proposal"]["pairsPage"]["totalCount"] == 10
    assert len(_reads(counter.statements)) == WHOLE_STATEMENTS, counter.statements
    with count_queries() as counter:
        summary = (await gql(SUMMARY, {"id": run_id}))["matchingRun"]["proposal"]["summary"]
    assert summary["pairs"] == 10 and summary["overCapacity"] == 2
    assert len(_reads(counter.statements)) == SUMMARY_STATEMENTS, counter.statements
    with count_queries() as counter:
        loads = (await gql(LOADS_PAGE, {"id": run_id}))["matchingRun"]["proposal"]["mentorLoadsPage"]
    assert [e["node"]["mentorId"] for e in loads["edges"]] == [world.mentors[5].id]
    assert len(_reads(counter.statements)) == LOADS_STATEMENTS, counter.statements


async def test_the_worker_stores_the_review_with_the_proposal(
    db: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    """A solved run has its review as rows (one per pair, mentor and unplaced student), the same as the
    review computed from its stored result."""
    await programme.build(40, 8, seed=3)
    week = week_monday(date.today()) + timedelta(days=7)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=10, week=week)
    )
    with caplog.at_level(logging.INFO, logger="domain.services"):
        assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("domain.services")]
    assert any("review of" in m and "stored in" in m for m in messages), messages
    assert not any("not vacuumed" in m for m in messages), messages
    row = await MatchingRun.get(id=run.id)
    assert row.result is not None
    header = await RunReview.get(run_id=run.id)
    assert (header.placed, header.pairs, header.unplaced) == (
        row.result["placed"],
        len(row.result["pairs"]),
        len(row.result["unplaced"]),
    )
    assert await RunReviewPair.filter(run_id=run.id).count() == len(row.result["pairs"]) > 0
    assert await RunReviewUnplaced.filter(run_id=run.id).count() == len(row.result["unplaced"]) > 0
    (seen,) = await run_review.review_many([row])
    assert seen is not None
    assert await RunReviewLoad.filter(run_id=run.id).count() == len(seen.loads)
    stored = run_review.Stored(header)
    assert await stored.summary() == run_review.summary(seen)
    # PostgreSQL: the worker vacuumed the rows after the commit (index-only counts); so can anyone after.
    assert await run_review.settle() is db.is_postgres
    everything = run_review.PairFilter()
    assert [p for _, p in (await stored.pairs_page(everything, None, 1000)).items] == seen.pairs
