"""Mentorships created by hand by staff (matching runs create them in bulk through the jobs layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.enums import PairingCause, SessionKind
from domain.errors import Conflict
from domain.models import Mentor, Mentorship, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, local_to_utc
from domain.services import calendar, eligibility, pairing
from domain.services._common import lock_or_not_found
from domain.services.sessions import insert_session

DISCOVERY_MINUTES = pairing.DISCOVERY_MINUTES  # R14


@dataclass(frozen=True, slots=True)
class MentorshipInput:
    student_id: int
    mentor_id: int
    # The discovery session, in Paris wall-clock time (R15). Its weekday and time become the weekly slot.
    first_session_at: datetime
    fold: int | None = None


async def create_mentorship(
    data: MentorshipInput, *, actor: str = pairing.SYSTEM, now: datetime | None = None
) -> Mentorship:
    """Pair a student with a mentor and book the 30-minute discovery session (R13, R14).

    Refuses what ``domain.services.eligibility`` refuses (a mentor not active, under notice or away, not
    listing the student's project, ended on request, assessing the student, at capacity; a weekday the
    funding does not allow), a student who already has a current mentor, and a Paris time that does not
    exist or is ambiguous without ``fold``.
    The discovery session passes the calendar checks of every booking (``calendar.check_entry``: not
    past, a funded weekday, both people's availability, ...), so the weekly slot taken from it lies inside
    both availabilities and the funding's weekdays (R11).
    """
    starts_at = local_to_utc(data.first_session_at, PARIS, fold=data.fold, field="firstSessionAt")
    local = starts_at.astimezone(PARIS)
    async with in_transaction():
        # Lock the mentor first: concurrent pairings to one mentor are serialized, so R2 holds.
        mentor = await lock_or_not_found(Mentor, data.mentor_id, field="mentorId")
        student = await lock_or_not_found(Student, data.student_id, field="studentId")
        # Who may be paired with whom (status, R6, R5, R1, R7, R20, R11, R2): one home for every path.
        await eligibility.check(
            mentor,
            student,
            starts_on=local.date(),
            weekday=local.weekday(),
            fields=eligibility.Fields(when="firstSessionAt"),
        )
        if await Mentorship.filter(student_id=student.id, ended_on__isnull=True).exists():
            raise Conflict("the student already has a current mentor", field="studentId")
        mentorship = await pairing.start_pair(
            student_id=student.id,
            mentor_id=mentor.id,
            weekday=local.weekday(),
            start_minute=local.hour * 60 + local.minute,
            minutes=student.session_minutes,
            started_on=local.date(),
            change=pairing.Change(PairingCause.MANUAL, actor=actor),
        )
        # Through the sessions service: the discovery session obeys the no-overlap rule like any other.
        await insert_session(
            mentorship,
            kind=SessionKind.DISCOVERY,
            starts_at=starts_at,
            minutes=DISCOVERY_MINUTES,
            now=now,
            field="firstSessionAt",
        )
        # The weekly slot taken from it (the student's session length) lies inside both availabilities too,
        # in every season (someone in Dakar or Montreal: the clocks change on other dates than Paris's).
        await calendar.check_available(
            mentor.id, student, starts_at, mentorship.slot_minutes, field="firstSessionAt", every_season=True
        )
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
        return mentorship
