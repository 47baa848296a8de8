"""The final panel (R20): "at the very end of the training program, a panel of professionals meets to
evaluate all of the assessments. This is when the panel can decide to validate the student's path, which
will lead to certification."

- :func:`panel_queue`: students with no decision yet whose every project of their path passed its
  assessment (recorded presentations, R14, for the panel to review), by id, a page at a time.
- :func:`decide`: the panel's decision (``CERTIFIED`` or ``NOT_CERTIFIED``) with its reason, once per
  student; refused (``PATH_NOT_ASSESSED``) while a project of the path has not passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import Tortoise

from domain.enums import AssessmentStatus, PanelDecision
from domain.errors import Conflict, PathNotAssessed, ValidationFailed
from domain.links import require_reference
from domain.models import Assessment, Certification, Project, Student
from domain.outbox import in_transaction
from domain.services._common import lock_or_not_found, require_text

# A presentation is recorded once it has its assessor and time (R14); a cancelled one has no recording.
RECORDED = (AssessmentStatus.SCHEDULED, AssessmentStatus.PASSED, AssessmentStatus.FAILED)

PASSED = AssessmentStatus.PASSED.value

# Students without a decision whose path has projects, none of them without a passed assessment.
_READY = f"""
FROM "student" s
WHERE NOT EXISTS (SELECT 1 FROM "certification" c WHERE c."student_id" = s."id")
  AND EXISTS (SELECT 1 FROM "project" p WHERE p."path_id" = s."path_id")
  AND NOT EXISTS (
    SELECT 1 FROM "project" p
    WHERE p."path_id" = s."path_id"
      AND NOT EXISTS (
        SELECT 1 FROM "assessment" a
        WHERE a."student_id" = s."id" AND a."project_id" = p."id" AND a."status" = '{PASSED}'
      )
  )
"""


def _placeholder(n: int) -> str:
    dialect = Tortoise.get_connection("default").capabilities.dialect
    return "?" if dialect == "sqlite" else f"${n}"


@dataclass(frozen=True, slots=True)
class Page:
    students: list[Student]
    has_next: bool


async def panel_queue(*, after_id: int | None, size: int) -> Page:
    conn = Tortoise.get_connection("default")
    sql = (
        f'SELECT s."id" AS id {_READY} AND s."id" > {_placeholder(1)} ORDER BY s."id" LIMIT {_placeholder(2)}'
    )
    rows = await conn.execute_query_dict(sql, [after_id or 0, size + 1])
    ids = [int(r["id"]) for r in rows]
    by_id = {s.id: s for s in await Student.filter(id__in=ids[:size])}
    return Page([by_id[i] for i in ids[:size] if i in by_id], len(ids) > size)


async def panel_queue_count() -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(f"SELECT COUNT(*) AS n {_READY}")
    return int(rows[0]["n"])


async def missing_projects(student: Student) -> list[Project]:
    """The projects of the student's path without a passed assessment."""
    passed = {
        int(row[0])
        for row in await Assessment.filter(student_id=student.id, status=AssessmentStatus.PASSED).values_list(
            "project_id"
        )
    }
    return [
        p
        for p in await Project.filter(path_id=student.path_id).order_by("position", "id")
        if p.id not in passed
    ]


async def passed_assessments(student_id: int) -> list[Assessment]:
    return await Assessment.filter(student_id=student_id, status=AssessmentStatus.PASSED).order_by("id")


async def decide(student_id: int, decision: PanelDecision, reason: str, *, actor: str) -> Certification:
    reason = require_text(reason, field="reason", max_length=4000)
    async with in_transaction():
        student = await lock_or_not_found(Student, student_id, field="studentId")
        if await Certification.filter(student_id=student.id).exists():
            raise Conflict("the panel decided on this student already", field="studentId")
        missing = await missing_projects(student)
        if missing:
            names = ", ".join(f"{p.id} ({p.name})" for p in missing)
            raise PathNotAssessed(
                f"the panel decides once every project of the path passed its presentation; not yet: {names}",
                field="studentId",
            )
        return await Certification.create(
            student_id=student.id,
            path_id=student.path_id,
            decision=decision,
            reason=reason,
            decided_by=actor[:80],
        )


async def set_recording(assessment_id: int, recording: str) -> Assessment:
    """R14: where the presentation's recording is (an https URL or a storage key), for the final panel."""
    recording = require_reference(recording, field="recording")
    async with in_transaction():
        assessment = await lock_or_not_found(Assessment, assessment_id, field="assessmentId")
        if assessment.status not in RECORDED:
            raise ValidationFailed(
                f"the presentation is {assessment.status.value}: only a scheduled or held one is recorded",
                field="assessmentId",
            )
        assessment.recording = recording
        await assessment.save(update_fields=["recording", "updated_at"])
        return assessment
