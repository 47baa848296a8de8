"""Assessments (R20) through the GraphQL API (both databases): automatic assessors balanced over the
eligible mentors; manual assignments refused with typed codes when they break a rule (nothing stored);
who may read assessments and record a result; assignment subscriptions ignore assessment events."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from domain.enums import AssessmentStatus, MentorshipEndReason, PairingCause, Role
from domain.models import Assessment, Event, Mentor, Project, Student
from domain.paris_time import week_monday
from domain.services import availability, events, mentors, pairing, sessions
from domain.services.tokens import issue_token
from jobs.events import announce
from jobs.snapshot import load_snapshot
from tests.conftest import Backend, GraphQLClient
from tests.conftest import post_as as _as
from tests.factories import EVENINGS, catalogue, mentor, pair, student, verify, verify_current
from tests.jobs.helpers import fresh_jobs
from tests.schema.test_subscriptions import MENTOR_SUB, _pair, connected

__all__ = ["fresh_jobs"]

MONDAY = week_monday(date.today())
TWO_WEEKS_AGO = datetime.combine(MONDAY - timedelta(days=13), datetime.min.time()).replace(hour=19)
LAST_WEEK = datetime.combine(MONDAY - timedelta(days=6), datetime.min.time()).replace(hour=19)

FINISH = """
mutation($s: Int!) {
  finishProject(input: {studentId: $s}) {
    __typename
    ... on FinishProjectPayload { assessment { id status assessorId startsAt startsAtParis } }
    ... on UserError { code field message }
  }
}"""

ASSIGN = """
mutation($input: AssignAssessorInput!) {
  assignAssessor(input: $input) {
    __typename
    ... on AssessmentPayload {
      assessment { id assessorId status startsAt startsAtParis durationMinutes assignedBy unassignedReason }
    }
    ... on UserError { code field message }
  }
}"""

AUTO = """
mutation($id: Int!) {
  autoAssignAssessor(assessmentId: $id) {
    __typename ... on AssessmentPayload { assessment { status } } ... on UserError { code field message }
  }
}"""

RESULT = """
mutation($input: RecordAssessmentResultInput!) {
  recordAssessmentResult(input: $input) {
    __typename ... on AssessmentPayload { assessment { status notes } } ... on UserError { code field message }
  }
}"""

LIST = """
query($studentId: Int, $assessorId: Int, $status: AssessmentStatus) {
  assessments(studentId: $studentId, assessorId: $assessorId, status: $status, first: 50) {
    totalCount
    edges { node { id studentId projectId assessorId status startsAt startsAtParis endsAt } }
  }
}"""


async def _token(role: Role, **owner: int) -> str:
    return (await issue_token(role, **owner))[0]


async def test_six_finishes_are_spread_two_by_two(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue(2)
    eligible = [await mentor(projects[:1], n=n) for n in (1, 2, 3)]
    for n in range(1, 7):
        s = await student(path, projects[0], n=n)
        await verify_current(s)
        done = (await gql(FINISH, {"s": s.id}))["finishProject"]
        assert done["assessment"]["status"] == "SCHEDULED", done

    listed = (await gql(LIST, {"status": "SCHEDULED"}))["assessments"]
    nodes = [e["node"] for e in listed["edges"]]
    assert listed["totalCount"] == 6
    assert Counter(n["assessorId"] for n in nodes) == {m.id: 2 for m in eligible}
    for m in eligible:
        mine = sorted((n["startsAt"], n["endsAt"]) for n in nodes if n["assessorId"] == m.id)
        assert mine[0][1] <= mine[1][0], mine  # an assessor's two presentations do not overlap
    # Shown in Paris time with its offset, like sessions.
    assert all(n["startsAtParis"][-6:] in ("+01:00", "+02:00") for n in nodes)


async def _awaiting() -> tuple[int, Student, Mentor, Mentor, Mentor, list[Project]]:
    """An assessment awaiting an assessor: the student's current and past mentors list the project, the
    only other mentor who does has no availability."""
    path, projects = await catalogue(2)
    current = await mentor(projects, n=1)
    past = await mentor(projects[:1], n=2)
    free = await mentors.create_mentor(
        mentors.MentorInput("Free", "free@example.org", 3, [projects[0].id], date(2025, 1, 6))
    )
    s = await student(path, projects[0], n=1)
    earlier = await pair(s, past, TWO_WEEKS_AGO)
    async with in_transaction():
        await pairing.end_pair(
            earlier,
            ended_on=TWO_WEEKS_AGO.date() + timedelta(days=3),
            reason=MentorshipEndReason.REMATCHED,
            change=pairing.Change(PairingCause.MANUAL),
        )
    await pair(s, current, LAST_WEEK)
    await verify(s.id, projects[0].id)
    assessment = await Assessment.create(student_id=s.id, project_id=projects[0].id)
    return assessment.id, s, current, past, free, projects


async def test_manual_assignment_refusals_store_nothing(db: Backend, gql: GraphQLClient) -> None:
    assessment_id, s, current, past, free, _projects = await _awaiting()
    auto = (await gql(AUTO, {"id": assessment_id}))["autoAssignAssessor"]
    assert auto == {"__typename": "AssessmentPayload", "assessment": {"status": "AWAITING_ASSESSOR"}}
    await availability.set_mentor_availability(free.id, EVENINGS)  # staff choose inside it

    def assign(mentor_id: int, at: str, **extra: Any) -> dict[str, Any]:
        return {"input": {"assessmentId": assessment_id, "mentorId": mentor_id, "startsAt": at, **extra}}

    for was_mentor in (current, past):
        refused = (await gql(ASSIGN, assign(was_mentor.id, "2030-01-15T18:00")))["assignAssessor"]
        assert (refused["__typename"], refused["code"], refused["field"]) == (
            "ValidationError",
            "ASSESSOR_WAS_MENTOR",
            "mentorId",
        )
    spring = (await gql(ASSIGN, assign(free.id, "2030-03-31T02:30")))["assignAssessor"]
    assert (spring["code"], spring["field"]) == ("NONEXISTENT_LOCAL_TIME", "startsAt")
    autumn = (await gql(ASSIGN, assign(free.id, "2030-10-27T02:30")))["assignAssessor"]
    assert autumn["code"] == "AMBIGUOUS_LOCAL_TIME"
    # The student's regular session, Tuesday 15 January 2030, 19:00-19:45 Paris.
    current_pair = await current.mentorships.filter(ended_on__isnull=True).first()
    assert current_pair is not None
    await sessions.book_session(sessions.BookingInput(current_pair.id, datetime(2030, 1, 15, 19, 0)))
    taken = (await gql(ASSIGN, assign(free.id, "2030-01-15T19:15")))["assignAssessor"]
    assert (taken["__typename"], taken["code"]) == ("SlotTaken", "SLOT_TAKEN")

    stored = await Assessment.get(id=assessment_id)
    assert stored.status == AssessmentStatus.AWAITING_ASSESSOR and stored.assessor_id is None
    assert stored.starts_at is None and stored.assigned_by == ""
    assert not await Event.filter(kind="assessment_scheduled").exists()

    done = (await gql(ASSIGN, assign(free.id, "2030-01-15T18:00")))["assignAssessor"]
    assert done["__typename"] == "AssessmentPayload", done
    shown = done["assessment"]
    assert (shown["assessorId"], shown["status"], shown["durationMinutes"]) == (free.id, "SCHEDULED", 30)
    assert shown["startsAtParis"] == "2030-01-15T18:00+01:00"
    assert shown["startsAt"].startswith("2030-01-15T17:00:00")
    assert shown["assignedBy"].startswith("staff")
    again = (await gql(AUTO, {"id": assessment_id}))["autoAssignAssessor"]
    assert (again["code"], again["field"]) == ("VALIDATION", "assessmentId")
    topics = set(await Event.filter(kind="assessment_scheduled").values_list("topic", flat=True))
    assert topics == {events.mentor_topic(free.id), events.student_topic(s.id)}


async def test_who_reads_assessments_and_records_the_result(db: Backend, client: httpx.AsyncClient) -> None:
    assessment_id, s, current, _past, free, _projects = await _awaiting()
    await availability.set_mentor_availability(free.id, EVENINGS)
    gql = GraphQLClient(client)
    await gql(
        ASSIGN,
        {"input": {"assessmentId": assessment_id, "mentorId": free.id, "startsAt": "2030-01-15T18:00"}},
    )
    assessor = await _token(Role.MENTOR, mentor_id=free.id)
    other_mentor = await _token(Role.MENTOR, mentor_id=current.id)
    own_student = await _token(Role.STUDENT, student_id=s.id)
    other = await student(await s.path, await Project.get(id=s.current_project_id), n=8)
    other_student = await _token(Role.STUDENT, student_id=other.id)

    def ids(body: dict[str, Any]) -> list[int]:
        return [e["node"]["id"] for e in body["data"]["assessments"]["edges"]]

    assert ids(await _as(client, assessor, LIST, {"assessorId": free.id})) == [assessment_id]
    assert ids(await _as(client, own_student, LIST, {"studentId": s.id})) == [assessment_id]
    for token, variables in (
        (assessor, {}),
        (other_mentor, {"assessorId": free.id}),
        (other_mentor, {"studentId": s.id}),
        (other_student, {"studentId": s.id}),
    ):
        body = await _as(client, token, LIST, variables)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body

    outcome = {"input": {"id": assessment_id, "passed": True, "notes": "clear"}}
    refused = await _as(client, other_mentor, RESULT, outcome)
    assert refused["data"]["recordAssessmentResult"]["__typename"] == "NotFoundError"
    early = await _as(client, assessor, RESULT, outcome)
    assert early["data"]["recordAssessmentResult"]["code"] == "VALIDATION"
    assert (await Assessment.get(id=assessment_id)).status == AssessmentStatus.SCHEDULED

    # The presentation took place (moved to the past for the test).
    await Assessment.filter(id=assessment_id).update(starts_at=datetime.now(UTC) - timedelta(hours=1))
    passed = await _as(client, assessor, RESULT, outcome)
    assert passed["data"]["recordAssessmentResult"] == {
        "__typename": "AssessmentPayload",
        "assessment": {"status": "PASSED", "notes": "clear"},
    }


async def test_assignment_subscriptions_skip_assessment_events(db: Backend) -> None:
    async with in_transaction():
        news = await events.record(events.mentor_topic(7), "assessment_scheduled", {"assessmentId": 1})
        started = await events.record(events.mentor_topic(7), "mentorship_started", _pair(7, 1, 0))
    await announce(None)
    async with connected(db, await _token(Role.STAFF)) as client:
        await client.subscribe(MENTOR_SUB, {"mentorId": 7, "after": news.id - 1})
        seen = await client.data("mentorAssignments")
    assert seen["eventId"] == started.id and seen["change"] == "STARTED"


CREATE_PAIR = """
mutation($s: Int!, $m: Int!) {
  createMentorship(input: {studentId: $s, mentorId: $m, firstSessionAt: "2030-02-05T19:00"}) {
    __typename ... on UserError { code field }
  }
}"""


async def test_the_assessor_is_never_made_the_students_mentor(db: Backend, gql: GraphQLClient) -> None:
    """R20 the other way round: while a presentation is scheduled, its assessor cannot become the
    student's mentor, by hand or by a run."""
    assessment_id, s, current, _past, free, _projects = await _awaiting()
    await availability.set_mentor_availability(free.id, EVENINGS)
    at = {"assessmentId": assessment_id, "mentorId": free.id, "startsAt": "2030-01-15T18:00"}
    assert (await gql(ASSIGN, {"input": at}))["assignAssessor"]["__typename"] == "AssessmentPayload"
    now = await current.mentorships.filter(ended_on__isnull=True).first()
    assert now is not None
    async with in_transaction():
        await pairing.end_pair(
            now,
            ended_on=date.today(),
            reason=MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
            change=pairing.Change(PairingCause.REQUEST),
        )

    refused = (await gql(CREATE_PAIR, {"s": s.id, "m": free.id}))["createMentorship"]

    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "ConflictError",
        "CONFLICT",
        "mentorId",
    )
    assert not await free.mentorships.filter(student_id=s.id).exists()
    snapshot = await load_snapshot({"kind": "students", "studentIds": [s.id]}, MONDAY + timedelta(days=7))
    assert free.id in snapshot.students[0].forbidden_mentor_ids
