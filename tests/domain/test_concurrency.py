"""Concurrent writes: rules that count rows hold under real concurrency on both databases."""

from __future__ import annotations

import asyncio
from datetime import datetime

from domain.errors import Conflict
from domain.models import Mentorship, StudentAvailability
from domain.paris_time import WeeklyWindow
from domain.services import availability, mentorships
from tests import factories
from tests.conftest import Backend


async def test_concurrent_pairings_never_exceed_capacity(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects, capacity=3)
    students = [await factories.student(path, projects[0], n=n) for n in range(20)]

    async def pair(k: int, student_id: int) -> bool:
        # Each discovery session at its own hour, so only capacity (R2) can refuse.
        at = datetime(2026, 11, 23 + k % 5, 18 + k // 5, 0)
        try:
            await mentorships.create_mentorship(
                mentorships.MentorshipInput(student_id, mentor.id, at), now=factories.BUILD_NOW
            )
            return True
        except Conflict:
            return False

    results = await asyncio.gather(*(pair(k, s.id) for k, s in enumerate(students)))
    assert sum(results) == 3
    assert await Mentorship.filter(mentor_id=mentor.id, ended_on__isnull=True).count() == 3


async def test_concurrent_availability_replacements_never_merge(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    student = await factories.student(path, projects[0])
    sets = [[WeeklyWindow(day, 600 + k * 10, 700 + k * 10)] for k, day in enumerate(range(7))] * 3
    await asyncio.gather(*(availability.set_student_availability(student.id, w) for w in sets))
    rows = await StudentAvailability.filter(student_id=student.id)
    assert len(rows) == 1, "two replacements interleaved and left the union of their windows"
