"""R5: a mentor's absence (Paris dates, both included), recorded ahead of time.

- Up to 14 days (short): the mentor's scheduled sessions inside the absence are cancelled without penalty
  (``cancelled``, billed 0) and the mentor arranges catch-up sessions with their students, several in the
  week after if needed (``catchUp`` sessions escape the one-regular-session-a-week rule, R13).
- Longer: each current student of the mentor gets a ``Handover`` (waiting) and a matching run restricted
  to them is queued for the Paris week the absence starts in (its job is enqueued after the
  commit). The snapshot leaves the absent mentor out of every week the absence touches and keeps their
  seat and slot for the students handed over; publishing the run plans each student's substitute
  (``domain.services.handovers``: the seat is reserved, the student stays with their mentor).
  :func:`apply_due`, the daily step, hands them over when the absence starts and gives them back when
  it is over. Cancelling the absence before it starts drops the plans (the seats are free again).
- Both: the sessions inside the absence are cancelled without penalty, both sides get an
  ``absence_recorded`` event (one per pair, on the mentor's and the student's assignment topics), and
  nothing can be booked with the mentor inside the absence (:func:`check_not_away`).

Refused: an end before the start (``endsOn``), a start in the past or more than a year ahead
(``startsOn``), an absence longer than 183 days, an overlap with another absence of the mentor
(``CONFLICT``), a mentor who left or leaves before it starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain import payloads
from domain.enums import HandoverStatus, MentorStatus, PairingCause, SessionStatus
from domain.errors import Conflict, ErrorCode, ValidationFailed
from domain.models import (
    Handover,
    MatchingRun,
    Mentor,
    MentorAbsence,
    Mentorship,
    Session,
    Student,
)
from domain.outbox import in_transaction
from domain.paris_time import paris_today, week_monday
from domain.services import assessor_release, events, handovers, notifications, pairing, run_requests
from domain.services._common import lock_or_not_found

SHORT_DAYS = 14  # R5: one or two weeks, caught up by the mentor
MAX_DAYS = 183  # about six months
MAX_AHEAD_DAYS = 366
MAX_REASON = 2000
HANDOVER_TIME_LIMIT_S = 10.0


class MentorAway(Conflict):
    """R5: the mentor is away then; nothing is booked with them inside a recorded absence."""

    code = ErrorCode.MENTOR_AWAY


def paris_midnight(day: date) -> datetime:
    """The UTC instant the Paris day ``day`` begins (Paris midnights always exist)."""
    return pairing.paris_midnight_after(day - timedelta(days=1))


def _period(absence: MentorAbsence) -> str:
    return f"{absence.starts_on.isoformat()} to {absence.ends_on.isoformat()}"


async def check_not_away(mentor_id: int, starts_at: datetime, minutes: int) -> None:
    """Refuse a session of the mentor that overlaps one of their recorded absences (``MentorAway``)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    absence = await MentorAbsence.filter(
        mentor_id=mentor_id, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if absence is not None:
        raise MentorAway(f"the mentor is away from {_period(absence)} (R5)", field="startsAt")


@dataclass(frozen=True, slots=True)
class Recorded:
    absence: MentorAbsence
    run: MatchingRun | None  # the hand-over run of a long absence with students, queued
    cancelled_sessions: int
    unassigned_assessments: int = 0


def _check_dates(starts_on: date, ends_on: date, today: date) -> None:
    if ends_on < starts_on:
        raise ValidationFailed("the absence ends before it starts", field="endsOn")
    if starts_on < today:
        raise ValidationFailed(
            f"the absence starts in the past (today is {today.isoformat()})", field="startsOn"
        )
    if starts_on > today + timedelta(days=MAX_AHEAD_DAYS):
        raise ValidationFailed("record an absence at most a year ahead", field="startsOn")
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise ValidationFailed(f"an absence lasts at most {MAX_DAYS} days", field="endsOn")


async def _announce(absence: MentorAbsence, pairs: list[Mentorship], kind: str, actor: str) -> None:
    """One event per pair on both sides' assignment topics: the pair, plus the absence."""
    change = pairing.Change(PairingCause.ABSENCE, actor=actor, cause_ref=str(absence.id))
    items: list[tuple[str, str, payloads.AbsencePairPayload]] = []
    for pair in pairs:
        body: payloads.AbsencePairPayload = {
            **pairing.payload(pair, change),
            "absenceId": absence.id,
            "absenceStartsOn": absence.starts_on.isoformat(),
            "absenceEndsOn": absence.ends_on.isoformat(),
            "long": absence.long,
        }
        items.append((events.mentor_topic(pair.mentor_id), kind, body))
        items.append((events.student_topic(pair.student_id), kind, body))
    if items:
        await events.record_many(items)
    await notifications.on_absence(absence, pairs, kind)


async def _start_handover_run(student_ids: list[int], week: date, *, actor: str) -> MatchingRun:
    """Queue the run for the handed-over students; an active run of exactly that scope is joined."""
    return await run_requests.start_or_join_run(
        student_ids, week, time_limit_s=HANDOVER_TIME_LIMIT_S, requested_by=actor
    )


async def record_absence(
    mentor_id: int,
    starts_on: date,
    ends_on: date,
    reason: str = "",
    *,
    actor: str = pairing.SYSTEM,
    today: date | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Record an absence, cancel the sessions inside it, and for a long one queue the hand-over run."""
    today = today or paris_today()
    now = now or datetime.now(UTC)
    _check_dates(starts_on, ends_on, today)
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(f"must be at most {MAX_REASON} characters", field="reason")
    async with in_transaction():
        mentor = await lock_or_not_found(Mentor, mentor_id, field="mentorId")
        if mentor.status is MentorStatus.LEFT:
            raise Conflict("the mentor has left", field="mentorId")
        if mentor.last_day is not None and starts_on > mentor.last_day:
            raise ValidationFailed(
                f"the mentor leaves on {mentor.last_day.isoformat()}, before the absence (R6)",
                field="startsOn",
            )
        clash = await MentorAbsence.filter(
            mentor_id=mentor.id, cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).first()
        if clash is not None:
            raise Conflict(f"the mentor is already away from {_period(clash)}", field="startsOn")
        absence = await MentorAbsence.create(
            mentor_id=mentor.id,
            starts_on=starts_on,
            ends_on=ends_on,
            starts_at=paris_midnight(starts_on),
            ends_at=paris_midnight(ends_on + timedelta(days=1)),
            reason=reason,
            long=(ends_on - starts_on).days + 1 > SHORT_DAYS,
            recorded_by=actor[:80],
        )
        # Matching must see it: a run that saw the mentor as available is stale.
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
        pairs = await Mentorship.filter(mentor_id=mentor.id, ended_on__isnull=True).order_by("student_id")
        cancelled = await pairing.cancel_sessions_without_penalty(
            {"mentor_id": mentor.id, "starts_at__lt": absence.ends_at},
            after=absence.starts_at,
            now=now,
            reason=f"cancelled without penalty: the mentor is away from {_period(absence)} (R5)",
        )
        unassigned = await _release_assessments(absence, actor)
        run = None
        if absence.long and pairs:
            for pair in pairs:
                await Handover.create(absence_id=absence.id, student_id=pair.student_id, original_id=pair.id)
            run = await _start_handover_run(
                [p.student_id for p in pairs], week_monday(starts_on), actor=actor
            )
        if absence.long:
            # R5: students this mentor was to take over during another mentor's absence need another
            # substitute: their plans are dropped and a hand-over run plans them again.
            replan = await handovers.drop_plans_overlapping(
                mentor.id,
                starts_on,
                ends_on,
                note=f"the planned substitute is away from {_period(absence)} (R5): planned again",
            )
            for week, student_ids in sorted(replan.items()):
                await _start_handover_run(student_ids, max(week, week_monday(today)), actor=actor)
        await _announce(absence, pairs, "absence_recorded", actor)
        return Recorded(absence, run, cancelled, unassigned)


async def _release_assessments(absence: MentorAbsence, actor: str) -> int:
    """R5, R20: presentations the absent mentor was to assess inside the absence wait for another one."""
    return await assessor_release.release_assessor(
        absence.mentor_id,
        starts_from=absence.starts_at,
        starts_before=absence.ends_at,
        reason=(
            f"the assessor (mentor {absence.mentor_id}) is away from {_period(absence)} (R5): "
            "another assessor is needed"
        ),
        actor=actor,
        absence_id=absence.id,
    )


async def _lock_people(absence: MentorAbsence, rows: list[Handover]) -> None:
    """Lock in the usual order: mentors (the absent one and the substitutes) by id, then students."""
    substitute_ids = [h.substitute_id for h in rows if h.substitute_id is not None]
    mentor_ids = {absence.mentor_id} | set(
        await Mentorship.filter(id__in=substitute_ids).values_list("mentor_id", flat=True)
    )
    mentor_ids |= {h.planned_mentor_id for h in rows if h.planned_mentor_id is not None}
    await Mentor.select_for_update().filter(id__in=sorted(mentor_ids)).order_by("id")
    await Student.select_for_update().filter(id__in=sorted(h.student_id for h in rows)).order_by("id")


async def cancel_absence(
    absence_id: int, *, actor: str = pairing.SYSTEM, today: date | None = None, now: datetime | None = None
) -> MentorAbsence:
    """Take an absence back before it starts. Its hand-overs end as ``CANCELLED``: a student still
    waiting for a substitute or with one planned keeps their pair (a planned substitute's seat is free
    again) (the students get a new version, so a hand-over run under
    review is refused as stale); a student already handed over comes back to the mentor now. Sessions
    cancelled for the absence stay cancelled: the mentor books them again."""
    today = today or paris_today()
    now = now or datetime.now(UTC)
    async with in_transaction():
        absence = await lock_or_not_found(MentorAbsence, absence_id, field="id", entity="MentorAbsence")
        if absence.cancelled_at is not None:
            raise Conflict("the absence is already cancelled", field="id")
        if absence.starts_on <= today:
            raise ValidationFailed("the absence has started; it can no longer be cancelled", field="id")
        rows = await Handover.filter(absence_id=absence.id, status__in=handovers.OPEN).order_by("student_id")
        await _lock_people(absence, rows)
        change = pairing.Change(
            PairingCause.RETURN, actor=actor, cause_ref=str(absence.id), reason="the absence was cancelled"
        )
        for handover in rows:
            await handovers.give_back(
                handover,
                back_on=today,
                sub_ended_on=today,
                change=change,
                final=HandoverStatus.CANCELLED,
                now=now,
            )
        absence.cancelled_at = now
        await absence.save(update_fields=["cancelled_at", "updated_at"])
        if not absence.long:
            await _drop_catch_ups(absence, now)
        mentor = await Mentor.select_for_update().get(id=absence.mentor_id)
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
        pairs = await Mentorship.filter(mentor_id=mentor.id, ended_on__isnull=True).order_by("student_id")
        await _announce(absence, pairs, "absence_cancelled", actor)
        return absence


async def switch_due(today: date, *, now: datetime | None = None) -> dict[str, int]:
    """The daily step, first part: for every long absence that has started by ``today`` (a Paris date),
    each hand-over with a planned substitute switches the student to them (``handovers.switch``). One
    transaction per absence; running it twice changes nothing more. Counts: ``substituted`` (students now
    with their substitute), ``planDropped`` (plans that no longer held)."""
    now = now or datetime.now(UTC)
    counts = {"substituted": 0, "planDropped": 0}
    due = (
        await MentorAbsence.filter(
            long=True,
            cancelled_at__isnull=True,
            returned_at__isnull=True,
            starts_on__lte=today,
            handovers__status=HandoverStatus.PLANNED,
        )
        .distinct()
        .order_by("id")
        .values_list("id", flat=True)
    )
    async for _absence, rows in _each_locked(due, (HandoverStatus.PLANNED,)):
        dropped: list[int] = []
        for handover in rows:
            started = await handovers.switch(handover, now=now)
            if started is None and handover.status is HandoverStatus.WAITING:
                dropped.append(handover.student_id)
            counts["substituted" if started is not None else "planDropped"] += 1
        if dropped:
            # The plan no longer holds (the substitute is away, full, gone...): a hand-over run plans the
            # students again; publishing it switches them at once, the absence having started.
            await _start_handover_run(dropped, week_monday(today), actor=pairing.SYSTEM)
    return counts


async def _each_locked(
    absence_ids: Sequence[Any], statuses: Sequence[HandoverStatus]
) -> AsyncIterator[tuple[MentorAbsence, list[Handover]]]:
    """Each absence of ``absence_ids`` still neither cancelled nor returned, with its hand-overs in
    ``statuses``, in a transaction of its own with the absence and the people locked: the body runs inside
    it (one transaction per absence, as the daily step wants)."""
    for absence_id in absence_ids:
        async with in_transaction():
            absence = await MentorAbsence.select_for_update().get_or_none(id=absence_id)
            if absence is None or absence.cancelled_at is not None or absence.returned_at is not None:
                continue  # changed since the list was read
            rows = await Handover.filter(absence_id=absence.id, status__in=list(statuses)).order_by(
                "student_id"
            )
            await _lock_people(absence, rows)
            yield absence, rows


async def _drop_catch_ups(absence: MentorAbsence, now: datetime) -> int:
    """R5: the catch-up sessions booked ahead for a short absence that is cancelled are due no more (unless
    another short absence of the mentor calls for them): cancelled without penalty, saying why."""
    # Imported here: the calendar checks sit above this module (they ask it whether the mentor is away).
    from domain.services import calendar

    ids = [
        session_id
        for session_id, starts_at in await Session.filter(
            mentor_id=absence.mentor_id,
            catch_up=True,
            status=SessionStatus.SCHEDULED,
            starts_at__gte=absence.ends_at,
        ).values_list("id", "starts_at")
        if not await calendar.catch_up_due(absence.mentor_id, starts_at)
    ]
    if not ids:
        return 0
    return await pairing.cancel_sessions_without_penalty(
        {"id__in": ids},
        after=absence.ends_at,
        now=now,
        reason=f"cancelled without penalty: the absence from {_period(absence)} it caught up on "
        "was cancelled (R5)",
    )


async def apply_due(today: date, *, now: datetime | None = None) -> dict[str, int]:
    """The daily step: the hand-overs of long absences that have started switch to their planned
    substitutes (:func:`switch_due`); then for every long absence over before ``today`` (a Paris date) and
    not yet returned, end the substitutes' pairs on its last day (``ABSENCE_OVER``, cause ``RETURN``) and
    start each student's pair with their mentor again at the same weekly slot the day after. A student
    who never got a substitute keeps their pair. One transaction per absence; running it twice changes
    nothing more."""
    now = now or datetime.now(UTC)
    counts = {"absences": 0, "returned": 0, "notReturned": 0, **await switch_due(today, now=now)}
    due = (
        await MentorAbsence.filter(
            long=True, cancelled_at__isnull=True, returned_at__isnull=True, ends_on__lt=today
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    async for absence, rows in _each_locked(due, handovers.OPEN):
        back_on = absence.ends_on + timedelta(days=1)
        change = pairing.Change(
            PairingCause.RETURN, cause_ref=str(absence.id), reason=f"the mentor is back on {back_on}"
        )
        for handover in rows:
            back = await handovers.give_back(
                handover, back_on=back_on, sub_ended_on=absence.ends_on, change=change, now=now
            )
            counts["returned" if back else "notReturned"] += 1
        absence.returned_at = now
        await absence.save(update_fields=["returned_at", "updated_at"])
        counts["absences"] += 1
    return counts


async def absences_of(mentor_id: int) -> list[MentorAbsence]:
    """The mentor's absences, latest first (cancelled ones included)."""
    return await MentorAbsence.filter(mentor_id=mentor_id).order_by("-starts_on", "-id")
