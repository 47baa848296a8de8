"""GraphQL views of assessments (R20). Ids only, no nested people: who may read an assessment is decided
by the root policies (schema.policies) and, object by object, by the guard."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from domain import enums, models
from domain.paris_time import PARIS

AssessmentStatus = strawberry.enum(
    enums.AssessmentStatus, name="AssessmentStatus", description="R20: a presentation's state."
)


@strawberry.type(
    description="R20: a finished project presented to an assessor who was never the student's mentor."
)
class Assessment:
    id: int
    student_id: int
    project_id: int = strawberry.field(description="The finished project.")
    assessor_id: int | None = strawberry.field(description="Null while waiting for an assessor.")
    status: AssessmentStatus  # type: ignore[valid-type]
    starts_at: datetime | None = strawberry.field(description="The presentation's instant, in UTC.")
    duration_minutes: int
    assigned_by: str = strawberry.field(description="Who assigned the assessor (auto: found by the system).")
    unassigned_reason: str = strawberry.field(description="Why no assessor could be found automatically.")
    notes: str
    recording: str = strawberry.field(
        description="R14: where the presentation's recording is (https URL or storage key), for the panel."
    )

    @staticmethod
    def of(row: models.Assessment) -> Assessment:
        return Assessment(
            id=row.id,
            student_id=row.student_id,
            project_id=row.project_id,
            assessor_id=row.assessor_id,
            status=row.status,
            starts_at=row.starts_at,
            duration_minutes=row.duration_minutes,
            assigned_by=row.assigned_by,
            unassigned_reason=row.unassigned_reason,
            notes=row.notes,
            recording=row.recording,
        )

    @strawberry.field(description="Start in Paris wall-clock time, ISO 8601 with its offset.")
    def starts_at_paris(self) -> str | None:
        return self.starts_at.astimezone(PARIS).isoformat(timespec="minutes") if self.starts_at else None

    @strawberry.field
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.duration_minutes) if self.starts_at else None
