"""Students: path and current project (R9), the R10 profile, funding weekdays (R11), availability."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.enums import ALL_WEEKDAYS_MASK, FUNDING_WEEKDAYS, Funding, StudentStatus
from domain.errors import ValidationFailed
from domain.models import Path, Project, Student
from domain.outbox import in_transaction
from domain.paris_time import WeeklyWindow, validate_windows, zone
from domain.services._common import (
    get_or_not_found,
    languages_text,
    lock_or_not_found,
    require_email,
    require_range,
    require_text,
    unique_as_conflict,
)
from domain.services.availability import replace_student_windows


@dataclass(frozen=True, slots=True)
class StudentInput:
    name: str
    email: str
    path_id: int
    current_project_id: int
    funding: Funding = Funding.SELF_FUNDED
    # None: the weekdays the funding allows (R11). Otherwise a subset of them, as weekday numbers.
    allowed_weekdays: Sequence[int] | None = None
    status: StudentStatus = StudentStatus.OTHER
    timezone: str = "Europe/Paris"
    session_minutes: int = 45
    weekly_hours: int = 15
    languages: Sequence[str] = ("fr",)
    phone: str = ""
    address: str = ""
    photo_url: str = ""
    latest_diploma: str = ""
    training_objective: str = ""
    availability: Sequence[WeeklyWindow] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class StudentPatch:
    name: str | None = None
    email: str | None = None
    current_project_id: int | None = None
    funding: Funding | None = None
    allowed_weekdays: Sequence[int] | None = None
    status: StudentStatus | None = None
    timezone: str | None = None
    session_minutes: int | None = None
    weekly_hours: int | None = None
    languages: Sequence[str] | None = None
    phone: str | None = None
    address: str | None = None
    photo_url: str | None = None
    latest_diploma: str | None = None
    training_objective: str | None = None


def weekday_mask(funding: Funding, weekdays: Sequence[int] | None) -> int:
    """R11: the funding's weekdays, narrowed to ``weekdays`` when given; never outside the funding."""
    allowed = FUNDING_WEEKDAYS[funding]
    if weekdays is None:
        return allowed
    mask = 0
    for i, day in enumerate(weekdays):
        if not 0 <= day <= 6:
            raise ValidationFailed("weekday must be 0 (Monday) to 6 (Sunday)", field=f"allowedWeekdays.{i}")
        if not allowed & (1 << day):
            raise ValidationFailed(
                f"funding {funding.value} does not allow weekday {day}", field=f"allowedWeekdays.{i}"
            )
        mask |= 1 << day
    if not mask & ALL_WEEKDAYS_MASK:
        raise ValidationFailed("at least one weekday is needed", field="allowedWeekdays")
    return mask


async def _project_on_path(project_id: int, path_id: int, *, field: str) -> Project:
    project = await get_or_not_found(Project, project_id, field=field)
    if project.path_id != path_id:
        raise ValidationFailed(f"project {project_id} is not on path {path_id} (R9)", field=field)
    return project


async def create_student(data: StudentInput) -> Student:
    name = require_text(data.name, field="name")
    email = require_email(data.email)
    zone(data.timezone)
    require_range(data.session_minutes, 30, 60, field="sessionMinutes")
    require_range(data.weekly_hours, 15, 35, field="weeklyHours")
    languages = languages_text(data.languages)
    mask = weekday_mask(data.funding, data.allowed_weekdays)
    windows = validate_windows(list(data.availability), field="availability")
    async with in_transaction():
        await get_or_not_found(Path, data.path_id, field="pathId")
        await _project_on_path(data.current_project_id, data.path_id, field="currentProjectId")
        async with unique_as_conflict("email", f"a student with email {email} exists already"):
            student = await Student.create(
                name=name,
                email=email,
                path_id=data.path_id,
                current_project_id=data.current_project_id,
                funding=data.funding,
                allowed_weekdays=mask,
                status=data.status,
                timezone=data.timezone,
                session_minutes=data.session_minutes,
                weekly_hours=data.weekly_hours,
                languages=languages,
                phone=data.phone,
                address=data.address,
                photo_url=data.photo_url,
                latest_diploma=data.latest_diploma,
                training_objective=data.training_objective,
            )
        await replace_student_windows(student, windows)
        return student


async def update_student(student_id: int, patch: StudentPatch) -> Student:
    async with in_transaction():
        student = await lock_or_not_found(Student, student_id, field="id")
        if patch.name is not None:
            student.name = require_text(patch.name, field="name")
        if patch.email is not None:
            student.email = require_email(patch.email)
        if patch.current_project_id is not None and patch.current_project_id != student.current_project_id:
            # R8, R20: moving on goes through finishProject (assessment, mentor kept or re-matched).
            raise ValidationFailed(
                "the current project changes only when the student finishes one: use finishProject",
                field="currentProjectId",
            )
        if patch.funding is not None or patch.allowed_weekdays is not None:
            student.funding = patch.funding or student.funding
            student.allowed_weekdays = weekday_mask(student.funding, patch.allowed_weekdays)
        if patch.status is not None:
            student.status = patch.status
        if patch.timezone is not None:
            zone(patch.timezone)
            student.timezone = patch.timezone
        if patch.session_minutes is not None:
            student.session_minutes = require_range(patch.session_minutes, 30, 60, field="sessionMinutes")
        if patch.weekly_hours is not None:
            student.weekly_hours = require_range(patch.weekly_hours, 15, 35, field="weeklyHours")
        if patch.languages is not None:
            student.languages = languages_text(patch.languages)
        for attr in ("phone", "address", "photo_url", "latest_diploma", "training_objective"):
            value = getattr(patch, attr)
            if value is not None:
                setattr(student, attr, value)
        student.version += 1
        async with unique_as_conflict("email", f"a student with email {student.email} exists already"):
            await student.save()
        return student
