from __future__ import annotations

from typing import Annotated

import strawberry

from domain.services import mentors, pairing
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.inputs import CreateMentorInput, UpdateMentorInput, to_windows
from schema.types import Mentor


@strawberry.type
class MentorPayload:
    mentor: Mentor


MentorResult = Annotated[
    MentorPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("MentorResult")
]


@strawberry.type
class MentorMutations:
    @strawberry.mutation(description="Create a mentor with projects, capacity (1-20) and availability.")
    async def create_mentor(self, info: Info, input: CreateMentorInput) -> MentorResult:
        async def run() -> MentorPayload:
            data = mentors.MentorInput(
                name=input.name,
                email=input.email,
                capacity=input.capacity,
                project_ids=input.project_ids,
                start_date=input.start_date,
                timezone=input.timezone,
                languages=input.languages,
                status=input.status,
                availability=to_windows(input.availability, field="availability"),
            )
            actor = pairing.actor_of(await info.context.current_viewer())
            return MentorPayload(mentor=Mentor.of(await mentors.create_mentor(data, actor=actor)))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Change a mentor; omitted fields keep their value.")
    async def update_mentor(self, input: UpdateMentorInput) -> MentorResult:
        async def run() -> MentorPayload:
            patch = mentors.MentorPatch(
                name=input.name,
                email=input.email,
                capacity=input.capacity,
                project_ids=input.project_ids,
                timezone=input.timezone,
                languages=input.languages,
                status=input.status,
                start_date=input.start_date,
            )
            return MentorPayload(mentor=Mentor.of(await mentors.update_mentor(input.id, patch)))

        return await REFUSALS.attempt(run)
