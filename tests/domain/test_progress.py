"""A student finishes a project (R8, R9, R20) through the domain service, on SQLite and PostgreSQL: the
mentor is kept when they list the next project, otherwise the pair ends and the student waits; a project
of another path is refused with nothing changed; after the last project the pair ends as completed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.enums import (
    AssessmentStatus,
    MentorshipEndReason,
    PairingAction,
    PairingCause,
    SessionStatus,
)
from domain.errors import Conflict, NotInPath, ValidationFailed
from domain.models import Assessment, Mentor, Mentorship, PairingChange, Project, Session, Student
from domain.services import paths, progress, sessions, students
from jobs.snapshot import load_snapshot
from tests import factories
from tests.conftest import Backend

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

# Wednesday 2026-11-25, 09:00 Paris: the day after the factories' discovery session (Tuesday 24, 19:00).
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
TODAY = NOW.date()
NEXT_TUESDAY = datetime(2026, 12, 1, 19, 0)


async def paired(student: Student, mentor: Mentor) -> tuple[Mentorship, Session]:
    """A pair with its discovery session and a regular session next week (after NOW)."""
    pair = await factories.pair(student, mentor)
    regular = await sessions.book_session(sessions.BookingInput(pair.id, NEXT_TUESDAY))
    return pair, regular


async def test_the_mentor_who_lists_the_next_project_keeps_the_student(db: Backend) -> None:
    path, projects = await factories.catalogue(3)
    mentor = await factories.mentor(projects[:2], n=1)
    student = await factories.student(path, projects[0], n=1)
    pair, regular = await paired(student, mentor)
    versions = (student.version, (await Mentor.get(id=mentor.id)).version)

    done = await progress.finish_project(student.id, actor="staff:1", now=NOW)

    assert done.mentor_kept and done.ended is None
    assert done.next_project is not None and done.next_project.id == projects[1].id
    fresh = await Student.get(id=student.id)
    assert fresh.current_project_id == projects[1].id and fresh.version > versions[0]
    current = await Mentorship.get(student_id=student.id, ended_on__isnull=True)
    assert current.id == pair.id and current.slot_start_minute == pair.slot_start_minute
    assert not await PairingChange.filter(action=PairingAction.ENDED).exists()
    assert (await Session.get(id=regular.id)).status == SessionStatus.SCHEDULED
    assert (await Mentor.get(id=mentor.id)).version == versions[1]
    assessment = await Assessment.get(id=done.assessment.id)
    assert (assessment.student_id, assessment.project_id) == (student.id, projects[0].id)


async def test_otherwise_the_pair_ends_and_the_student_waits(db: Backend) -> None:
    path, projects = await factories.catalogue(3)
    mentor = await factories.mentor(projects[:1], n=1)
    student = await factories.student(path, projects[0], n=1)
    pair, regular = await paired(student, mentor)
    mentor_version = (await Mentor.get(id=mentor.id)).version

    done = await progress.finish_project(student.id, actor="staff:1", now=NOW)

    assert not done.mentor_kept and done.ended is not None and done.ended.id == pair.id
    ended = await Mentorship.get(id=pair.id)
    assert ended.ended_on == TODAY and ended.end_reason == MentorshipEndReason.PROJECT_CHANGE
    assert not await Mentorship.filter(student_id=student.id, ended_on__isnull=True).exists()
    audit = await PairingChange.get(action=PairingAction.ENDED)
    assert audit.cause == PairingCause.PROJECT_CHANGE and audit.actor == "staff:1"
    assert audit.cause_ref == f"project:{projects[0].id}->{projects[1].id}"
    # The pair's future sessions are freed without penalty; the mentor's seat change is visible to runs.
    freed = await Session.get(id=regular.id)
    assert freed.status == SessionStatus.CANCELLED and freed.billed_amount == 0
    assert (await Mentor.get(id=mentor.id)).version == mentor_version + 1
    assert (await Student.get(id=student.id)).current_project_id == projects[1].id


async def test_an_explicit_next_project_may_skip_ahead_but_not_leave_the_path(db: Backend) -> None:
    path, projects = await factories.catalogue(3)
    other = await paths.create_path(paths.PathInput(name="Data Analyst"))
    foreign = await paths.create_project(paths.ProjectInput(other.id, "Elsewhere", position=1))
    mentor = await factories.mentor(projects[:1], n=1)
    student = await factories.student(path, projects[0], n=1)
    pair, _ = await paired(student, mentor)
    before = await Student.get(id=student.id)

    with pytest.raises(NotInPath) as refused:
        await progress.finish_project(student.id, next_project_id=foreign.id, now=NOW)
    assert refused.value.field == "nextProjectId"
    after = await Student.get(id=student.id)
    assert (after.current_project_id, after.version) == (before.current_project_id, before.version)
    assert (await Mentorship.get(id=pair.id)).ended_on is None
    assert (
        not await Assessment.exists() and not await PairingChange.filter(action=PairingAction.ENDED).exists()
    )
    assert await Session.filter(status=SessionStatus.SCHEDULED).count() == 2

    with pytest.raises(ValidationFailed):
        await progress.finish_project(student.id, next_project_id=projects[0].id, now=NOW)
    done = await progress.finish_project(student.id, next_project_id=projects[2].id, now=NOW)
    assert done.next_project is not None and done.next_project.id == projects[2].id


async def test_the_last_project_completes_the_path(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    mentor = await factories.mentor(projects, n=1)
    student = await factories.student(path, projects[1], n=1)
    pair = await factories.pair(student, mentor)

    done = await progress.finish_project(student.id, actor="staff:1", now=NOW)

    assert done.next_project is None and not done.mentor_kept
    ended = await Mentorship.get(id=pair.id)
    assert ended.end_reason == MentorshipEndReason.COMPLETED
    audit = await PairingChange.get(action=PairingAction.ENDED)
    assert audit.cause == PairingCause.PATH_COMPLETED
    assert (await Student.get(id=student.id)).current_project_id == projects[1].id
    assert (await Assessment.get(id=done.assessment.id)).project_id == projects[1].id
    # Finishing it again is a double submit: refused, nothing more stored.
    with pytest.raises(Conflict):
        await progress.finish_project(student.id, now=NOW)
    assert await Assessment.all().count() == 1


async def test_a_stale_project_id_guards_against_a_double_submit(db: Backend) -> None:
    path, projects = await factories.catalogue(3)
    student = await factories.student(path, projects[0], n=1)
    await progress.finish_project(student.id, project_id=projects[0].id, now=NOW)
    with pytest.raises(Conflict) as refused:
        await progress.finish_project(student.id, project_id=projects[0].id, now=NOW)
    assert refused.value.field == "projectId"
    assert (await Student.get(id=student.id)).current_project_id == projects[1].id
    assert await Assessment.all().count() == 1


async def test_next_by_position_not_by_id(db: Backend) -> None:
    path = await paths.create_path(paths.PathInput(name="Web"))
    late = await paths.create_project(paths.ProjectInput(path.id, "Late", position=5))
    first = await paths.create_project(paths.ProjectInput(path.id, "First", position=1))
    middle = await paths.create_project(paths.ProjectInput(path.id, "Middle", position=3))
    student = await factories.student(path, first, n=1)
    assert (await progress.finish_project(student.id, now=NOW)).next_project == await Project.get(
        id=middle.id
    )
    assert (await progress.finish_project(student.id, now=NOW)).next_project == await Project.get(id=late.id)
    assert (await progress.finish_project(student.id, now=NOW)).next_project is None
    assert await Assessment.filter(status__not=AssessmentStatus.CANCELLED).count() == 3


async def test_update_student_no_longer_moves_the_project(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    student = await factories.student(path, projects[0], n=1)
    with pytest.raises(ValidationFailed) as refused:
        await students.update_student(student.id, students.StudentPatch(current_project_id=projects[1].id))
    assert refused.value.field == "currentProjectId"
    same = await students.update_student(
        student.id, students.StudentPatch(current_project_id=projects[0].id, phone="+33 1")
    )
    assert same.current_project_id == projects[0].id and same.phone == "+33 1"


async def test_runs_leave_out_students_who_completed_their_path(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    await factories.mentor(projects, n=1)
    graduate = await factories.student(path, projects[1], n=1)
    moving_on = await factories.student(path, projects[0], n=2)
    await progress.finish_project(graduate.id, now=NOW)
    await progress.finish_project(moving_on.id, now=NOW)
    for scope in ({"kind": "all"}, {"kind": "path", "pathId": path.id}):
        snapshot = await load_snapshot(scope, date(2026, 11, 30))
        assert [s.id for s in snapshot.students] == [moving_on.id]
