"""iCalendar feeds of a mentor's or a student's sessions, reachable by a secret URL the owner can rotate.

Only the SHA-256 of a feed token is stored; rotating replaces it, so the old URL stops working at once.
Each session is one VEVENT with a stable UID, a SEQUENCE that grows whenever its time, length or status
changes, and Europe/Paris times with the matching VTIMEZONE (built by the ``icalendar`` library). No
private comment ever appears in a feed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event
from tortoise.transactions import in_transaction

from domain.enums import SessionKind, SessionStatus
from domain.models import CalendarFeed, Mentor, Mentorship, Session, Student
from domain.paris_time import PARIS
from domain.services._common import get_or_not_found
from domain.video import link_for

PRODID = "-//Mentormatch//Sessions//EN"
UID_DOMAIN = "sessions.mentormatch"
FEED_HISTORY = timedelta(days=180)  # past sessions kept in a feed

_TITLES = {
    SessionKind.DISCOVERY: "Discovery session",
    SessionKind.REGULAR: "Mentoring session",
    SessionKind.PRESENTATION: "Project presentation",
}


class FeedOwner(StrEnum):
    MENTOR = "mentor"
    STUDENT = "student"


@dataclass(frozen=True, slots=True)
class Feed:
    owner: FeedOwner
    owner_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def rotate_feed(owner: FeedOwner, owner_id: int) -> str:
    """A new secret token for the owner's feed (the only time it is shown); any previous one stops working."""
    token = secrets.token_urlsafe(32)
    async with in_transaction():
        if owner is FeedOwner.MENTOR:
            await get_or_not_found(Mentor, owner_id, field="ownerId")
            existing = await CalendarFeed.select_for_update().get_or_none(mentor_id=owner_id)
        else:
            await get_or_not_found(Student, owner_id, field="ownerId")
            existing = await CalendarFeed.select_for_update().get_or_none(student_id=owner_id)
        if existing is None:
            await CalendarFeed.create(
                token_hash=token_hash(token),
                mentor_id=owner_id if owner is FeedOwner.MENTOR else None,
                student_id=owner_id if owner is FeedOwner.STUDENT else None,
            )
        else:
            existing.token_hash = token_hash(token)
            await existing.save(update_fields=["token_hash", "updated_at"])
    return token


async def feed_for_token(token: str) -> Feed | None:
    row = await CalendarFeed.get_or_none(token_hash=token_hash(token))
    if row is None:
        return None
    if row.mentor_id is not None:
        return Feed(FeedOwner.MENTOR, row.mentor_id)
    assert row.student_id is not None
    return Feed(FeedOwner.STUDENT, row.student_id)


def session_uid(session_id: int) -> str:
    return f"session-{session_id}@{UID_DOMAIN}"


async def feed_calendar(feed: Feed, *, now: datetime) -> bytes:
    """The owner's sessions from ``FEED_HISTORY`` ago on, as an iCalendar document."""
    qs = Session.filter(starts_at__gte=now - FEED_HISTORY)
    if feed.owner is FeedOwner.MENTOR:
        qs = qs.filter(mentor_id=feed.owner_id)
        owner_name = (await get_or_not_found(Mentor, feed.owner_id, field="token")).name
    else:
        qs = qs.filter(student_id=feed.owner_id)
        owner_name = (await get_or_not_found(Student, feed.owner_id, field="token")).name
    rows = await qs.order_by("starts_at", "id")
    other_ids = {r.student_id if feed.owner is FeedOwner.MENTOR else r.mentor_id for r in rows}
    other_model: type[Mentor] | type[Student] = Student if feed.owner is FeedOwner.MENTOR else Mentor
    names = {o.id: o.name for o in await other_model.filter(id__in=other_ids)}
    pair_ids = {r.mentorship_id for r in rows}
    pairs = {p.id: p for p in await Mentorship.filter(id__in=pair_ids).only("id", "video_url")}

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Mentormatch: {owner_name}")
    cal.add("x-wr-timezone", "Europe/Paris")
    for row in rows:
        other = names.get(row.student_id if feed.owner is FeedOwner.MENTOR else row.mentor_id, "")
        starts = row.starts_at.astimezone(PARIS)
        event = Event()
        event.add("uid", session_uid(row.id))
        event.add("sequence", row.sequence)
        event.add("dtstamp", row.updated_at)
        event.add("last-modified", row.updated_at)
        event.add("dtstart", starts)
        event.add("dtend", starts + timedelta(minutes=row.duration_minutes))
        title = _TITLES[row.kind] + (" (catch-up)" if row.catch_up else "")
        event.add("summary", f"{title} with {other}" if other else title)
        link = link_for(row, pairs.get(row.mentorship_id))  # the video room both people join (R13)
        event.add("location", link)
        event.add("url", link)
        if row.notes:
            event.add("description", row.notes)  # shared notes only: never the private comment
        cancelled = row.status in (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
