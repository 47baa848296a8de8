"""The waiting queue: students with no current mentor, longest waiting first, with what staff
need to re-match them: since when they wait, why their last pair ended, their previous mentors and the
mentors they must not get again (R7: a pair ended at either side's request is never proposed again)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Subquery

from domain.enums import MentorshipEndReason
from domain.models import Mentorship, Student
from domain.paris_time import PARIS
from domain.services.eligibility import REFUSED_END_REASONS, path_completed

# R7: the end reasons after which that mentor is never proposed to that student again. The matching
# snapshot (jobs.snapshot) applies the same rule.


@dataclass(frozen=True, slots=True)
class WaitingStudent:
    student_id: int
    # The Paris date their last pair ended, or the day they were created when never paired.
    waiting_since: date
    last_end_reason: MentorshipEndReason | None
    last_mentor_id: int | None
    previous_mentor_ids: tuple[int, ...]
    forbidden_mentor_ids: tuple[int, ...]

    @property
    def key(self) -> tuple[date, int]:
        """The queue order: longest waiting first, then by student id."""
        return (self.waiting_since, self.student_id)


async def waiting_students(path_id: int | None = None) -> list[WaitingStudent]:
    """Every student without a current mentorship (of one path, if given) who has a project to work on,
    in queue order. Three queries: the students without a pair, those of them who completed their path,
    and their ended pairs."""
    current = Subquery(Mentorship.filter(ended_on__isnull=True).values("student_id"))
    waiting = Student.filter(id__not_in=current)
    if path_id is not None:
        waiting = waiting.filter(path_id=path_id)
    students = await waiting.only("id", "created_at", "current_project_id")
    # A student who finished their path's last project waits for the final panel, not for a mentor.
    done = await path_completed({s.id: s.current_project_id for s in students})
    students = [s for s in students if s.id not in done]
    if not students:
        return []
    history: dict[int, list[Mentorship]] = defaultdict(list)
    ended = Mentorship.filter(ended_on__isnull=False, student_id__in=Subquery(waiting.values("id")))
    for pair in await ended.order_by("ended_on", "id").only(
        "id", "student_id", "mentor_id", "ended_on", "end_reason"
    ):
        history[pair.student_id].append(pair)
    queue: list[WaitingStudent] = []
    for s in students:
        pairs = history.get(s.id, [])
        last = pairs[-1] if pairs else None
        queue.append(
            WaitingStudent(
                student_id=s.id,
                waiting_since=(
                    last.ended_on
                    if last is not None and last.ended_on is not None
                    else s.created_at.astimezone(PARIS).date()
                ),
                last_end_reason=last.end_reason if last else None,
                last_mentor_id=last.mentor_id if last else None,
                previous_mentor_ids=tuple(sorted({p.mentor_id for p in pairs})),
                forbidden_mentor_ids=tuple(
                    sorted({p.mentor_id for p in pairs if p.end_reason in REFUSED_END_REASONS})
                ),
            )
        )
    queue.sort(key=lambda w: w.key)
    return queue
