"""Sessions: booking in Paris time, the weekly rule, series, statuses, notes and ending (R13-R19).

Rules, each enforced here and, where it protects data under concurrency, by the database too:
- Kinds and lengths (R14): discovery exactly 30 minutes and first (also when a session moves); regular
  45-60 minutes, or from the student's profile length (30-60) when that is shorter. A presentation is
  never a pair's session: it is an assessment's, with an assessor who is not the mentor (R20).
- Every booking, move, series week and first session of a manual pairing passes the calendar checks of
  ``domain.services.calendar.check_entry``, in one order with one set of codes: not in the past, inside
  the pair's dates, a funded weekday (R11), inside both people's availability (R13), the mentor not away
  (R5, MENTOR_AWAY), no overlap with any entry of either person, sessions and presentations alike
  (SLOT_TAKEN), then one regular session per student per Paris week (R13, WEEK_TAKEN) or, for a catch-up,
  a short absence of the mentor that it follows, up to the end of the week after it (R5).
  Database: exclusion constraints or triggers refuse overlapping sessions (migration 0002) and a partial
  unique index a second regular session in a week; under concurrency the database decides.
- Statuses (R16): scheduled -> completed | student_absent (once started) | cancelled (more than 24 h
  before) | late_cancelled (24 h or less before). A session is ended (made billable, R17) only once it has
  a status, at the level of the project the student was on at the session's time; a cancellation ends
  it at once. Ending may set the next session, 5 to 9 days later (R19).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from domain.enums import MessageKind, SessionKind, SessionStatus
from domain.errors import (
    AssessorWasMentor,
    Conflict,
    DomainError,
    StatusRequired,
    ValidationFailed,
    WeekTaken,
)
from domain.errors import SlotTaken as SlotTakenError
from domain.models import DiscoveryNote, Mentorship, Session, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, local_to_utc, week_monday
from domain.recurrence import Occurrence, expand
from domain.services import absences, calendar, notifications, pairing
from domain.services._common import get_or_not_found, lock_or_not_found
from domain.services.levels import project_at

DISCOVERY_MINUTES = pairing.DISCOVERY_MINUTES
REGULAR_MINUTES = (45, 60)
PRESENTATION_MINUTES = (20, 40)
PRESENTATION_DEFAULT = 30
MAX_MINUTES = calendar.LONGEST_MINUTES  # the column's check constraint: no session is longer
CANCEL_NOTICE = timedelta(hours=24)
MAX_SERIES_WEEKS = 320  # a little over six years
INSERT_ATTEMPTS = 5
DEADLOCK = "40P01"  # SQLSTATE deadlock_detected

ACTIVE = calendar.SESSION_ACTIVE  # the statuses in which a session holds its time
# R17: what a mentor is paid for. A cancellation with notice is not paid; a late one and a no-show are.
BILLABLE = (SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT, SessionStatus.LATE_CANCELLED)
# A discovery session that took place or still will: the mentorship's first session.
DISCOVERY_HELD = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class BookingInput:
    mentorship_id: int
    starts_at: datetime  # Paris wall-clock time, naive (R15)
    kind: SessionKind = SessionKind.REGULAR
    fold: int | None = None
    duration_minutes: int | None = None
    catch_up: bool = False
    catch_up_reason: str = ""
    notes: str = ""


def minutes_for(kind: SessionKind, student: Student, requested: int | None, *, field: str) -> int:
    """The session length for ``kind`` (R14), or a typed error when ``requested`` is out of range."""
    if kind == SessionKind.DISCOVERY:
        low, high, default = DISCOVERY_MINUTES, DISCOVERY_MINUTES, DISCOVERY_MINUTES
    elif kind == SessionKind.PRESENTATION:
        low, high, default = *PRESENTATION_MINUTES, PRESENTATION_DEFAULT
    else:
        low, high = min(REGULAR_MINUTES[0], student.session_minutes), REGULAR_MINUTES[1]
        default = min(max(student.session_minutes, low), high)
    value = default if requested is None else requested
    if not low <= value <= high:
        raise ValidationFailed(
            f"a {kind.value} session lasts {low} to {high} minutes, got {value}", field=field
        )
    return value


@asynccontextmanager
async def database_refusals() -> AsyncIterator[None]:
    """Turn the database's own refusals (overlap, second regular session in a week) into typed errors."""
    try:
        yield
    except IntegrityError as exc:
        text = str(exc)
        if "no_overlap" in text:
            raise SlotTakenError(
                "the mentor or the student already has a session at that time", field="startsAt"
            ) from exc
        if "paris_week" in text or "one_regular_per_week" in text:
            raise WeekTaken(
                "the student already has a regular session that week (R13)", field="startsAt"
            ) from exc
        raise


def with_each_other(mentorship: Mentorship) -> QuerySet[Session]:
    """R14: the sessions of the pair's mentor with the pair's student, whichever of their pairs booked them.
    The first of them is the discovery session: a pair started again (a student back from a substitute
    after a long absence, R5) has met already and needs no second one."""
    return Session.filter(mentor_id=mentorship.mentor_id, student_id=mentorship.student_id)


async def discovery_of(mentorship: Mentorship) -> Session | None:
    """The discovery session of the pair's mentor and student that took place or still will (R14)."""
    return (
        await with_each_other(mentorship)
        .filter(kind=SessionKind.DISCOVERY, status__in=DISCOVERY_HELD)
        .order_by("starts_at")
        .first()
    )


async def _check_order(
    mentorship: Mentorship, kind: SessionKind, starts_at: datetime, *, exclude: int | None = None
) -> None:
    """The discovery session is the first one (R14), and there is only one."""
    others = with_each_other(mentorship)
    if exclude is not None:
        others = others.exclude(id=exclude)
    discovery = (
        await others.filter(kind=SessionKind.DISCOVERY, status__in=DISCOVERY_HELD)
        .order_by("starts_at")
        .first()
    )
    if kind == SessionKind.DISCOVERY:
        if discovery is not None:
            raise Conflict("this mentorship already has its discovery session", field="kind")
        if await others.filter(status__in=ACTIVE, starts_at__lte=starts_at).exists():
            raise ValidationFailed(
                "the first session of a mentorship is its discovery session (R14)", field="startsAt"
            )
        return
    if discovery is None or discovery.starts_at >= starts_at:
        raise ValidationFailed(
            "the first session of a mentorship is its discovery session (R14)", field="kind"
        )


def _check_kind(kind: SessionKind) -> None:
    """R20: a presentation is given to an assessor who is never the student's mentor, so it is scheduled
    through the student's assessment (``finishProject``, ``assignAssessor``), never as a pair's session."""
    if kind == SessionKind.PRESENTATION:
        raise AssessorWasMentor(
            "a presentation is given to an assessor who is never the student's mentor (R20): it is "
            "scheduled through the student's assessment, not booked with the mentor",
            field="kind",
        )


def _entry_kind(kind: SessionKind, catch_up: bool) -> calendar.EntryKind:
    if kind != SessionKind.REGULAR:
        return calendar.EntryKind.SESSION
    return calendar.EntryKind.CATCH_UP if catch_up else calendar.EntryKind.WEEKLY


async def _mentorship_at(mentorship_id: int, starts_at: datetime | None = None) -> Mentorship:
    """The mentorship, current or (for a session before its end) ended: a student handed to a substitute
    for a mentor's absence (R5) may have sessions with both mentors over the hand-over weeks."""
    mentorship = await get_or_not_found(Mentorship, mentorship_id, field="mentorshipId")
    ended = mentorship.ended_on
    if ended is not None and (starts_at is None or starts_at.astimezone(PARIS).date() >= ended):
        raise ValidationFailed("the mentorship has ended by then", field="mentorshipId")
    return mentorship


async def insert_session(
    mentorship: Mentorship,
    *,
    kind: SessionKind,
    starts_at: datetime,
    minutes: int,
    catch_up: bool = False,
    catch_up_reason: str = "",
    notes: str = "",
    now: datetime | None = None,
    field: str = "startsAt",
) -> Session:
    """Check and store one session; the caller holds the transaction. Also used for a new mentorship's
    discovery session, so that no path skips a calendar check (``calendar.check_entry``: one sequence,
    one set of codes).

    Under concurrency the database refuses the loser of two overlapping sessions; the insert runs in a
    savepoint so that the checks can run again against the winner's now committed row, for the same
    precise answer (SLOT_TAKEN before WEEK_TAKEN)."""
    entry = calendar.Entry(
        mentor_id=mentorship.mentor_id,
        student_id=mentorship.student_id,
        starts_at=starts_at,
        minutes=minutes,
        kind=_entry_kind(kind, catch_up),
        pair=mentorship,
    )
    await calendar.check_entry(entry, now=now or utc_now(), field=field)
    for attempt in range(1, INSERT_ATTEMPTS + 1):
        try:
            async with in_transaction():  # a savepoint: a refused insert leaves the transaction usable
                return await notifications.booked(
                    Session.create(
                        mentorship_id=mentorship.id,
                        mentor_id=mentorship.mentor_id,
                        student_id=mentorship.student_id,
                        kind=kind,
                        starts_at=starts_at,
                        duration_minutes=minutes,
                        catch_up=catch_up,
                        catch_up_reason=catch_up_reason,
                        notes=notes,
                    )
                )
        except IntegrityError:
            await _check_again(entry, field)
            async with database_refusals():
                raise
        except Exception as exc:
            # PostgreSQL checks an exclusion constraint after inserting the index entry, so two
            # conflicting inserts can wait for each other: one is chosen as a deadlock victim. It lost the
            # race: once the winner commits, the retried insert (or the check) reports the overlap.
            if getattr(exc, "sqlstate", None) != DEADLOCK or attempt == INSERT_ATTEMPTS:
                raise
            await asyncio.sleep(0.005 * attempt)
            await calendar.check_free(entry, field=field)
    raise AssertionError("unreachable")  # pragma: no cover


async def _check_again(entry: calendar.Entry, field: str) -> None:
    """After the database refused a row: the overlap first, then the weekly rule (the same order)."""
    await calendar.check_free(entry, field=field)
    if entry.kind is calendar.EntryKind.WEEKLY:
        await calendar.check_week(entry, field=field)


async def book_session(
    data: BookingInput, *, now: datetime | None = None, field: str = "startsAt"
) -> Session:
    """Book one session of a current mentorship at a Paris wall-clock time (R15)."""
    starts_at = local_to_utc(data.starts_at, PARIS, fold=data.fold, field=field)
    reason = data.catch_up_reason.strip()
    _check_kind(data.kind)
    if data.catch_up and data.kind != SessionKind.REGULAR:
        raise ValidationFailed("only a regular session can be a catch-up session", field="catchUp")
    if data.catch_up and not reason:
        raise ValidationFailed(
            "say which absence of the mentor this catches up on (R5)", field="catchUpReason"
        )
    if not data.catch_up and reason:
        raise ValidationFailed("a reason is only for catch-up sessions", field="catchUpReason")
    async with in_transaction():
        mentorship = await _mentorship_at(data.mentorship_id, starts_at)
        student = await get_or_not_found(Student, mentorship.student_id, field="mentorshipId")
        minutes = minutes_for(data.kind, student, data.duration_minutes, field="durationMinutes")
        await _check_order(mentorship, data.kind, starts_at)
        return await insert_session(
            mentorship,
            kind=data.kind,
            starts_at=starts_at,
            minutes=minutes,
            catch_up=data.catch_up,
            catch_up_reason=reason,
            notes=data.notes,
            now=now,
            field=field,
        )


# --- Series -------------------------------------------------------------------------------------------


class SkipReason(StrEnum):
    MENTOR_ABSENT = "mentor_absent"
    BEFORE_DISCOVERY = "before_discovery"
    WEEK_TAKEN = "week_taken"
    SLOT_TAKEN = "slot_taken"
    PAST = "past"
    OUTSIDE_PAIR = "outside_pair"
    WEEKDAY_NOT_FUNDED = "weekday_not_funded"
    OUTSIDE_AVAILABILITY = "outside_availability"


# Each calendar refusal a week of a series can meet, and the reason the week is reported with.
_SKIPS: tuple[tuple[type[DomainError], SkipReason], ...] = (
    (absences.MentorAway, SkipReason.MENTOR_ABSENT),
    (SlotTakenError, SkipReason.SLOT_TAKEN),
    (WeekTaken, SkipReason.WEEK_TAKEN),
    (calendar.InThePast, SkipReason.PAST),
    (calendar.OutsidePair, SkipReason.OUTSIDE_PAIR),
    (calendar.WeekdayNotFunded, SkipReason.WEEKDAY_NOT_FUNDED),
    (calendar.OutsideAvailability, SkipReason.OUTSIDE_AVAILABILITY),
)


@dataclass(frozen=True, slots=True)
class SeriesInput:
    mentorship_id: int
    first_week: date  # any day of the first Paris week
    weeks: int
    # Weeks in which the mentor is away (any day of each): skipped and reported (R5).
    absent_weeks: list[date] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    occurrence: Occurrence
    reason: SkipReason
    message: str


@dataclass(slots=True)
class SeriesReport:
    created: list[Session] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)  # of the created sessions, same order
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def adjusted(self) -> list[Occurrence]:
        """Created sessions whose wall-clock time differs from the slot's (gap or repeated hour)."""
        return [o for o in self.occurrences if o.adjustment is not None]


async def schedule_series(data: SeriesInput, *, now: datetime | None = None) -> SeriesReport:
    """Book the mentorship's weekly slot for ``weeks`` weeks at the same Paris wall-clock time (R13).

    Weeks before the discovery session, weeks listed as the mentor's absence, and weeks the calendar
    checks refuse (``calendar.check_entry``: past, outside the pair, funding weekday, availability, the
    mentor away, a taken time, a taken week) are skipped and reported; the rest are booked. The
    daylight-saving rule for the slot is ``domain.recurrence``'s (gap: first existing minute after;
    repeated hour: first).
    """
    if not 1 <= data.weeks <= MAX_SERIES_WEEKS:
        raise ValidationFailed(f"weeks must be between 1 and {MAX_SERIES_WEEKS}", field="weeks")
    now = now or utc_now()
    absent = {week_monday(d) for d in data.absent_weeks}
    report = SeriesReport()
    async with in_transaction():
        mentorship = await _mentorship_at(data.mentorship_id)
        student = await get_or_not_found(Student, mentorship.student_id, field="mentorshipId")
        minutes = minutes_for(SessionKind.REGULAR, student, mentorship.slot_minutes, field="weeks")
        discovery = await discovery_of(mentorship)
        for occ in expand(mentorship.slot_weekday, mentorship.slot_start_minute, data.first_week, data.weeks):
            if occ.week in absent:
                report.skipped.append(Skipped(occ, SkipReason.MENTOR_ABSENT, "the mentor is away that week"))
                continue
            if discovery is None or occ.starts_at < discovery.starts_at + timedelta(
                minutes=discovery.duration_minutes
            ):
                report.skipped.append(
                    Skipped(occ, SkipReason.BEFORE_DISCOVERY, "the discovery session comes first (R14)")
                )
                continue
            try:
                # A savepoint per week: a week refused by the database leaves the others booked.
                async with in_transaction():
                    session = await insert_session(
                        mentorship,
                        kind=SessionKind.REGULAR,
                        starts_at=occ.starts_at,
                        minutes=minutes,
                        now=now,
                    )
            except DomainError as exc:
                reason = next((r for kind, r in _SKIPS if isinstance(exc, kind)), None)
                if reason is None:
                    raise
                report.skipped.append(Skipped(occ, reason, exc.message))
                continue
            report.created.append(session)
            report.occurrences.append(occ)
    return report


# --- Changes, statuses, ending --------------------------------------------------------------------------


async def _open_session(session_id: int) -> Session:
    session = await lock_or_not_found(Session, session_id, field="id")
    if session.ended_at is not None:
        raise Conflict("the session has ended and can no longer change", field="id")
    return session


async def _lock_session(session_id: int) -> Session:
    """Lock the session's people first, then the session: the order of every booking (mentor, student,
    session), so that a move or an end never waits on a booking that waits on it."""
    seen = await get_or_not_found(Session, session_id, field="id")
    await calendar.lock_people([seen.mentor_id], [seen.student_id])
    return await _open_session(session_id)


async def reschedule_session(
    session_id: int,
    starts_at_local: datetime,
    *,
    fold: int | None = None,
    duration_minutes: int | None = None,
    now: datetime | None = None,
) -> Session:
    """Move a scheduled session: the same rules as booking it, in the same order and with the same codes
    (kind, R14 order, then ``calendar.check_entry``); the calendar sees a higher SEQUENCE."""
    starts_at = local_to_utc(starts_at_local, PARIS, fold=fold, field="startsAt")
    async with in_transaction():
        session = await _lock_session(session_id)
        if session.status != SessionStatus.SCHEDULED:
            raise Conflict("only a scheduled session can move", field="id")
        _check_kind(session.kind)
        mentorship = await _mentorship_at(session.mentorship_id, starts_at)
        student = await get_or_not_found(Student, mentorship.student_id, field="id")
        minutes = minutes_for(
            session.kind, student, duration_minutes or session.duration_minutes, field="durationMinutes"
        )
        await _check_order(mentorship, session.kind, starts_at, exclude=session.id)
        entry = calendar.Entry(
            mentor_id=session.mentor_id,
            student_id=session.student_id,
            starts_at=starts_at,
            minutes=minutes,
            kind=_entry_kind(session.kind, session.catch_up),
            pair=mentorship,
            exclude_session=session.id,
        )
        await calendar.check_entry(entry, now=now or utc_now())
        session.starts_at = starts_at
        session.duration_minutes = minutes
        session.sequence += 1
        try:
            async with in_transaction():
                await session.save()
        except IntegrityError:
            await _check_again(entry, "startsAt")
            async with database_refusals():
                raise
        await notifications.on_session(session, MessageKind.SESSION_MOVED)
        return session


def _cancellation_status(session: Session, now: datetime) -> SessionStatus:
    if now >= session.starts_at:
        raise ValidationFailed(
            "the session has started: mark it completed or student absent instead", field="id"
        )
    return (
        SessionStatus.CANCELLED if session.starts_at - now > CANCEL_NOTICE else SessionStatus.LATE_CANCELLED
    )


async def _bill(session: Session, rates: Mapping[int, Decimal], now: datetime) -> None:
    """R17: freeze the level of the project the student was on at the session's time, and the amount."""
    project = await project_at(session.student_id, session.starts_at)
    session.ended_at = now
    session.billed_level = project.level
    session.billed_amount = rates[project.level] if session.status in BILLABLE else Decimal("0")


async def cancel_session(
    session_id: int, rates: Mapping[int, Decimal], *, now: datetime | None = None
) -> Session:
    """Cancel: ``cancelled`` more than 24 h before the start, ``late_cancelled`` after that (billed). The
    session is ended at once and its time is free again."""
    now = now or utc_now()
    async with in_transaction():
        session = await _open_session(session_id)
        if session.status != SessionStatus.SCHEDULED:
            raise Conflict(f"the session is already {session.status.value}", field="id")
        session.status = _cancellation_status(session, now)
        session.sequence += 1
        await _bill(session, rates, now)
        await session.save()
        await notifications.on_session(session, MessageKind.SESSION_CANCELLED)
        await pairing.discovery_moves_on([session])
        return session


_HELD = (SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT)


async def set_status(session_id: int, status: SessionStatus, *, now: datetime | None = None) -> Session:
    """Record how a session went: completed or student absent, once it has started (R16)."""
    now = now or utc_now()
    if status not in _HELD:
        raise ValidationFailed(
            "set completed or student_absent; cancel a session with cancelSession", field="status"
        )
    async with in_transaction():
        session = await _open_session(session_id)
        if session.status not in (SessionStatus.SCHEDULED, *_HELD):
            raise Conflict(f"the session is {session.status.value}", field="status")
        if now < session.starts_at:
            raise ValidationFailed("the session has not started yet", field="status")
        if session.status != status:
            session.status = status
            session.sequence += 1
            await session.save()
        return session


@dataclass(frozen=True, slots=True)
class EndInput:
    session_id: int
    status: SessionStatus | None = None
    notes: str | None = None
    private_comment: str | None = None
    # R19: the next session, about a week later, in Paris wall-clock time.
    next_starts_at: datetime | None = None
    next_fold: int | None = None


@dataclass(frozen=True, slots=True)
class Ended:
    session: Session
    next_session: Session | None


# R19: the next session is set about one week later: from 5 to 9 days (Paris dates) after this one.
NEXT_SESSION_DAYS = (5, 9)


async def end_session(data: EndInput, rates: Mapping[int, Decimal], *, now: datetime | None = None) -> Ended:
    """End a session: it must have a status (R16); it becomes billable at the level of the project the
    student was on at the session's time (R17); optionally the next session, 5 to 9 days later (Paris
    dates, R19), is booked in the same transaction with every booking rule."""
    now = now or utc_now()
    async with in_transaction():
        await _lock_session(data.session_id)
        if data.status is not None:
            await set_status(data.session_id, data.status, now=now)
        session = await _open_session(data.session_id)
        if session.status == SessionStatus.SCHEDULED:
            raise StatusRequired(
                "set the session's status (completed or student absent) before ending it (R16)",
                field="status",
            )
        if data.notes is not None:
            session.notes = data.notes
        if data.private_comment is not None:
            session.private_comment = data.private_comment
        await _bill(session, rates, now)
        await session.save()
        next_session = None
        if data.next_starts_at is not None:
            low, high = NEXT_SESSION_DAYS
            days = (data.next_starts_at.date() - session.starts_at.astimezone(PARIS).date()).days
            if not low <= days <= high:
                raise ValidationFailed(
                    f"the next session is set about one week later (R19): {low} to {high} days after this "
                    f"one, got {days}",
                    field="nextStartsAt",
                )
            next_session = await book_session(
                BookingInput(session.mentorship_id, data.next_starts_at, fold=data.next_fold),
                now=now,
                field="nextStartsAt",
            )
        return Ended(session, next_session)


async def update_notes(
    session_id: int, *, notes: str | None = None, private_comment: str | None = None
) -> Session:
    """Shared notes (the student reads them) and the private comment (mentors and staff only, R16)."""
    async with in_transaction():
        session = await lock_or_not_found(Session, session_id, field="id")
        if notes is not None:
            session.notes = notes
        if private_comment is not None:
            session.private_comment = private_comment
        await session.save(update_fields=["notes", "private_comment", "updated_at"])
        return session


@dataclass(frozen=True, slots=True)
class DiscoveryNoteInput:
    """R18. A field left ``None`` keeps its stored value (a partial update); ``weekly_hours`` is cleared
    with ``clear_weekly_hours``."""

    background: str | None = None
    motivation: str | None = None
    goals: str | None = None
    level: str | None = None
    weekly_hours: int | None = None
    remarks: str | None = None
    next_week_objectives: str | None = None
    clear_weekly_hours: bool = False


async def set_discovery_note(session_id: int, data: DiscoveryNoteInput) -> DiscoveryNote:
    if data.weekly_hours is not None and not 0 <= data.weekly_hours <= 80:
        raise ValidationFailed("weekly hours must be between 0 and 80", field="weeklyHours")
    if data.clear_weekly_hours and data.weekly_hours is not None:
        raise ValidationFailed("give weekly hours or clear them, not both", field="weeklyHours")
    async with in_transaction():
        session = await lock_or_not_found(Session, session_id, field="sessionId")
        if session.kind != SessionKind.DISCOVERY:
            raise ValidationFailed("only a discovery session has discovery notes (R18)", field="sessionId")
        given: dict[str, str | int | None] = {
            "background": data.background,
            "motivation": data.motivation,
            "goals": data.goals,
            "level": data.level,
            "weekly_hours": data.weekly_hours,
            "remarks": data.remarks,
            "next_week_objectives": data.next_week_objectives,
        }
        values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        if data.clear_weekly_hours:
            values["weekly_hours"] = None
        note = await DiscoveryNote.select_for_update().get_or_none(session_id=session.id)
        if note is None:
            defaults: dict[str, Any] = {k: "" for k in given if k != "weekly_hours"}
            return await DiscoveryNote.create(session_id=session.id, **{**defaults, **values})
        if values:
            await note.update_from_dict(values).save()
        return note
