"""Weekly availability windows of mentors and students, replaced as a whole set."""

from __future__ import annotations

from collections.abc import Sequence

from domain.models import Mentor, MentorAvailability, Student, StudentAvailability
from domain.outbox import in_transaction
from domain.paris_time import WeeklyWindow, validate_windows
from domain.services._common import lock_or_not_found


async def replace_mentor_windows(mentor: Mentor, windows: Sequence[WeeklyWindow]) -> None:
    """Replace the mentor's windows; the caller holds a transaction and the mentor's row lock."""
    checked = validate_windows(list(windows))
    await MentorAvailability.filter(mentor_id=mentor.id).delete()
    await MentorAvailability.bulk_create(
        [
            MentorAvailability(
                mentor_id=mentor.id, weekday=w.weekday, start_minute=w.start_minute, end_minute=w.end_minute
            )
            for w in checked
        ]
    )


async def replace_student_windows(student: Student, windows: Sequence[WeeklyWindow]) -> None:
    checked = validate_windows(list(windows))
    await StudentAvailability.filter(student_id=student.id).delete()
    await StudentAvailability.bulk_create(
        [
            StudentAvailability(
                student_id=student.id, weekday=w.weekday, start_minute=w.start_minute, end_minute=w.end_minute
            )
            for w in checked
        ]
    )


async def set_mentor_availability(mentor_id: int, windows: Sequence[WeeklyWindow]) -> Mentor:
    validate_windows(list(windows))
    async with in_transaction():
        mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
        await replace_mentor_windows(mentor, windows)
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
        return mentor


async def set_student_availability(student_id: int, windows: Sequence[WeeklyWindow]) -> Student:
    validate_windows(list(windows))
    async with in_transaction():
        student = await lock_or_not_found(Student, student_id, field="studentId")
        await replace_student_windows(student, windows)
        student.version += 1
        await student.save(update_fields=["version", "updated_at"])
        return student
