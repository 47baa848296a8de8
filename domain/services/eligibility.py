"""Who may be paired with whom, and the capacity rule: the one home of both.

Every path that pairs a student with a mentor asks here: manual pairing
(``domain.services.mentorships``), the hand-over and the return of a long absence
(``domain.services.handovers``), publishing a run (``domain.services.runs``) and the run's snapshot
(``jobs.snapshot``, through the same facts in bulk). Choosing a presentation's assessor
(``domain.services.assessments``) asks :func:`assessor_refusal` (mentor status, R6, R1).

The rules, in the order they are tried (the first one broken is the answer):

- mentor status: only an ``ACTIVE`` mentor takes a student;
- R6: a mentor who gave notice takes no new student, and no pair with them starts after their last day
  (a student coming back to their own mentor after an absence is not new: only the last day applies);
- R5: a mentor away at any time of the period asked for takes no student for it;
- R1: the mentor lists the student's current project;
- R7: a pair ended at either side's request is not formed again;
- R20: a mentor due to assess the student's presentation is not made their mentor;
- R11: the weekly slot lies on a weekday the student's funding allows;
- R2: the mentor has a seat left (:func:`has_room`, the one capacity check).

The facts are read once for many pairs (:func:`load_facts`): a publish of hundreds of pairs costs a few
queries, not a few per pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.bulk import CHUNK, in_chunks, literals, models_in, select_in
from domain.enums import AssessmentStatus, HandoverStatus, MentorshipEndReason, MentorStatus
from domain.errors import Conflict, DomainError, ErrorCode, ValidationFailed
from domain.models import Mentor, MentorAbsence, Student

# R7: a pair ended at either side's request is not formed again (the waiting queue shows the same).
REFUSED_END_REASONS: tuple[MentorshipEndReason, ...] = (
    MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR,
    MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class MentorAwayForPairing(Conflict):
    """R5: the mentor is away in the period the pair is asked for."""

    code = ErrorCode.MENTOR_AWAY


class CapacityBelowLoad(Conflict):
    """R2: a capacity lower than the mentor's current students would leave them over their ceiling."""

    code = ErrorCode.CAPACITY_BELOW_LOAD


# --- R2: the capacity rule ---------------------------------------------------------------------------


def has_room(load: int, capacity: int, adding: int = 1) -> bool:
    """R2, the one capacity check: ``adding`` more students to ``load`` stays within ``capacity``
    (``adding=0``: the load as it is respects the ceiling)."""
    return load + adding <= capacity


def seats_left(load: int, capacity: int) -> int:
    """Seats a mentor can still take (0 when full or over)."""
    return max(0, capacity - load)


async def current_loads(mentor_ids: Iterable[int]) -> dict[int, int]:
    """The seats taken per mentor (0 for a mentor with none): current pairs, and the seats reserved for a
    long absence's hand-over planned with them (R5: the student comes at the absence's start, and the
    substitute's pair is open-ended, so the seat counts from the plan on)."""
    ids = sorted(set(mentor_ids))
    loads = dict.fromkeys(ids, 0)
    for row in await select_in(
        'SELECT "mentor_id" AS "id" FROM "mentorship" WHERE "mentor_id" {ids} AND "ended_on" IS NULL', ids
    ):
        loads[int(row["id"])] += 1
    for row in await select_in(
        'SELECT "planned_mentor_id" AS "id" FROM "handover" WHERE "planned_mentor_id" {ids} '
        f'AND "status" = {literals([HandoverStatus.PLANNED])}',
        ids,
    ):
        loads[int(row["id"])] += 1
    return loads


async def check_capacity_covers_load(mentor_id: int, capacity: int) -> None:
    """R2: a capacity is never set below the mentor's current students (``CAPACITY_BELOW_LOAD``)."""
    load = (await current_loads([mentor_id]))[mentor_id]
    if not has_room(load, capacity, adding=0):
        raise CapacityBelowLoad(
            f"the mentor has {load} current students: a capacity of {capacity} is below that (R2); "
            "end or hand over pairs first",
            field="capacity",
        )


def funding_allows(student: Student, weekday: int) -> bool:
    """R11: the student's funding allows sessions on ``weekday`` (0 Monday .. 6 Sunday)."""
    return bool(student.allowed_weekdays & (1 << weekday))


# --- Who with whom -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fields:
    """Which input field a refusal names, per kind of rule."""

    mentor: str = "mentorId"
    student: str = "studentId"
    when: str = "startsOn"


@dataclass(slots=True)
class Facts:
    """What the rules need about some mentors and students, read in a few queries."""

    mentors: dict[int, Mentor]
    students: dict[int, Student]
    projects: dict[int, set[int]] = field(default_factory=dict)  # mentor -> projects listed (R1)
    absences: dict[int, list[MentorAbsence]] = field(default_factory=dict)  # mentor -> absences (R5)
    refused: dict[int, set[int]] = field(default_factory=dict)  # student -> mentors ended on request (R7)
    assessors: dict[int, set[int]] = field(default_factory=dict)  # student -> scheduled assessors (R20)
    loads: dict[int, int] = field(default_factory=dict)  # mentor -> current pairs (R2)
    completed: set[int] = field(default_factory=set)  # students who completed their path (R9)

    def away(self, mentor_id: int, first: date, last: date) -> MentorAbsence | None:
        for absence in self.absences.get(mentor_id, ()):
            if absence.starts_on <= last and first <= absence.ends_on:
                return absence
        return None

    def long_absence_ahead(self, mentor_id: int, day: date) -> MentorAbsence | None:
        """A long absence of the mentor not over on ``day`` (announced ahead or under way)."""
        for absence in self.absences.get(mentor_id, ()):
            if absence.long and absence.ends_on >= day:
                return absence
        return None

    def forbidden(self, student_id: int) -> set[int]:
        """Mentors the student may not be given (R7, R20), whatever the dates."""
        return self.refused.get(student_id, set()) | self.assessors.get(student_id, set())


# A project counts as finished once its presentation is due or passed (R20); only the last project of a
# path stays current once finished, so such a student completed their path (R9) and waits for the final
# panel, not for a mentor.
FINISHED = (AssessmentStatus.AWAITING_ASSESSOR, AssessmentStatus.SCHEDULED, AssessmentStatus.PASSED)


async def path_completed(current_projects: dict[int, int]) -> set[int]:
    """Of these students (id -> current project), those who finished their current project: only the last
    project of a path stays current once finished, so they completed their path and wait for the final
    panel, not for a mentor (matching runs leave them out)."""
    if not current_projects:
        return set()
    rows = await select_in(
        'SELECT "student_id", "project_id" FROM "assessment" WHERE "student_id" {ids} '
        f'AND "status" IN ({literals(FINISHED)})',
        current_projects,
    )
    return {
        int(row["student_id"])
        for row in rows
        if current_projects.get(int(row["student_id"])) == row["project_id"]
    }


async def scheduled_assessors(student_ids: Iterable[int]) -> dict[int, set[int]]:
    """Student -> the assessors of their scheduled presentations (R20: never their mentor)."""
    assessors: dict[int, set[int]] = defaultdict(set)
    for row in await select_in(
        'SELECT "student_id", "assessor_id" FROM "assessment" WHERE "student_id" {ids} '
        f'AND "status" = {literals([AssessmentStatus.SCHEDULED])} AND "assessor_id" IS NOT NULL',
        set(student_ids),
    ):
        assessors[int(row["student_id"])].add(int(row["assessor_id"]))
    return dict(assessors)


async def load_facts(mentors: Iterable[Mentor], students: Iterable[Student]) -> Facts:
    facts = Facts({m.id: m for m in mentors}, {s.id: s for s in students})
    mids, sids = sorted(facts.mentors), sorted(facts.students)
    projects: dict[int, set[int]] = defaultdict(set)
    for row in await select_in(
        'SELECT "mentor_id", "project_id" FROM "mentor_project" WHERE "mentor_id" {ids}', mids
    ):
        projects[int(row["mentor_id"])].add(int(row["project_id"]))
    facts.projects = dict(projects)
    absences: dict[int, list[MentorAbsence]] = defaultdict(list)
    for absence in await models_in(
        MentorAbsence, '"mentor_id" {ids} AND "cancelled_at" IS NULL', mids, order_by='"id"'
    ):
        absences[absence.mentor_id].append(absence)
    facts.absences = dict(absences)
    refused: dict[int, set[int]] = defaultdict(set)
    for row in await select_in(
        'SELECT "student_id", "mentor_id" FROM "mentorship" WHERE "student_id" {ids} '
        f'AND "end_reason" IN ({literals(REFUSED_END_REASONS)})',
        sids,
    ):
        refused[int(row["student_id"])].add(int(row["mentor_id"]))
    facts.refused = dict(refused)
    facts.assessors = await scheduled_assessors(sids)
    facts.loads = await current_loads(mids)
    facts.completed = await path_completed({s.id: s.current_project_id for s in facts.students.values()})
    return facts


def refusal(
    facts: Facts,
    mentor_id: int,
    student_id: int,
    *,
    starts_on: date,
    until: date | None = None,
    weekday: int | None = None,
    seat: bool = True,
    returning: bool = False,
    fields: Fields = Fields(),
) -> DomainError | None:
    """Why ``mentor_id`` may not take ``student_id`` from ``starts_on`` (to ``until``, default the same
    day) at a weekly slot on ``weekday``; None when they may. ``seat``: the pair takes a new seat
    (False when the caller counts the load itself, after a batch). ``returning``: the student comes
    back to their own mentor (R5), not a new student (R6)."""
    mentor = facts.mentors[mentor_id]
    student = facts.students[student_id]
    last = until or starts_on
    if mentor.status is not MentorStatus.ACTIVE:
        return ValidationFailed(f"the mentor is {mentor.status.value}", field=fields.mentor)
    if mentor.last_day is not None:
        if starts_on > mentor.last_day:
            return ValidationFailed(
                f"the mentor leaves on {mentor.last_day.isoformat()} (R6)", field=fields.when
            )
        if not returning:
            return ValidationFailed(
                f"the mentor gave notice (last day {mentor.last_day.isoformat()}) and takes no new "
                "student (R6)",
                field=fields.mentor,
            )
    ahead = None if returning else facts.long_absence_ahead(mentor_id, starts_on)
    if ahead is not None:
        # R5/R8: a long absence is announced so that the mentor's students go to a substitute; a student
        # given to the mentor before it would change mentor twice within weeks: none until the return.
        return MentorAwayForPairing(
            f"the mentor will be away from {ahead.starts_on.isoformat()} to {ahead.ends_on.isoformat()} "
            "(a long absence, R5): no new student before their return",
            field=fields.mentor,
        )
    absence = facts.away(mentor_id, starts_on, last)
    if absence is not None:
        return MentorAwayForPairing(
            f"the mentor is away from {absence.starts_on.isoformat()} to {absence.ends_on.isoformat()} (R5)",
            field=fields.when,
        )
    if student.current_project_id not in facts.projects.get(mentor_id, set()):
        return ValidationFailed(
            "the mentor does not list the student's current project (R1)", field=fields.mentor
        )
    if mentor_id in facts.refused.get(student_id, set()):
        return Conflict(
            "a pair of this mentor and student was ended at one side's request; it is not formed again (R7)",
            field=fields.mentor,
        )
    if mentor_id in facts.assessors.get(student_id, set()):
        return Conflict(
            "the mentor is to assess this student's presentation: an assessor is never the "
            "student's mentor (R20)",
            field=fields.mentor,
        )
    if student_id in facts.completed:
        return ValidationFailed(
            "the student completed their path (R9): they wait for the final panel, not for a mentor",
            field=fields.student,
        )
    if weekday is not None and not funding_allows(student, weekday):
        return ValidationFailed(
            f"the student's funding does not allow sessions on {WEEKDAYS[weekday]} (R11)", field=fields.when
        )
    if seat and not has_room(facts.loads.get(mentor_id, 0), mentor.capacity):
        return Conflict(f"the mentor is at capacity ({mentor.capacity}, R2)", field=fields.mentor)
    return None


def assessor_refusal(mentor: Mentor, *, lists_project: bool, field: str = "mentorId") -> DomainError | None:
    """Why ``mentor`` may not assess a presentation of a project (None when they may), by the rules on the
    mentor alone: mentor status (only an ``ACTIVE`` one), R6 (one who gave notice assesses no more), R1
    (``lists_project``: they list the assessed project). R20 (never the student's mentor) is the
    assessment's own check, over the student's past pairs."""
    if mentor.status is not MentorStatus.ACTIVE:
        return ValidationFailed(f"the mentor is {mentor.status.value}", field=field)
    if mentor.last_day is not None:
        return ValidationFailed(
            f"the mentor leaves on {mentor.last_day.isoformat()} (R6) and assesses no more", field=field
        )
    if not lists_project:
        return ValidationFailed("the mentor does not list the assessed project (R1)", field=field)
    return None


async def check(
    mentor: Mentor,
    student: Student,
    *,
    starts_on: date,
    until: date | None = None,
    weekday: int | None = None,
    returning: bool = False,
    fields: Fields = Fields(),
) -> None:
    """Raise the first rule that keeps ``mentor`` from taking ``student`` (see :func:`refusal`)."""
    facts = await load_facts([mentor], [student])
    problem = refusal(
        facts,
        mentor.id,
        student.id,
        starts_on=starts_on,
        until=until,
        weekday=weekday,
        returning=returning,
        fields=fields,
    )
    if problem is not None:
        raise problem


async def unavailable_mentors(first: date, last: date) -> set[int]:
    """Mentors who take no new student for the days ``first``..``last``: those who gave notice (R6),
    those away at any time in them and those with a long absence not over (R5). The snapshot's bulk form
    of the same rules."""
    leaving = {m.id for m in await Mentor.filter(last_day__isnull=False).only("id")}
    away = {
        a.mentor_id
        for a in await MentorAbsence.filter(
            cancelled_at__isnull=True, starts_on__lte=last, ends_on__gte=first
        ).only("id", "mentor_id")
    }
    # A long absence announced ahead: no new student until the return (see ``refusal``).
    away |= {
        a.mentor_id
        for a in await MentorAbsence.filter(cancelled_at__isnull=True, long=True, ends_on__gte=first).only(
            "id", "mentor_id"
        )
    }
    return leaving | away


async def candidate_mentors(
    project_ids: Iterable[int], first: date, last: date, *, chunk: int = CHUNK
) -> list[Mentor]:
    """The mentors who may take a new student on one of ``project_ids`` for the days ``first``..``last``
    by status, R6 and R5 (the rest is per student: :func:`load_facts`), by id; full ones included."""
    wanted = sorted(set(project_ids))
    if not wanted:
        return []
    unavailable = await unavailable_mentors(first, last)
    ids = await (
        Mentor.filter(status=MentorStatus.ACTIVE, projects__id__in=wanted)
        .exclude(id__in=sorted(unavailable) or [0])
        .distinct()
        .order_by("id")
        .values_list("id")
    )
    # The rows a chunk at a time: building thousands of objects in one go holds the event loop.
    mentors = await in_chunks([row[0] for row in ids], lambda part: Mentor.filter(id__in=part), size=chunk)
    return sorted(mentors, key=lambda m: m.id)


def week_days(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=6)
