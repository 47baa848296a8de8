from __future__ import annotations

from domain.models import Mentor, MentorAvailability, Mentorship, Project, Student
from domain.seed import seed
from tests.conftest import Backend, truncate_all


async def _digest() -> list[object]:
    return [
        await Mentor.all().order_by("id").values_list("name", "capacity", "timezone", "projects__id"),
        await Student.all().order_by("id").values_list("name", "current_project_id", "funding", "timezone"),
        await MentorAvailability.all().order_by("id").values_list("mentor_id", "weekday", "start_minute"),
        await Mentorship.all().order_by("id").values_list("student_id", "mentor_id", "slot_start_minute"),
    ]


async def test_seed_is_deterministic_and_respects_the_rules(db: Backend) -> None:
    summary = await seed(students=120, seed_number=3)
    assert (summary.paths, summary.projects, summary.students) == (8, 40, 120)
    assert await Project.filter(name="Learn how to learn", level=1).count() == 8
    assert await Project.filter(name="Launch your own restaurant review site", level=3).exists()
    first = await _digest()
    # R1 and R2 hold in the demo data.
    for pair in await Mentorship.all().select_related("student", "mentor"):
        assert await pair.mentor.projects.filter(id=pair.student.current_project_id).exists()
    for mentor in await Mentor.all():
        assert await Mentorship.filter(mentor_id=mentor.id).count() <= mentor.capacity
    await truncate_all(db)
    await seed(students=120, seed_number=3)
    assert await _digest() == first
    await truncate_all(db)
    await seed(students=120, seed_number=4)
    assert await _digest() != first
