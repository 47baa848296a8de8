"""R5, a long absence: the pairs of a student handed to a substitute mentor and back.

- :func:`plan` is the publish hook (``domain.services.run_publish.publish_run``): a run's pair for a
  student whose
  hand-over is open and not yet under way is stored on the hand-over as the plan (``PLANNED``: the
  substitute, the weekly slot, the first day). The student stays with their mentor until the absence
  starts; the substitute's seat counts in their load from now on (``eligibility.current_loads``).
- :func:`switch` is the daily step on the absence's first day (``domain.services.absences.apply_due``):
  the pair with the absent mentor ends on the eve of the absence (``ABSENCE_HANDOVER``, cause ``ABSENCE``)
  and the planned substitute's pair starts. A plan that no longer holds (the student has another mentor;
  the substitute left, is away or no longer lists the project) is dropped and says why in ``note``.
- :func:`give_back` is the return (``domain.services.absences``): the substitute's pair ends
  (``ABSENCE_OVER``, cause ``RETURN``) and the pair with the absent mentor starts again at its weekly
  slot, with the sessions booked past the return (its series) and no new discovery session (R14: the
  mentor and the student have met). When that cannot be (the mentor left, no longer lists the student's
  project, is full, or the slot is taken; the student has another mentor now), the student is left
  waiting for the next matching run and the hand-over says why in its ``note``.

All run inside the caller's transaction and go through ``domain.services.pairing`` (audit rows, events to
both sides, later sessions of an ended pair cancelled without penalty).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from domain.bulk import literals, models_in
from domain.enums import HandoverStatus, MentorshipEndReason, PairingCause, SessionStatus
from domain.models import Handover, Mentor, MentorAbsence, Mentorship, Session, Student
from domain.paris_time import week_monday
from domain.services import eligibility, events, pairing

OPEN = (HandoverStatus.WAITING, HandoverStatus.PLANNED, HandoverStatus.SUBSTITUTED)
# Not under way yet: a run may (re)plan the substitute.
NOT_STARTED = (HandoverStatus.WAITING, HandoverStatus.PLANNED)


async def waiting(student_ids: Sequence[int], monday: date) -> dict[int, Handover]:
    """The hand-overs among ``student_ids`` whose substitute a run may plan (waiting, or planned by an
    earlier run), by student (absence loaded): for a student with several long absences of their mentor
    ahead, the one a run planned on the week of ``monday`` covers, i.e. the earliest absence not over by
    then (each absence's run is planned on the week it starts)."""
    rows = await models_in(
        Handover, f'"student_id" {{ids}} AND "status" IN ({literals(NOT_STARTED)})', student_ids
    )
    absences = {a.id: a for a in await models_in(MentorAbsence, '"id" {ids}', {h.absence_id for h in rows})}
    for h in rows:
        h.absence = absences[h.absence_id]
    chosen: dict[int, Handover] = {}
    for h in sorted(rows, key=lambda h: (h.absence.starts_on, h.id)):
        if h.absence.cancelled_at is None and h.absence.ends_on >= monday:
            chosen.setdefault(h.student_id, h)
    return chosen


def paris_midnight(day: date) -> datetime:
    """The UTC instant the Paris day ``day`` begins."""
    return pairing.paris_midnight_after(day - timedelta(days=1))


def substitute_start(absence_starts_on: date, monday: date, weekday: int) -> date:
    """The first day with the slot's weekday, in the run's week or later, not before the absence."""
    day = monday + timedelta(days=weekday)
    while day < absence_starts_on:
        day += timedelta(days=7)
    return day


async def plan(
    handover: Handover,
    *,
    mentor_id: int,
    weekday: int,
    start_minute: int,
    minutes: int,
    starts_on: date,
    run_id: object,
    actor: str,
) -> Handover:
    """Store the substitute a published run chose (``PLANNED``); nothing changes for the student until
    the absence starts (:func:`switch`). A plan stored earlier is replaced."""
    absence: MentorAbsence = handover.absence
    handover.planned_mentor_id = mentor_id
    handover.planned_weekday = weekday
    handover.planned_start_minute = start_minute
    handover.planned_minutes = min(minutes, 24 * 60 - start_minute)
    handover.planned_starts_on = starts_on
    handover.planned_run_id = run_id
    handover.status = HandoverStatus.PLANNED
    handover.note = ""
    await handover.save(update_fields=[*PLAN_FIELDS, "status", "note", "updated_at"])
    body = {
        "handoverId": handover.id,
        "absenceId": absence.id,
        "absenceStartsOn": absence.starts_on.isoformat(),
        "absenceEndsOn": absence.ends_on.isoformat(),
        "studentId": handover.student_id,
        "substituteMentorId": mentor_id,
        "weekday": weekday,
        "startMinute": start_minute,
        "minutes": handover.planned_minutes,
        "startsOn": starts_on.isoformat(),
        "runId": str(run_id) if run_id else None,
        "actor": actor,
    }
    await events.record_many(
        [
            (events.student_topic(handover.student_id), "handover_planned", body),
            (events.mentor_topic(absence.mentor_id), "handover_planned", body),
            (events.mentor_topic(mentor_id), "handover_planned", body),
        ]
    )
    return handover


PLAN_FIELDS = (
    "planned_mentor_id",
    "planned_weekday",
    "planned_start_minute",
    "planned_minutes",
    "planned_starts_on",
    "planned_run_id",
)


async def drop_plan(
    handover: Handover, note: str, *, status: HandoverStatus = HandoverStatus.WAITING
) -> None:
    """Forget the planned substitute (their seat is free again): the hand-over waits again (or ends as
    ``status``) and says why."""
    handover.status = status
    handover.note = note
    await handover.save(update_fields=["status", "note", "updated_at"])


async def drop_plans_with(mentor_id: int, *, after: date, note: str) -> list[int]:
    """Drop the plans naming ``mentor_id`` as substitute for an absence that lasts beyond ``after``: the
    hand-overs wait again (their seats are free). Returns the students, for a run to plan again."""
    rows = await Handover.filter(
        planned_mentor_id=mentor_id, status=HandoverStatus.PLANNED, absence__ends_on__gt=after
    ).order_by("student_id")
    for handover in rows:
        await drop_plan(handover, note)
    return [h.student_id for h in rows]


async def drop_plans_overlapping(
    mentor_id: int, starts_on: date, ends_on: date, *, note: str
) -> dict[date, list[int]]:
    """R5: the planned substitute will be away for long from ``starts_on`` to ``ends_on``: drop the plans
    naming them for an absence that overlaps those days (the hand-overs wait again, the seats are free).
    Returns the students by the Monday of the week a run should plan them from."""
    rows = await Handover.filter(
        planned_mentor_id=mentor_id,
        status=HandoverStatus.PLANNED,
        absence__ends_on__gte=starts_on,
        absence__starts_on__lte=ends_on,
    ).prefetch_related("absence")
    by_week: dict[date, list[int]] = {}
    for handover in sorted(rows, key=lambda h: h.student_id):
        await drop_plan(handover, note)
        by_week.setdefault(week_monday(handover.absence.starts_on), []).append(handover.student_id)
    return by_week


async def _plan_obstacle(handover: Handover, absence: MentorAbsence, student: Student) -> str:
    """Why the planned substitute cannot take the student for the absence ("" when they can): the
    eligibility rules (their seat is reserved already)."""
    assert handover.planned_mentor_id is not None and handover.planned_starts_on is not None
    mentor = await Mentor.get_or_none(id=handover.planned_mentor_id)
    if mentor is None:
        return "the planned substitute is gone"
    problem = eligibility.refusal(
        await eligibility.load_facts([mentor], [student]),
        mentor.id,
        student.id,
        starts_on=handover.planned_starts_on,
        until=absence.ends_on,
        weekday=handover.planned_weekday,
        seat=False,
    )
    return "" if problem is None else problem.message


async def switch(handover: Handover, *, now: datetime | None = None) -> Mentorship | None:
    """The absence starts: end the pair with the absent mentor on the eve of the absence and start the
    planned substitute's pair (the caller locks the people). Returns the substitute's pair, or None when
    the plan no longer holds (dropped, with the reason in ``note``)."""
    absence: MentorAbsence = await MentorAbsence.get(id=handover.absence_id)
    student = await Student.get(id=handover.student_id)
    current = await Mentorship.filter(student_id=student.id, ended_on__isnull=True).first()
    if current is None or current.id != handover.original_id:
        await drop_plan(
            handover,
            "no substitute: the pair with the mentor ended for another reason before the absence",
            status=HandoverStatus.CANCELLED,
        )
        return None
    if problem := await _plan_obstacle(handover, absence, student):
        await drop_plan(handover, f"the planned substitute cannot take the student: {problem}")
        return None
    assert handover.planned_mentor_id is not None and handover.planned_starts_on is not None
    assert handover.planned_weekday is not None and handover.planned_start_minute is not None
    assert handover.planned_minutes is not None
    period = f"{absence.starts_on.isoformat()} to {absence.ends_on.isoformat()}"
    # Under way: from here on the hand-over is no plan but a pair (its seat is the pair's).
    handover.status = HandoverStatus.SUBSTITUTED
    await handover.save(update_fields=["status", "updated_at"])
    # The pair with the mentor runs to the eve of the absence; its sessions after the return stay (they
    # come back to the mentor with the student, see give_back).
    await pairing.end_pair(
        current,
        ended_on=absence.starts_on - timedelta(days=1),
        free_until=absence.ends_at,
        reason=MentorshipEndReason.ABSENCE_HANDOVER,
        change=pairing.Change(
            PairingCause.ABSENCE,
            cause_ref=str(absence.id),
            reason=f"the mentor is away from {period}: handed to a substitute (R5)",
        ),
        now=now,
    )
    started = await pairing.start_pair(
        student_id=handover.student_id,
        mentor_id=handover.planned_mentor_id,
        weekday=handover.planned_weekday,
        start_minute=handover.planned_start_minute,
        minutes=handover.planned_minutes,
        started_on=max(handover.planned_starts_on, absence.starts_on),
        change=pairing.Change(
            PairingCause.ABSENCE,
            cause_ref=str(absence.id),
            reason=f"substitute while mentor {absence.mentor_id} is away from {period} "
            f"(run {handover.planned_run_id})",
        ),
        run_id=handover.planned_run_id,
    )
    handover.substitute_id = started.id
    await handover.save(update_fields=["substitute_id", "updated_at"])
    # A run that saw the people before the switch is stale.
    for mentor_id in (absence.mentor_id, started.mentor_id):
        mentor = await Mentor.get(id=mentor_id)
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
    student.version += 1
    await student.save(update_fields=["version", "updated_at"])
    return started


async def _obstacle(original: Mentorship, mentor: Mentor, student: Student, back_on: date) -> str:
    """Why the original pair cannot start again on ``back_on`` ("" when it can): the eligibility rules
    for a returning student, then the weekly slot."""
    problem = eligibility.refusal(
        await eligibility.load_facts([mentor], [student]),
        mentor.id,
        student.id,
        starts_on=back_on,
        weekday=original.slot_weekday,
        returning=True,
    )
    if problem is not None:
        return problem.message
    others = await Mentorship.filter(mentor_id=mentor.id, ended_on__isnull=True)
    start, end = original.slot_start_minute, original.slot_start_minute + original.slot_minutes
    for pair in others:
        if pair.slot_weekday == original.slot_weekday and (
            pair.slot_start_minute < end and start < pair.slot_start_minute + pair.slot_minutes
        ):
            return "the mentor's weekly slot is taken by another student"
    return ""


async def give_back(
    handover: Handover,
    *,
    back_on: date,
    sub_ended_on: date,
    change: pairing.Change,
    final: HandoverStatus = HandoverStatus.RETURNED,
    now: datetime | None = None,
) -> bool:
    """Give the student back to the absent mentor from ``back_on``: end the substitute's pair on
    ``sub_ended_on`` and start the original pair again at its slot. A student who never got a substitute
    simply keeps the original pair. The hand-over ends as ``final`` (the return) or ``CANCELLED`` with a
    note when the student is left waiting. Returns whether the student is with the mentor again."""
    original = await Mentorship.get(id=handover.original_id)
    mentor = await Mentor.select_for_update().get(id=original.mentor_id)
    student = await Student.select_for_update().get(id=handover.student_id)
    current = await Mentorship.filter(student_id=student.id, ended_on__isnull=True).first()
    back = False
    note = ""
    if handover.status in NOT_STARTED:
        if current is not None and current.id == original.id:
            handover.returned_id = original.id
            note = (
                "no substitute was published: the pair with the mentor went on"
                if handover.status is HandoverStatus.WAITING
                else "the planned substitute was not needed: the pair with the mentor went on"
            )
            back = True
        else:
            note = "not returned: the pair with the mentor ended meanwhile for another reason"
    else:
        if current is not None and current.id == handover.substitute_id:
            await pairing.end_pair(
                current,
                ended_on=sub_ended_on,
                reason=MentorshipEndReason.ABSENCE_OVER,
                change=change,
                now=now,
            )
            substitute_mentor = await Mentor.select_for_update().get(id=current.mentor_id)
            substitute_mentor.version += 1
            await substitute_mentor.save(update_fields=["version", "updated_at"])
            current = None
        if current is not None:
            note = "not returned: the student has another mentor now"
        elif problem := await _obstacle(original, mentor, student, back_on):
            note = f"not returned: {problem}; the student waits for the next matching run"
        else:
            restored = await pairing.start_pair(
                student_id=student.id,
                mentor_id=mentor.id,
                weekday=original.slot_weekday,
                start_minute=original.slot_start_minute,
                minutes=original.slot_minutes,
                started_on=back_on,
                change=change,
            )
            handover.returned_id = restored.id
            back = True
            # The sessions kept past the return (the pair's series) belong to the pair again.
            await Session.filter(
                mentorship_id=original.id,
                status=SessionStatus.SCHEDULED,
                starts_at__gte=paris_midnight(back_on),
            ).update(mentorship_id=restored.id)
            # A later absence's hand-over of this student follows the pair.
            await (
                Handover.filter(original_id=original.id, status__in=NOT_STARTED)
                .exclude(id=handover.id)
                .update(original_id=restored.id)
            )
    if not back:
        # A later absence's hand-over of this student has no pair with the mentor to hand over now.
        await (
            Handover.filter(original_id=original.id, status__in=NOT_STARTED)
            .exclude(id=handover.id)
            .update(
                status=HandoverStatus.CANCELLED,
                note="no substitute: the student did not come back to the mentor after an earlier absence",
            )
        )
    handover.status = final if back else HandoverStatus.CANCELLED
    handover.note = note
    await handover.save(update_fields=["status", "returned_id", "note", "updated_at"])
    mentor.version += 1
    await mentor.save(update_fields=["version", "updated_at"])
    student.version += 1
    await student.save(update_fields=["version", "updated_at"])
    return back
