from __future__ import annotations

from typing import Annotated

import strawberry

from domain.paris_time import parse_local_datetime
from domain.services import mentorships, pairing
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.inputs import CreateMentorshipInput
from schema.types import Mentorship


@strawberry.type
class MentorshipPayload:
    mentorship: Mentorship


MentorshipResult = Annotated[
    MentorshipPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("MentorshipResult")
]


@strawberry.type
class MentorshipMutations:
    @strawberry.mutation(
        description="Pair a student with a mentor by hand and book the discovery session (Paris time)."
    )
    async def create_mentorship(self, info: Info, input: CreateMentorshipInput) -> MentorshipResult:
        async def run() -> MentorshipPayload:
            data = mentorships.MentorshipInput(
                student_id=input.student_id,
                mentor_id=input.mentor_id,
                first_session_at=parse_local_datetime(input.first_session_at, field="firstSessionAt"),
                fold=input.fold,
            )
            actor = pairing.actor_of(await info.context.current_viewer())
            created = await mentorships.create_mentorship(data, actor=actor)
            return MentorshipPayload(mentorship=Mentorship.of(created))

        result = await REFUSALS.attempt(run)
        return result
