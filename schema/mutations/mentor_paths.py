"""R3: put a mentor on another path (after three months of mentoring, or by a staff override)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain import models
from domain.services import mentor_paths, pairing
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.types import Mentor, MentorPathEntry


@strawberry.input(description="A mentor asks for another path; only staff may override the three months.")
class AddMentorPathInput:
    mentor_id: int
    path_id: int
    override: bool = strawberry.field(
        default=False, description="Staff only: add it before three months of mentoring (R3)."
    )
    override_reason: str | None = strawberry.field(default=None, description="Required with override.")


@strawberry.type
class MentorPathPayload:
    mentor: Mentor
    path: MentorPathEntry


MentorPathResult = Annotated[
    MentorPathPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("MentorPathResult")
]


@strawberry.type
class MentorPathMutations:
    @strawberry.mutation(
        description="Put a mentor on another path (R3): after three months of mentoring "
        "(PATH_NOT_ALLOWED_YET before, with the date it becomes possible), or earlier by a staff override "
        "with a reason, which is recorded. Staff, or the mentor themself (without override)."
    )
    async def add_mentor_path(self, info: Info, input: AddMentorPathInput) -> MentorPathResult:
        async def run() -> MentorPathPayload:
            viewer = await info.context.current_viewer()
            row = await mentor_paths.add_path(
                input.mentor_id,
                input.path_id,
                actor=pairing.actor_of(viewer),
                is_staff=viewer.is_staff,
                override=input.override,
                override_reason=input.override_reason or "",
            )
            mentor = await models.Mentor.get(id=row.mentor_id)
            return MentorPathPayload(mentor=Mentor.of(mentor), path=MentorPathEntry.of(row))

        return await REFUSALS.attempt(run)
