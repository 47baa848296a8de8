"""R7, a change of mentor, through the services on both databases: either side ends the pair without a
reason, future sessions are freed without penalty, the pair is never proposed again, and a replacement
run can be queued for the student alone."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from tortoise.transactions import in_transaction

from domain.access import Viewer
from domain.enums import (
    MentorshipEndReason,
    PairingAction,
    PairingCause,
    Role,
    RunStatus,
    SessionKind,
    SessionStatus,
)
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.models import Event, MatchingRun, Mentor, Mentorship, PairingChange, Session, Student
from domain.paris_time import PARIS, local_to_utc, week_monday
from domain.services import change_requests, run_publish, run_requests
from domain.services.sessions import insert_session
from jobs.snapshot import load_snapshot
from jobs.tasks import run_matching
from tests.conftest import Backend
from tests.factories import catalogue, mentor, pair, student

TODAY = datetime.now(PARIS).date()
NEXT_WEEK = week_monday(TODAY) + timedelta(days=7)


async def a_pair() -> tuple[Mentorship, Mentor, Student]:
    path, projects = await catalogue(1)
    m = await mentor(projects, n=1)
    s = await student(path, projects[0], n=1)
    # The next weekday: the factories' mentors are free on weekday evenings only.
    day = next(d for d in (TODAY + timedelta(days=i) for i in range(1, 8)) if d.weekday() < 5)
    return await pair(s, m, datetime.combine(day, time(19, 0))), m, s


def test_whose_request_it_is() -> None:
    staff = Viewer(role=Role.STAFF, token_id=1)
    a_mentor = Viewer(role=Role.MENTOR, mentor_id=3)
    a_student = Viewer(role=Role.STUDENT, student_id=4)
    assert change_requests.side_of(a_mentor, None) == "mentor"
    assert change_requests.side_of(a_student, "student") == "student"
    assert change_requests.side_of(staff, "mentor") == "mentor"
    with pytest.raises(ValidationFailed) as unsaid:
        change_requests.side_of(staff, None)
    assert unsaid.value.field == "requestedBy"
    with pytest.raises(ValidationFailed):
        change_requests.side_of(a_student, "mentor")


async def test_a_student_ends_the_pair_without_reason(db: Backend) -> None:
    m, mentor_row, s = await a_pair()
    async with in_transaction():
        later = await insert_session(
            m,
            kind=SessionKind.REGULAR,
            starts_at=local_to_utc(datetime.combine(TODAY + timedelta(days=8), time(19, 0)), PARIS),
            minutes=45,
        )
    student_version = (await Student.get(id=s.id)).version
    mentor_version = (await Mentor.get(id=mentor_row.id)).version
    outcome = await change_requests.request_change(m.id, side="student", actor=f"student:{s.id}", today=TODAY)
    assert outcome.replacement_run is None
    ended = await Mentorship.get(id=m.id)
    assert ended.end_reason is MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT
    assert ended.ended_on == max(TODAY, ended.started_on)
    audit = await PairingChange.get(mentorship_id=m.id, action=PairingAction.ENDED)
    assert (audit.cause, audit.actor, audit.reason) == (PairingCause.REQUEST, f"student:{s.id}", "")
    assert await Event.filter(topic=f"mentor:{mentor_row.id}", kind="mentorship_ended").exists()
    assert await Event.filter(topic=f"student:{s.id}", kind="mentorship_ended").exists()
    # Every later session is freed, not billed (the discovery session of tomorrow too).
    for session in await Session.filter(mentorship_id=m.id):
        assert session.status is SessionStatus.CANCELLED and session.billed_amount == 0
    assert (await Session.get(id=later.id)).status is SessionStatus.CANCELLED
    assert (await Mentor.get(id=mentor_row.id)).version == mentor_version + 1
    assert (await Student.get(id=s.id)).version == student_version + 1
    # The student now waits for the next run.
    assert not await Mentorship.filter(student_id=s.id, ended_on__isnull=True).exists()


async def test_a_mentor_ends_the_pair_and_a_given_reason_is_audited(db: Backend) -> None:
    m, _, _ = await a_pair()
    await change_requests.request_change(
        m.id, side="mentor", actor="mentor:1", reason="  schedules never match  ", today=TODAY
    )
    assert (await Mentorship.get(id=m.id)).end_reason is MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR
    audit = await PairingChange.get(mentorship_id=m.id, action=PairingAction.ENDED)
    assert audit.reason == "schedules never match"


async def test_refusals_change_nothing(db: Backend) -> None:
    m, _, _ = await a_pair()
    with pytest.raises(NotFound):
        await change_requests.request_change(m.id + 100, side="student", today=TODAY)
    with pytest.raises(ValidationFailed) as long_reason:
        await change_requests.request_change(m.id, side="student", reason="x" * 2001, today=TODAY)
    assert long_reason.value.field == "reason"
    assert (await Mentorship.get(id=m.id)).ended_on is None
    await change_requests.request_change(m.id, side="student", today=TODAY)
    audit = await PairingChange.all().count()
    with pytest.raises(Conflict):
        await change_requests.request_change(m.id, side="mentor", today=TODAY)
    assert (await Mentorship.get(id=m.id)).end_reason is MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT
    assert await PairingChange.all().count() == audit


async def test_the_ended_pair_is_never_proposed_again(db: Backend) -> None:
    m, old_mentor, s = await a_pair()
    await change_requests.request_change(m.id, side="mentor", today=TODAY)
    # Alone with their former mentor, the student stays unplaced, and says why.
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=NEXT_WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    row = await MatchingRun.get(id=run.id)
    assert row.result is not None and row.result["pairs"] == []
    assert [u["studentId"] for u in row.result["unplaced"]] == [s.id]
    assert row.result["unplaced"][0]["reason"] == "ONLY_FORBIDDEN_MENTORS"
    snapshot = await load_snapshot({"kind": "all"}, NEXT_WEEK)
    assert snapshot.students[0].forbidden_mentor_ids == frozenset({old_mentor.id})
    # With another mentor, the run proposes that one.
    projects = list(await old_mentor.projects.all())
    other = await mentor(projects, n=2)
    again = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=NEXT_WEEK)
    )
    assert await run_matching({"job_try": 1}, str(again.id)) == "succeeded"
    row = await MatchingRun.get(id=again.id)
    assert row.result is not None
    assert [(p["studentId"], p["mentorId"]) for p in row.result["pairs"]] == [(s.id, other.id)]


async def test_a_replacement_run_for_the_student_alone(db: Backend) -> None:
    m, old_mentor, s = await a_pair()
    projects = list(await old_mentor.projects.all())
    other = await mentor(projects, n=2)
    outcome = await change_requests.request_change(
        m.id, side="student", actor="staff:1", propose_replacement=True, today=TODAY
    )
    run = outcome.replacement_run
    assert run is not None and run.status is RunStatus.QUEUED
    assert run.scope == {"kind": "students", "studentIds": [s.id]}
    assert run.options["week"] == NEXT_WEEK.isoformat()
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    published = await run_publish.publish_run(run.id, actor="staff:1")
    assert [(c.student_id, c.mentor_id) for c in published.created] == [(s.id, other.id)]
    assert published.ended == []
