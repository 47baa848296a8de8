"""A student finishes their project (R8, R9, R20): the next project, the pair kept or ended, and the
finished project's assessment with an assessor when one can be found."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services import pairing, progress
from schema.assessment_types import Assessment
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.types import Mentorship, Student


@strawberry.input
class FinishProjectInput:
    student_id: int
    next_project_id: int | None = strawberry.field(
        default=None,
        description="The project the student moves to, on their path (R9); default: the next by position. "
        "Null after the last project: the path is completed.",
    )
    project_id: int | None = strawberry.field(
        default=None,
        description="The project being finished; when given it must be the current one (guards against "
        "a double submit finishing two projects).",
    )


@strawberry.type
class FinishProjectPayload:
    student: Student
    assessment: Assessment = strawberry.field(description="The finished project's presentation (R20).")
    mentor_kept: bool = strawberry.field(
        description="R8: the current mentor lists the new project and keeps the student."
    )
    ended_mentorship: Mentorship | None = strawberry.field(
        description="The pair that ended (project change or path completed); the student then waits for "
        "the next matching run."
    )


FinishProjectResult = Annotated[
    FinishProjectPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("FinishProjectResult"),
]


@strawberry.type
class ProgressMutations:
    @strawberry.mutation(
        description="The student finished their current project: move on (R8, R9) and create its "
        "assessment, with an assessor found automatically when possible (R20)."
    )
    async def finish_project(self, info: Info, input: FinishProjectInput) -> FinishProjectResult:
        async def run() -> FinishProjectPayload:
            actor = pairing.actor_of(await info.context.current_viewer())
            done = await progress.finish_project(
                input.student_id,
                next_project_id=input.next_project_id,
                project_id=input.project_id,
                actor=actor,
            )
            return FinishProjectPayload(
                student=Student.of(done.student),
                assessment=Assessment.of(done.assessment),
                mentor_kept=done.mentor_kept,
                ended_mentorship=Mentorship.of(done.ended) if done.ended else None,
            )

        result = await REFUSALS.attempt(run)
        return result
