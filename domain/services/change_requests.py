"""R7: a student or a mentor asks to end their pair, with no reason required.

The pair ends today (Paris date) with ``CHANGE_REQUESTED_BY_STUDENT`` or ``CHANGE_REQUESTED_BY_MENTOR``
(its future sessions are cancelled without penalty), and from then on the pair is forbidden in every run
(``jobs.snapshot`` reads those end reasons). The student waits for the next run; on request a run
restricted to them is queued at once for staff to review and publish.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from domain.access import Viewer
from domain.enums import MentorshipEndReason, PairingCause
from domain.errors import Conflict, NotFound, ValidationFailed
from domain.models import MatchingRun, Mentor, Mentorship, Student
from domain.outbox import in_transaction
from domain.paris_time import paris_today, week_monday
from domain.services import pairing
from domain.services._common import lock_or_not_found
from domain.services.departures import start_or_join_run

Side = Literal["student", "mentor"]
MAX_REASON_LENGTH = 2000

_REASONS: dict[Side, MentorshipEndReason] = {
    "student": MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
    "mentor": MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR,
}


def side_of(viewer: Viewer, requested_by: Side | None) -> Side:
    """Whose request it is: a mentor's or a student's own (``requested_by``, when given, must agree);
    staff acting for someone must say for whom."""
    own: Side | None = (
        "mentor" if viewer.mentor_id is not None else "student" if viewer.student_id is not None else None
    )
    if own is not None:
        if requested_by is not None and requested_by != own:
            raise ValidationFailed(f"a {own} asks for themself", field="requestedBy")
        return own
    if requested_by is None:
        raise ValidationFailed(
            "say on whose behalf the change is asked (STUDENT or MENTOR)", field="requestedBy"
        )
    return requested_by


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    mentorship: Mentorship
    replacement_run: MatchingRun | None


async def request_change(
    mentorship_id: int,
    *,
    side: Side,
    actor: str = pairing.SYSTEM,
    reason: str = "",
    propose_replacement: bool = False,
    today: date | None = None,
) -> ChangeOutcome:
    """End a current pair at one side's request (R7). ``reason`` is optional and kept on the audit row
    only. With ``propose_replacement`` a run restricted to the student is queued for next week (its
    job is enqueued after the commit); staff review and publish it.

    Refuses: an unknown pair (``NOT_FOUND``), a pair that has already ended (``CONFLICT``), a reason
    longer than 2000 characters (``VALIDATION``)."""
    today = today or paris_today()
    reason = reason.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"must be at most {MAX_REASON_LENGTH} characters", field="reason")
    async with in_transaction():
        found = await Mentorship.get_or_none(id=mentorship_id)
        if found is None:
            raise NotFound("Mentorship", mentorship_id, field="mentorshipId")
        # Lock in the usual order (mentor, student, then the pair) as the other pairing writers do.
        mentor = await lock_or_not_found(Mentor, found.mentor_id, field="mentorshipId")
        student = await lock_or_not_found(Student, found.student_id, field="mentorshipId")
        pair = await Mentorship.select_for_update().get(id=mentorship_id)
        if pair.ended_on is not None:
            raise Conflict(f"the pair already ended on {pair.ended_on.isoformat()}", field="mentorshipId")
        ended = await pairing.end_pair(
            pair,
            ended_on=today,
            reason=_REASONS[side],
            change=pairing.Change(PairingCause.REQUEST, actor=actor, reason=reason),
            # Asking to stop frees tonight's session too: from now, or from the start of a later ``today``
            # (a request dated ahead, as the simulations do), never the sessions before that day.
            free_from=max(datetime.now(UTC), pairing.paris_midnight_after(today - timedelta(days=1))),
        )
        mentor.version += 1
        await mentor.save(update_fields=["version", "updated_at"])
        student.version += 1
        await student.save(update_fields=["version", "updated_at"])
        run = None
        if propose_replacement:
            week = week_monday(today) + timedelta(days=7)
            run = await start_or_join_run([student.id], week, requested_by=actor)
        return ChangeOutcome(ended, run)
