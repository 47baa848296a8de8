"""A project's deliverables, marked submitted and then verified by the student's mentor (the mentor guide:
a mentor "supports the student on completing projects within their path, then verifies and approves them
once they are submitted"), before the presentation to an assessor is scheduled (R20).

The one home of that rule: :func:`unverified_reason` (the automatic search for an assessor leaves the
assessment waiting with it) and :func:`check_verified` (``PROJECT_NOT_VERIFIED`` for staff assigning an
assessor by hand). Verifying a project whose assessment waits for it looks for an assessor at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.enums import AssessmentStatus
from domain.errors import Conflict, NotInPath, ProjectNotVerified, ValidationFailed
from domain.links import require_reference
from domain.models import Assessment, Project, ProjectSubmission, Student
from domain.outbox import in_transaction
from domain.services._common import get_or_not_found, unique_as_conflict


async def _student_and_project(student_id: int, project_id: int) -> tuple[Student, Project]:
    # Not locked: verifying may look for an assessor, which locks mentors, and mentors are locked before
    # students everywhere (progress.finish_project); the submission row serializes instead.
    student = await get_or_not_found(Student, student_id, field="studentId")
    project = await get_or_not_found(Project, project_id, field="projectId")
    if project.path_id != student.path_id:
        raise NotInPath(f"project {project.id} is not on the student's path (R9)", field="projectId")
    return student, project


async def mark_submitted(
    student_id: int, project_id: int, link: str = "", *, actor: str, now: datetime | None = None
) -> ProjectSubmission:
    """The student handed in the project's deliverables (``link``: where, an https URL or a storage key)."""
    link = require_reference(link, field="link") if link.strip() else ""
    now = now or datetime.now(UTC)
    async with in_transaction():
        student, project = await _student_and_project(student_id, project_id)
        mine = ProjectSubmission.filter(student_id=student.id, project_id=project.id)
        row = await mine.select_for_update().first()
        if row is None:
            # A savepoint inside: a refused insert (a concurrent first submit) leaves the transaction usable.
            async with (
                unique_as_conflict("projectId", "the project was just marked submitted; try again"),
                in_transaction(),
            ):
                return await ProjectSubmission.create(
                    student_id=student.id,
                    project_id=project.id,
                    link=link,
                    submitted_at=now,
                    submitted_by=actor[:80],
                )
        if row.verified_at is not None:
            raise Conflict("the project was verified already", field="projectId")
        row.link, row.submitted_at, row.submitted_by = link or row.link, now, actor[:80]
        await row.save()
        return row


async def verify(
    student_id: int, project_id: int, *, actor: str, now: datetime | None = None
) -> tuple[ProjectSubmission, list[Assessment]]:
    """The mentor checked the submitted project. Its assessments waiting for that are assigned now
    (``assessments.auto_assign``); returns them too."""
    from domain.services import assessments  # assessments asks this module; imported at call time

    now = now or datetime.now(UTC)
    async with in_transaction():
        student, project = await _student_and_project(student_id, project_id)
        row = (
            await ProjectSubmission.filter(student_id=student.id, project_id=project.id)
            .select_for_update()
            .first()
        )
        if row is None:
            raise ValidationFailed("the project is not marked submitted yet", field="projectId")
        if row.verified_at is not None:
            raise Conflict("the project was verified already", field="projectId")
        row.verified_at, row.verified_by = now, actor[:80]
        await row.save()
        waiting = await Assessment.filter(
            student_id=student.id, project_id=project.id, status=AssessmentStatus.AWAITING_ASSESSOR
        ).select_for_update()
        done = [await assessments.auto_assign(a, actor=actor, now=now) for a in waiting]
        return row, done


async def is_verified(student_id: int, project_id: int) -> bool:
    return await ProjectSubmission.filter(
        student_id=student_id, project_id=project_id, verified_at__isnull=False
    ).exists()


async def unverified_reason(student_id: int, project_id: int) -> str:
    """Why the project's presentation cannot be scheduled yet ("" when it can)."""
    if await is_verified(student_id, project_id):
        return ""
    return (
        f"project {project_id} is not verified yet: the student's mentor marks it submitted and verified "
        "(markProjectSubmitted, verifyProject) before its presentation is scheduled (R20)"
    )


async def check_verified(student_id: int, project_id: int, *, field: str) -> None:
    reason = await unverified_reason(student_id, project_id)
    if reason:
        raise ProjectNotVerified(reason, field=field)
