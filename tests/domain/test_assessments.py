"""Assessments (R20) through the domain services, on SQLite and PostgreSQL: the automatic assessor is never
a current or past mentor, the load is balanced, a slot respects both calendars, absences, the student's
weekdays and Paris time; a manual assignment that breaks a rule is refused with nothing stored."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from domain.enums import AssessmentStatus, MentorshipEndReason, MentorStatus, PairingCause
from domain.errors import (
    AmbiguousLocalTime,
    AssessorWasMentor,
    NonexistentLocalTime,
    SlotTaken,
    ValidationFailed,
)
from domain.models import Assessment, Event, Mentor, MentorAbsence, Mentorship, Path, Project, Student
from domain.paris_time import PARIS, WeeklyWindow
from domain.services import assessments, mentors, pairing, progress, sessions, students
from domain.services.assessments import Side, earliest_common_slot
from tests import factories
from tests.conftest import Backend

# Wednesday 2026-11-25, 09:00 Paris. Slots start a day later: Thursday 26, first evening slot 18:00 Paris.
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
THURSDAY_18 = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
WEEKENDS = [WeeklyWindow(d, 10 * 60, 12 * 60) for d in (5, 6)]


async def mentor_with(
    projects: list[Project], n: int, windows: list[WeeklyWindow], tz: str = "Europe/Paris"
) -> Mentor:
    return await mentors.create_mentor(
        mentors.MentorInput(
            name=f"Mentor {n}",
            email=f"mentor{n}@example.org",
            capacity=5,
            project_ids=[p.id for p in projects],
            start_date=date(2025, 1, 6),
            timezone=tz,
            availability=windows,
        )
    )


async def had_mentor(student: Student, mentor: Mentor) -> None:
    """A pair that started and ended before the student's current one."""
    pair = await factories.pair(student, mentor, datetime(2026, 11, 16, 19, 0))
    async with in_transaction():
        await pairing.end_pair(
            pair,
            ended_on=date(2026, 11, 20),
            reason=MentorshipEndReason.REMATCHED,
            change=pairing.Change(PairingCause.MANUAL),
            now=datetime(2026, 11, 20, 12, tzinfo=UTC),
        )


async def finish(student: Student) -> Assessment:
    await factories.verify_current(student)
    done = await progress.finish_project(student.id, actor="staff:1", now=NOW)
    return await Assessment.get(id=done.assessment.id)


async def test_never_a_current_or_past_mentor_even_the_only_ones_with_a_slot(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    current = await factories.mentor(projects, n=1)  # lists the next project too: kept (R8)
    past = await factories.mentor(projects[:1], n=2)
    await mentor_with(projects[:1], 3, WEEKENDS)  # eligible, but never free when the student is
    student = await factories.student(path, projects[0], n=1)
    await had_mentor(student, past)
    await factories.pair(student, current)

    assessment = await finish(student)

    assert assessment.status == AssessmentStatus.AWAITING_ASSESSOR
    assert assessment.assessor_id is None and assessment.starts_at is None
    assert "no common 30-minute slot in the next 14 days" in assessment.unassigned_reason
    assert not await Event.filter(kind="assessment_scheduled").exists()


async def test_reasons_when_nobody_can_assess(db: Backend) -> None:
    path, projects = await factories.catalogue(3)
    only = await factories.mentor(projects[:1], n=1)
    paused = await factories.mentor(projects[1:2], n=2)
    await mentors.update_mentor(paused.id, mentors.MentorPatch(status=MentorStatus.PAUSED))
    leaving = await factories.mentor(projects[1:2], n=3)
    await Mentor.filter(id=leaving.id).update(last_day=date(2026, 12, 31))

    was_mentored = await factories.student(path, projects[0], n=1)
    await factories.pair(was_mentored, only)
    assert "is or was the student's mentor (R20)" in (await finish(was_mentored)).unassigned_reason

    nobody_stays = await factories.student(path, projects[1], n=2)
    assert "is staying" in (await finish(nobody_stays)).unassigned_reason

    unlisted = await factories.student(path, projects[2], n=3)
    assert "no mentor lists project" in (await finish(unlisted)).unassigned_reason


async def test_six_finishes_spread_over_three_assessors(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    eligible = [await factories.mentor(projects[:1], n=n) for n in (1, 2, 3)]
    done = [await finish(await factories.student(path, projects[0], n=n)) for n in range(1, 7)]

    loads = Counter(a.assessor_id for a in done)
    assert loads == {m.id: 2 for m in eligible}
    assert all(a.status == AssessmentStatus.SCHEDULED and a.assigned_by.startswith("auto") for a in done)
    # Ties go to the earliest slot, then the lowest id; a mentor's second presentation follows the first.
    assert [a.assessor_id for a in done] == [m.id for m in eligible] * 2
    assert {a.starts_at for a in done[:3]} == {THURSDAY_18}
    assert {a.starts_at for a in done[3:]} == {THURSDAY_18 + timedelta(minutes=30)}
    assert await Event.filter(kind="assessment_scheduled").count() == 12  # assessor's and student's topics
    assert await Event.filter(kind="assessment_scheduled", topic=f"mentor:{eligible[0].id}").count() == 2


async def test_the_slot_avoids_sessions_absences_and_excluded_weekdays(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    assessor = await factories.mentor(projects[:1], n=1)
    # The assessor's own student has a session on Thursday 18:00-18:45.
    theirs = await factories.student(path, projects[0], n=1)
    pair = await factories.pair(theirs, assessor)
    await sessions.book_session(sessions.BookingInput(pair.id, datetime(2026, 11, 26, 18, 0)), now=NOW)

    first = await finish(await factories.student(path, projects[0], n=2))
    assert first.assessor_id == assessor.id
    assert first.starts_at == THURSDAY_18 + timedelta(minutes=45)
    assert first.starts_at.astimezone(PARIS).strftime("%a %H:%M") == "Thu 18:45"

    fridays = await factories.student(path, projects[0], n=3)
    await students.update_student(fridays.id, students.StudentPatch(allowed_weekdays=[4]))
    on_friday = await finish(fridays)
    assert on_friday.starts_at == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)

    await MentorAbsence.create(
        mentor_id=assessor.id,
        starts_on=date(2026, 11, 26),
        ends_on=date(2026, 11, 30),
        starts_at=datetime(2026, 11, 25, 23, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 30, 23, 0, tzinfo=UTC),
    )
    after_absence = await finish(await factories.student(path, projects[0], n=4))
    assert after_absence.starts_at == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # Tuesday 18:00 Paris


def test_slots_follow_each_zone_and_skip_the_spring_hour() -> None:
    evenings = Side([WeeklyWindow(d, 18 * 60, 22 * 60) for d in range(7)], "Europe/Paris")
    # Montreal 12:00-13:00 is 18:00-19:00 in Paris, except the two weeks when only Montreal is on summer
    # time (2027-03-14 to 03-28): then it is 17:00-18:00, outside the student's evenings.
    montreal = Side([WeeklyWindow(d, 12 * 60, 13 * 60) for d in range(7)], "America/Montreal")
    start = datetime(2027, 3, 15, 8, 0, tzinfo=UTC)
    slot = earliest_common_slot(
        montreal, evenings, allowed_weekdays=0b1111111, busy=[], start=start, end=start + timedelta(days=20)
    )
    assert slot == datetime(2027, 3, 28, 16, 0, tzinfo=UTC)  # Paris changed that Sunday at 02:00
    assert (
        earliest_common_slot(
            montreal,
            evenings,
            allowed_weekdays=0b1111111,
            busy=[],
            start=start,
            end=start + timedelta(days=13),
        )
        is None
    )
    # Sunday 2027-03-28: 02:00-03:00 Paris does not exist; a slot is never placed there.
    night = Side([WeeklyWindow(6, 60, 4 * 60)], "Europe/Paris")
    busy = [(datetime(2027, 3, 28, 0, 0, tzinfo=UTC), datetime(2027, 3, 28, 1, 0, tzinfo=UTC))]
    slot = earliest_common_slot(
        night,
        night,
        allowed_weekdays=0b1111111,
        busy=busy,
        start=datetime(2027, 3, 27, 0, 0, tzinfo=UTC),
        end=datetime(2027, 3, 29, 0, 0, tzinfo=UTC),
    )
    assert slot == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert slot.astimezone(PARIS).strftime("%H:%M") == "03:00"


async def awaiting_world() -> tuple[Assessment, Mentor, Mentor, Mentor, list[Project]]:
    """An assessment awaiting an assessor (its only listing mentors have no windows), the student's
    current and past mentors, and a free mentor."""
    path, projects = await factories.catalogue(2)
    current = await factories.mentor(projects, n=1)
    past = await factories.mentor(projects[:1], n=2)
    free = await mentor_with(projects[:1], 3, [])
    student = await factories.student(path, projects[0], n=1)
    await had_mentor(student, past)
    await factories.pair(student, current)
    assessment = await finish(student)
    assert assessment.status == AssessmentStatus.AWAITING_ASSESSOR
    # Staff choose by hand, at any hour both people are available (the calendar checks of every entry).
    await factories.open_all_week(mentor_id=free.id, student_id=student.id)
    return assessment, current, past, free, projects


async def test_manual_assignment_refuses_what_breaks_a_rule(db: Backend) -> None:
    assessment, current, past, free, projects = await awaiting_world()
    at = datetime(2026, 12, 2, 18, 0)  # Wednesday 18:00 Paris
    for mentor in (current, past):
        with pytest.raises(AssessorWasMentor) as refused:
            await assessments.assign_assessor(assessment.id, mentor.id, at, now=NOW)
        assert refused.value.field == "mentorId"
    other = await factories.mentor(projects[1:], n=4)
    with pytest.raises(ValidationFailed, match="does not list"):
        await assessments.assign_assessor(assessment.id, other.id, at, now=NOW)
    with pytest.raises(ValidationFailed, match="in the past"):
        await assessments.assign_assessor(assessment.id, free.id, datetime(2026, 11, 24, 18, 0), now=NOW)
    with pytest.raises(NonexistentLocalTime):
        await assessments.assign_assessor(assessment.id, free.id, datetime(2027, 3, 28, 2, 30), now=NOW)
    with pytest.raises(AmbiguousLocalTime):
        await assessments.assign_assessor(assessment.id, free.id, datetime(2027, 10, 31, 2, 30), now=NOW)
    await Mentor.filter(id=free.id).update(last_day=date(2027, 1, 31))
    with pytest.raises(ValidationFailed, match="leaves"):
        await assessments.assign_assessor(assessment.id, free.id, at, now=NOW)
    await Mentor.filter(id=free.id).update(last_day=None)
    # Nothing stored by any refusal.
    unchanged = await Assessment.get(id=assessment.id)
    assert unchanged.status == AssessmentStatus.AWAITING_ASSESSOR and unchanged.assessor_id is None
    assert not await Event.filter(kind="assessment_scheduled").exists()

    done = await assessments.assign_assessor(
        assessment.id, free.id, datetime(2027, 10, 31, 2, 30), fold=1, actor="staff:1", now=NOW
    )
    assert done.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC) and done.assigned_by == "staff:1"
    assert done.status == AssessmentStatus.SCHEDULED and done.unassigned_reason == ""
    assert await Event.filter(kind="assessment_scheduled", topic=f"mentor:{free.id}").count() == 1


async def test_manual_assignment_refuses_overlaps(db: Backend) -> None:
    assessment, _current, _past, free, projects = await awaiting_world()
    student = await Student.get(id=assessment.student_id)
    pair = await Mentorship.get(student_id=student.id, ended_on__isnull=True)
    # The student's regular session with their mentor on Wednesday 2 December, 19:00-19:45.
    await sessions.book_session(sessions.BookingInput(pair.id, datetime(2026, 12, 2, 19, 0)), now=NOW)
    with pytest.raises(SlotTaken, match="student"):
        await assessments.assign_assessor(assessment.id, free.id, datetime(2026, 12, 2, 19, 30), now=NOW)
    # Another presentation of the assessor, Thursday 3 December at 18:00.
    other_student = await factories.student(await Path.get(id=student.path_id), projects[0], n=5)
    await factories.verify(other_student.id, projects[0].id)
    other = await Assessment.create(student_id=other_student.id, project_id=projects[0].id)
    await assessments.assign_assessor(other.id, free.id, datetime(2026, 12, 3, 18, 0), now=NOW)
    with pytest.raises(SlotTaken, match="assessor"):
        await assessments.assign_assessor(assessment.id, free.id, datetime(2026, 12, 3, 18, 15), now=NOW)
    unchanged = await Assessment.get(id=assessment.id)
    assert unchanged.assessor_id is None and unchanged.status == AssessmentStatus.AWAITING_ASSESSOR
    # Back to back is fine.
    done = await assessments.assign_assessor(assessment.id, free.id, datetime(2026, 12, 3, 18, 30), now=NOW)
    assert done.status == AssessmentStatus.SCHEDULED


async def test_result_only_after_the_presentation_and_cancel(db: Backend) -> None:
    assessment, _current, _past, free, _projects = await awaiting_world()
    await assessments.assign_assessor(assessment.id, free.id, datetime(2026, 12, 2, 18, 0), now=NOW)
    with pytest.raises(ValidationFailed, match="not started"):
        await assessments.record_result(assessment.id, True, now=NOW)
    after = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    passed = await assessments.record_result(assessment.id, True, "clear and complete", now=after)
    assert passed.status == AssessmentStatus.PASSED and passed.notes == "clear and complete"
    with pytest.raises(ValidationFailed):
        await assessments.record_result(assessment.id, False, now=after)
    with pytest.raises(ValidationFailed):
        await assessments.cancel(assessment.id)

    project = await Project.get(id=assessment.project_id)
    student = await factories.student(await Path.get(id=project.path_id), project, n=9)
    await factories.verify(student.id, project.id)
    again = await Assessment.create(student_id=student.id, project_id=assessment.project_id)
    await assessments.assign_assessor(again.id, free.id, datetime(2026, 12, 4, 18, 0), now=NOW)
    cancelled = await assessments.cancel(again.id, reason="student ill", actor="staff:1")
    assert cancelled.status == AssessmentStatus.CANCELLED and "student ill" in cancelled.notes
    assert await Event.filter(kind="assessment_cancelled", topic=f"mentor:{free.id}").count() == 1
    # A cancelled presentation no longer blocks the assessor's time.
    third = await Assessment.create(student_id=student.id, project_id=assessment.project_id)
    await assessments.assign_assessor(third.id, free.id, datetime(2026, 12, 4, 18, 0), now=NOW)
