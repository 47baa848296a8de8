"""R5: a mentor records an absence (or cancels it before it starts). A long one queues the hand-over run,
enqueued after the commit like any run; both sides get assignment events."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.services import absences, pairing
from schema.absence_types import MentorAbsence
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.run_types import MatchingRun


@strawberry.input(description="Paris dates, both included. More than 14 days: the students are handed over.")
class RecordAbsenceInput:
    mentor_id: int
    starts_on: date
    ends_on: date
    reason: str = ""


@strawberry.type
class AbsencePayload:
    absence: MentorAbsence
    handover_run: MatchingRun | None = strawberry.field(
        description="A long absence: the queued run that finds substitutes for the mentor's students "
        "(shown to staff only: its proposal names other people)."
    )
    cancelled_sessions: int = strawberry.field(
        description="The mentor's sessions inside the absence, cancelled without penalty."
    )


@strawberry.type
class AbsenceCancelledPayload:
    absence: MentorAbsence


AbsenceResult = Annotated[
    AbsencePayload | ValidationError | NotFoundError | ConflictError, strawberry.union("AbsenceResult")
]
CancelAbsenceResult = Annotated[
    AbsenceCancelledPayload | ValidationError | NotFoundError | ConflictError,
    strawberry.union("CancelAbsenceResult"),
]


@strawberry.type
class AbsenceMutations:
    @strawberry.mutation(
        description="Record a mentor's absence (R5): the sessions inside it are cancelled without penalty; "
        "up to 14 days the mentor books catch-up sessions, longer the students are handed to substitutes "
        "(handoverRun) and come back when it ends."
    )
    async def record_absence(self, info: Info, input: RecordAbsenceInput) -> AbsenceResult:
        actor = pairing.actor_of(await info.context.current_viewer())
        result = await REFUSALS.attempt(
            lambda: absences.record_absence(
                input.mentor_id, input.starts_on, input.ends_on, input.reason, actor=actor
            )
        )
        if not isinstance(result, absences.Recorded):
            return result
        return AbsencePayload(
            absence=MentorAbsence.of(result.absence),
            handover_run=MatchingRun.shown_to(result.run, await info.context.current_viewer()),
            cancelled_sessions=result.cancelled_sessions,
        )

    @strawberry.mutation(
        description="Cancel an absence before it starts; students already handed over come back now."
    )
    async def cancel_absence(self, info: Info, id: int) -> CancelAbsenceResult:
        actor = pairing.actor_of(await info.context.current_viewer())
        result = await REFUSALS.attempt(lambda: absences.cancel_absence(id, actor=actor))
        if isinstance(result, ValidationError | NotFoundError | ConflictError):
            return result
        return AbsenceCancelledPayload(absence=MentorAbsence.of(result))
