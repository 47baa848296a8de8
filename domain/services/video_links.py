"""The mentor's choice of an external video tool (the mentor guide: sessions are held on the school's
platform; "if ever you experience difficulty with the OpenClassrooms tool, you can use an external video
conferencing tool"): an https URL on the pair (every session) or on one session. Blank goes back to the
school's platform. Which URL applies is said in one place, ``domain.video``."""

from __future__ import annotations

from domain.enums import SessionStatus
from domain.errors import ValidationFailed
from domain.links import optional_https_url
from domain.models import Mentorship, Session
from domain.outbox import in_transaction
from domain.services._common import lock_or_not_found


async def set_pair_url(mentorship_id: int, url: str) -> Mentorship:
    url = optional_https_url(url, field="url")
    async with in_transaction():
        pair = await lock_or_not_found(Mentorship, mentorship_id, field="mentorshipId")
        if pair.ended_on is not None:
            raise ValidationFailed("the mentorship has ended", field="mentorshipId")
        pair.video_url = url
        await pair.save(update_fields=["video_url", "updated_at"])
        return pair


async def set_session_url(session_id: int, url: str) -> Session:
    url = optional_https_url(url, field="url")
    async with in_transaction():
        session = await lock_or_not_found(Session, session_id, field="sessionId")
        if session.status is not SessionStatus.SCHEDULED:
            raise ValidationFailed(f"the session is {session.status.value}", field="sessionId")
        session.video_url = url
        # Calendar clients see the new location (iCalendar SEQUENCE).
        session.sequence += 1
        await session.save(update_fields=["video_url", "sequence", "updated_at"])
        return session
