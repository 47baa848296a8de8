"""R7: a student or a mentor ends their pair, no reason required; the pair is never proposed again."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from domain.services import change_requests, pairing
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.run_types import MatchingRun
from schema.types import Mentorship


@strawberry.enum(description="The side of the pair that asks for the change.")
class ChangeRequestedBy(Enum):
    STUDENT = "student"
    MENTOR = "mentor"


_SIDES: dict[ChangeRequestedBy, change_requests.Side] = {
    ChangeRequestedBy.STUDENT: "student",
    ChangeRequestedBy.MENTOR: "mentor",
}


@strawberry.input
class RequestMentorChangeInput:
    mentorship_id: int
    requested_by: ChangeRequestedBy | None = strawberry.field(
        default=None,
        description="Staff say on whose behalf they ask; a mentor or a student asks for themself.",
    )
    reason: str = strawberry.field(default="", description="Optional, never required; kept in the audit.")
    propose_replacement: bool = strawberry.field(
        default=False,
        description="Queue a run placing the student with another mentor now, for staff to review.",
    )


@strawberry.type
class ChangePayload:
    mentorship: Mentorship = strawberry.field(description="The pair, now ended.")
    replacement_run: MatchingRun | None = strawberry.field(
        description="The run proposing another mentor, when asked (shown to staff only)."
    )


ChangeResult = Annotated[
    ChangePayload | ValidationError | NotFoundError | ConflictError, strawberry.union("ChangeResult")
]


@strawberry.type
class ChangeRequestMutations:
    @strawberry.mutation(
        description="End a pair at the student's or the mentor's request, without reason (R7). Future "
        "sessions are cancelled without penalty and the pair is never proposed again."
    )
    async def request_mentor_change(self, info: Info, input: RequestMentorChangeInput) -> ChangeResult:
        viewer = await info.context.current_viewer()

        async def run() -> ChangePayload:
            requested_by = _SIDES[input.requested_by] if input.requested_by is not None else None
            side = change_requests.side_of(viewer, requested_by)
            outcome = await change_requests.request_change(
                input.mentorship_id,
                side=side,
                actor=pairing.actor_of(viewer),
                reason=input.reason,
                propose_replacement=input.propose_replacement,
            )
            replacement = outcome.replacement_run
            return ChangePayload(
                mentorship=Mentorship.of(outcome.mentorship),
                replacement_run=MatchingRun.shown_to(replacement, viewer),
            )

        return await REFUSALS.attempt(run)
