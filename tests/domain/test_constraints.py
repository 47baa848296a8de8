"""The database itself refuses bad rows, even when the services are bypassed."""

from __future__ import annotations

from datetime import date

import pytest
from tortoise.exceptions import IntegrityError, OperationalError

from domain.enums import MentorshipEndReason
from domain.models import Mentor, MentorAvailability, Mentorship, Project
from tests import factories
from tests.conftest import Backend


async def test_capacity_check_constraint(db: Backend) -> None:
    with pytest.raises((IntegrityError, OperationalError)):
        await Mentor.create(name="X", email="x@example.org", capacity=21, start_date=date(2026, 1, 1))
    with pytest.raises((IntegrityError, OperationalError)):
        await Mentor.create(name="X", email="x@example.org", capacity=0, start_date=date(2026, 1, 1))
    assert await Mentor.all().count() == 0


async def test_project_level_and_window_checks(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    with pytest.raises((IntegrityError, OperationalError)):
        await Project.create(path_id=path.id, name="Too hard", level=4)
    mentor = await factories.mentor(projects)
    with pytest.raises((IntegrityError, OperationalError)):
        await MentorAvailability.create(mentor_id=mentor.id, weekday=1, start_minute=600, end_minute=500)


async def test_one_current_mentorship_per_student_is_a_unique_index(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    m1 = await factories.mentor(projects, n=1)
    m2 = await factories.mentor(projects, n=2)
    student = await factories.student(path, projects[0])
    first = await factories.pair(student, m1)
    fields = {
        "student_id": student.id,
        "slot_weekday": 1,
        "slot_start_minute": 1140,
        "slot_minutes": 45,
        "started_on": date(2026, 11, 24),
    }
    with pytest.raises(IntegrityError):
        await Mentorship.create(mentor_id=m2.id, **fields)
    first.ended_on = date(2026, 11, 30)
    first.end_reason = MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT
    await first.save()
    await Mentorship.create(mentor_id=m2.id, **fields)
    assert await Mentorship.filter(student_id=student.id).count() == 2


async def test_ended_mentorship_needs_a_reason(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    pair = await factories.pair(await factories.student(path, projects[0]), await factories.mentor(projects))
    pair.ended_on = date(2026, 12, 1)
    with pytest.raises((IntegrityError, OperationalError)):
        await pair.save()
