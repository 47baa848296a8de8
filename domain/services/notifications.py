"""Notifications: messages written to the outbox table (``Message``) in the transaction of the change they
tell about, sent later by jobs (``jobs.mail``), and shown in the recipient's in-app feed.

Services call one hook where the change happens (``on_pairing``, ``on_session``, ``on_absence``,
``on_notice``, ``on_assessment``; ``send_reminders`` from the daily step). Each message:

- is rendered at once (``notification_templates``: French or English by the recipient's languages),
- has an idempotency key (kind, the change, the recipient): the same change never writes two messages,
  and the email's Message-ID derives from it,
- is announced on the recipient's feed topic (event ``notification``: the feed's subscription),
- wakes the senders after the commit (``domain.outbox``); email is skipped (``skipped``) when the
  recipient turned it off for the kind, the feed gets it anyway.

Sending (``claim``, ``mark_sent``, ``mark_failed``): a sender claims pending rows (or rows whose lease
expired: their sender died) with a fresh ``claim_token`` in one conditional update per row, so two senders
never hold the same row; it marks the row sent or failed with its token only (a sender whose lease expired
and was taken over cannot overwrite the new holder). Failures retry with exponential backoff up to
``MAX_ATTEMPTS``, then stay ``failed`` with their error for staff.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from domain import outbox
from domain.bulk import insert_rows, literals, select_in
from domain.enums import AssessmentStatus, MessageKind, MessageStatus, SessionStatus
from domain.models import (
    Assessment,
    Mentor,
    MentorAbsence,
    Mentorship,
    Message,
    NotificationPreference,
    Project,
    Session,
    Student,
)
from domain.paris_time import PARIS
from domain.services import events
from domain.services.notification_templates import language_of, render, render_many
from domain.video import video_link

Role = Literal["mentor", "student"]
MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
LEASE_S = 120.0
REMINDER_HOURS = 24
NOTIFICATION = "notification"  # the event kind on the recipient's topic
_WEEKDAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def backoff_s(attempts: int) -> float:
    """The wait before attempt ``attempts + 1``: 30 s, 1 min, 2 min... at most an hour."""
    return float(min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_CAP_S))


def message_key(kind: MessageKind, ref: str, role: Role, person_id: int) -> str:
    """The idempotency key: one message per kind, change (``ref``) and recipient."""
    return f"{kind.value}:{ref}:{role}:{person_id}"[:160]


def _session_ref(session: Session, reminder: bool) -> str:
    # A reminder per start time (a moved session gets its own); the others per change (SEQUENCE grows).
    return (
        f"s{session.id}@{session.starts_at.isoformat()}" if reminder else f"s{session.id}#{session.sequence}"
    )


def message_id(key: str) -> str:
    """The email's Message-ID, the same for every attempt of one message (receivers drop repeats)."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@mentormatch>"


def topic_of(role: Role, person_id: int) -> str:
    """The person's feed topic: apart from their assignment topic, whose events other streams read."""
    return f"notifications:{role}:{person_id}"


async def _person(role: Role, person_id: int) -> Mentor | Student:
    if role == "mentor":
        return await Mentor.get(id=person_id)
    return await Student.get(id=person_id)


async def email_wanted(role: Role, person_id: int, kind: MessageKind) -> bool:
    pref = await NotificationPreference.get_or_none(recipient_role=role, recipient_id=person_id, kind=kind)
    return pref is None or pref.email


async def notify(
    kind: MessageKind,
    role: Role,
    person_id: int,
    context: dict[str, Any],
    *,
    ref: str,
    ics: str = "",
) -> Message | None:
    """Write one message (inside the caller's transaction). ``ref`` names the change; a second call for
    the same change and recipient writes nothing (None)."""
    key = message_key(kind, ref, role, person_id)
    if await Message.exists(key=key):
        return None
    person = await _person(role, person_id)
    language = language_of(person.languages)
    subject, text, html = render(kind, language, {"name": person.name, **_localized(context, language)})
    wanted = await email_wanted(role, person_id, kind)
    try:
        async with outbox.in_transaction():  # a savepoint: of two writers of one key, the first wins
            message = await Message.create(
                key=key,
                kind=kind,
                recipient_role=role,
                recipient_id=person_id,
                email=person.email,
                language=language,
                subject=subject[:300],
                text=text,
                html=html,
                ics=ics,
                status=MessageStatus.PENDING if wanted else MessageStatus.SKIPPED,
                next_attempt_at=datetime.now(UTC),
            )
            payload = {"messageId": message.id, "kind": kind.value, "subject": subject}
            await events.record(topic_of(role, person_id), NOTIFICATION, payload)
    except IntegrityError:
        return None
    if wanted:
        await outbox.after_commit(outbox.SendMessages())
    return message


def _localized(context: dict[str, Any], language: str) -> dict[str, Any]:
    """Instants become Paris wall-clock text in the recipient's language."""
    out: dict[str, Any] = {}
    for name, value in context.items():
        if isinstance(value, datetime):
            local = value.astimezone(PARIS)
            day = _WEEKDAYS[language if language in _WEEKDAYS else "fr"][local.weekday()]
            out[name] = (
                f"{day} {local:%d/%m/%Y %H:%M}" if language == "fr" else f"{day} {local:%Y-%m-%d %H:%M}"
            )
        else:
            out[name] = value
    return out


# --- Hooks, one call where the change happens ------------------------------------------------------------


def _slot(m: Mentorship, language: str = "fr") -> str:
    hours, minutes = divmod(m.slot_start_minute, 60)
    return f"{_WEEKDAYS[language][m.slot_weekday]} {hours:02d}:{minutes:02d}, {m.slot_minutes} min"


def _pairing_messages(
    m: Mentorship, kind: str, mentor: Mentor, student: Student, substitute: bool
) -> list[tuple[MessageKind, Role, Mentor | Student, dict[str, Any]]]:
    """The messages a pair's start or end writes: (kind, role, recipient, context), one per side."""
    sides: list[tuple[Role, Mentor | Student, Mentor | Student]] = [
        ("mentor", mentor, student),
        ("student", student, mentor),
    ]
    out: list[tuple[MessageKind, Role, Mentor | Student, dict[str, Any]]] = []
    for role, me, other in sides:
        if kind == "mentorship_started":
            context = {
                "other": other.name,
                "other_email": other.email,
                "slot": _slot(m, language_of(me.languages)),
                "substitute": substitute,
            }
            out.append((MessageKind.PAIR_STARTED, role, me, context))
        elif kind == "mentorship_ended":
            context = {
                "other": other.name,
                "ended_on": m.ended_on.isoformat() if m.ended_on else "",
                "reason": m.end_reason.value.replace("_", " ") if m.end_reason else "",
            }
            out.append((MessageKind.PAIR_ENDED, role, me, context))
    return out


async def on_pairing(m: Mentorship, kind: str, *, substitute: bool = False) -> None:
    """A pair started (an introduction to both; ``substitute``: for a mentor's long absence, R5) or ended
    (a change of mentor, to both)."""
    mentor, student = await Mentor.get(id=m.mentor_id), await Student.get(id=m.student_id)
    for message_kind, role, me, context in _pairing_messages(m, kind, mentor, student, substitute):
        await notify(message_kind, role, me.id, context, ref=f"m{m.id}")


@dataclass(slots=True)
class Draft:
    """A message rendered ahead of its write (a published run renders before it takes its locks)."""

    kind: MessageKind
    role: Role
    person_id: int
    email: str
    language: str
    subject: str
    text: str
    html: str


def draft_pairing_messages(
    m: Mentorship, kind: str, *, mentor: Mentor, student: Student, substitute: bool = False
) -> list[Draft]:
    """The messages :func:`on_pairing` writes for ``m`` (saved or not yet), rendered, not written."""
    drafts = []
    for message_kind, role, me, context in _pairing_messages(m, kind, mentor, student, substitute):
        language = language_of(me.languages)
        subject, text, html = render(
            message_kind, language, {"name": me.name, **_localized(context, language)}
        )
        drafts.append(Draft(message_kind, role, me.id, me.email, language, subject[:300], text, html))
    return drafts


def draft_many_pairing_messages(
    pairs: Sequence[tuple[Mentorship, Mentor, Student]], kind: str, *, substitute: bool = False
) -> list[list[Draft]]:
    """:func:`draft_pairing_messages` for many pairs (a published run's), in order: the same drafts, each
    template rendering all the messages of one kind and language at once
    (``notification_templates.render_many``)."""
    wanted = [
        [
            (message_kind, role, me, language_of(me.languages), context)
            for message_kind, role, me, context in _pairing_messages(m, kind, mentor, student, substitute)
        ]
        for m, mentor, student in pairs
    ]
    groups: dict[tuple[MessageKind, str], list[dict[str, Any]]] = {}
    for messages in wanted:
        for message_kind, _role, me, language, context in messages:
            groups.setdefault((message_kind, language), []).append(
                {"name": me.name, **_localized(context, language)}
            )
    rendered = {key: iter(render_many(key[0], key[1], contexts)) for key, contexts in groups.items()}
    drafts: list[list[Draft]] = []
    for messages in wanted:
        drafts.append([])
        for message_kind, role, me, language, _context in messages:
            subject, text, html = next(rendered[(message_kind, language)])
            drafts[-1].append(Draft(message_kind, role, me.id, me.email, language, subject[:300], text, html))
    return drafts


async def write_drafts(drafts: list[tuple[str, Draft]]) -> list[tuple[str, str, dict[str, Any]]]:
    """Write rendered messages, each with the ``ref`` of its change, as :func:`notify` would (same keys:
    a key written already writes nothing, by ``ON CONFLICT DO NOTHING``, and gets no feed event: only
    the rows inserted come back; the recipient's email preference), one statement per batch;
    returns their feed events (``NOTIFICATION`` on each recipient's topic) for the caller to record
    with its other events (``events.record_many``)."""
    keyed = [(message_key(d.kind, ref, d.role, d.person_id), d) for ref, d in drafts]
    if not keyed:
        return []
    no_email: set[tuple[str, str, int]] = set()
    for role in ("mentor", "student"):
        for row in await select_in(
            'SELECT "kind", "recipient_id" FROM "notification_preference" WHERE "recipient_id" {ids} '
            f'AND "recipient_role" = {literals([role])} AND NOT "email"',
            {d.person_id for _, d in keyed if d.role == role},
        ):
            no_email.add((MessageKind(row["kind"]).value, role, int(row["recipient_id"])))
    now = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = []
    written: dict[str, Draft] = {}
    for key, d in keyed:
        if key in written:
            continue
        wanted = (d.kind.value, d.role, d.person_id) not in no_email
        status = MessageStatus.PENDING if wanted else MessageStatus.SKIPPED
        rows.append(
            (key, d.kind, d.role, d.person_id, d.email, d.language, d.subject, d.text, d.html, "",
             status, 0, now, "", "", now, now)
        )  # fmt: skip
        written[key] = d
    inserted = await insert_rows(
        "message",
        ("key", "kind", "recipient_role", "recipient_id", "email", "language", "subject", "text", "html",
         "ics", "status", "attempts", "next_attempt_at", "claim_token", "last_error", "created_at",
         "updated_at"),
        rows,
        returning=("id", "key"),
        skip_conflicts=True,  # of two writers of one key, the first wins (as in ``notify``)
    )  # fmt: skip
    message_ids = {str(key): int(mid) for mid, key in inserted}
    feed: list[tuple[str, str, dict[str, Any]]] = []
    for key, d in written.items():
        if key in message_ids:
            payload = {"messageId": message_ids[key], "kind": d.kind.value, "subject": d.subject}
            feed.append((topic_of(d.role, d.person_id), NOTIFICATION, payload))
    if any(row[10] is MessageStatus.PENDING for row in rows):
        await outbox.after_commit(outbox.SendMessages())
    return feed


def session_ics(session: Session, summary: str, link: str = "") -> str:
    """The session as an iCalendar invitation (the feed's UID and SEQUENCE: calendars update it)."""
    from domain.services.calendar import session_uid

    cal = Calendar()
    cal.add("prodid", "-//Mentormatch//notifications//EN")
    cal.add("version", "2.0")
    cancelled = session.status in (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED)
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = CalendarEvent()
    starts = session.starts_at.astimezone(PARIS)
    event.add("uid", session_uid(session.id))
    event.add("sequence", session.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=session.duration_minutes))
    event.add("summary", summary)
    if link:
        event.add("location", link)
        event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return str(cal.to_ical().decode())


async def on_session(session: Session, kind: MessageKind) -> Message | None:
    """A session booked, moved or cancelled, or due soon: a summary to the student, with the .ics."""
    mentor = await Mentor.get(id=session.mentor_id)
    link = await video_link(session)  # R13: where both people join
    context = {
        "other": mentor.name,
        "when": session.starts_at,
        "minutes": session.duration_minutes,
        "link": link,
    }
    reminder = kind is MessageKind.SESSION_REMINDER
    ref = _session_ref(session, reminder)
    ics = "" if reminder else session_ics(session, f"Mentoring: {mentor.name}", link)
    return await notify(kind, "student", session.student_id, context, ref=ref, ics=ics)


async def booked(created: Awaitable[Session]) -> Session:
    """A session stored (booked, a series, a pair's first session): its summary goes to the student."""
    session = await created
    await on_session(session, MessageKind.SESSION_BOOKED)
    return session


async def on_absence(absence: MentorAbsence, pairs: list[Mentorship], kind: str) -> None:
    """A mentor's absence recorded (R5): each of their current students is told (a long one: a
    substitute comes). A cancelled absence tells nobody: the sessions simply stay."""
    if kind != "absence_recorded":
        return
    mentor = await Mentor.get(id=absence.mentor_id)
    context = {
        "other": mentor.name,
        "starts_on": absence.starts_on.isoformat(),
        "ends_on": absence.ends_on.isoformat(),
        "long": absence.long,
    }
    for pair in pairs:
        await notify(MessageKind.ABSENCE, "student", pair.student_id, context, ref=f"a{absence.id}")


async def on_notice(mentor: Mentor, student_ids: list[int]) -> None:
    """A mentor gave notice (R6): their students are told a re-match comes."""
    last_day = mentor.last_day.isoformat() if mentor.last_day else ""
    for sid in student_ids:
        context = {"other": mentor.name, "last_day": last_day}
        await notify(MessageKind.NOTICE, "student", sid, context, ref=f"n{mentor.id}@{last_day}")


async def on_assessment(a: Assessment) -> None:
    """An assessment scheduled (student and assessor) or its result recorded (student)."""
    project = await Project.get(id=a.project_id)
    if a.status is AssessmentStatus.SCHEDULED and a.starts_at is not None:
        context = {"project": project.name, "when": a.starts_at, "minutes": a.duration_minutes}
        ref = f"p{a.id}@{a.starts_at.isoformat()}"
        await notify(MessageKind.ASSESSMENT_SCHEDULED, "student", a.student_id, context, ref=ref)
        if a.assessor_id is not None:
            await notify(MessageKind.ASSESSMENT_SCHEDULED, "mentor", a.assessor_id, context, ref=ref)
    elif a.status in (AssessmentStatus.PASSED, AssessmentStatus.FAILED):
        context = {"project": project.name, "passed": a.status is AssessmentStatus.PASSED, "notes": a.notes}
        await notify(MessageKind.ASSESSMENT_RESULT, "student", a.student_id, context, ref=f"p{a.id}")


async def send_reminders(now: datetime | None = None, *, within_hours: int = REMINDER_HOURS) -> int:
    """A reminder to the student of each scheduled session starting within ``within_hours`` (once per
    session and start time: the key makes a second pass, or a second process, write nothing)."""
    now = now or datetime.now(UTC)
    due = await Session.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + timedelta(hours=within_hours)
    ).order_by("starts_at")
    keys = {
        s.id: message_key(MessageKind.SESSION_REMINDER, _session_ref(s, True), "student", s.student_id)
        for s in due
    }
    rows = await Message.filter(key__in=list(keys.values())).values_list("key", flat=True) if keys else []
    reminded = {str(key) for key in rows}
    written = 0
    for session in due:
        if keys[session.id] in reminded:  # one query for the pass, not one a session
            continue
        async with outbox.in_transaction():
            if await on_session(session, MessageKind.SESSION_REMINDER) is not None:
                written += 1
    return written


# --- Sending ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    message: Message
    token: str


async def claim(*, limit: int = 20, lease_s: float = LEASE_S, now: datetime | None = None) -> list[Claimed]:
    """Take up to ``limit`` messages due for sending: pending ones whose retry time came, and ones whose
    sender's lease expired. Each row is taken by a conditional update on its previous token, so of two
    senders racing for a row exactly one gets it."""
    now = now or datetime.now(UTC)
    due = (
        await Message.filter(
            Q(status=MessageStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=MessageStatus.SENDING, lease_until__lt=now)
        )
        .order_by("id")
        .limit(limit)
    )
    taken: list[Claimed] = []
    for row in due:
        token = str(uuid.uuid4())
        won = await Message.filter(id=row.id, status=row.status, claim_token=row.claim_token).update(
            status=MessageStatus.SENDING,
            claim_token=token,
            lease_until=now + timedelta(seconds=lease_s),
            attempts=row.attempts + 1,
        )
        if won:
            await row.refresh_from_db()
            taken.append(Claimed(row, token))
    return taken


async def still_held(claimed: Claimed, now: datetime | None = None) -> bool:
    """The claim is still this sender's and its lease runs: checked just before the SMTP exchange."""
    now = now or datetime.now(UTC)
    return await Message.filter(
        id=claimed.message.id, claim_token=claimed.token, status=MessageStatus.SENDING, lease_until__gt=now
    ).exists()


async def mark_sent(claimed: Claimed) -> bool:
    done = await Message.filter(
        id=claimed.message.id, claim_token=claimed.token, status=MessageStatus.SENDING
    ).update(status=MessageStatus.SENT, sent_at=datetime.now(UTC), lease_until=None, last_error="")
    return bool(done)


async def mark_failed(claimed: Claimed, error: str, now: datetime | None = None) -> MessageStatus | None:
    """Back to pending with a later retry time, or failed for good after ``MAX_ATTEMPTS``."""
    now = now or datetime.now(UTC)
    attempts = claimed.message.attempts
    status = MessageStatus.FAILED if attempts >= MAX_ATTEMPTS else MessageStatus.PENDING
    done = await Message.filter(
        id=claimed.message.id, claim_token=claimed.token, status=MessageStatus.SENDING
    ).update(
        status=status,
        lease_until=None,
        last_error=error[:2000],
        next_attempt_at=now + timedelta(seconds=backoff_s(attempts)),
    )
    return status if done else None


# --- Reading ------------------------------------------------------------------------------------------


def feed_of(role: Role, person_id: int) -> Any:
    """The person's messages (every kind, whatever their email preference), a queryset."""
    return Message.filter(recipient_role=role, recipient_id=person_id)


def failed() -> Any:
    return Message.filter(status=MessageStatus.FAILED)


async def set_email(role: Role, person_id: int, kind: MessageKind, email: bool) -> NotificationPreference:
    async with outbox.in_transaction():
        pref, _ = await NotificationPreference.get_or_create(
            recipient_role=role, recipient_id=person_id, kind=kind, defaults={"email": email}
        )
        if pref.email != email:
            pref.email = email
            await pref.save(update_fields=["email"])
        return pref
