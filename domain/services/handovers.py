"""R5, a long absence: the pairs of a student handed to a substitute mentor and back.

- :func:`substitute` is the publish hook (``domain.services.runs.publish_run``): a run's pair for a student
  whose hand-over is waiting ends the pair with the absent mentor (``ABSENCE_HANDOVER``, cause
  ``ABSENCE``) and starts the substitute's pair, no earlier than the first day of the absence.
- :func:`give_back` is the return (``domain.services.absences``): the substitute's pair ends
  (``ABSENCE_OVER``, cause ``RETURN``) and the pair with the absent mentor starts again at its weekly
  slot. When that cannot be (the mentor left, no longer lists the student's project, is full, or the slot
  is taken; the student has another mentor now), the student is left waiting for the next matching run
  and the hand-over says why in its ``note``.

Both run inside the caller's transaction and go through ``domain.services.pairing`` (audit rows, events to
both sides, later sessions of an ended pair cancelled without penalty).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from domain.enums import HandoverStatus, MentorshipEndReason, PairingCause, SessionStatus
from domain.models import Handover, Mentor, MentorAbsence, Mentorship, Session, Student
from domain.services import eligibility, pairing

OPEN = (HandoverStatus.WAITING, HandoverStatus.SUBSTITUTED)


async def waiting(student_ids: Sequence[int], monday: date) -> dict[int, Handover]:
    """The hand-overs waiting for a substitute among ``student_ids``, by student (absence loaded): for a
    student with several long absences of their mentor ahead, the one a run planned on the week of
    ``monday`` covers, i.e. the earliest absence not over by then (each absence's run is planned on the
    week it starts)."""
    rows = await Handover.filter(
        student_id__in=list(student_ids), status=HandoverStatus.WAITING
    ).prefetch_related("absence")
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


async def substitute(
    handover: Handover,
    old: Mentorship,
    *,
    mentor_id: int,
    weekday: int,
    start_minute: int,
    minutes: int,
    monday: date,
    run_id: object,
    actor: str,
) -> tuple[Mentorship, Mentorship]:
    """Hand the student over: end ``old`` (the pair with the absent mentor) and start the substitute's
    pair. Returns (ended, started)."""
    absence: MentorAbsence = handover.absence
    period = f"{absence.starts_on.isoformat()} to {absence.ends_on.isoformat()}"
    # The pair with the mentor runs to the eve of the absence; its sessions after the return stay (they
    # come back to the mentor with the student, see give_back).
    ended = await pairing.end_pair(
        old,
        ended_on=absence.starts_on - timedelta(days=1),
        free_until=absence.ends_at,
        reason=MentorshipEndReason.ABSENCE_HANDOVER,
        change=pairing.Change(
            PairingCause.ABSENCE,
            actor=actor,
            cause_ref=str(absence.id),
            reason=f"the mentor is away from {period}: handed to a substitute (R5)",
        ),
    )
    started = await pairing.start_pair(
        student_id=handover.student_id,
        mentor_id=mentor_id,
        weekday=weekday,
        start_minute=start_minute,
        minutes=minutes,
        started_on=substitute_start(absence.starts_on, monday, weekday),
        change=pairing.Change(
            PairingCause.ABSENCE,
            actor=actor,
            cause_ref=str(absence.id),
            reason=f"substitute while mentor {absence.mentor_id} is away from {period} (run {run_id})",
        ),
        run_id=run_id,
    )
    handover.substitute_id = started.id
    handover.status = HandoverStatus.SUBSTITUTED
    await handover.save(update_fields=["substitute_id", "status", "updated_at"])
    return ended, started


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
    if handover.status is HandoverStatus.WAITING:
        if current is not None and current.id == original.id:
            handover.returned_id = original.id
            note = "no substitute was published: the pair with the mentor went on"
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
            # The sessions kept past the return belong to the pair again.
            await Session.filter(
                mentorship_id=original.id,
                status=SessionStatus.SCHEDULED,
                starts_at__gte=paris_midnight(back_on),
            ).update(mentorship_id=restored.id)
    handover.status = final if back else HandoverStatus.CANCELLED
    handover.note = note
    await handover.save(update_fields=["status", "returned_id", "note", "updated_at"])
    mentor.version += 1
    await mentor.save(update_fields=["version", "updated_at"])
    student.version += 1
    await student.save(update_fields=["version", "updated_at"])
    return back
