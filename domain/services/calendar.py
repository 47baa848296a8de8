"""A person's calendar: the checks every entry passes (below), and iCalendar feeds of a mentor's or a
student's sessions, reachable by a secret URL the owner can rotate.

Only the SHA-256 of a feed token is stored; rotating replaces it, so the old URL stops working at once.
Each session is one VEVENT with a stable UID, a SEQUENCE that grows whenever its time, length or status
changes, and Europe/Paris times with the matching VTIMEZONE (built by the ``icalendar`` library). No
private comment ever appears in a feed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from icalendar import Calendar, Event
from tortoise.expressions import Q

from domain.enums import AssessmentStatus, SessionKind, SessionStatus
from domain.errors import SlotTaken, ValidationFailed, WeekTaken
from domain.models import (
    Assessment,
    CalendarFeed,
    Mentor,
    MentorAbsence,
    MentorAvailability,
    Mentorship,
    Session,
    Student,
    StudentAvailability,
)
from domain.outbox import in_transaction
from domain.paris_time import PARIS, WeeklyWindow, week_monday, windows_all_year, windows_in_paris_week, zone
from domain.services import absences, eligibility
from domain.services._common import get_or_not_found
from domain.video import link_for

# A presentation keeps its time in both people's weeks once held too: its result may be recorded as soon
# as it begins (``assessments.record_result``), and the rest of its slot is still taken.
PRESENTATION_HOLDS_TIME = (AssessmentStatus.SCHEDULED, AssessmentStatus.PASSED, AssessmentStatus.FAILED)

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


# --- The calendar checks: one sequence for every way of putting something in a person's week -----------
#
# Booking, rescheduling, a series, the first session of a manual pairing, and an assessment's presentation
# (staff's choice and the automatic search) all call :func:`check_entry`. The checks run in this order and
# answer with the same codes on every path:
#
# 1. the time is not in the past (VALIDATION, ``startsAt``);
# 2. for a session, it lies within its pair's dates: not before the pair's first day, not on or after its
#    end (VALIDATION, ``startsAt``); and not after the last day of a mentor (or assessor) who gave notice
#    (R6, VALIDATION, ``startsAt``);
# 3. the student's funding allows that Paris weekday (R11, VALIDATION);
# 4. it lies inside both people's weekly availability, each in their own zone (R13: "a time both have
#    reserved"; VALIDATION);
# 5. the mentor (or assessor) is not away (R5, MENTOR_AWAY);
# 6. neither person has another calendar entry overlapping it: a session of any kind (active statuses)
#    as mentor or student, a scheduled presentation they give or assess (R15, R20; SLOT_TAKEN);
# 7. for a regular session, the weekly rule (R13, WEEK_TAKEN) or, for a catch-up, a short absence of the
#    mentor that it follows (R5, VALIDATION on ``catchUp``).
#
# People are locked first (mentor, then student: the order every service uses), so that entries of
# different kinds (a session and a presentation) booked at once for one person are serialized; overlaps
# between sessions are also refused by the database itself (migration 0002).

SESSION_ACTIVE = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT)
LONGEST_MINUTES = 120  # no session or presentation is longer (the session column's check constraint)
LONGEST_ENTRY = timedelta(minutes=LONGEST_MINUTES)
CATCH_UP_WEEKS_AFTER = 1  # R5: catch-ups up to the end of the Paris week after the absence's last day


class EntryKind(StrEnum):
    SESSION = "session"
    CATCH_UP = "catch_up"  # a regular session outside the weekly rule, after a short absence (R5)
    WEEKLY = "weekly"  # a regular session: one per student and Paris week (R13)
    PRESENTATION = "presentation"  # an assessment's presentation (R20)


@dataclass(frozen=True, slots=True)
class Entry:
    """Something to put in a mentor's (or assessor's) and a student's week."""

    mentor_id: int
    student_id: int
    starts_at: datetime  # UTC
    minutes: int
    kind: EntryKind = EntryKind.SESSION
    pair: Mentorship | None = None  # a session's mentorship (its dates bound the session)
    exclude_session: int | None = None  # the session being moved
    exclude_assessment: int | None = None  # the presentation being moved

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class InThePast(ValidationFailed):
    """The entry starts before now."""


class OutsidePair(ValidationFailed):
    """A session outside its pair's dates."""


class AfterLastDay(ValidationFailed):
    """R6: the entry falls after the last day of the mentor (or assessor) who gave notice."""


class WeekdayNotFunded(ValidationFailed):
    """R11: the student's funding excludes that weekday."""


class OutsideAvailability(ValidationFailed):
    """R13: not a time both people have reserved in their weekly availability."""


class CatchUpNotDue(ValidationFailed):
    """R5: a catch-up session follows a short absence of the mentor, in the week after it at the latest."""


@dataclass(frozen=True, slots=True)
class Busy:
    """One calendar entry of a person, as the checks and the slot search see it."""

    starts_at: datetime
    ends_at: datetime
    what: str  # "session" or "presentation"


async def lock_people(mentor_ids: Iterable[int], student_ids: Iterable[int]) -> None:
    """Row locks (PostgreSQL) in the services' order: mentors by id, then students by id."""
    mentors, students = sorted(set(mentor_ids)), sorted(set(student_ids))
    if mentors:
        await Mentor.select_for_update().filter(id__in=mentors).order_by("id")
    if students:
        await Student.select_for_update().filter(id__in=students).order_by("id")


async def busy_of(
    *,
    mentor_ids: Iterable[int] = (),
    student_ids: Iterable[int] = (),
    start: datetime,
    end: datetime,
    exclude_session: int | None = None,
    exclude_assessment: int | None = None,
) -> tuple[dict[int, list[Busy]], dict[int, list[Busy]]]:
    """Every entry overlapping [start, end) of these mentors (sessions they give, presentations they
    assess) and of these students (their sessions and presentations): (by mentor, by student)."""
    m_ids, s_ids = list(set(mentor_ids)), list(set(student_ids))
    by_mentor: dict[int, list[Busy]] = {m: [] for m in m_ids}
    by_student: dict[int, list[Busy]] = {s: [] for s in s_ids}
    since = start - LONGEST_ENTRY
    sessions = Session.filter(
        Q(mentor_id__in=m_ids) | Q(student_id__in=s_ids),
        status__in=SESSION_ACTIVE,
        starts_at__lt=end,
        starts_at__gt=since,
    )
    if exclude_session is not None:
        sessions = sessions.exclude(id=exclude_session)
    for s in await sessions:
        b = Busy(s.starts_at, s.starts_at + timedelta(minutes=s.duration_minutes), "session")
        if b.ends_at <= start:
            continue
        if s.mentor_id in by_mentor:
            by_mentor[s.mentor_id].append(b)
        if s.student_id in by_student:
            by_student[s.student_id].append(b)
    presentations = Assessment.filter(
        Q(assessor_id__in=m_ids) | Q(student_id__in=s_ids),
        status__in=PRESENTATION_HOLDS_TIME,
        starts_at__lt=end,
        starts_at__gt=since,
    )
    if exclude_assessment is not None:
        presentations = presentations.exclude(id=exclude_assessment)
    for a in await presentations:
        assert a.starts_at is not None
        b = Busy(a.starts_at, a.starts_at + timedelta(minutes=a.duration_minutes), "presentation")
        if b.ends_at <= start:
            continue
        if a.assessor_id in by_mentor:
            by_mentor[a.assessor_id].append(b)
        if a.student_id in by_student:
            by_student[a.student_id].append(b)
    return by_mentor, by_student


def _paris(at: datetime) -> str:
    return f"{at.astimezone(PARIS):%Y-%m-%d %H:%M}"


async def _windows(
    model: type[MentorAvailability] | type[StudentAvailability], **owner: int
) -> list[WeeklyWindow]:
    return [WeeklyWindow(w.weekday, w.start_minute, w.end_minute) for w in await model.filter(**owner)]


def inside_windows(
    windows: list[WeeklyWindow],
    timezone: str,
    starts_at: datetime,
    minutes: int,
    *,
    every_season: bool = False,
) -> bool:
    """Whether [starts_at, +minutes) lies inside one of the owner's weekly windows (their own zone,
    expanded for that Paris week with the real offsets of the day). ``every_season``: as a weekly slot,
    in that week and every week of the year after it (``paris_time.windows_all_year``, as runs place)."""
    local = starts_at.astimezone(PARIS)
    monday = week_monday(local.date())
    start = (local.date() - monday).days * 24 * 60 + local.hour * 60 + local.minute
    end = start + minutes
    expand = windows_all_year if every_season else windows_in_paris_week
    return any(low <= start and end <= high for low, high in expand(windows, zone(timezone), monday))


async def catch_up_due(mentor_id: int, starts_at: datetime) -> bool:
    """R5: a catch-up at ``starts_at`` follows a short absence of the mentor (14 days or less, not
    cancelled): from the mentor's return to the end of the Paris week after the absence's last day."""
    local_day = starts_at.astimezone(PARIS).date()
    for absence in await MentorAbsence.filter(
        mentor_id=mentor_id, cancelled_at__isnull=True, long=False, ends_at__lte=starts_at
    ).order_by("-ends_on"):
        last_week = week_monday(absence.ends_on) + timedelta(days=7 * CATCH_UP_WEEKS_AFTER)
        if local_day < last_week + timedelta(days=7):
            return True
    return False


async def _check_catch_up(entry: Entry) -> None:
    """R5: a catch-up follows a short absence of the mentor (:func:`catch_up_due`)."""
    if await catch_up_due(entry.mentor_id, entry.starts_at):
        return
    raise CatchUpNotDue(
        "a catch-up session follows an absence of the mentor of up to two weeks, from their return to the "
        "end of the week after it (R5); the mentor has no such absence before this time",
        field="catchUp",
    )


async def check_entry(entry: Entry, *, now: datetime, field: str = "startsAt") -> None:
    """The calendar checks, in their one order (see above). The caller holds a transaction."""
    await lock_people([entry.mentor_id], [entry.student_id])
    # 1. Not in the past.
    if entry.starts_at < now:
        raise InThePast(f"{_paris(entry.starts_at)} (Paris time) is in the past", field=field)
    # 2. Within the pair's dates, and not after the mentor's (or assessor's) last day (R6).
    pair = entry.pair
    local_day = entry.starts_at.astimezone(PARIS).date()
    if pair is not None:
        if local_day < pair.started_on:
            raise OutsidePair(
                f"the pair starts on {pair.started_on.isoformat()}; no session before it", field=field
            )
        if pair.ended_on is not None and local_day >= pair.ended_on:
            raise OutsidePair(f"the pair ended on {pair.ended_on.isoformat()}", field=field)
    mentor = await Mentor.get(id=entry.mentor_id)
    if mentor.last_day is not None and local_day > mentor.last_day:
        who = "assessor" if entry.kind is EntryKind.PRESENTATION else "mentor"
        raise AfterLastDay(
            f"the {who}'s last day is {mentor.last_day.isoformat()} (R6); nothing can be booked after it",
            field=field,
        )
    # 3. Funding weekdays (R11).
    student = await Student.get(id=entry.student_id)
    if not eligibility.funding_allows(student, local_day.weekday()):
        raise WeekdayNotFunded(
            "the student's funding does not allow sessions on that weekday (R11)", field=field
        )
    # 4. Both people's availability (R13).
    await check_available(entry.mentor_id, student, entry.starts_at, entry.minutes, field=field)
    # 5. The mentor is not away (R5).
    try:
        await absences.check_not_away(entry.mentor_id, entry.starts_at, entry.minutes)
    except absences.MentorAway as exc:
        exc.field = field
        raise
    # 6. Every other entry of both people.
    await check_free(entry, field=field)
    # 7. The weekly rule, or the catch-up's absence.
    if entry.kind is EntryKind.WEEKLY:
        await check_week(entry, field=field)
    elif entry.kind is EntryKind.CATCH_UP:
        await _check_catch_up(entry)


async def check_available(
    mentor_id: int,
    student: Student,
    starts_at: datetime,
    minutes: int,
    *,
    field: str,
    every_season: bool = False,
) -> None:
    """Step 4 alone: [starts_at, +minutes) lies inside both people's weekly availability (R13). With
    ``every_season``, the weekly slot a manual pairing takes from its first session: inside in every week
    of the year, whatever the clock changes of either person's zone (R4), as a run's slots are."""
    mentor = await Mentor.get(id=mentor_id)
    for who, model, owner, timezone in (
        ("mentor", MentorAvailability, {"mentor_id": mentor.id}, mentor.timezone),
        ("student", StudentAvailability, {"student_id": student.id}, student.timezone),
    ):
        windows = await _windows(model, **owner)
        if not inside_windows(windows, timezone, starts_at, minutes, every_season=every_season):
            when = " in some weeks of the year (clock changes)" if every_season else ""
            raise OutsideAvailability(
                f"{_paris(starts_at)} for {minutes} minutes (Paris time) is outside the {who}'s weekly "
                f"availability{when}",
                field=field,
            )


async def check_free(entry: Entry, *, field: str = "startsAt") -> None:
    """No other entry of the mentor nor of the student overlaps (back-to-back is fine): SLOT_TAKEN."""
    by_mentor, by_student = await busy_of(
        mentor_ids=[entry.mentor_id],
        student_ids=[entry.student_id],
        start=entry.starts_at,
        end=entry.ends_at,
        exclude_session=entry.exclude_session,
        exclude_assessment=entry.exclude_assessment,
    )
    mentor = "assessor" if entry.kind is EntryKind.PRESENTATION else "mentor"
    for who, entries in ((mentor, by_mentor[entry.mentor_id]), ("student", by_student[entry.student_id])):
        for b in sorted(entries, key=lambda b: b.starts_at):
            if b.starts_at < entry.ends_at and entry.starts_at < b.ends_at:
                minutes = int((b.ends_at - b.starts_at).total_seconds() // 60)
                raise SlotTaken(
                    f"the {who} already has a {b.what} from {_paris(b.starts_at)} for {minutes} minutes "
                    "(Paris time)",
                    field=field,
                )


async def check_week(entry: Entry, *, field: str = "startsAt") -> None:
    """R13: one regular (not catch-up) session per student and Paris week: WEEK_TAKEN."""
    qs = Session.filter(
        student_id=entry.student_id,
        paris_week=week_monday(entry.starts_at.astimezone(PARIS).date()),
        kind=SessionKind.REGULAR,
        catch_up=False,
    ).exclude(status=SessionStatus.CANCELLED)
    if entry.exclude_session is not None:
        qs = qs.exclude(id=entry.exclude_session)
    if await qs.exists():
        raise WeekTaken(
            "the student already has a regular session that Paris week (R13); "
            "book it as a catch-up (R5) if it makes up for a mentor's absence",
            field=field,
        )
