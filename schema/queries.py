"""Queries: one object by id, or a filtered, paginated list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import TypeVar

import strawberry
from tortoise.expressions import Subquery

from domain import models
from domain.access import visible_mentors, visible_sessions, visible_students
from domain.enums import AssessmentStatus as AssessmentStatusEnum
from domain.enums import SessionStatus as SessionStatusEnum
from domain.errors import DomainError
from schema.assessment_types import Assessment, AssessmentStatus
from schema.context import Info
from schema.errors import coded
from schema.loaders import paris_week_bounds
from schema.pagination import Connection, paginate_queryset
from schema.types import Mentor, Mentorship, MentorStatus, Path, Project, Session, SessionStatus, Student

T = TypeVar("T")


async def _typed(action: Callable[[], Awaitable[T]]) -> T:
    """Queries cannot return unions without burdening every client; a domain error becomes a GraphQL
    error whose extensions carry the same stable code and field as the mutations' typed errors."""
    try:
        return await action()
    except DomainError as error:
        raise coded(error) from error


@strawberry.type(description="Who the request's bearer token speaks for.")
class ViewerInfo:
    role: str | None
    mentor_id: int | None
    student_id: int | None
    token_id: int | None = strawberry.field(description="The token's id, for revokeToken.")


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in viewer (all null when anonymous).")
    def viewer(self, info: Info) -> ViewerInfo:
        v = info.context.viewer
        return ViewerInfo(
            role=v.role.value if v.role else None,
            mentor_id=v.mentor_id,
            student_id=v.student_id,
            token_id=v.token_id,
        )

    @strawberry.field
    async def path(self, info: Info, id: int) -> Path | None:
        row = await info.context.loaders.path.load(id)
        return Path.of(row) if row else None

    @strawberry.field
    async def paths(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Path]:
        return await _typed(
            lambda: paginate_queryset(
                "Path",
                models.Path.all(),
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=Path.of,
            )
        )

    @strawberry.field
    async def project(self, info: Info, id: int) -> Project | None:
        row = await info.context.loaders.project.load(id)
        return Project.of(row) if row else None

    @strawberry.field
    async def projects(
        self,
        info: Info,
        path_id: int | None = None,
        level: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Project]:
        qs = models.Project.all()
        if path_id is not None:
            qs = qs.filter(path_id=path_id)
        if level is not None:
            qs = qs.filter(level=level)
        return await _typed(
            lambda: paginate_queryset(
                "Project",
                qs,
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=Project.of,
            )
        )

    @strawberry.field
    async def mentor(self, info: Info, id: int) -> Mentor | None:
        row = await info.context.loaders.mentor.load(id)
        return Mentor.of(row) if row else None

    @strawberry.field(description="Mentors, optionally those who list a project, or any project of a path.")
    async def mentors(
        self,
        info: Info,
        project_id: int | None = None,
        path_id: int | None = None,
        status: MentorStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Mentor]:
        qs = visible_mentors(models.Mentor.all(), info.context.viewer)
        if project_id is not None:
            qs = qs.filter(id__in=Subquery(models.Mentor.filter(projects__id=project_id).values("id")))
        if path_id is not None:
            qs = qs.filter(id__in=Subquery(models.Mentor.filter(projects__path_id=path_id).values("id")))
        if status is not None:
            qs = qs.filter(status=status)
        return await _typed(
            lambda: paginate_queryset(
                "Mentor",
                qs,
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=Mentor.of,
            )
        )

    @strawberry.field
    async def student(self, info: Info, id: int) -> Student | None:
        row = await info.context.loaders.student.load(id)
        return Student.of(row) if row else None

    @strawberry.field(description="Students; withoutMentor: true lists those waiting for a mentor.")
    async def students(
        self,
        info: Info,
        path_id: int | None = None,
        project_id: int | None = None,
        without_mentor: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Student]:
        qs = visible_students(models.Student.all(), info.context.viewer)
        if path_id is not None:
            qs = qs.filter(path_id=path_id)
        if project_id is not None:
            qs = qs.filter(current_project_id=project_id)
        if without_mentor is not None:
            paired = Subquery(models.Mentorship.filter(ended_on__isnull=True).values("student_id"))
            qs = qs.filter(id__not_in=paired) if without_mentor else qs.filter(id__in=paired)
        return await _typed(
            lambda: paginate_queryset(
                "Student",
                qs,
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=Student.of,
            )
        )

    @strawberry.field
    async def mentorship(self, info: Info, id: int) -> Mentorship | None:
        row = await models.Mentorship.get_or_none(id=id)
        return Mentorship.of(row) if row else None

    @strawberry.field(description="Sessions of the Paris ISO week containing `week`, by mentor or student.")
    async def sessions(
        self,
        info: Info,
        week: date,
        mentor_id: int | None = None,
        student_id: int | None = None,
        status: SessionStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Session]:
        start, end = paris_week_bounds(week)
        qs = visible_sessions(
            models.Session.filter(starts_at__gte=start, starts_at__lt=end), info.context.viewer
        )
        if mentor_id is not None:
            qs = qs.filter(mentorship__mentor_id=mentor_id)
        if student_id is not None:
            qs = qs.filter(mentorship__student_id=student_id)
        if status is not None:
            qs = qs.filter(status=SessionStatusEnum(status))
        return await _typed(
            lambda: paginate_queryset(
                "Session",
                qs,
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=Session.of,
            )
        )

    @strawberry.field(
        description="Assessments (R20), by student, assessor or status. A mentor reads those they assess "
        "(assessorId = self), a student their own (studentId = self)."
    )
    async def assessments(
        self,
        info: Info,
        student_id: int | None = None,
        assessor_id: int | None = None,
        status: AssessmentStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Assessment]:
        qs = models.Assessment.all()
        if student_id is not None:
            qs = qs.filter(student_id=student_id)
        if assessor_id is not None:
            qs = qs.filter(assessor_id=assessor_id)
        if status is not None:
            qs = qs.filter(status=AssessmentStatusEnum(status))
        return await _typed(
            lambda: paginate_queryset(
                "Assessment",
                qs,
                first=first,
                after=after,
                cap=info.context.settings.max_page_size,
                to_node=Assessment.of,
            )
        )
