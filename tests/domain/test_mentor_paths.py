"""R3 through the domain services, on SQLite and PostgreSQL: a mentor starts on one path; another path
after three calendar months of mentoring (end-of-month dates clamp), or earlier by a recorded staff
override; a mentor lists only projects of their paths."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.enums import MentorshipEndReason, PairingCause
from domain.errors import Conflict, NotFound, PathNotAllowedYet, ValidationFailed
from domain.models import Mentor, MentorPath, Mentorship, Path, Project
from domain.services import mentor_paths, mentors, pairing, paths
from domain.services.mentor_paths import add_path, another_path_from
from tests import factories
from tests.conftest import Backend


async def second_path() -> tuple[Path, Project]:
    path = await paths.create_path(paths.PathInput(name="Data Analyst"))
    project = await paths.create_project(paths.ProjectInput(path.id, "Clean a data set", level=2))
    return path, project


async def mentoring_since(day: date) -> tuple[Mentor, Path, list[Project]]:
    """A mentor on the first path whose first (and only) pair started on ``day``."""
    path, projects = await factories.catalogue(2)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    await factories.open_all_week(mentor_id=mentor.id, student_id=student.id)  # any day of the week
    await factories.pair(student, mentor, datetime(day.year, day.month, day.day, 19, 0))
    return mentor, path, projects


async def stored_paths(mentor_id: int) -> list[tuple[int, bool, str, str]]:
    rows = await MentorPath.filter(mentor_id=mentor_id).order_by("id")
    return [(r.path_id, r.override, r.override_reason, r.added_by) for r in rows]


@pytest.mark.parametrize(
    ("first", "allowed_from"),
    [
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2023, 11, 30), date(2024, 2, 29)),  # leap year
        (date(2025, 8, 31), date(2025, 11, 30)),
        (date(2025, 12, 31), date(2026, 3, 31)),
        (date(2024, 2, 29), date(2024, 5, 29)),
        (date(2025, 1, 15), date(2025, 4, 15)),
    ],
)
def test_three_calendar_months_clamp_to_the_end_of_month(first: date, allowed_from: date) -> None:
    assert another_path_from(first) == allowed_from


async def test_a_new_mentor_starts_on_the_path_of_their_projects(db: Backend) -> None:
    path, projects = await factories.catalogue(2)
    mentor = await factories.mentor(projects)
    row = await MentorPath.get(mentor_id=mentor.id)
    assert (row.path_id, row.added_on, row.override) == (path.id, mentor.start_date, False)
    assert row.added_by == "system"


async def test_a_new_mentor_on_two_paths_is_refused_and_nothing_is_stored(db: Backend) -> None:
    _, projects = await factories.catalogue(1)
    _, other = await second_path()
    with pytest.raises(PathNotAllowedYet) as refused:
        await factories.mentor([projects[0], other])
    assert refused.value.field == "projectIds"
    assert await Mentor.all().count() == 0
    assert await MentorPath.all().count() == 0


async def test_projects_of_a_path_the_mentor_is_not_on_are_refused(db: Backend) -> None:
    _, projects = await factories.catalogue(2)
    mentor = await factories.mentor(projects[:1])
    other_path, other = await second_path()
    with pytest.raises(PathNotAllowedYet) as refused:
        await mentors.update_mentor(mentor.id, mentors.MentorPatch(project_ids=[projects[0].id, other.id]))
    assert refused.value.field == "projectIds"
    stored = await Mentor.get(id=mentor.id).prefetch_related("projects")
    assert [p.id for p in stored.projects] == [projects[0].id]
    assert stored.version == mentor.version
    # Same path: fine. On the new path once the mentor is on it.
    await mentors.update_mentor(mentor.id, mentors.MentorPatch(project_ids=[projects[1].id]))
    await add_path(
        mentor.id, other_path.id, actor="staff:1", is_staff=True, override=True, override_reason="x"
    )
    await mentors.update_mentor(mentor.id, mentors.MentorPatch(project_ids=[projects[1].id, other.id]))
    stored = await Mentor.get(id=mentor.id).prefetch_related("projects")
    assert sorted(p.id for p in stored.projects) == sorted([projects[1].id, other.id])


async def test_no_mentoring_yet_means_no_second_path(db: Backend) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    other_path, _ = await second_path()
    with pytest.raises(PathNotAllowedYet, match="no mentoring yet") as refused:
        await add_path(mentor.id, other_path.id, actor=f"mentor:{mentor.id}", is_staff=False)
    assert refused.value.field == "pathId"
    assert await MentorPath.filter(mentor_id=mentor.id).count() == 1


async def test_the_second_path_opens_exactly_three_months_after_the_first_pair(db: Backend) -> None:
    mentor, first_path, _ = await mentoring_since(date(2025, 11, 30))
    other_path, _ = await second_path()
    with pytest.raises(PathNotAllowedYet, match="possible from 2026-02-28") as refused:
        await add_path(
            mentor.id, other_path.id, actor=f"mentor:{mentor.id}", is_staff=False, today=date(2026, 2, 27)
        )
    assert refused.value.field == "pathId"
    assert await stored_paths(mentor.id) == [(first_path.id, False, "", "system")]
    version = (await Mentor.get(id=mentor.id)).version

    row = await add_path(
        mentor.id, other_path.id, actor=f"mentor:{mentor.id}", is_staff=False, today=date(2026, 2, 28)
    )
    assert (row.added_on, row.override, row.added_by) == (date(2026, 2, 28), False, f"mentor:{mentor.id}")
    assert await stored_paths(mentor.id) == [
        (first_path.id, False, "", "system"),
        (other_path.id, False, "", f"mentor:{mentor.id}"),
    ]
    assert (await Mentor.get(id=mentor.id)).version == version + 1
    # Already on it: a conflict, nothing more stored.
    with pytest.raises(Conflict):
        await add_path(mentor.id, other_path.id, actor="staff:1", is_staff=True, today=date(2026, 3, 1))
    assert await MentorPath.filter(mentor_id=mentor.id).count() == 2


async def test_an_ended_first_pair_still_counts_as_mentoring(db: Backend) -> None:
    mentor, _, _ = await mentoring_since(date(2023, 11, 30))
    pair = await Mentorship.get(mentor_id=mentor.id)
    await pairing.end_pair(
        pair,
        ended_on=date(2023, 12, 20),
        reason=MentorshipEndReason.COMPLETED,
        change=pairing.Change(PairingCause.MANUAL),
    )
    other_path, _ = await second_path()
    with pytest.raises(PathNotAllowedYet, match="2024-02-29"):
        await add_path(mentor.id, other_path.id, actor="staff:1", is_staff=True, today=date(2024, 2, 28))
    await add_path(mentor.id, other_path.id, actor="staff:1", is_staff=True, today=date(2024, 2, 29))


async def test_a_staff_override_is_recorded_with_its_reason(db: Backend) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    other_path, _ = await second_path()
    row = await add_path(
        mentor.id,
        other_path.id,
        actor="staff:7",
        is_staff=True,
        override=True,
        override_reason="  senior data engineer, vouched for by the path lead  ",
    )
    assert (row.override, row.override_reason, row.added_by) == (
        True,
        "senior data engineer, vouched for by the path lead",
        "staff:7",
    )


@pytest.mark.parametrize("reason", ["", "   "])
async def test_an_override_needs_a_reason(db: Backend, reason: str) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    other_path, _ = await second_path()
    with pytest.raises(ValidationFailed) as refused:
        await add_path(
            mentor.id, other_path.id, actor="staff:7", is_staff=True, override=True, override_reason=reason
        )
    assert refused.value.field == "overrideReason"
    assert not isinstance(refused.value, PathNotAllowedYet)
    assert await MentorPath.filter(mentor_id=mentor.id).count() == 1


async def test_only_staff_may_override(db: Backend) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    other_path, _ = await second_path()
    with pytest.raises(ValidationFailed) as refused:
        await add_path(
            mentor.id,
            other_path.id,
            actor=f"mentor:{mentor.id}",
            is_staff=False,
            override=True,
            override_reason="I know the subject",
        )
    assert refused.value.field == "override"
    assert await MentorPath.filter(mentor_id=mentor.id).count() == 1


async def test_unknown_mentor_or_path_is_not_found(db: Backend) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    with pytest.raises(NotFound) as no_path:
        await add_path(mentor.id, 9999, actor="staff:1", is_staff=True, override=True, override_reason="r")
    assert no_path.value.field == "pathId"
    with pytest.raises(NotFound) as no_mentor:
        await mentor_paths.add_path(
            9999, 1, actor="staff:1", is_staff=True, override=True, override_reason="r"
        )
    assert no_mentor.value.field == "mentorId"
