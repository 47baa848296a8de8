"""Assessments (R20): a finished project is presented to an assessor who was never the student's mentor.

- ``auto_assign`` picks, among the active mentors who list the project, are not leaving and never had a
  mentorship with the student (current or ended), the one with the fewest assessments so far; ties go to
  the earliest common 30-minute slot, then to the lowest id. A slot is a 15-minute step in the next
  ``horizon_days`` days inside both sides' weekly availability (Paris weeks), on a weekday the student's
  funding allows (R11), clear of both sides' active sessions, of their other scheduled assessments and of
  the mentor's absences (R5). Without a candidate the assessment waits for staff with a reason.
- ``assign_assessor`` is staff choosing by hand; it refuses whatever breaks the same rules.
- ``record_result`` and ``cancel`` close an assessment.

Functions without their own transaction (``auto_assign``) run inside the caller's; the others open one.
Events ``assessment_scheduled`` and ``assessment_cancelled`` go to the assessor's and the student's
topics; they wake subscribers after the commit (``domain.outbox``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain import paris_time, payloads
from domain.enums import AssessmentStatus
from domain.errors import AssessorWasMentor, DomainError, NonexistentLocalTime, ValidationFailed
from domain.models import (
    Assessment,
    Mentor,
    MentorAbsence,
    MentorAvailability,
    Mentorship,
    Project,
    Student,
    StudentAvailability,
)
from domain.outbox import in_transaction
from domain.paris_time import PARIS, WeeklyWindow, local_to_utc, week_monday, windows_in_paris_week, zone
from domain.services import calendar, eligibility, events, notifications, submissions
from domain.services._common import lock_or_not_found
from domain.services.pairing import SYSTEM
from domain.services.sessions import PRESENTATION_DEFAULT

STEP_MINUTES = 15
# Presentations are proposed from a day ahead, so that both sides hear of it in time.
LEAD = timedelta(hours=24)
HORIZON_DAYS = 14
# What counts in an assessor's load (balance): every assessment they hold or held.
COUNTED = (AssessmentStatus.SCHEDULED, AssessmentStatus.PASSED, AssessmentStatus.FAILED)
OPEN = (AssessmentStatus.AWAITING_ASSESSOR, AssessmentStatus.SCHEDULED)

Interval = tuple[datetime, datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def payload(a: Assessment) -> payloads.AssessmentPayload:
    return {
        "assessmentId": a.id,
        "studentId": a.student_id,
        "projectId": a.project_id,
        "assessorId": a.assessor_id,
        "status": a.status.value,
        "startsAt": a.starts_at.isoformat() if a.starts_at else None,
        "durationMinutes": a.duration_minutes,
        "assignedBy": a.assigned_by,
    }


async def _announce(a: Assessment, kind: str, assessor_id: int | None) -> None:
    items = [(events.student_topic(a.student_id), kind, payload(a))]
    if assessor_id is not None:
        items.insert(0, (events.mentor_topic(assessor_id), kind, payload(a)))
    await events.record_many(items)
    await notifications.on_assessment(a)


# R10: the profile the assessor checks at the student's first presentation (status and funding always hold
# a value). The student's mentor fills it in during the discovery session (``updateStudent``).
PROFILE_FIELDS = {
    "name": "name",
    "phone": "phone",
    "address": "address",
    "photo_url": "photoUrl",
    "latest_diploma": "latestDiploma",
    "training_objective": "trainingObjective",
}
HELD = (AssessmentStatus.PASSED, AssessmentStatus.FAILED)


async def profile_gaps(student: Student) -> list[str]:
    """The R10 profile fields still empty when the student's first presentation is due; none for a student
    who presented before."""
    if await Assessment.filter(student_id=student.id, status__in=HELD).exists():
        return []
    return [name for attr, name in PROFILE_FIELDS.items() if not str(getattr(student, attr)).strip()]


def _profile_message(gaps: list[str]) -> str:
    return (
        "the student's profile is checked at their first presentation (R10) and lacks "
        f"{', '.join(gaps)}; their mentor or staff complete it with updateStudent"
    )


async def check_profile(student: Student, *, field: str) -> None:
    gaps = await profile_gaps(student)
    if gaps:
        raise ProfileIncomplete(_profile_message(gaps), field=field)


class ProfileIncomplete(ValidationFailed):
    """R10: the profile is complete before the student's first presentation."""


async def past_and_current_mentors(student_id: int) -> set[int]:
    """Every mentor who ever had a mentorship with the student, ended or not (R20)."""
    return {int(row[0]) for row in await Mentorship.filter(student_id=student_id).values_list("mentor_id")}


def _overlaps(start: datetime, end: datetime, busy: list[Interval]) -> bool:
    return any(start < b_end and b_start < end for b_start, b_end in busy)


def _paris_instant(monday: date, minute: int) -> datetime | None:
    """The UTC instant of a Paris-week minute; None for a wall time the spring change skips."""
    day, rest = divmod(minute, 24 * 60)
    local = datetime.combine(monday + timedelta(days=day), time()) + timedelta(minutes=rest)
    try:
        return local_to_utc(local, PARIS, fold=0)
    except NonexistentLocalTime:
        return None


@dataclass(frozen=True, slots=True)
class Side:
    """One side's weekly windows in its own zone, as the slot search needs them."""

    windows: list[WeeklyWindow]
    timezone: str


def earliest_common_slot(
    mentor: Side,
    student: Side,
    *,
    allowed_weekdays: int,
    busy: list[Interval],
    start: datetime,
    end: datetime,
    minutes: int = PRESENTATION_DEFAULT,
) -> datetime | None:
    """The first instant in [start, end) on a 15-minute step of Paris wall time where a ``minutes`` long
    presentation lies within both sides' availability (one Paris day), on an allowed weekday (R11), and
    clear of ``busy``."""
    length = timedelta(minutes=minutes)
    m_zone, s_zone = zone(mentor.timezone), zone(student.timezone)
    monday = week_monday(start.astimezone(PARIS).date())
    while True:
        week_start = _paris_instant(monday, 0)
        if week_start is None or week_start >= end:
            return None
        common = paris_time.intersect(
            windows_in_paris_week(mentor.windows, m_zone, monday),
            windows_in_paris_week(student.windows, s_zone, monday),
        )
        for low, high in common:
            step = -(-low // STEP_MINUTES) * STEP_MINUTES
            while step + minutes <= high:
                day, rest = divmod(step, 24 * 60)
                if rest + minutes <= 24 * 60 and allowed_weekdays & (1 << day):
                    at = _paris_instant(monday, step)
                    if (
                        at is not None
                        and at >= start
                        and at + length <= end
                        and not _overlaps(at, at + length, busy)
                    ):
                        return at
                step += STEP_MINUTES
        monday += timedelta(days=7)


async def _windows_of_mentors(mentor_ids: list[int]) -> dict[int, list[WeeklyWindow]]:
    out: dict[int, list[WeeklyWindow]] = defaultdict(list)
    for w in await MentorAvailability.filter(mentor_id__in=mentor_ids):
        out[w.mentor_id].append(WeeklyWindow(w.weekday, w.start_minute, w.end_minute))
    return out


async def _busy_of_mentors(
    mentor_ids: list[int], start: datetime, end: datetime, *, exclude: int
) -> dict[int, list[Interval]]:
    """Each mentor's calendar entries (``calendar.busy_of``: sessions, presentations they assess) and
    absences in [start, end)."""
    by_mentor, _ = await calendar.busy_of(
        mentor_ids=mentor_ids, start=start, end=end, exclude_assessment=exclude
    )
    busy: dict[int, list[Interval]] = defaultdict(list)
    for mentor_id, entries in by_mentor.items():
        busy[mentor_id].extend((b.starts_at, b.ends_at) for b in entries)
    for absence in await MentorAbsence.filter(
        mentor_id__in=mentor_ids, cancelled_at__isnull=True, starts_at__lt=end, ends_at__gt=start
    ):
        busy[absence.mentor_id].append((absence.starts_at, absence.ends_at))
    return busy


async def _busy_of_student(
    student_id: int, start: datetime, end: datetime, *, exclude: int
) -> list[Interval]:
    _, by_student = await calendar.busy_of(
        student_ids=[student_id], start=start, end=end, exclude_assessment=exclude
    )
    return [(b.starts_at, b.ends_at) for b in by_student[student_id]]


async def assessor_loads(mentor_ids: list[int]) -> Counter[int]:
    """How many assessments each mentor holds or held (scheduled, passed, failed): the balance."""
    rows = await Assessment.filter(assessor_id__in=mentor_ids, status__in=COUNTED).values_list("assessor_id")
    return Counter(int(row[0]) for row in rows)


async def auto_assign(
    assessment: Assessment,
    *,
    actor: str = SYSTEM,
    horizon_days: int = HORIZON_DAYS,
    now: datetime | None = None,
) -> Assessment:
    """Give an awaiting assessment an assessor and a time, or a reason why none could be found. Call
    inside the caller's transaction."""
    now = now or utc_now()
    student = await Student.get(id=assessment.student_id)
    project = await Project.get(id=assessment.project_id)
    listing = await Mentor.filter(projects__id=project.id).distinct().order_by("id")
    eligible = [m for m in listing if eligibility.assessor_refusal(m, lists_project=True) is None]
    was_mentor = await past_and_current_mentors(student.id)
    candidates = [m for m in eligible if m.id not in was_mentor]
    reason = ""
    gaps = await profile_gaps(student)
    if gaps:
        reason = _profile_message(gaps)
    else:
        reason = await submissions.unverified_reason(student.id, project.id)
    if reason:
        candidates = []
    elif not listing:
        reason = f"no mentor lists project {project.id} ({project.name})"
    elif not eligible:
        reason = f"no active mentor who lists project {project.id} is staying (paused, left or leaving)"
    elif not candidates:
        reason = f"every active mentor who lists project {project.id} is or was the student's mentor (R20)"
    if candidates:
        # Serialize assignments to the same mentors (a row lock on PostgreSQL), then read their calendars.
        # Whole rows: Tortoise drops FOR UPDATE from a values_list query, which then locks nothing.
        ids = [m.id for m in candidates]
        await Mentor.filter(id__in=ids).select_for_update().order_by("id")
        start = now + LEAD  # slots lie on the 15-minute grid of Paris wall time (whole-hour offsets)
        end = now + timedelta(days=horizon_days)
        student_side = Side(
            [
                WeeklyWindow(w.weekday, w.start_minute, w.end_minute)
                for w in await StudentAvailability.filter(student_id=student.id)
            ],
            student.timezone,
        )
        student_busy = await _busy_of_student(student.id, start, end, exclude=assessment.id)
        windows = await _windows_of_mentors(ids)
        busy = await _busy_of_mentors(ids, start, end, exclude=assessment.id)
        loads = await assessor_loads(ids)
        options: list[tuple[int, datetime, int]] = []
        for m in candidates:
            slot = earliest_common_slot(
                Side(windows[m.id], m.timezone),
                student_side,
                allowed_weekdays=student.allowed_weekdays,
                busy=busy[m.id] + student_busy,
                start=start,
                end=end,
                minutes=assessment.duration_minutes,
            )
            if slot is not None:
                options.append((loads[m.id], slot, m.id))
        for _load, slot, mentor_id in sorted(options):
            # The slot search reads the same calendar; the chosen slot still passes the one sequence of
            # checks every entry passes (a slot it refuses is left for the next best).
            try:
                await calendar.check_entry(
                    calendar.Entry(
                        mentor_id=mentor_id,
                        student_id=student.id,
                        starts_at=slot,
                        minutes=assessment.duration_minutes,
                        kind=calendar.EntryKind.PRESENTATION,
                        exclude_assessment=assessment.id,
                    ),
                    now=now,
                )
            except DomainError:
                continue
            assessment.assessor_id = mentor_id
            assessment.starts_at = slot
            assessment.status = AssessmentStatus.SCHEDULED
            assessment.assigned_by = f"auto ({actor})"[:80]
            assessment.unassigned_reason = ""
            await assessment.save()
            await _announce(assessment, "assessment_scheduled", mentor_id)
            return assessment
        reason = (
            f"no common {assessment.duration_minutes}-minute slot in the next {horizon_days} days with "
            f"any of the {len(candidates)} eligible mentors (mentors {', '.join(map(str, ids))})"
        )
    assessment.status = AssessmentStatus.AWAITING_ASSESSOR
    assessment.unassigned_reason = reason
    await assessment.save()
    return assessment


async def auto_assign_by_id(
    assessment_id: int, *, actor: str = SYSTEM, horizon_days: int = HORIZON_DAYS, now: datetime | None = None
) -> Assessment:
    """Staff asks again for an assessor (after availability changed, say)."""
    async with in_transaction():
        assessment = await lock_or_not_found(Assessment, assessment_id, field="assessmentId")
        if assessment.status != AssessmentStatus.AWAITING_ASSESSOR:
            raise ValidationFailed(
                f"the assessment is {assessment.status.value}; only one awaiting an assessor is assigned",
                field="assessmentId",
            )
        await submissions.check_verified(assessment.student_id, assessment.project_id, field="assessmentId")
        return await auto_assign(assessment, actor=actor, horizon_days=horizon_days, now=now)


async def assign_assessor(
    assessment_id: int,
    mentor_id: int,
    starts_at_local: datetime,
    *,
    fold: int | None = None,
    actor: str = SYSTEM,
    now: datetime | None = None,
) -> Assessment:
    """Staff chooses the assessor and the Paris time by hand (or moves a scheduled presentation).

    Refuses: a mentor who is or was the student's mentor (AssessorWasMentor, R20); one who does not list
    the project, is not active or is leaving (R6); a Paris time that does not exist or is ambiguous without
    ``fold`` (R15); a student whose profile is incomplete at their first presentation (R10); then the
    calendar checks of every entry, in their order and with their codes (``calendar.check_entry``: past,
    funding weekday R11, both availabilities, the assessor away MENTOR_AWAY, an overlap with either
    side's sessions or presentations SLOT_TAKEN).
    """
    now = now or utc_now()
    starts_at = local_to_utc(starts_at_local, PARIS, fold=fold, field="startsAt")
    async with in_transaction():
        assessment = await lock_or_not_found(Assessment, assessment_id, field="assessmentId")
        if assessment.status not in OPEN:
            raise ValidationFailed(
                f"the assessment is {assessment.status.value} and can no longer be assigned",
                field="assessmentId",
            )
        await submissions.check_verified(assessment.student_id, assessment.project_id, field="assessmentId")
        mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
        if mentor.id in await past_and_current_mentors(assessment.student_id):
            raise AssessorWasMentor(
                "the assessor can never be the student's mentor, current or past (R20)", field="mentorId"
            )
        problem = eligibility.assessor_refusal(
            mentor,
            lists_project=await Mentor.filter(id=mentor.id, projects__id=assessment.project_id).exists(),
        )
        if problem is not None:
            raise problem
        await check_profile(await Student.get(id=assessment.student_id), field="assessmentId")
        await calendar.check_entry(
            calendar.Entry(
                mentor_id=mentor.id,
                student_id=assessment.student_id,
                starts_at=starts_at,
                minutes=assessment.duration_minutes,
                kind=calendar.EntryKind.PRESENTATION,
                exclude_assessment=assessment.id,
            ),
            now=now,
        )
        previous = assessment.assessor_id if assessment.status == AssessmentStatus.SCHEDULED else None
        assessment.assessor_id = mentor.id
        assessment.starts_at = starts_at
        assessment.status = AssessmentStatus.SCHEDULED
        assessment.assigned_by = actor[:80]
        assessment.unassigned_reason = ""
        await assessment.save()
        if previous is not None and previous != mentor.id:
            await events.record(events.mentor_topic(previous), "assessment_cancelled", payload(assessment))
        await _announce(assessment, "assessment_scheduled", mentor.id)
        return assessment


async def record_result(
    assessment_id: int, passed: bool, notes: str = "", *, now: datetime | None = None
) -> Assessment:
    """The presentation took place: passed or failed, with the assessor's notes."""
    now = now or utc_now()
    async with in_transaction():
        assessment = await lock_or_not_found(Assessment, assessment_id, field="id")
        if assessment.status != AssessmentStatus.SCHEDULED:
            raise ValidationFailed(
                f"the assessment is {assessment.status.value}; only a scheduled one gets a result",
                field="id",
            )
        assert assessment.starts_at is not None
        await check_profile(await Student.get(id=assessment.student_id), field="id")
        if now < assessment.starts_at:
            local = assessment.starts_at.astimezone(PARIS)
            raise ValidationFailed(
                f"the presentation has not started yet ({local:%Y-%m-%d %H:%M} Paris time)", field="id"
            )
        assessment.status = AssessmentStatus.PASSED if passed else AssessmentStatus.FAILED
        assessment.notes = notes
        await assessment.save()
        await notifications.on_assessment(assessment)
        return assessment


async def cancel(assessment_id: int, *, reason: str = "", actor: str = SYSTEM) -> Assessment:
    """Cancel an awaiting or scheduled assessment (the time and assessor stay for the record)."""
    async with in_transaction():
        assessment = await lock_or_not_found(Assessment, assessment_id, field="id")
        if assessment.status not in OPEN:
            raise ValidationFailed(
                f"the assessment is {assessment.status.value} and cannot be cancelled", field="id"
            )
        was_scheduled = assessment.status == AssessmentStatus.SCHEDULED
        assessment.status = AssessmentStatus.CANCELLED
        note = f"cancelled by {actor}" + (f": {reason}" if reason else "")
        assessment.notes = (assessment.notes + "\n" if assessment.notes else "") + note
        await assessment.save()
        await _announce(assessment, "assessment_cancelled", assessment.assessor_id if was_scheduled else None)
        return assessment
