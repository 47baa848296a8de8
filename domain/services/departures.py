"""R6: a mentor who leaves gives at least 14 days' notice; their students are re-matched before the last
day and nothing is assigned to the mentor after it.

- :func:`give_notice` stores the last day and, in the same transaction, queues a matching run restricted
  to the mentor's current students for the next Paris week (its job is enqueued after the
  commit). The snapshot (``jobs.snapshot``) leaves a mentor with a last day out of every run and treats
  their students as unpaired, so each of them is placed with someone else; every current pair outside the
  scope stays as it is (the stability objective: the solver keeps still-valid pairs, the ``kept``
  weight). Staff review the run and publish it; publishing ends the old pairs with ``MENTOR_LEFT``.
  Nothing stays in the mentor's calendar after the last day: sessions booked past it are cancelled without
  penalty and presentations they were to assess past it wait for another assessor, at the notice (the
  calendar refuses new ones from then on).
- :func:`withdraw_notice` takes it back before the last day (what the notice cancelled stays cancelled).
- :func:`apply_due` (a daily job) ends what is left after the last day and marks the mentor ``LEFT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.enums import MentorshipEndReason, MentorStatus, PairingCause
from domain.errors import Conflict, NoticeTooShort, ValidationFailed
from domain.models import MatchingRun, Mentor, Mentorship, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, local_to_utc, paris_today, week_monday
from domain.services import assessor_release, handovers, notifications, pairing, run_requests
from domain.services._common import lock_or_not_found

NOTICE_DAYS = 14  # R6: two weeks at least
REMATCH_TIME_LIMIT_S = 30.0


async def start_or_join_run(student_ids: list[int], week: date, *, requested_by: str) -> MatchingRun:
    """The re-matching run of ``student_ids`` (``run_requests.start_or_join_run``)."""
    return await run_requests.start_or_join_run(
        student_ids, week, time_limit_s=REMATCH_TIME_LIMIT_S, requested_by=requested_by
    )


async def _current_student_ids(mentor_id: int) -> list[int]:
    pairs = await Mentorship.filter(mentor_id=mentor_id, ended_on__isnull=True).only("id", "student_id")
    return sorted(p.student_id for p in pairs)


@dataclass(frozen=True, slots=True)
class Notice:
    mentor: Mentor
    run: MatchingRun | None  # the re-matching run of the mentor's current students, if they had any


async def give_notice(
    mentor_id: int, last_day: date, *, actor: str = pairing.SYSTEM, today: date | None = None
) -> Notice:
    """Record that the mentor leaves after ``last_day`` (a Paris date, at least 14 days after ``today``)
    and queue the re-matching run of their current students (None when they have none), with the
    students of a long absence whose planned substitute they were, if that absence outlasts the last day.

    Refuses: a last day less than 14 days ahead (``NOTICE_TOO_SHORT``), a mentor who already left or has
    already given notice (``CONFLICT``: withdraw it first to change the date)."""
    today = today or paris_today()
    earliest = today + timedelta(days=NOTICE_DAYS)
    if last_day < earliest:
        raise NoticeTooShort(
            f"the last day must be on or after {earliest.isoformat()} ({NOTICE_DAYS} days' notice, R6)",
            field="lastDay",
        )
    async with in_transaction():
        mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
        if mentor.status is MentorStatus.LEFT:
            raise Conflict("the mentor has already left", field="mentorId")
        if mentor.last_day is not None:
            raise Conflict(
                f"the mentor already gave notice (last day {mentor.last_day.isoformat()}); withdraw it first",
                field="mentorId",
            )
        mentor.notice_given_on = today
        mentor.last_day = last_day
        mentor.version += 1
        await mentor.save(update_fields=["notice_given_on", "last_day", "version", "updated_at"])
        students = await _current_student_ids(mentor.id)
        await _clear_after(mentor.id, last_day, actor)
        # R5: a hand-over planned with the mentor for an absence that outlasts their last day needs another
        # substitute: the plan is dropped and the student goes into the re-matching run, which plans again.
        replanned = await handovers.drop_plans_with(
            mentor.id,
            after=last_day,
            note=f"the planned substitute leaves on {last_day.isoformat()} (R6): planned again",
        )
        run = None
        if students or replanned:
            # Next week starts at most 7 days ahead, so every new pair starts before the last day.
            week = week_monday(today) + timedelta(days=7)
            run = await start_or_join_run(sorted({*students, *replanned}), week, requested_by=actor)
        await notifications.on_notice(mentor, students)
        return Notice(mentor, run)


async def _clear_after(mentor_id: int, last_day: date, actor: str) -> None:
    """R6: nothing of the mentor's after their last day. Sessions booked before the notice for a later
    date are cancelled without penalty (the student's next mentor books their own); presentations they were
    to assess after it lose their assessor and wait for another one (the student is told)."""
    after = local_to_utc(datetime.combine(last_day + timedelta(days=1), time()), PARIS, fold=0)
    await pairing.cancel_sessions_without_penalty(
        {"mentor_id": mentor_id},
        after=after,
        reason=f"cancelled without penalty: the mentor leaves after {last_day.isoformat()} (R6)",
    )
    await assessor_release.release_assessor(
        mentor_id,
        starts_from=after,
        starts_before=None,
        reason=(
            f"the assessor (mentor {mentor_id}) leaves after {last_day.isoformat()} (R6): "
            "another assessor is needed"
        ),
        actor=actor,
    )


async def withdraw_notice(
    mentor_id: int, *, actor: str = pairing.SYSTEM, today: date | None = None
) -> Mentor:
    """Take a notice back, up to the last day itself. The mentor's current students get a new version,
    so a re-matching run still under review is refused as stale when staff try to publish it."""
    today = today or paris_today()
    async with in_transaction():
        mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
        if mentor.status is MentorStatus.LEFT:
            raise Conflict("the mentor has already left", field="mentorId")
        if mentor.last_day is None:
            raise Conflict("the mentor has not given notice", field="mentorId")
        if today > mentor.last_day:
            raise ValidationFailed(
                f"the last day ({mentor.last_day.isoformat()}) has passed; the notice stands",
                field="mentorId",
            )
        mentor.notice_given_on = None
        mentor.last_day = None
        mentor.version += 1
        await mentor.save(update_fields=["notice_given_on", "last_day", "version", "updated_at"])
        students = await Student.select_for_update().filter(id__in=await _current_student_ids(mentor.id))
        for student in sorted(students, key=lambda s: s.id):
            student.version += 1
            await student.save(update_fields=["version", "updated_at"])
        return mentor


async def apply_due(today: date, *, now: datetime | None = None) -> dict[str, int]:
    """For every mentor whose last day is before ``today`` (Paris dates) and who is not yet ``LEFT``: end
    their remaining current pairs on the last day (``MENTOR_LEFT``, cause ``NOTICE``; later sessions are
    cancelled without penalty) and mark them ``LEFT``. Their students are then waiting for the next run.
    One transaction per mentor; running it twice changes nothing more. Counts: ``left`` (mentors),
    ``leftPairsEnded`` (pairs ended here)."""
    now = now or datetime.now(UTC)
    counts = {"left": 0, "leftPairsEnded": 0}
    due = (
        await Mentor.filter(last_day__lt=today)
        .exclude(status=MentorStatus.LEFT)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for mentor_id in due:
        async with in_transaction():
            mentor = await Mentor.select_for_update().get_or_none(id=mentor_id)
            if mentor is None or mentor.status is MentorStatus.LEFT or mentor.last_day is None:
                continue  # changed since the list was read
            if mentor.last_day >= today:
                continue
            last_day = mentor.last_day
            change = pairing.Change(PairingCause.NOTICE, cause_ref=f"notice:{mentor.id}")
            pairs = await (
                Mentorship.select_for_update()
                .filter(mentor_id=mentor.id, ended_on__isnull=True)
                .order_by("id")
            )
            students = {
                s.id: s
                for s in await Student.select_for_update()
                .filter(id__in=[p.student_id for p in pairs])
                .order_by("id")
            }
            for pair in pairs:
                await pairing.end_pair(
                    pair, ended_on=last_day, reason=MentorshipEndReason.MENTOR_LEFT, change=change, now=now
                )
                student = students[pair.student_id]
                student.version += 1
                await student.save(update_fields=["version", "updated_at"])
            mentor.status = MentorStatus.LEFT
            mentor.version += 1
            await mentor.save(update_fields=["status", "version", "updated_at"])
            counts["left"] += 1
            counts["leftPairsEnded"] += len(pairs)
    return counts
