"""R17: the project a student was on at a given time, which fixes the level an ended session is billed at.
The one home of that rule: ending, cancelling (by hand or because a pair ended) all ask it."""

from __future__ import annotations

from datetime import datetime

from domain.models import Assessment, Project, Student
from domain.services._common import get_or_not_found


async def project_at(student_id: int, at: datetime) -> Project:
    """The project the student was on at ``at`` (R17). A student leaves a project by finishing it
    (``finishProject``), which creates that project's assessment at that moment: the project at ``at`` is
    the one of the first assessment created after ``at``, else the current one (the current project
    changes only through ``finishProject``)."""
    moved_on = (
        await Assessment.filter(student_id=student_id, created_at__gt=at).order_by("created_at", "id").first()
    )
    if moved_on is not None:
        return await Project.get(id=moved_on.project_id)
    student = await get_or_not_found(Student, student_id, field="id")
    return await get_or_not_found(Project, student.current_project_id, field="id")
