"""Assessments (R20): assign an assessor by hand or automatically, record the result, cancel.

Times are Paris wall-clock times ``YYYY-MM-DDTHH:MM`` (R15). Refusals are typed: ``ASSESSOR_WAS_MENTOR``
(the mentor is or was the student's mentor), ``SLOT_TAKEN`` (an overlap with a session or a presentation
of either side), ``NONEXISTENT_LOCAL_TIME`` / ``AMBIGUOUS_LOCAL_TIME``, ``VALIDATION`` for the rest.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.paris_time import parse_local_datetime
from domain.services import assessments, pairing
from domain.services._common import require_range
from schema.assessment_types import Assessment
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.mutations.sessions import BOOKING, SlotTaken

MAX_HORIZON_DAYS = 60


@strawberry.type
class AssessmentPayload:
    assessment: Assessment


AssessmentResult = Annotated[
    AssessmentPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("AssessmentResult")
]
AssignAssessorResult = Annotated[
    AssessmentPayload | SlotTaken | ValidationError | NotFoundError | ConflictError,
    strawberry.union("AssignAssessorResult"),
]


@strawberry.input
class AssignAssessorInput:
    assessment_id: int
    mentor_id: int
    starts_at: str = strawberry.field(description="Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset).")
    fold: int | None = strawberry.field(default=None, description="Repeated autumn time: 0 first, 1 second.")


@strawberry.input
class RecordAssessmentResultInput:
    id: int
    passed: bool
    notes: str = ""


@strawberry.input
class CancelAssessmentInput:
    id: int
    reason: str = ""


@strawberry.type
class AssessmentMutations:
    @strawberry.mutation(
        description="Choose the assessor and the Paris time by hand (or move a scheduled presentation). "
        "Never the student's mentor, current or past (R20)."
    )
    async def assign_assessor(self, info: Info, input: AssignAssessorInput) -> AssignAssessorResult:
        async def run() -> AssessmentPayload:
            actor = pairing.actor_of(await info.context.current_viewer())
            row = await assessments.assign_assessor(
                input.assessment_id,
                input.mentor_id,
                parse_local_datetime(input.starts_at, field="startsAt"),
                fold=input.fold,
                actor=actor,
            )
            return AssessmentPayload(assessment=Assessment.of(row))

        result = await BOOKING.attempt(run)
        return result

    @strawberry.mutation(
        description="Look again for an assessor for an assessment awaiting one: the least loaded eligible "
        "mentor with a common slot in the next horizonDays days, or the reason there is none."
    )
    async def auto_assign_assessor(
        self, info: Info, assessment_id: int, horizon_days: int = assessments.HORIZON_DAYS
    ) -> AssessmentResult:
        async def run() -> AssessmentPayload:
            require_range(horizon_days, 1, MAX_HORIZON_DAYS, field="horizonDays")
            actor = pairing.actor_of(await info.context.current_viewer())
            row = await assessments.auto_assign_by_id(assessment_id, actor=actor, horizon_days=horizon_days)
            return AssessmentPayload(assessment=Assessment.of(row))

        result = await REFUSALS.attempt(run)
        return result

    @strawberry.mutation(description="The presentation took place: passed or failed, with notes.")
    async def record_assessment_result(self, input: RecordAssessmentResultInput) -> AssessmentResult:
        async def run() -> AssessmentPayload:
            row = await assessments.record_result(input.id, input.passed, input.notes)
            return AssessmentPayload(assessment=Assessment.of(row))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Cancel an assessment awaiting an assessor or scheduled.")
    async def cancel_assessment(self, info: Info, input: CancelAssessmentInput) -> AssessmentResult:
        async def run() -> AssessmentPayload:
            actor = pairing.actor_of(await info.context.current_viewer())
            row = await assessments.cancel(input.id, reason=input.reason, actor=actor)
            return AssessmentPayload(assessment=Assessment.of(row))

        result = await REFUSALS.attempt(run)
        return result
