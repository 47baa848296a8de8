"""A student finishes a project (R8, R9, R20).

In one transaction: the student moves to the next project of their path (given, or the next by position),
the finished project gets its assessment with an assessor found automatically when one can be
(``assessments.auto_assign``), and the pair follows R8: a mentor who lists the new project keeps the
student, unchanged; otherwise the pair ends (project change) and the student waits for the next matching
run, which sees their history (past mentors, refused pairs) in the database. After the last project of
the path the pair ends as completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from tortoise.expressions import F

from domain.enums import MentorshipEndReason, PairingCause, SessionStatus
from domain.errors import Conflict, NotInPath, ValidationFailed
from domain.models import Assessment, Mentor, Mentorship, Project, Session, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, local_to_utc
from domain.services import assessments, pairing
from domain.services._common import get_or_not_found, lock_or_not_found
from domain.services.eligibility import FINISHED

# An assessment in these states means the project is finished already (a repeat would be a double submit).


@dataclass(frozen=True, slots=True)
class ProjectFinished:
    student: Student
    assessment: Assessment
    # R8: the current mentor lists the new project and keeps the student.
    mentor_kept: bool
    ended: Mentorship | None
    next_project: Project | None


async def path_projects(path_id: int) -> list[Project]:
    """The projects of a path in their order (position, then id)."""
    return await Project.filter(path_id=path_id).order_by("position", "id")


async def _next_project(student: Student, finished: Project, next_project_id: int | None) -> Project | None:
    if next_project_id is not None:
        project = await get_or_not_found(Project, next_project_id, field="nextProjectId")
        if project.path_id != student.path_id:
            raise NotInPath(
                f"project {project.id} is not on the student's path {student.path_id} (R9)",
                field="nextProjectId",
            )
        if project.id == finished.id:
            raise ValidationFailed("the student is on that project already", field="nextProjectId")
        return project
    ordered = await path_projects(student.path_id)
    ids = [p.id for p in ordered]
    at = ids.index(finished.id)
    return ordered[at + 1] if at + 1 < len(ordered) else None


class _Moved(Exception):
    """The student's pair or project changed between reading them and locking the student: try again."""


LOCK_ATTEMPTS = 3


async def _lock_mentors_then_student(student_id: int) -> tuple[Student, int, set[int]]:
    """Lock in the usual order, mentors before the student (as ``create_mentorship``, ``request_change``
    and the daily step do), so that a concurrent pairing of the same people cannot deadlock: the student's
    current mentor and every mentor listing their current project (the possible assessors, which
    ``auto_assign`` locks), by id, then the student. Returns the locked student, their project as read before
    the locks and the locked mentors: the caller checks them again under the locks (``_Moved``)."""
    seen = await get_or_not_found(Student, student_id, field="studentId")
    pair = (
        await Mentorship.filter(student_id=student_id, ended_on__isnull=True).only("id", "mentor_id").first()
    )
    mentor_ids = {
        int(row[0])
        for row in await Mentor.filter(projects__id=seen.current_project_id).distinct().values_list("id")
    }
    if pair is not None:
        mentor_ids.add(pair.mentor_id)
    if mentor_ids:
        await Mentor.select_for_update().filter(id__in=sorted(mentor_ids)).order_by("id")
    student = await lock_or_not_found(Student, student_id, field="studentId")
    return student, seen.current_project_id, mentor_ids


async def finish_project(
    student_id: int,
    *,
    next_project_id: int | None = None,
    project_id: int | None = None,
    actor: str = pairing.SYSTEM,
    today: date | None = None,
    now: datetime | None = None,
) -> ProjectFinished:
    """The student finished their current project (``project_id``, when given, must be it: a guard against
    a double submit). Refuses a next project of another path (NotInPath) and a project finished already.
    A pair or project changed by a concurrent request while locking is read again (a few times, then
    ``CONFLICT``)."""
    if now is None:
        # A day given alone (a back-dated or simulated finish): act at the start of that Paris day at the
        # earliest, so that the slot search and the freed sessions are relative to it.
        now = datetime.now(UTC)
        if today is not None:
            now = max(now, local_to_utc(datetime.combine(today, time()), PARIS, fold=0))
    today = today or now.astimezone(PARIS).date()
    for _ in range(LOCK_ATTEMPTS):
        try:
            return await _finish(
                student_id,
                next_project_id=next_project_id,
                project_id=project_id,
                actor=actor,
                today=today,
                now=now,
            )
        except _Moved:
            continue
    raise Conflict("the student's pair changed meanwhile; try again", field="studentId")


async def _finish(
    student_id: int,
    *,
    next_project_id: int | None,
    project_id: int | None,
    actor: str,
    today: date,
    now: datetime,
) -> ProjectFinished:
    async with in_transaction():
        student, seen_project, locked = await _lock_mentors_then_student(student_id)
        finished = await Project.get(id=student.current_project_id)
        if project_id is not None and project_id != finished.id:
            raise Conflict(
                f"the student is on project {finished.id}, not {project_id} (finished already?)",
                field="projectId",
            )
        if finished.id != seen_project:
            raise _Moved  # the possible assessors of this project may not be locked
        done = Assessment.filter(student_id=student.id, project_id=finished.id, status__in=FINISHED)
        if await done.exists():
            raise Conflict(f"the student finished project {finished.id} already", field="studentId")
        following = await _next_project(student, finished, next_project_id)

        current = (
            await Mentorship.filter(student_id=student.id, ended_on__isnull=True).select_for_update().first()
        )
        if current is not None and current.mentor_id not in locked:
            raise _Moved  # a pair started meanwhile with a mentor not locked: roll back and start again
        # The student moves on first, so that the sessions the pair ending below cancels are billed at the
        # level of the project the student is on at their time (R17), like any later session.
        if following is not None:
            student.current_project_id = following.id
        student.version += 1
        await student.save(update_fields=["current_project_id", "version", "updated_at"])
        # Created at ``now``: the moment the student left the project, which dates the billed level (R17).
        assessment = await Assessment.create(student_id=student.id, project_id=finished.id, created_at=now)
        # Sessions cancelled ahead of their time and still to come fall after the move: their level follows
        # the student (R17; they are billed 0, so only the level changes).
        await Session.filter(student_id=student.id, starts_at__gt=now, status=SessionStatus.CANCELLED).update(
            billed_level=(following or finished).level
        )

        kept, ended = False, None
        if current is not None:
            if (
                following is not None
                and await Mentor.filter(id=current.mentor_id, projects__id=following.id).exists()
            ):
                kept = True  # R8: same mentor, same pair, same slot
            else:
                if following is not None:
                    reason, cause = MentorshipEndReason.PROJECT_CHANGE, PairingCause.PROJECT_CHANGE
                    ref = f"project:{finished.id}->{following.id}"
                else:
                    reason, cause = MentorshipEndReason.COMPLETED, PairingCause.PATH_COMPLETED
                    ref = f"project:{finished.id}"
                ended = await pairing.end_pair(
                    current,
                    ended_on=today,
                    reason=reason,
                    change=pairing.Change(cause, actor=actor, cause_ref=ref),
                    now=now,
                )
                # A seat of the mentor's capacity is free: runs that read them before are stale.
                await Mentor.filter(id=current.mentor_id).update(version=F("version") + 1)
        await assessments.auto_assign(assessment, actor=actor, now=now)
        return ProjectFinished(
            student=student, assessment=assessment, mentor_kept=kept, ended=ended, next_project=following
        )
