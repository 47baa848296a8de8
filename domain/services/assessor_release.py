"""R5, R6, R20: an assessor who can no longer assess (away, leaving) gives their presentations back.

Kept apart from ``assessments`` (which books through ``sessions``) so that absences and departures, which
``sessions`` reads, can call it without an import cycle.
"""

from __future__ import annotations

from datetime import datetime

from domain import payloads
from domain.enums import AssessmentStatus
from domain.models import Assessment
from domain.services import events


async def release_assessor(
    mentor_id: int,
    *,
    starts_from: datetime,
    starts_before: datetime | None,
    reason: str,
    actor: str,
    absence_id: int | None = None,
) -> int:
    """R5, R6, R20: presentations the mentor was to assess from ``starts_from`` (up to ``starts_before``)
    lose their assessor and wait for another one (``awaiting_assessor``, with the reason); the student and
    the mentor are told. Runs inside the caller's transaction; returns how many were released."""
    query = Assessment.select_for_update().filter(
        assessor_id=mentor_id, status=AssessmentStatus.SCHEDULED, starts_at__gte=starts_from
    )
    if starts_before is not None:
        query = query.filter(starts_at__lt=starts_before)
    rows = await query
    items: list[tuple[str, str, payloads.AssessmentUnassignedPayload]] = []
    for assessment in rows:
        was = assessment.starts_at
        assessment.assessor_id = None
        assessment.starts_at = None
        assessment.status = AssessmentStatus.AWAITING_ASSESSOR
        assessment.unassigned_reason = reason
        await assessment.save()
        body: payloads.AssessmentUnassignedPayload = {
            "assessmentId": assessment.id,
            "previousStartsAt": was.isoformat() if was else None,
            "actor": actor,
        }
        if absence_id is not None:
            body["absenceId"] = absence_id
        items.append((events.student_topic(assessment.student_id), "assessment_unassigned", body))
        items.append((events.mentor_topic(mentor_id), "assessment_unassigned", body))
    if items:
        await events.record_many(items)
    return len(rows)
