from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services import students
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.inputs import CreateStudentInput, UpdateStudentInput, to_windows
from schema.types import Student


@strawberry.type
class StudentPayload:
    student: Student


StudentResult = Annotated[
    StudentPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("StudentResult")
]


@strawberry.type
class StudentMutations:
    @strawberry.mutation(description="Enrol a student on a path and project, with profile and availability.")
    async def create_student(self, input: CreateStudentInput) -> StudentResult:
        async def run() -> StudentPayload:
            data = students.StudentInput(
                name=input.name,
                email=input.email,
                path_id=input.path_id,
                current_project_id=input.current_project_id,
                funding=input.funding,
                allowed_weekdays=input.allowed_weekdays,
                status=input.status,
                timezone=input.timezone,
                session_minutes=input.session_minutes,
                weekly_hours=input.weekly_hours,
                languages=input.languages,
                phone=input.phone,
                address=input.address,
                photo_url=input.photo_url,
                latest_diploma=input.latest_diploma,
                training_objective=input.training_objective,
                availability=to_windows(input.availability, field="availability"),
            )
            return StudentPayload(student=Student.of(await students.create_student(data)))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Change a student; omitted fields keep their value.")
    async def update_student(self, input: UpdateStudentInput) -> StudentResult:
        async def run() -> StudentPayload:
            patch = students.StudentPatch(
                name=input.name,
                email=input.email,
                current_project_id=input.current_project_id,
                funding=input.funding,
                allowed_weekdays=input.allowed_weekdays,
                status=input.status,
                timezone=input.timezone,
                session_minutes=input.session_minutes,
                weekly_hours=input.weekly_hours,
                languages=input.languages,
                phone=input.phone,
                address=input.address,
                photo_url=input.photo_url,
                latest_diploma=input.latest_diploma,
                training_objective=input.training_objective,
            )
            return StudentPayload(student=Student.of(await students.update_student(input.id, patch)))

        return await REFUSALS.attempt(run)
