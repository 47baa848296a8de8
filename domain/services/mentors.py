"""Mentors: profile, the projects they mentor (R1), requested capacity (R2), time zone, availability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.enums import ONBOARDING_STATUSES, MentorStatus
from domain.errors import NotFound, ValidationFailed
from domain.models import MAX_CAPACITY, Mentor, Project
from domain.outbox import in_transaction
from domain.paris_time import WeeklyWindow, validate_windows, zone
from domain.services import eligibility
from domain.services._common import (
    languages_text,
    lock_or_not_found,
    require_email,
    require_range,
    require_text,
    unique_as_conflict,
)
from domain.services.availability import replace_mentor_windows
from domain.services.mentor_paths import (
    check_projects_on_paths,
    one_path_for_a_new_mentor,
    record_first_path,
)


@dataclass(frozen=True, slots=True)
class MentorInput:
    name: str
    email: str
    capacity: int
    project_ids: Sequence[int]
    start_date: date
    timezone: str = "Europe/Paris"
    languages: Sequence[str] = ("fr",)
    status: MentorStatus = MentorStatus.ACTIVE
    availability: Sequence[WeeklyWindow] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class MentorPatch:
    name: str | None = None
    email: str | None = None
    capacity: int | None = None
    project_ids: Sequence[int] | None = None
    timezone: str | None = None
    languages: Sequence[str] | None = None
    status: MentorStatus | None = None
    start_date: date | None = None


def check_capacity(capacity: int) -> int:
    """R2: a mentor asks for 1 to 20 students."""
    return require_range(capacity, 1, MAX_CAPACITY, field="capacity")


async def _projects(project_ids: Sequence[int]) -> list[Project]:
    if not project_ids:
        raise ValidationFailed("a mentor lists at least one project (R1)", field="projectIds")
    wanted = list(dict.fromkeys(project_ids))
    found = {p.id: p for p in await Project.filter(id__in=wanted)}
    for i, pid in enumerate(wanted):
        if pid not in found:
            raise NotFound("Project", pid, field=f"projectIds.{i}")
    return [found[pid] for pid in wanted]


def check_status_change(current: MentorStatus | None, wanted: MentorStatus) -> None:
    """Onboarding's statuses (applied, contract, declined) are set and left by onboarding only
    (domain.services.onboarding: apply, review, sign, activate, decline), never by a profile change."""
    if wanted in ONBOARDING_STATUSES and wanted != current:
        raise ValidationFailed(
            f"{wanted.value} is an onboarding status: a mentor applies with applyAsMentor", field="status"
        )
    if current in ONBOARDING_STATUSES and wanted != current:
        raise ValidationFailed(
            f"the mentor is in onboarding ({current.value}): activateMentor makes them active once every "
            "document is accepted and the contract signed",
            field="status",
        )


async def create_mentor(data: MentorInput, *, actor: str = "system") -> Mentor:
    """A new mentor, on the one path of the projects they list (R3: recorded as their first path)."""
    check_status_change(None, data.status)
    return await insert_mentor(data, actor=actor)


async def insert_mentor(data: MentorInput, *, actor: str) -> Mentor:
    """:func:`create_mentor` without the status check: onboarding creates its applicants with it."""
    name = require_text(data.name, field="name")
    email = require_email(data.email)
    check_capacity(data.capacity)
    zone(data.timezone)
    languages = languages_text(data.languages)
    windows = validate_windows(list(data.availability), field="availability")
    async with in_transaction():
        projects = await _projects(data.project_ids)
        path_id = one_path_for_a_new_mentor(projects)
        async with unique_as_conflict("email", f"a mentor with email {email} exists already"):
            mentor = await Mentor.create(
                name=name,
                email=email,
                capacity=data.capacity,
                timezone=data.timezone,
                languages=languages,
                status=data.status,
                start_date=data.start_date,
            )
        await mentor.projects.add(*projects)
        await record_first_path(mentor, path_id, actor=actor)
        await replace_mentor_windows(mentor, windows)
        return mentor


async def update_mentor(mentor_id: int, patch: MentorPatch) -> Mentor:
    async with in_transaction():
        mentor = await lock_or_not_found(Mentor, mentor_id, field="id")
        if patch.name is not None:
            mentor.name = require_text(patch.name, field="name")
        if patch.email is not None:
            mentor.email = require_email(patch.email)
        if patch.capacity is not None:
            mentor.capacity = check_capacity(patch.capacity)
            # R2: never below the current students (the mentor row is locked: no pair sneaks in).
            await eligibility.check_capacity_covers_load(mentor.id, mentor.capacity)
        if patch.timezone is not None:
            zone(patch.timezone)
            mentor.timezone = patch.timezone
        if patch.languages is not None:
            mentor.languages = languages_text(patch.languages)
        if patch.status is not None:
            check_status_change(mentor.status, patch.status)
            mentor.status = patch.status
        if patch.start_date is not None:
            mentor.start_date = patch.start_date
        if patch.project_ids is not None:
            projects = await _projects(patch.project_ids)
            await check_projects_on_paths(mentor.id, projects)
            await mentor.projects.clear()
            await mentor.projects.add(*projects)
        mentor.version += 1
        async with unique_as_conflict("email", f"a mentor with email {mentor.email} exists already"):
            await mentor.save()
        return mentor
