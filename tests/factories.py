"""Builders for test data, through the domain services (so tests exercise the same rules as the API)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.models import Mentor, Mentorship, Path, Project, Student
from domain.paris_time import WeeklyWindow
from domain.services import availability, mentors, mentorships, paths, students, submissions

EVENINGS = [WeeklyWindow(d, 18 * 60, 22 * 60) for d in range(5)]
ALL_WEEK = [WeeklyWindow(d, 0, 24 * 60) for d in range(7)]


async def catalogue(projects: int = 3) -> tuple[Path, list[Project]]:
    path = await paths.create_path(paths.PathInput(name="Web Developer"))
    items = [
        await paths.create_project(paths.ProjectInput(path.id, f"Project {i}", level=1 + i % 3, position=i))
        for i in range(projects)
    ]
    return path, items


async def mentor(
    projects: list[Project], *, n: int = 1, capacity: int = 5, tz: str = "Europe/Paris"
) -> Mentor:
    return await mentors.create_mentor(
        mentors.MentorInput(
            name=f"Mentor {n}",
            email=f"mentor{n}@example.org",
            capacity=capacity,
            project_ids=[p.id for p in projects],
            start_date=date(2025, 1, 6),
            timezone=tz,
            availability=EVENINGS,
        )
    )


async def student(path: Path, project: Project, *, n: int = 1) -> Student:
    return await students.create_student(
        students.StudentInput(
            name=f"Student {n}",
            email=f"student{n}@example.org",
            path_id=path.id,
            current_project_id=project.id,
            availability=EVENINGS,
            # R10: a complete profile, as checked at the first presentation.
            phone="+33 1 23 45 67 89",
            address="1 rue de la Paix, 75002 Paris",
            photo_url="https://example.org/photo.jpg",
            latest_diploma="Baccalauréat",
            training_objective="Web developer",
        )
    )


# The clock the builders book with: test data may lie before the real today (bookings through the API
# are refused in the past).
BUILD_NOW = datetime(2000, 1, 1, tzinfo=UTC)


async def pair(s: Student, m: Mentor, at: datetime = datetime(2026, 11, 24, 19, 0)) -> Mentorship:
    return await mentorships.create_mentorship(mentorships.MentorshipInput(s.id, m.id, at), now=BUILD_NOW)


async def open_all_week(m: Mentorship | None = None, *, mentor_id: int = 0, student_id: int = 0) -> None:
    """Both people (of the pair, or given by id) available at every hour of the week: for tests about
    times, not availability."""
    if m is not None:
        mentor_id, student_id = m.mentor_id, m.student_id
    await availability.set_mentor_availability(mentor_id, ALL_WEEK)
    await availability.set_student_availability(student_id, ALL_WEEK)


async def verify_current(s: Student) -> None:
    """The student's mentor marked the current project submitted and verified: its presentation may be
    scheduled (R20)."""
    student = await Student.get(id=s.id)
    await verify(student.id, student.current_project_id)


async def verify(student_id: int, project_id: int) -> None:
    """The project marked submitted and verified (before its assessment exists, else it is assigned)."""
    await submissions.mark_submitted(student_id, project_id, actor="tests")
    await submissions.verify(student_id, project_id, actor="tests")
