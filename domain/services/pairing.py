"""Every start and end of a mentorship goes through here, so that each one, whatever caused it
(a published run, staff by hand, a request to change, an absence, a notice, a project change), is

- written with its audit row (``PairingChange``: who, when, why, and the run or absence behind it),
- announced to both sides (assignment events on the mentor's and the student's topics), and
- for an end, frees the pair's future sessions (cancelled without penalty: not billed).

Call these inside the caller's transaction; the events wake subscribers after it commits
(``domain.outbox``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain import payloads
from domain.access import Viewer
from domain.bulk import insert_rows
from domain.enums import (
    HandoverStatus,
    MentorshipEndReason,
    MessageKind,
    PairingAction,
    PairingCause,
    SessionKind,
    SessionStatus,
)
from domain.models import Handover, Mentorship, PairingChange, Session
from domain.outbox import in_transaction
from domain.paris_time import PARIS
from domain.services import events, notifications
from domain.services._common import unique_as_conflict
from domain.services.levels import project_at

SYSTEM = "system"


def actor_of(viewer: Viewer | None) -> str:
    """The audit's name for whoever acts: ``staff:<token id>``, ``mentor:<id>``, ``student:<id>``."""
    if viewer is None or not viewer.is_authenticated:
        return SYSTEM
    if viewer.mentor_id is not None:
        return f"mentor:{viewer.mentor_id}"
    if viewer.student_id is not None:
        return f"student:{viewer.student_id}"
    return f"staff:{viewer.token_id}" if viewer.token_id is not None else "staff"


@dataclass(frozen=True, slots=True)
class Change:
    """Why a pairing changes: the cause, who acted, what it refers to (run id, absence id, ...)."""

    cause: PairingCause
    actor: str = SYSTEM
    cause_ref: str = ""
    reason: str = ""


def payload(m: Mentorship, change: Change) -> payloads.PairPayload:
    """The one writer of a pair's event payload (``mentorship_*``; with the absence, ``absence_*``)."""
    return {
        "mentorshipId": m.id,
        "mentorId": m.mentor_id,
        "studentId": m.student_id,
        "weekday": m.slot_weekday,
        "startMinute": m.slot_start_minute,
        "minutes": m.slot_minutes,
        "startedOn": m.started_on.isoformat(),
        "endedOn": m.ended_on.isoformat() if m.ended_on else None,
        "endReason": m.end_reason.value if m.end_reason else None,
        "runId": str(m.run_id) if m.run_id else None,
        "cause": change.cause.value,
        "causeRef": change.cause_ref,
    }


async def _audit(m: Mentorship, action: PairingAction, change: Change) -> None:
    await PairingChange.create(
        action=action,
        cause=change.cause,
        cause_ref=change.cause_ref[:80],
        actor=change.actor[:80],
        reason=change.reason,
        mentorship_id=m.id,
        mentor_id=m.mentor_id,
        student_id=m.student_id,
    )


async def _announce(m: Mentorship, kind: str, change: Change) -> None:
    body = payload(m, change)
    await events.record_many(
        [(events.mentor_topic(m.mentor_id), kind, body), (events.student_topic(m.student_id), kind, body)]
    )
    await notifications.on_pairing(m, kind, substitute=change.cause is PairingCause.ABSENCE)


async def start_pair(
    *,
    student_id: int,
    mentor_id: int,
    weekday: int,
    start_minute: int,
    minutes: int,
    started_on: date,
    change: Change,
    run_id: object | None = None,
) -> Mentorship:
    """Create a current mentorship (the database refuses a second current one per student: Conflict)."""
    async with unique_as_conflict("studentId", "the student already has a current mentor"):
        m = await Mentorship.create(
            student_id=student_id,
            mentor_id=mentor_id,
            slot_weekday=weekday,
            slot_start_minute=start_minute,
            slot_minutes=min(minutes, 24 * 60 - start_minute),
            started_on=started_on,
            run_id=run_id,
        )
    await _audit(m, PairingAction.STARTED, change)
    await _announce(m, "mentorship_started", change)
    return m


@dataclass(frozen=True, slots=True)
class NewPair:
    student_id: int
    mentor_id: int
    weekday: int
    start_minute: int
    minutes: int
    started_on: date


def prepare_pairs(new: list[NewPair]) -> list[Mentorship]:
    """The CPU part of starting many pairs at once (a published run), no query: the caller, which holds
    locks while it writes (:func:`write_pairs`), prepares before it locks. The same rows, audit rows and
    events per pair as :func:`start_pair`, written set-based instead of some ten statements per pair; the
    introductions follow the commit (``domain.services.introductions``)."""
    now = datetime.now(UTC)
    return [
        # Tortoise's own constructor for a loaded row (no per-field validation: the values are typed);
        # id, run and times are set by ``write_pairs``.
        Mentorship._init_from_db(
            id=None,
            student_id=p.student_id,
            mentor_id=p.mentor_id,
            slot_weekday=p.weekday,
            slot_start_minute=p.start_minute,
            slot_minutes=min(p.minutes, 24 * 60 - p.start_minute),
            started_on=p.started_on,
            ended_on=None,
            end_reason=None,
            run_id=None,
            video_url="",
            created_at=now,
            updated_at=now,
        )
        for p in new
    ]


async def write_pairs(
    created: list[Mentorship], *, change: Change, run_id: object | None
) -> list[Mentorship]:
    """The writes of :func:`prepare_pairs`'s pairs: one statement per kind per batch (``domain.bulk``), events
    last (they take the event writers' lock until the commit). Returns the mentorships, saved, in the
    order prepared; a student who has a current mentor already: Conflict. Their introductions are not
    written here: the caller marks its run as owing them (``domain.services.introductions``)."""
    if not created:
        return []
    now = datetime.now(UTC)
    async with unique_as_conflict("studentId", "the student already has a current mentor"):
        inserted = await insert_rows(
            "mentorship",
            ("student_id", "mentor_id", "slot_weekday", "slot_start_minute", "slot_minutes", "started_on",
             "run_id", "video_url", "created_at", "updated_at"),
            [
                (m.student_id, m.mentor_id, m.slot_weekday, m.slot_start_minute, m.slot_minutes,
                 m.started_on, run_id, "", now, now)
                for m in created
            ],
            returning=("id", "student_id"),
        )  # fmt: skip
    ids = {int(sid): int(mid) for mid, sid in inserted}
    for m in created:
        m.id = ids[m.student_id]
        m.run_id = run_id
        m.created_at = m.updated_at = now
        m._saved_in_db = True
    await insert_rows(
        "pairing_change",
        ("at", "action", "cause", "cause_ref", "actor", "reason", "mentorship_id", "mentor_id", "student_id"),
        [
            (now, PairingAction.STARTED, change.cause, change.cause_ref[:80], change.actor[:80],
             change.reason, m.id, m.mentor_id, m.student_id)
            for m in created
        ],
    )  # fmt: skip
    kind = "mentorship_started"
    announced: list[tuple[str, str, Mapping[str, Any]]] = []
    for m in created:
        body = payload(m, change)
        announced.append((events.mentor_topic(m.mentor_id), kind, body))
        announced.append((events.student_topic(m.student_id), kind, body))
    await events.record_many(announced)
    return created


def paris_midnight_after(day: date) -> datetime:
    """The instant the Paris day after ``day`` begins (Paris midnights always exist)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), PARIS).astimezone(UTC)


async def cancel_sessions_without_penalty(
    sessions_filter: dict[str, Any], *, after: datetime, now: datetime | None = None, reason: str = ""
) -> int:
    """Cancel the scheduled sessions matching ``sessions_filter`` that start at or after ``after``:
    ``cancelled`` (never late-cancelled), billed 0, with a note saying why. Returns how many."""
    now = now or datetime.now(UTC)
    after = max(after, now)
    count = 0
    scheduled = (
        await Session.filter(status=SessionStatus.SCHEDULED, starts_at__gte=after, **sessions_filter)
        .select_for_update()
        .order_by("id")
    )
    for session in scheduled:
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        session.ended_at = now
        # R17: a cancelled session records the level of the project the student was on at its time.
        session.billed_level = (await project_at(session.student_id, session.starts_at)).level
        session.billed_amount = Decimal("0")
        if reason:
            session.notes = (session.notes + "\n" if session.notes else "") + reason
        await session.save()
        count += 1
    await discovery_moves_on(scheduled)
    return count


DISCOVERY_MINUTES = 30  # R14
# A pair's discovery session that still comes first: booked or held (one the student missed is not).
_DISCOVERY_STANDS = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)


async def discovery_moves_on(cancelled: list[Session]) -> None:
    """R14: a pair's first session is its discovery session. Every cancellation path (by hand, late, an
    absence, a pair ending) calls this with the sessions it cancelled: when a pair loses its discovery
    session and has none other booked or held, its next scheduled session becomes the 30-minute discovery
    session (same start, so it fits every calendar the longer session fitted), and both people are told."""
    for gone in cancelled:
        if gone.kind != SessionKind.DISCOVERY or gone.status == SessionStatus.SCHEDULED:
            continue
        # The mentor's sessions with the student, whichever of their pairs booked them (R14: a pair
        # started again after an absence has met already).
        pair = Session.filter(mentor_id=gone.mentor_id, student_id=gone.student_id)
        if await pair.filter(kind=SessionKind.DISCOVERY, status__in=_DISCOVERY_STANDS).exists():
            continue
        following = (
            await pair.filter(status=SessionStatus.SCHEDULED, kind=SessionKind.REGULAR)
            .select_for_update()
            .order_by("starts_at", "id")
            .first()
        )
        if following is None:
            continue  # the next booking of the pair must be a discovery session (sessions.book)
        following.kind = SessionKind.DISCOVERY
        following.duration_minutes = DISCOVERY_MINUTES
        following.sequence += 1
        await following.save()
        await notifications.on_session(following, MessageKind.SESSION_MOVED)


async def end_pair(
    m: Mentorship,
    *,
    ended_on: date,
    reason: MentorshipEndReason,
    change: Change,
    now: datetime | None = None,
    free_from: datetime | None = None,
    free_until: datetime | None = None,
) -> Mentorship:
    """End a current mentorship on ``ended_on`` (a Paris date; one that has not started yet ends on its
    first day, recorded as such) and cancel its sessions without penalty from ``free_from``: by default
    the day after the end, or at once for a pair ended before its first day (its discovery session still
    ahead); a request to stop (R7) frees the rest of today too. ``free_until``: sessions from then on
    stay (a hand-over for an absence: the sessions after the return are the mentor's again, R5)."""
    if free_from is None and ended_on < m.started_on:
        free_from = now or datetime.now(UTC)
    m.ended_on = max(ended_on, m.started_on)
    m.end_reason = reason
    await m.save(update_fields=["ended_on", "end_reason", "updated_at"])
    if reason is not MentorshipEndReason.ABSENCE_HANDOVER:
        # R5: a substitute planned for a later absence of the mentor is not needed: their seat is free.
        await Handover.filter(original_id=m.id, status=HandoverStatus.PLANNED).update(
            status=HandoverStatus.CANCELLED,
            note=f"no substitute: the pair with the mentor ended before the absence ({reason.value})",
        )
    # Every later session of this mentor with this student, whichever of their pairs booked it (a pair
    # started again after an absence has an earlier row whose sessions must not outlive the end either).
    await cancel_sessions_without_penalty(
        {
            "mentor_id": m.mentor_id,
            "student_id": m.student_id,
            **({"starts_at__lt": free_until} if free_until else {}),
        },
        after=free_from or paris_midnight_after(m.ended_on),
        now=now,
        reason=f"cancelled: the pair ended ({reason.value})",
    )
    await _audit(m, PairingAction.ENDED, change)
    await _announce(m, "mentorship_ended", change)
    return m


@dataclass(frozen=True, slots=True)
class Moved:
    mentorship: Mentorship
    sessions_moved: int
    sessions_cancelled: int


async def move_pair(
    m: Mentorship,
    *,
    weekday: int,
    start_minute: int,
    minutes: int,
    from_day: date,
    change: Change,
    now: datetime | None = None,
) -> Moved:
    """Keep a current pair and give it another weekly slot from ``from_day`` (a Paris date): R8, the
    same mentor, so no new pair and no new discovery session. Its scheduled regular sessions from that
    day on move to the new slot in their Paris week, through the calendar checks of a reschedule (R13);
    one the new time cannot hold (the mentor away, another entry there) is cancelled without penalty and
    says why. Audit row ``MOVED`` and a ``mentorship_moved`` event to both sides."""
    # Imported here: the sessions service sits above this module (it imports absences, which import us).
    from domain.errors import DomainError
    from domain.services import sessions

    now = now or datetime.now(UTC)
    old_slot = (m.slot_weekday, m.slot_start_minute, m.slot_minutes)
    m.slot_weekday = weekday
    m.slot_start_minute = start_minute
    m.slot_minutes = min(minutes, 24 * 60 - start_minute)
    await m.save(update_fields=["slot_weekday", "slot_start_minute", "slot_minutes", "updated_at"])
    later = (
        await Session.filter(
            mentorship_id=m.id,
            status=SessionStatus.SCHEDULED,
            kind=SessionKind.REGULAR,
            catch_up=False,
            starts_at__gte=max(now, paris_midnight_after(from_day - timedelta(days=1))),
        )
        .order_by("starts_at")
        .values_list("id", "starts_at")
    )
    moved = cancelled = 0
    for session_id, starts_at in later:
        local = starts_at.astimezone(PARIS)
        day = local.date() - timedelta(days=local.weekday()) + timedelta(days=weekday)
        target = datetime.combine(day, datetime.min.time()) + timedelta(minutes=start_minute)
        try:
            async with in_transaction():
                await sessions.reschedule_session(session_id, target, fold=0)
            moved += 1
        except DomainError as refused:
            cancelled += await cancel_sessions_without_penalty(
                {"id": session_id},
                after=starts_at,
                now=now,
                reason=f"cancelled: the weekly slot moved and {day.isoformat()} cannot hold it "
                f"({refused.message})",
            )
    body = {
        **payload(m, change),
        "previousSlot": {"weekday": old_slot[0], "startMinute": old_slot[1], "minutes": old_slot[2]},
        "sessionsMoved": moved,
        "sessionsCancelled": cancelled,
    }
    await _audit(m, PairingAction.MOVED, change)
    await events.record_many(
        [
            (events.mentor_topic(m.mentor_id), "mentorship_moved", body),
            (events.student_topic(m.student_id), "mentorship_moved", body),
        ]
    )
    return Moved(m, moved, cancelled)
