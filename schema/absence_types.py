"""GraphQL view of a mentor's absences (R5) and their hand-overs, and the ``mentorAbsences`` query."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain import enums, models
from domain.services import absences
from schema.context import Info

HandoverStatus = strawberry.enum(
    enums.HandoverStatus,
    name="HandoverStatus",
    description="A long absence (R5): the student waits for a substitute, has one planned (they stay with "
    "their mentor until the absence starts), has one, is back, or the hand-over was cancelled (or the "
    "student could not go back: see note).",
)


@strawberry.type(description="R5: one student of an absent mentor, handed to a substitute and back.")
class Handover:
    student_id: int
    status: HandoverStatus  # type: ignore[valid-type]
    original_mentorship_id: int = strawberry.field(description="The pair with the absent mentor.")
    substitute_mentorship_id: int | None = strawberry.field(description="The substitute's pair.")
    returned_mentorship_id: int | None = strawberry.field(description="The pair with the mentor on return.")
    note: str = strawberry.field(description="Why the student did not go back, when they did not.")
    planned_mentor_id: int | None = strawberry.field(
        description="The substitute a published hand-over run chose; the student goes to them on "
        "plannedStartsOn (the daily step), not before the absence starts."
    )
    planned_starts_on: date | None = strawberry.field(description="The substitute's pair's first day.")
    planned_weekday: int | None = strawberry.field(description="The substitute's weekly slot (0 Monday).")
    planned_start_minute: int | None = strawberry.field(description="Minutes after midnight, Paris time.")

    @staticmethod
    def of(row: models.Handover) -> Handover:
        return Handover(
            student_id=row.student_id,
            status=row.status,
            original_mentorship_id=row.original_id,
            substitute_mentorship_id=row.substitute_id,
            returned_mentorship_id=row.returned_id,
            note=row.note,
            planned_mentor_id=row.planned_mentor_id,
            planned_starts_on=row.planned_starts_on,
            planned_weekday=row.planned_weekday,
            planned_start_minute=row.planned_start_minute,
        )


@strawberry.type(description="R5: a mentor away from startsOn to endsOn (Paris dates, both included).")
class MentorAbsence:
    id: int
    mentor_id: int
    starts_on: date
    ends_on: date
    long: bool = strawberry.field(
        description="More than 14 days: the students are handed to substitutes, then come back."
    )
    reason: str
    recorded_by: str
    cancelled_at: datetime | None
    returned_at: datetime | None = strawberry.field(description="When the students were given back.")

    @staticmethod
    def of(row: models.MentorAbsence) -> MentorAbsence:
        return MentorAbsence(
            id=row.id,
            mentor_id=row.mentor_id,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            long=row.long,
            reason=row.reason,
            recorded_by=row.recorded_by,
            cancelled_at=row.cancelled_at,
            returned_at=row.returned_at,
        )

    @strawberry.field(description="A long absence's hand-overs, one per student.")
    async def handovers(self, info: Info) -> list[Handover]:
        rows = await info.context.loaders.handovers_by_absence.load(self.id)
        return [Handover.of(r) for r in rows]


@strawberry.type
class AbsenceQueries:
    @strawberry.field(description="A mentor's absences, latest first, cancelled ones included (R5).")
    async def mentor_absences(self, mentor_id: int) -> list[MentorAbsence]:
        rows = await absences.absences_of(mentor_id)
        return [MentorAbsence.of(r) for r in rows]
