"""The programme operations under concurrency, through the GraphQL API on SQLite and PostgreSQL (where races really happen:
the requests share a connection pool). Each case sends many requests at once with ``asyncio.gather`` and
checks that exactly the right number succeed, that the others get a typed error in the union, that no
request fails with a server error (a deadlock would surface as one), and that the database ends
consistent: at most one current pair per student, one audit row per start and per end of each pair."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx
from tortoise import Tortoise

from domain.enums import (
    AssessmentStatus,
    HandoverStatus,
    MentorshipEndReason,
    MentorStatus,
    PairingAction,
    PairingCause,
    Role,
)
from domain.models import (
    Assessment,
    Handover,
    MatchingRun,
    Mentor,
    MentorAbsence,
    MentorPath,
    Mentorship,
    PairingChange,
    Project,
    Student,
)
from domain.paris_time import PARIS, WeeklyWindow, week_monday
from domain.services import absences, departures, mentors, paths, run_publish
from domain.services.tokens import issue_token
from jobs import daily
from jobs.queue import InProcessQueue, queue_for
from jobs.tasks import run_matching
from tests.auth_world import build_world
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, pair, student, verify
from tests.jobs.helpers import fresh_jobs
from tests.schema.operations import CREATE_MENTORSHIP as CREATE_PAIR

__all__ = ["fresh_jobs"]

TODAY = datetime.now(PARIS).date()
W1 = week_monday(TODAY) + timedelta(days=7)
W2 = W1 + timedelta(days=7)
LONG_END = W2 + timedelta(days=20)  # 21 days: a long absence
BACK = LONG_END + timedelta(days=1)
# Pairs start in the past, so that ending one today is a real end (not clamped to its first day).
LAST_WEEK = datetime.combine(week_monday(TODAY) - timedelta(days=6), time(19))

CHANGE = """
mutation($input: RequestMentorChangeInput!) {
  requestMentorChange(input: $input) {
    __typename
    ... on ChangePayload { mentorship { id endedOn endReason } }
    ... on UserError { code field message }
  }
}"""

FINISH = """
mutation($input: FinishProjectInput!) {
  finishProject(input: $input) {
    __typename
    ... on FinishProjectPayload {
      mentorKept
      student { id currentProject { id } }
      assessment { id assessorId status startsAt }
    }
    ... on UserError { code field message }
  }
}"""

RECORD = """
mutation($input: RecordAbsenceInput!) {
  recordAbsence(input: $input) {
    __typename
    ... on AbsencePayload { absence { id long } handoverRun { id } cancelledSessions }
    ... on UserError { code field message }
  }
}"""

ADD_PATH = """
mutation($input: AddMentorPathInput!) {
  addMentorPath(input: $input) {
    __typename
    ... on MentorPathPayload { path { path { id } override overrideReason } }
    ... on UserError { code field message }
  }
}"""

GIVE = """
mutation($input: GiveNoticeInput!) {
  giveNotice(input: $input) {
    __typename
    ... on NoticePayload { mentor { id lastDay } rematchRun { id } }
    ... on UserError { code field message }
  }
}"""


def outcome(body: dict[str, Any], name: str) -> str:
    """``Payload`` or ``ErrorType:CODE`` of one answer; a server error fails the test."""
    assert "errors" not in body, body["errors"]
    result = body["data"][name]
    return str(result["__typename"]) + (f":{result['code']}" if "code" in result else "")


def tally(bodies: Iterable[dict[str, Any]], name: str) -> Counter[str]:
    return Counter(outcome(b, name) for b in bodies)


async def post(client: httpx.AsyncClient, token: str | None, query: str, variables: dict[str, Any]) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def figure(db: Backend, what: str, counts: Counter[str]) -> None:
    print(f"\nFIGURE {what} ({db.name}): {dict(sorted(counts.items()))}")


async def assert_consistent() -> None:
    """At most one current pair per student; each pair has exactly one ``started`` audit row, and one
    ``ended`` row when (and only when) it has ended."""
    conn = Tortoise.get_connection("default")
    doubles = await conn.execute_query_dict(
        'SELECT student_id, COUNT(*) AS n FROM "mentorship" WHERE ended_on IS NULL '
        "GROUP BY student_id HAVING COUNT(*) > 1"
    )
    assert doubles == []
    audit = Counter(
        (int(m), str(a)) for m, a in await PairingChange.all().values_list("mentorship_id", "action")
    )
    for m in await Mentorship.all():
        assert audit[(m.id, PairingAction.STARTED.value)] == 1, m.id
        assert audit[(m.id, PairingAction.ENDED.value)] == (0 if m.ended_on is None else 1), m.id


async def drain_jobs() -> None:
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.wait()


# --- 1. R7: one pair, twenty requests from both sides ---------------------------------------------------


async def test_twenty_concurrent_change_requests_end_the_pair_once(
    db: Backend, client: httpx.AsyncClient
) -> None:
    world = await build_world()
    pair_id = world.pair_a.id
    tokens = [world.tokens["student_a"] if k % 2 else world.tokens["mentor_a"] for k in range(20)]
    bodies = await asyncio.gather(
        *(post(client, t, CHANGE, {"input": {"mentorshipId": pair_id}}) for t in tokens)
    )
    counts = tally(bodies, "requestMentorChange")
    figure(db, "20 concurrent requestMentorChange", counts)
    assert counts == {"ChangePayload": 1, "ConflictError:CONFLICT": 19}
    ended = await Mentorship.get(id=pair_id)
    assert ended.ended_on is not None
    assert ended.end_reason in (
        MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
        MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR,
    )
    assert await PairingChange.filter(mentorship_id=pair_id, action=PairingAction.ENDED).count() == 1
    assert await Mentorship.filter(student_id=world.student_a.id, ended_on__isnull=True).count() == 0
    # The other pair is untouched.
    assert (await Mentorship.get(id=world.pair_b.id)).ended_on is None
    await assert_consistent()


# --- 2. R8/R20: ten submits of one finished project ------------------------------------------------------


async def test_ten_concurrent_finishes_of_one_project_move_the_student_once(
    db: Backend, gql: GraphQLClient
) -> None:
    path, projects = await catalogue(3)
    mine = await mentor(projects[:1], n=1)  # does not list the next project: the pair ends (R8)
    assessor = await mentor(projects, n=2)
    s = await student(path, projects[0])
    first = await pair(s, mine, LAST_WEEK)
    await verify(s.id, projects[0].id)  # R20: the mentor verified the project
    variables = {"input": {"studentId": s.id, "projectId": projects[0].id}}
    bodies = await asyncio.gather(*(gql.raw(FINISH, variables) for _ in range(10)))
    counts = tally(bodies, "finishProject")
    figure(db, "10 concurrent finishProject", counts)
    assert counts == {"FinishProjectPayload": 1, "ConflictError:CONFLICT": 9}
    assert await Assessment.filter(student_id=s.id).count() == 1
    assessment = await Assessment.get(student_id=s.id)
    assert (assessment.project_id, assessment.assessor_id) == (projects[0].id, assessor.id)
    assert (await Student.get(id=s.id)).current_project_id == projects[1].id
    ended = await Mentorship.get(id=first.id)
    assert ended.end_reason is MentorshipEndReason.PROJECT_CHANGE
    assert await PairingChange.filter(mentorship_id=first.id, action=PairingAction.ENDED).count() == 1
    await assert_consistent()


# --- 3. R5: ten overlapping absences of one mentor -------------------------------------------------------


async def _absent_world() -> tuple[Mentor, list[Student]]:
    path, projects = await catalogue(2)
    away = await mentor(projects[:1], n=1, capacity=3)
    await mentor(projects, n=2, capacity=5)  # a possible substitute
    students = [await student(path, projects[0], n=i) for i in range(2)]
    for i, s in enumerate(students):
        await pair(s, away, datetime.combine(W1 + timedelta(days=i), time(19)))
    return away, students


async def test_ten_concurrent_overlapping_absences_record_one(db: Backend, gql: GraphQLClient) -> None:
    away, students = await _absent_world()
    short = [
        {
            "mentorId": away.id,
            "startsOn": (W2 + timedelta(days=k % 3)).isoformat(),
            "endsOn": (W2 + timedelta(days=6)).isoformat(),
        }
        for k in range(10)
    ]
    bodies = await asyncio.gather(*(gql.raw(RECORD, {"input": i}) for i in short))
    counts = tally(bodies, "recordAbsence")
    figure(db, "10 concurrent short recordAbsence", counts)
    assert counts == {"AbsencePayload": 1, "ConflictError:CONFLICT": 9}
    assert await MentorAbsence.filter(mentor_id=away.id).count() == 1

    # A long one, later, with the students handed over: one absence, one hand-over per student, one run.
    start = W2 + timedelta(days=14)
    long = [
        {
            "mentorId": away.id,
            "startsOn": (start + timedelta(days=k % 4)).isoformat(),
            "endsOn": (start + timedelta(days=20 + k)).isoformat(),
        }
        for k in range(10)
    ]
    bodies = await asyncio.gather(*(gql.raw(RECORD, {"input": i}) for i in long))
    counts = tally(bodies, "recordAbsence")
    figure(db, "10 concurrent long recordAbsence", counts)
    assert counts == {"AbsencePayload": 1, "ConflictError:CONFLICT": 9}
    assert await MentorAbsence.filter(mentor_id=away.id).count() == 2
    recorded = await MentorAbsence.get(mentor_id=away.id, long=True)
    handovers = await Handover.filter(absence_id=recorded.id)
    assert sorted(h.student_id for h in handovers) == sorted(s.id for s in students)
    assert await MatchingRun.all().count() == 1
    await drain_jobs()
    await assert_consistent()


# --- 4. The daily step five times at once ---------------------------------------------------------------


async def test_the_daily_step_five_times_at_once_acts_once(db: Backend) -> None:
    away, students = await _absent_world()
    recorded = await absences.record_absence(away.id, W2, LONG_END, "surgery", actor="staff:1", today=TODAY)
    assert recorded.run is not None
    assert await run_matching({"job_try": 1}, str(recorded.run.id)) == "succeeded"
    published = await run_publish.publish_run(recorded.run.id, actor="staff:1")
    assert published.created == []  # planned: the daily step hands them over at the start
    switched = await asyncio.gather(*(daily.apply_due(W2) for _ in range(5)))
    assert sum(r["substituted"] for r in switched) == 2  # five at once on the first day: one switch each
    substitutes = [
        h.substitute_id
        for h in await Handover.filter(absence_id=recorded.absence.id)
        if h.substitute_id is not None
    ]
    assert len(substitutes) == 2
    # A mentor whose last day is over, with three students.
    first = await Project.get(id=students[0].current_project_id)
    path_row = await first.path
    leaving = await mentor([first], n=9, capacity=5)
    theirs = [await student(path_row, first, n=10 + i) for i in range(3)]
    for i, s in enumerate(theirs):
        await pair(s, leaving, datetime.combine(W1 + timedelta(days=i), time(20)))
    await departures.give_notice(leaving.id, TODAY + timedelta(days=14), today=TODAY)
    before = await PairingChange.all().count()

    reports = await asyncio.gather(*(daily.apply_due(BACK) for _ in range(5)))
    total = Counter[str]()
    for report in reports:
        total.update(report)
    print(f"\nFIGURE 5 concurrent daily steps ({db.name}): {dict(total)}")
    assert total == {
        "absences": 1,
        "returned": 2,
        "notReturned": 0,
        "substituted": 0,
        "planDropped": 0,
        "left": 1,
        "leftPairsEnded": 3,
    }
    for s in students:
        current = await Mentorship.filter(student_id=s.id, ended_on__isnull=True)
        assert [(m.mentor_id, m.started_on) for m in current] == [(away.id, BACK)]
    for sub_id in substitutes:
        sub = await Mentorship.get(id=sub_id)
        assert (sub.ended_on, sub.end_reason) == (LONG_END, MentorshipEndReason.ABSENCE_OVER)
    assert {h.status for h in await Handover.filter(absence_id=recorded.absence.id)} == {
        HandoverStatus.RETURNED
    }
    assert (await Mentor.get(id=leaving.id)).status is MentorStatus.LEFT
    assert await Mentorship.filter(mentor_id=leaving.id, ended_on__isnull=True).count() == 0
    # Exactly the audit rows of one pass: 2 substitutes ended, 2 returns started, 3 departures ended.
    changes = await PairingChange.filter(id__gt=0).order_by("id")
    new = changes[before:]
    assert Counter((c.action, c.cause) for c in new) == {
        (PairingAction.ENDED, PairingCause.RETURN): 2,
        (PairingAction.STARTED, PairingCause.RETURN): 2,
        (PairingAction.ENDED, PairingCause.NOTICE): 3,
    }
    # Again: nothing more.
    again = await asyncio.gather(*(daily.apply_due(BACK + timedelta(days=1)) for _ in range(3)))
    assert all(not any(r.values()) for r in again)
    assert await PairingChange.all().count() == before + 7
    await assert_consistent()


# --- 5. R3: ten overrides adding one path --------------------------------------------------------------


async def test_ten_concurrent_path_overrides_add_the_path_once(db: Backend, gql: GraphQLClient) -> None:
    _, projects = await catalogue(1)
    m = await mentor(projects)
    other = await paths.create_path(paths.PathInput(name="Data Analyst"))
    variables = {
        "input": {
            "mentorId": m.id,
            "pathId": other.id,
            "override": True,
            "overrideReason": "short of mentors",
        }
    }
    bodies = await asyncio.gather(*(gql.raw(ADD_PATH, variables) for _ in range(10)))
    counts = tally(bodies, "addMentorPath")
    figure(db, "10 concurrent addMentorPath", counts)
    assert counts == {"MentorPathPayload": 1, "ConflictError:CONFLICT": 9}
    assert await MentorPath.filter(mentor_id=m.id, path_id=other.id).count() == 1
    assert await MentorPath.filter(mentor_id=m.id).count() == 2


# --- 6. R20: assessors with few free slots, six students finishing at once ---------------------------------

AUTO_ASSIGN = """
mutation($id: Int!) {
  autoAssignAssessor(assessmentId: $id) {
    __typename
    ... on AssessmentPayload { assessment { id assessorId status startsAt } }
    ... on UserError { code field message }
  }
}"""


async def _assessor_world() -> tuple[list[Project], list[Mentor], list[Student]]:
    """Two assessors of project 0, each free one hour a week (two 30-minute presentations) on different
    evenings, and six students on project 0 with their own mentors, who are paused: each would otherwise
    be a candidate for the other mentors' students (R20)."""
    path, projects = await catalogue(2)
    assessors = [
        await mentors.create_mentor(
            mentors.MentorInput(
                name=f"Assessor {k}",
                email=f"assessor{k}@example.org",
                capacity=5,
                project_ids=[projects[0].id],
                start_date=date(2025, 1, 6),
                availability=[WeeklyWindow(2 + k, 18 * 60, 19 * 60)],
            )
        )
        for k in range(2)
    ]
    # The students' mentors list both projects: they keep their students (R8).
    own = [await mentor(projects, n=1 + k, capacity=5) for k in range(3)]
    students = [await student(path, projects[0], n=k) for k in range(6)]
    for k, s in enumerate(students):
        await pair(s, own[k % 3], LAST_WEEK + timedelta(minutes=60 * (k // 3)))
        await verify(s.id, projects[0].id)  # R20: the mentor verified the project
    await Mentor.filter(id__in=[m.id for m in own]).update(status=MentorStatus.PAUSED)
    return projects, assessors, students


async def _check_assessors(db: Backend, assessors: list[Mentor], students: list[Student]) -> None:
    """One assessment per student; no assessor holds two presentations at overlapping times."""
    rows = await Assessment.all().order_by("id")
    assert Counter(a.student_id for a in rows) == {s.id: 1 for s in students}
    scheduled = [a for a in rows if a.status is AssessmentStatus.SCHEDULED]
    for a in rows:
        if a.status is AssessmentStatus.AWAITING_ASSESSOR:
            assert "no common" in a.unassigned_reason
    for assessor in assessors:
        mine = sorted(
            (a.starts_at, a.starts_at + timedelta(minutes=a.duration_minutes))
            for a in scheduled
            if a.assessor_id == assessor.id and a.starts_at is not None
        )
        for (_, end), (start, _) in itertools.pairwise(mine):
            assert end <= start, f"assessor {assessor.id} double-booked: {mine}"
        # Each assessor has at least one whole free hour in the 13 days searched: two presentations.
        assert len(mine) >= 2
    loads = Counter(a.assessor_id for a in scheduled)
    print(f"\nFIGURE assessor loads ({db.name}): {dict(loads)}, awaiting {len(rows) - len(scheduled)}")


async def test_concurrent_finishes_never_double_book_an_assessor(db: Backend, gql: GraphQLClient) -> None:
    projects, assessors, students = await _assessor_world()
    bodies = await asyncio.gather(
        *(gql.raw(FINISH, {"input": {"studentId": s.id, "projectId": projects[0].id}}) for s in students)
    )
    counts = tally(bodies, "finishProject")
    figure(db, "6 concurrent finishProject, 2 assessors", counts)
    assert counts == {"FinishProjectPayload": 6}
    await _check_assessors(db, assessors, students)
    await assert_consistent()


async def test_concurrent_auto_assignments_never_double_book_an_assessor(
    db: Backend, gql: GraphQLClient
) -> None:
    projects, assessors, students = await _assessor_world()
    await Mentor.filter(id__in=[a.id for a in assessors]).update(status=MentorStatus.PAUSED)
    for s in students:
        finished = await gql(FINISH, {"input": {"studentId": s.id, "projectId": projects[0].id}})
        assert finished["finishProject"]["assessment"]["status"] == "AWAITING_ASSESSOR"
    await Mentor.filter(id__in=[a.id for a in assessors]).update(status=MentorStatus.ACTIVE)
    ids = [a.id for a in await Assessment.all().order_by("id")]
    bodies = await asyncio.gather(*(gql.raw(AUTO_ASSIGN, {"id": i}) for i in ids))
    counts = tally(bodies, "autoAssignAssessor")
    figure(db, "6 concurrent autoAssignAssessor, 2 assessors", counts)
    assert counts == {"AssessmentPayload": 6}
    await _check_assessors(db, assessors, students)


# --- 7. Lock order: finishing a project while the student's pairing changes ---------------------------------


async def test_finishing_while_the_pairing_changes_never_deadlocks(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(2)
    discovery = datetime.combine(W1 + timedelta(days=1), time(19)).isoformat(timespec="minutes")
    seen: Counter[str] = Counter()
    for i in range(20):
        old = await mentor(projects[:1], n=100 + i)  # does not list the next project: the pair ends
        new = await mentor(projects, n=200 + i)  # lists both: a candidate assessor and a new mentor
        s = await student(path, projects[0], n=i)
        current = await pair(s, old, LAST_WEEK)
        calls = [
            ("finishProject", FINISH, {"input": {"studentId": s.id, "projectId": projects[0].id}}),
            ("requestMentorChange", CHANGE, {"input": {"mentorshipId": current.id, "requestedBy": "MENTOR"}}),
            (
                "requestMentorChange",
                CHANGE,
                {"input": {"mentorshipId": current.id, "requestedBy": "STUDENT"}},
            ),
            (
                "createMentorship",
                CREATE_PAIR,
                {"input": {"studentId": s.id, "mentorId": new.id, "firstSessionAt": discovery}},
            ),
            (
                "createMentorship",
                CREATE_PAIR,
                {"input": {"studentId": s.id, "mentorId": old.id, "firstSessionAt": discovery}},
            ),
        ]
        order = calls[i % len(calls) :] + calls[: i % len(calls)]
        bodies = await asyncio.gather(*(gql.raw(q, v) for _, q, v in order))
        outcomes = {name: Counter[str]() for name, _, _ in calls}
        for (name, _, _), body in zip(order, bodies, strict=True):
            outcomes[name][outcome(body, name)] += 1
            seen[f"{name}:{outcome(body, name)}"] += 1
        assert outcomes["requestMentorChange"]["ChangePayload"] <= 1
        assert outcomes["createMentorship"]["MentorshipPayload"] <= 1
        finished = outcomes["finishProject"]["FinishProjectPayload"]
        assert await Assessment.filter(student_id=s.id).count() == finished
        if finished:
            assert (await Student.get(id=s.id)).current_project_id == projects[1].id
        assert await Mentorship.filter(student_id=s.id, ended_on__isnull=True).count() <= 1
        assert await PairingChange.filter(mentorship_id=current.id, action=PairingAction.ENDED).count() == 1
    print(f"\nFIGURE finish vs pairing changes x20 ({db.name}): {dict(sorted(seen.items()))}")
    assert seen["finishProject:FinishProjectPayload"] + seen["finishProject:ConflictError:CONFLICT"] == 20
    await assert_consistent()


# --- 8. R6: five notices at once -----------------------------------------------------------------------


async def test_five_concurrent_notices_store_one(db: Backend, client: httpx.AsyncClient) -> None:
    world = await build_world()
    mentor_token = world.tokens["mentor_a"]
    staff = (await issue_token(Role.STAFF))[0]
    last_days = [TODAY + timedelta(days=14 + k) for k in range(5)]
    bodies = await asyncio.gather(
        *(
            post(
                client,
                staff if k % 2 else mentor_token,
                GIVE,
                {"input": {"mentorId": world.mentor_a.id, "lastDay": d.isoformat()}},
            )
            for k, d in enumerate(last_days)
        )
    )
    counts = tally(bodies, "giveNotice")
    figure(db, "5 concurrent giveNotice", counts)
    assert counts == {"NoticePayload": 1, "ConflictError:CONFLICT": 4}
    stored = await Mentor.get(id=world.mentor_a.id)
    assert stored.last_day in last_days and stored.notice_given_on == TODAY
    assert await MatchingRun.all().count() == 1
    await drain_jobs()
    await assert_consistent()
