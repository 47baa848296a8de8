"""GraphQL input types and their conversion to the domain services' plain inputs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import strawberry

from domain.paris_time import WeeklyWindow, parse_wall_time
from schema.types import Funding, MentorStatus, StudentStatus


@strawberry.input(description="A weekly window in the owner's time zone; times as HH:MM, end may be 24:00.")
class AvailabilityWindowInput:
    weekday: int
    start: str
    end: str


def to_windows(items: Sequence[AvailabilityWindowInput] | None, *, field: str) -> list[WeeklyWindow]:
    return [
        WeeklyWindow(
            weekday=w.weekday,
            start_minute=parse_wall_time(w.start, field=f"{field}.{i}.start"),
            end_minute=parse_wall_time(w.end, field=f"{field}.{i}.end"),
        )
        for i, w in enumerate(items or [])
    ]


@strawberry.input
class CreatePathInput:
    name: str
    description: str = ""
    duration_months: int = 12


@strawberry.input
class UpdatePathInput:
    id: int
    name: str | None = None
    description: str | None = None
    duration_months: int | None = None


@strawberry.input
class CreateProjectInput:
    path_id: int
    name: str
    level: int = 2
    position: int = 0
    description: str = ""


@strawberry.input
class UpdateProjectInput:
    id: int
    name: str | None = None
    level: int | None = None
    position: int | None = None
    description: str | None = None


@strawberry.input
class CreateMentorInput:
    name: str
    email: str
    capacity: int
    project_ids: list[int]
    start_date: date
    timezone: str = "Europe/Paris"
    languages: list[str] = strawberry.field(default_factory=lambda: ["fr"])
    status: MentorStatus = MentorStatus.ACTIVE  # type: ignore[valid-type]
    availability: list[AvailabilityWindowInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateMentorInput:
    id: int
    name: str | None = None
    email: str | None = None
    capacity: int | None = None
    project_ids: list[int] | None = None
    timezone: str | None = None
    languages: list[str] | None = None
    status: MentorStatus | None = None  # type: ignore[valid-type]
    start_date: date | None = None


@strawberry.input
class CreateStudentInput:
    name: str
    email: str
    path_id: int
    current_project_id: int
    funding: Funding = Funding.SELF_FUNDED  # type: ignore[valid-type]
    allowed_weekdays: list[int] | None = None
    status: StudentStatus = StudentStatus.OTHER  # type: ignore[valid-type]
    timezone: str = "Europe/Paris"
    session_minutes: int = 45
    weekly_hours: int = 15
    languages: list[str] = strawberry.field(default_factory=lambda: ["fr"])
    phone: str = ""
    address: str = ""
    photo_url: str = ""
    latest_diploma: str = ""
    training_objective: str = ""
    availability: list[AvailabilityWindowInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateStudentInput:
    id: int
    name: str | None = None
    email: str | None = None
    current_project_id: int | None = None
    funding: Funding | None = None  # type: ignore[valid-type]
    allowed_weekdays: list[int] | None = None
    status: StudentStatus | None = None  # type: ignore[valid-type]
    timezone: str | None = None
    session_minutes: int | None = None
    weekly_hours: int | None = None
    languages: list[str] | None = None
    phone: str | None = None
    address: str | None = None
    photo_url: str | None = None
    latest_diploma: str | None = None
    training_objective: str | None = None


@strawberry.input
class CreateMentorshipInput:
    student_id: int
    mentor_id: int
    first_session_at: str = strawberry.field(
        description="The discovery session in Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset)."
    )
    fold: int | None = strawberry.field(
        default=None,
        description="Only for a time repeated by the autumn change: 0 the first (summer), 1 the second.",
    )
