"""The calendar checks shared by every way of putting something in a person's week, through the GraphQL
API on SQLite and PostgreSQL: catch-ups (R5), presentations blocking sessions (R15, R20), the same codes
on booking and rescheduling (R14), bookings in the past, before the pair, outside availability and on
unfunded weekdays (R11), the next session about a week later (R19), the billed level at the session's time
(R17) and partial discovery notes (R18)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from tortoise.transactions import in_transaction

from domain.enums import Funding, MentorshipEndReason, PairingCause, Role, SessionKind, SessionStatus
from domain.errors import SlotTaken
from domain.invariants import check_all, format_report
from domain.models import Assessment, Mentorship, Session
from domain.paris_time import paris_today, week_monday
from domain.services import absences, assessments, availability, pairing, sessions, students
from domain.services.tokens import issue_token
from infra.settings import DEFAULT_RATES
from tests import factories
from tests.conftest import Backend, GraphQLClient
from tests.conftest import post_as as as_

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

BOOK = """
mutation($input: BookSessionInput!) {
  bookSession(input: $input) {
    __typename
    ... on SessionPayload { session { id startsAtParis kind catchUp } }
    ... on UserError { code field message }
  }
}
"""
MOVE = """
mutation($input: RescheduleSessionInput!) {
  rescheduleSession(input: $input) {
    __typename
    ... on SessionPayload { session { id startsAtParis } }
    ... on UserError { code field message }
  }
}
"""
END = """
mutation($input: EndSessionInput!) {
  endSession(input: $input) {
    __typename
    ... on EndSessionPayload { session { id status billedLevel billedAmount } nextSession { startsAtParis } }
    ... on UserError { code field message }
  }
}
"""
PAIR = """
mutation($input: CreateMentorshipInput!) {
  createMentorship(input: $input) {
    __typename
    ... on UserError { code field message }
  }
}
"""


def outcome(result: dict[str, Any]) -> tuple[str, str | None, str | None]:
    (payload,) = result.values()
    return payload["__typename"], payload.get("code"), payload.get("field")


async def book(gql: GraphQLClient, mentorship_id: int, at: str, **extra: Any) -> dict[str, Any]:
    return await gql(BOOK, {"input": {"mentorshipId": mentorship_id, "startsAt": at, **extra}})


async def one_pair() -> Mentorship:
    path, projects = await factories.catalogue(1)
    return await factories.pair(await factories.student(path, projects[0]), await factories.mentor(projects))


async def test_a_catch_up_follows_a_short_absence_of_the_mentor(db: Backend, gql: GraphQLClient) -> None:
    """R5: before the absence, with no absence, and three weeks after it, a catch-up is refused; from the
    mentor's return to the end of the following week it is accepted, several in that week too."""
    m = await one_pair()
    catch_up = {"catchUp": True, "catchUpReason": "the mentor was away"}
    never_away = await book(gql, m.id, "2026-12-02T19:00", **catch_up)
    assert outcome(never_away) == ("ValidationError", "VALIDATION", "catchUp")
    await absences.record_absence(
        m.mentor_id, date(2026, 12, 7), date(2026, 12, 11), today=date(2026, 11, 30)
    )
    before = await book(gql, m.id, "2026-12-03T19:00", **catch_up)
    assert outcome(before) == ("ValidationError", "VALIDATION", "catchUp")
    three_weeks_after = await book(gql, m.id, "2027-01-05T19:00", **catch_up)
    assert outcome(three_weeks_after) == ("ValidationError", "VALIDATION", "catchUp")
    assert outcome(await book(gql, m.id, "2026-12-15T19:00")) == ("SessionPayload", None, None)
    for day in ("2026-12-16T19:00", "2026-12-18T19:00"):
        assert outcome(await book(gql, m.id, day, **catch_up)) == ("SessionPayload", None, None)
    # The week after that one is the weekly rule's again.
    assert outcome(await book(gql, m.id, "2026-12-23T19:00", **catch_up))[2] == "catchUp"
    assert await Session.filter(mentorship_id=m.id, catch_up=True).count() == 2


CANCEL_ABSENCE = """
mutation($id: Int!) {
  cancelAbsence(id: $id) { __typename ... on UserError { code field message } }
}
"""


async def test_a_cancelled_short_absence_takes_its_catch_ups_with_it(db: Backend, gql: GraphQLClient) -> None:
    """R5: catch-ups booked ahead for a short absence are due no more once it is cancelled: they are
    cancelled without penalty (the checker finds no catch-up without its absence)."""
    m = await one_pair()
    await factories.open_all_week(m)
    monday = week_monday(paris_today()) + timedelta(days=14)
    recorded = await absences.record_absence(m.mentor_id, monday, monday + timedelta(days=4))
    catch_up = {"catchUp": True, "catchUpReason": "the mentor was away"}
    after = f"{(monday + timedelta(days=8)).isoformat()}T19:00"
    booked = await book(gql, m.id, after, **catch_up)
    assert outcome(booked) == ("SessionPayload", None, None), booked
    assert (await check_all(rates=DEFAULT_RATES, only=["r5_catch_up_after_short_absence"])).total == 0
    cancelled = await gql(CANCEL_ABSENCE, {"id": recorded.absence.id})
    assert cancelled["cancelAbsence"]["__typename"] == "AbsenceCancelledPayload", cancelled
    session = await Session.get(id=int(booked["bookSession"]["session"]["id"]))
    assert session.status is SessionStatus.CANCELLED and session.billed_amount == 0
    report = await check_all(rates=DEFAULT_RATES)
    assert report.violations["r5_catch_up_after_short_absence"] == [], format_report(report)
    # And it cannot be booked again.
    again = await book(gql, m.id, after, **catch_up)
    assert outcome(again) == ("ValidationError", "VALIDATION", "catchUp")


async def scheduled_presentation(student_id: int, project_id: int, assessor_id: int, at: datetime) -> int:
    await factories.verify(student_id, project_id)  # R20: verified before its presentation is scheduled
    assessment = await Assessment.create(student_id=student_id, project_id=project_id)
    await assessments.assign_assessor(assessment.id, assessor_id, at)
    return assessment.id


async def test_presentations_block_sessions_of_the_student_and_of_the_assessor(
    db: Backend, gql: GraphQLClient
) -> None:
    """R15, R20: a presentation is in the student's and in the assessor's week; booking or moving a
    session over it is SLOT_TAKEN, for either of them."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects, n=1)
    assessor = await factories.mentor(projects, n=2)
    student = await factories.student(path, projects[0], n=1)
    m = await factories.pair(student, mentor)
    assessors_student = await factories.pair(
        await factories.student(path, projects[0], n=2), assessor, datetime(2026, 11, 24, 18, 0)
    )
    await scheduled_presentation(student.id, projects[0].id, assessor.id, datetime(2026, 12, 2, 19, 0))
    # The student presents from 19:00 to 19:30: their mentor cannot book them at 19:15.
    student_side = await book(gql, m.id, "2026-12-02T19:15")
    assert outcome(student_side) == ("SlotTaken", "SLOT_TAKEN", "startsAt")
    assert "presentation" in student_side["bookSession"]["message"]
    # The assessor assesses then: their own student cannot be booked with them at 18:45 for 45 minutes.
    assessor_side = await book(gql, assessors_student.id, "2026-12-02T18:45")
    assert outcome(assessor_side) == ("SlotTaken", "SLOT_TAKEN", "startsAt")
    # Nor can a session be moved onto it.
    booked = await book(gql, m.id, "2026-12-01T19:00")
    session_id = booked["bookSession"]["session"]["id"]
    moved = await gql(MOVE, {"input": {"id": session_id, "startsAt": "2026-12-02T18:50"}})
    assert outcome(moved) == ("SlotTaken", "SLOT_TAKEN", "startsAt")
    # Back to back is fine.
    assert outcome(await book(gql, assessors_student.id, "2026-12-02T19:30")) == (
        "SessionPayload",
        None,
        None,
    )


async def test_a_presentation_already_marked_still_holds_its_half_hour(db: Backend) -> None:
    """R15, R20: the result of a presentation may be recorded once it has begun; the rest of its half hour
    stays taken in the assessor's week (the invariant counts held presentations too): a session booked
    into it is SLOT_TAKEN, and right after it is accepted."""
    path, projects = await factories.catalogue(1)
    assessor = await factories.mentor(projects, n=2)
    student = await factories.student(path, projects[0], n=1)
    await factories.pair(student, await factories.mentor(projects, n=1))
    own = await factories.pair(
        await factories.student(path, projects[0], n=2), assessor, datetime(2026, 11, 24, 18, 0)
    )
    aid = await scheduled_presentation(student.id, projects[0].id, assessor.id, datetime(2026, 12, 2, 19, 0))
    during = datetime(2026, 12, 2, 18, 10, tzinfo=UTC)  # 19:10 in Paris, the presentation under way
    await assessments.record_result(aid, True, "presented", now=during)
    with pytest.raises(SlotTaken):
        await sessions.book_session(sessions.BookingInput(own.id, datetime(2026, 12, 2, 19, 15)), now=during)
    booked = await sessions.book_session(
        sessions.BookingInput(own.id, datetime(2026, 12, 2, 19, 30)), now=during
    )
    assert booked.starts_at == datetime(2026, 12, 2, 18, 30, tzinfo=UTC)


async def test_rescheduling_answers_as_booking_does(db: Backend, gql: GraphQLClient) -> None:
    """R14: moving a session before the discovery session is refused as booking it there is; a move onto
    a time that is taken in a week that is taken is SLOT_TAKEN on both paths."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    a = await factories.pair(await factories.student(path, projects[0], n=1), mentor)
    b = await factories.pair(
        await factories.student(path, projects[0], n=2), mentor, datetime(2026, 12, 3, 19, 0)
    )
    first_b = await book(gql, b.id, "2026-12-08T19:00")
    before_discovery = await book(gql, b.id, "2026-12-02T19:00")
    moved_before = await gql(
        MOVE, {"input": {"id": first_b["bookSession"]["session"]["id"], "startsAt": "2026-12-02T19:00"}}
    )
    assert outcome(before_discovery) == outcome(moved_before) == ("ValidationError", "VALIDATION", "kind")
    # a: one regular session on Tuesday 12-01, another on Tuesday 12-08 at 20:00.
    await book(gql, a.id, "2026-12-01T20:00")
    second_a = await book(gql, a.id, "2026-12-08T20:00")
    # Thursday 12-03 19:00 is b's discovery session, in a week where a already has a session.
    booked = await book(gql, a.id, "2026-12-03T19:00")
    moved = await gql(
        MOVE, {"input": {"id": second_a["bookSession"]["session"]["id"], "startsAt": "2026-12-03T19:00"}}
    )
    assert outcome(booked) == outcome(moved) == ("SlotTaken", "SLOT_TAKEN", "startsAt")


async def test_a_presentation_is_never_booked_with_the_mentor(db: Backend, gql: GraphQLClient) -> None:
    """R20: a presentation goes to an assessor who is not the student's mentor, through the assessment."""
    m = await one_pair()
    refused = await book(gql, m.id, "2026-12-02T19:00", kind="PRESENTATION")
    assert outcome(refused) == ("ValidationError", "ASSESSOR_WAS_MENTOR", "kind")
    assert not await Session.filter(kind=SessionKind.PRESENTATION).exists()


async def test_bookings_in_the_past_before_the_pair_or_outside_availability_are_refused(
    db: Backend, gql: GraphQLClient
) -> None:
    """R11, R13: typed errors, nothing stored."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    m = await factories.pair(await factories.student(path, projects[0], n=1), mentor)
    # The discovery session was 2026-11-24 19:00; both people are available weekdays 18:00-22:00.
    past = await book(gql, m.id, "2026-11-26T19:00")
    assert outcome(past) == ("ValidationError", "VALIDATION", "startsAt")
    assert "in the past" in past["bookSession"]["message"]
    morning = await book(gql, m.id, "2026-12-02T10:00")
    assert outcome(morning) == ("ValidationError", "VALIDATION", "startsAt")
    assert "availability" in morning["bookSession"]["message"]
    # A pair that starts later (as a published run makes it, without sessions): nothing before its first
    # day, years before least of all.
    later = await Mentorship.create(
        student_id=(await factories.student(path, projects[0], n=2)).id,
        mentor_id=mentor.id,
        slot_weekday=3,
        slot_start_minute=19 * 60,
        slot_minutes=45,
        started_on=date(2026, 12, 10),
    )
    day_before = await book(gql, later.id, "2026-12-09T19:00", kind="DISCOVERY")
    assert outcome(day_before) == ("ValidationError", "VALIDATION", "startsAt")
    assert "starts on 2026-12-10" in day_before["bookSession"]["message"]
    years_before = await book(gql, later.id, "2023-12-06T19:00", kind="DISCOVERY")
    assert outcome(years_before) == ("ValidationError", "VALIDATION", "startsAt")
    assert await Session.filter(mentorship_id__in=[m.id, later.id]).count() == 1
    assert outcome(await book(gql, later.id, "2026-12-10T19:00", kind="DISCOVERY"))[0] == "SessionPayload"


async def test_manual_pairing_keeps_to_funding_days_and_availability(db: Backend, gql: GraphQLClient) -> None:
    """R11: an employer-funded student has no session on a Saturday; the first session (hence the weekly
    slot) lies inside both people's availability."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)  # weekdays 18:00-22:00
    student = await students.create_student(
        students.StudentInput(
            name="Employed",
            email="employed@example.org",
            path_id=path.id,
            current_project_id=projects[0].id,
            funding=Funding.EMPLOYER,
            availability=factories.ALL_WEEK,
        )
    )
    await availability.set_mentor_availability(mentor.id, factories.ALL_WEEK)
    ids = {"studentId": student.id, "mentorId": mentor.id}
    saturday = await gql(PAIR, {"input": {**ids, "firstSessionAt": "2026-12-05T19:00"}})
    assert outcome(saturday) == ("ValidationError", "VALIDATION", "firstSessionAt")
    assert "R11" in saturday["createMentorship"]["message"]
    await availability.set_mentor_availability(mentor.id, factories.EVENINGS)
    morning = await gql(PAIR, {"input": {**ids, "firstSessionAt": "2026-12-07T10:00"}})
    assert outcome(morning) == ("ValidationError", "VALIDATION", "firstSessionAt")
    assert "mentor's weekly availability" in morning["createMentorship"]["message"]
    # The 30-minute discovery session would fit at 21:30, the 45-minute weekly slot would not.
    late = await gql(PAIR, {"input": {**ids, "firstSessionAt": "2026-12-07T21:30"}})
    assert outcome(late) == ("ValidationError", "VALIDATION", "firstSessionAt")
    assert "45 minutes" in late["createMentorship"]["message"]
    assert not await Mentorship.filter(student_id=student.id).exists()
    assert not await Session.exists()
    evening = await gql(PAIR, {"input": {**ids, "firstSessionAt": "2026-12-07T19:00"}})
    assert outcome(evening)[0] == "MentorshipPayload"


async def test_the_next_session_is_about_a_week_later(db: Backend, gql: GraphQLClient) -> None:
    """R19: 5 to 9 days after the ended session; a month later or in the past is refused and the session
    stays open."""
    m = await one_pair()  # discovery Tuesday 2026-11-24 19:00, in the past
    discovery = await Session.get(mentorship_id=m.id)
    base = {"id": discovery.id, "status": "COMPLETED"}
    month_later = await gql(END, {"input": {**base, "nextStartsAt": "2026-12-22T19:00"}})
    assert outcome(month_later) == ("ValidationError", "VALIDATION", "nextStartsAt")
    past = await gql(END, {"input": {**base, "nextStartsAt": "2026-11-30T06:00"}})
    assert outcome(past)[:2] == ("ValidationError", "VALIDATION")
    assert (await Session.get(id=discovery.id)).ended_at is None
    week_later = await gql(END, {"input": {**base, "nextStartsAt": "2026-12-01T19:00"}})
    assert week_later["endSession"]["nextSession"] == {"startsAtParis": "2026-12-01T19:00+01:00"}


async def test_the_billed_level_is_the_level_at_the_session_time(db: Backend, gql: GraphQLClient) -> None:
    """R17: a session held on a level-3 project, ended after finishProject moved the student to a level-2
    project, is billed at level 3."""
    path, projects = await factories.catalogue(3)  # levels 1, 2, 3
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[2])
    m = await factories.pair(student, mentor)  # discovery 2026-11-24, held on the level-3 project
    finished = await gql(
        """mutation($input: FinishProjectInput!) { finishProject(input: $input) { __typename } }""",
        {"input": {"studentId": student.id, "nextProjectId": projects[1].id}},
    )
    assert finished["finishProject"]["__typename"] == "FinishProjectPayload"
    discovery = await Session.get(mentorship_id=m.id)
    ended = await gql(END, {"input": {"id": discovery.id, "status": "COMPLETED"}})
    assert ended["endSession"]["session"]["billedLevel"] == 3
    assert ended["endSession"]["session"]["billedAmount"] == "40.00"
    # A session held after the move (booked ahead, then held just now) is billed at the new level.
    later = await book(gql, m.id, "2026-12-01T19:00")
    await Session.filter(id=later["bookSession"]["session"]["id"]).update(starts_at=datetime.now(UTC))
    ended_later = await gql(
        END, {"input": {"id": later["bookSession"]["session"]["id"], "status": "COMPLETED"}}
    )
    assert ended_later["endSession"]["session"]["billedLevel"] == 2


async def test_discovery_notes_are_updated_field_by_field(db: Backend, gql: GraphQLClient) -> None:
    """R18: setting one field keeps the others."""
    m = await one_pair()
    discovery = await Session.get(mentorship_id=m.id)
    notes = """mutation($input: DiscoveryNoteInput!) { setDiscoveryNotes(input: $input) {
      __typename ... on DiscoveryNotePayload { note { background goals weeklyHours nextWeekObjectives } } } }"""
    await gql(
        notes,
        {"input": {"sessionId": discovery.id, "background": "baker", "goals": "web", "weeklyHours": 20}},
    )
    after = await gql(notes, {"input": {"sessionId": discovery.id, "nextWeekObjectives": "HTML"}})
    assert after["setDiscoveryNotes"]["note"] == {
        "background": "baker",
        "goals": "web",
        "weeklyHours": 20,
        "nextWeekObjectives": "HTML",
    }
    cleared = await gql(notes, {"input": {"sessionId": discovery.id, "goals": "", "clearWeeklyHours": True}})
    assert cleared["setDiscoveryNotes"]["note"]["goals"] == ""
    assert cleared["setDiscoveryNotes"]["note"]["weeklyHours"] is None
    assert cleared["setDiscoveryNotes"]["note"]["background"] == "baker"


HISTORY = """query($s: Int!) { student(id: $s) {
  sessions { kind notes privateComment discoveryNote { background } } } }"""


async def test_after_a_re_match_the_new_mentor_reads_the_students_history(
    db: Backend, client: httpx.AsyncClient
) -> None:
    """R16: the new mentor reads the student's earlier sessions, notes, discovery notes and private
    comments; the student never reads a private comment; a mentor who is not the student's does not
    read the student at all."""
    path, projects = await factories.catalogue(1)
    first = await factories.mentor(projects, n=1)
    second = await factories.mentor(projects, n=2)
    stranger = await factories.mentor(projects, n=3)
    student = await factories.student(path, projects[0])
    old = await factories.pair(student, first)
    discovery = await Session.get(mentorship_id=old.id)
    await sessions.set_discovery_note(discovery.id, sessions.DiscoveryNoteInput(background="baker"))
    await sessions.update_notes(discovery.id, notes="shared", private_comment="needs structure")
    async with in_transaction():
        await pairing.end_pair(
            old,
            ended_on=date(2026, 11, 25),
            reason=MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
            change=pairing.Change(PairingCause.REQUEST),
        )
    await factories.pair(student, second, datetime(2026, 11, 26, 19, 0))
    history = {"kind": "DISCOVERY", "notes": "shared", "discoveryNote": {"background": "baker"}}

    new_mentor = (await issue_token(Role.MENTOR, mentor_id=second.id))[0]
    seen = (await as_(client, new_mentor, HISTORY, {"s": student.id}))["data"]["student"]["sessions"]
    assert {**history, "privateComment": "needs structure"} in seen and len(seen) == 2
    own = (await issue_token(Role.STUDENT, student_id=student.id))[0]
    theirs = (await as_(client, own, HISTORY, {"s": student.id}))["data"]["student"]["sessions"]
    assert {**history, "privateComment": None} in theirs
    assert all(s["privateComment"] is None for s in theirs)
    outsider = (await issue_token(Role.MENTOR, mentor_id=stranger.id))[0]
    assert (await as_(client, outsider, HISTORY, {"s": student.id}))["data"]["student"] is None
    week = """query($s: Int!) { sessions(week: "2026-11-24", studentId: $s) { totalCount } }"""
    assert (await as_(client, new_mentor, week, {"s": student.id}))["data"]["sessions"]["totalCount"] == 2
    assert (await as_(client, outsider, week, {"s": student.id}))["data"]["sessions"]["totalCount"] == 0


async def test_the_profile_is_complete_at_the_first_presentation(
    db: Backend, client: httpx.AsyncClient
) -> None:
    """R10: no presentation is scheduled for a student whose profile is empty; the student's mentor fills
    it in (the seeds), after which staff schedule it."""
    gql = GraphQLClient(client)
    path, projects = await factories.catalogue(2)
    mentor = await factories.mentor(projects, n=1)
    assessor = await factories.mentor(projects[:1], n=2)
    student = await students.create_student(
        students.StudentInput(
            name="New",
            email="new@example.org",
            path_id=path.id,
            current_project_id=projects[0].id,
            availability=factories.EVENINGS,
        )
    )
    await factories.pair(student, mentor)
    await factories.verify_current(student)  # R20: only the profile keeps the presentation waiting
    finished = await gql(
        """mutation($s: Int!) { finishProject(input: {studentId: $s}) {
             ... on FinishProjectPayload { assessment { id status unassignedReason } } } }""",
        {"s": student.id},
    )
    assessment = finished["finishProject"]["assessment"]
    assert assessment["status"] == "AWAITING_ASSESSOR" and "R10" in assessment["unassignedReason"]
    assign = """mutation($a: Int!, $m: Int!) { assignAssessor(input: {assessmentId: $a, mentorId: $m,
      startsAt: "2026-12-03T19:00"}) { __typename ... on UserError { code field message } } }"""
    refused = await gql(assign, {"a": assessment["id"], "m": assessor.id})
    assert outcome(refused) == ("ValidationError", "VALIDATION", "assessmentId")
    assert "phone" in refused["assignAssessor"]["message"]
    assert (await Assessment.get(id=assessment["id"])).assessor_id is None

    update = """mutation($input: UpdateStudentInput!) { updateStudent(input: $input) {
      __typename ... on StudentPayload { student { id } } ... on UserError { code } } }"""
    profile = {
        "id": student.id,
        "phone": "+33 6 00 00 00 00",
        "address": "2 place du Marché, 69001 Lyon",
        "photoUrl": "https://example.org/new.jpg",
        "latestDiploma": "BTS",
        "trainingObjective": "Front-end developer",
    }
    token = (await issue_token(Role.MENTOR, mentor_id=mentor.id))[0]
    filled = await as_(client, token, update, {"input": profile})
    assert filled["data"]["updateStudent"]["__typename"] == "StudentPayload"
    other = (await issue_token(Role.MENTOR, mentor_id=assessor.id))[0]
    not_theirs = await as_(client, other, update, {"input": {**profile, "phone": "0"}})
    assert not_theirs["data"]["updateStudent"]["__typename"] == "NotFoundError"
    scheduled = await gql(assign, {"a": assessment["id"], "m": assessor.id})
    assert scheduled["assignAssessor"]["__typename"] == "AssessmentPayload"


async def test_a_session_and_a_presentation_booked_at_once_for_one_student(
    db: Backend, gql: GraphQLClient
) -> None:
    """The people are locked before their calendar is read: of a presentation and ten sessions asked for
    the same student at the same time, all at once, exactly one is stored (the database alone cannot
    refuse an overlap between a session and a presentation)."""
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects, n=1)
    assessor = await factories.mentor(projects, n=2)
    student = await factories.student(path, projects[0])
    m = await factories.pair(student, mentor)
    await factories.verify(student.id, projects[0].id)  # R20: verified before its presentation is scheduled
    assessment = await Assessment.create(student_id=student.id, project_id=projects[0].id)
    assign = """mutation($a: Int!, $m: Int!) { assignAssessor(input: {assessmentId: $a, mentorId: $m,
      startsAt: "2026-12-02T19:00"}) { __typename ... on UserError { code } } }"""
    requests = [gql(assign, {"a": assessment.id, "m": assessor.id})] + [
        book(gql, m.id, "2026-12-02T19:00") for _ in range(10)
    ]
    results = await asyncio.gather(*requests)
    outcomes = Counter(outcome(r)[0] for r in results)
    assert outcomes["SlotTaken"] == 10 and outcomes["SessionPayload"] + outcomes["AssessmentPayload"] == 1
    sessions_then = await Session.filter(mentorship_id=m.id, status="scheduled").count()  # discovery is past
    presented = await Assessment.filter(id=assessment.id, status="scheduled").count()
    assert sessions_then + presented == 2  # the discovery session and the one winner
