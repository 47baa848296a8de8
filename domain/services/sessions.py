"""Sessions: booking in Paris time, the weekly rule, series, statuses, notes and ending (R13-R19).

Rules, each enforced here and, where it protects data under concurrency, by the database too:
- Kinds and lengths (R14): discovery exactly 30 minutes and first; regular 45-60 minutes, or from the
  student's profile length (30-60) when that is shorter; presentation 20-40 minutes (30 by default).
- One regular session per student per Paris ISO week (R13), except catch-up sessions after a mentor's
  absence of one or two weeks (R5), which carry an explicit flag and reason. Database: partial unique index
  ``session_one_regular_per_week``.
- No overlap for a mentor nor for a student among active sessions (scheduled, completed, student absent);
  back-to-back is fine. Database: exclusion constraints (PostgreSQL) or triggers (SQLite), migration 0002.
  The check in Python only gives the friendlier message; the database decides under concurrency.
- Statuses (R16): scheduled -> completed | student_absent (once started) | cancelled (more than 24 h
  before) | late_cancelled (24 h or less before). A session is ended (made billable, R17) only once it has
  a status; a cancellation ends it at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from domain.enums import MessageKind, SessionKind, SessionStatus
from domain.errors import Conflict, StatusRequired, ValidationFailed, WeekTaken
from domain.errors import SlotTaken as SlotTakenError
from domain.models import DiscoveryNote, Mentorship, Project, Session, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, local_to_utc, week_monday
from domain.recurrence import Occurrence, expand
from domain.services import absences, notifications
from domain.services._common import get_or_not_found, lock_or_not_found

DISCOVERY_MINUTES = 30
REGULAR_MINUTES = (45, 60)
PRESENTATION_MINUTES = (20, 40)
PRESENTATION_DEFAULT = 30
MAX_MINUTES = 120  # the column's check constraint: no session is longer
CANCEL_NOTICE = timedelta(hours=24)
MAX_SERIES_WEEKS = 320  # a little over six years
INSERT_ATTEMPTS = 5
DEADLOCK = "40P01"  # SQLSTATE deadlock_detected

ACTIVE = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT)
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


async def _check_free(
    mentor_id: int, student_id: int, starts_at: datetime, minutes: int, *, exclude: int | None = None
) -> None:
    """Refuse an overlap with an active session of the mentor or the student (back-to-back is fine)."""
    ends_at = starts_at + timedelta(minutes=minutes)
    qs = Session.filter(
        Q(mentor_id=mentor_id) | Q(student_id=student_id),
        status__in=ACTIVE,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(minutes=MAX_MINUTES),
    )
    if exclude is not None:
        qs = qs.exclude(id=exclude)
    for other in await qs:
        if other.starts_at + timedelta(minutes=other.duration_minutes) > starts_at:
            who = "mentor" if other.mentor_id == mentor_id else "student"
            local = other.starts_at.astimezone(PARIS)
            raise SlotTakenError(
                f"the {who} already has a session from {local:%Y-%m-%d %H:%M} "
                f"for {other.duration_minutes} minutes (Paris time)",
                field="startsAt",
            )


async def _check_week(student_id: int, starts_at: datetime, *, exclude: int | None = None) -> None:
    qs = Session.filter(
        student_id=student_id,
        paris_week=week_monday(starts_at.astimezone(PARIS).date()),
        kind=SessionKind.REGULAR,
        catch_up=False,
    ).exclude(status=SessionStatus.CANCELLED)
    if exclude is not None:
        qs = qs.exclude(id=exclude)
    if await qs.exists():
        raise WeekTaken(
            "the student already has a regular session that Paris week (R13); "
            "book it as a catch-up (R5) if it makes up for a mentor's absence",
            field="startsAt",
        )


async def _check_order(mentorship: Mentorship, kind: SessionKind, starts_at: datetime) -> None:
    """The discovery session is the first one (R14), and there is only one."""
    discovery = (
        await Session.filter(
            mentorship_id=mentorship.id, kind=SessionKind.DISCOVERY, status__in=DISCOVERY_HELD
        )
        .order_by("starts_at")
        .first()
    )
    if kind == SessionKind.DISCOVERY:
        if discovery is not None:
            raise Conflict("this mentorship already has its discovery session", field="kind")
        return
    if discovery is None or discovery.starts_at >= starts_at:
        raise ValidationFailed(
            "the first session of a mentorship is its discovery session (R14)", field="kind"
        )


def _check_weekday(student: Student, starts_at: datetime) -> None:
    weekday = starts_at.astimezone(PARIS).weekday()
    if not student.allowed_weekdays & (1 << weekday):
        raise ValidationFailed(
            "the student's funding does not allow sessions on that weekday (R11)", field="startsAt"
        )


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
) -> Session:
    """Check and store one session; the caller holds the transaction. Also used for a new mentorship's
    discovery session, so that no path skips the overlap rule.

    The overlap is checked before the weekly rule, so that a clash is always reported as ``SlotTaken``.
    Under concurrency the database refuses the loser; the insert runs in a savepoint so that the overlap
    can be checked again against the winner's now committed row, for the same precise answer."""
    weekly = kind == SessionKind.REGULAR and not catch_up
    await absences.check_not_away(mentorship.mentor_id, starts_at, minutes)  # R5
    await _check_free(mentorship.mentor_id, mentorship.student_id, starts_at, minutes)
    if weekly:
        try:
            await _check_week(mentorship.student_id, starts_at)
        except WeekTaken:
            # A clashing booking may have committed between the two checks: report the clash first.
            await _check_free(mentorship.mentor_id, mentorship.student_id, starts_at, minutes)
            raise
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
            await _check_free(mentorship.mentor_id, mentorship.student_id, starts_at, minutes)
            if weekly:
                await _check_week(mentorship.student_id, starts_at)
            async with database_refusals():
                raise
        except Exception as exc:
            # PostgreSQL checks an exclusion constraint after inserting the index entry, so two
            # conflicting inserts can wait for each other: one is chosen as a deadlock victim. It lost the
            # race: once the winner commits, the retried insert (or the check) reports the overlap.
            if getattr(exc, "sqlstate", None) != DEADLOCK or attempt == INSERT_ATTEMPTS:
                raise
            await asyncio.sleep(0.005 * attempt)
            await _check_free(mentorship.mentor_id, mentorship.student_id, starts_at, minutes)
    raise AssertionError("unreachable")  # pragma: no cover


async def book_session(data: BookingInput) -> Session:
    """Book one session of a current mentorship at a Paris wall-clock time (R15)."""
    starts_at = local_to_utc(data.starts_at, PARIS, fold=data.fold, field="startsAt")
    reason = data.catch_up_reason.strip()
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
        _check_weekday(student, starts_at)
        await _check_order(mentorship, data.kind, starts_at)
        return await insert_session(
            mentorship,
            kind=data.kind,
            starts_at=starts_at,
            minutes=minutes,
            catch_up=data.catch_up,
            catch_up_reason=reason,
            notes=data.notes,
        )


# --- Series -------------------------------------------------------------------------------------------


class SkipReason(StrEnum):
    MENTOR_ABSENT = "mentor_absent"
    BEFORE_DISCOVERY = "before_discovery"
    WEEK_TAKEN = "week_taken"
    SLOT_TAKEN = "slot_taken"


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


async def schedule_series(data: SeriesInput) -> SeriesReport:
    """Book the mentorship's weekly slot for ``weeks`` weeks at the same Paris wall-clock time (R13).

    Weeks the mentor is away, weeks that already have a regular session, times already taken and weeks
    before the discovery session are skipped and reported; the rest are booked. The daylight-saving rule
    for the slot is ``domain.recurrence``'s (gap: first existing minute after; repeated hour: first).
    """
    if not 1 <= data.weeks <= MAX_SERIES_WEEKS:
        raise ValidationFailed(f"weeks must be between 1 and {MAX_SERIES_WEEKS}", field="weeks")
    absent = {week_monday(d) for d in data.absent_weeks}
    report = SeriesReport()
    async with in_transaction():
        mentorship = await _mentorship_at(data.mentorship_id)
        student = await get_or_not_found(Student, mentorship.student_id, field="mentorshipId")
        minutes = minutes_for(SessionKind.REGULAR, student, mentorship.slot_minutes, field="weeks")
        if not student.allowed_weekdays & (1 << mentorship.slot_weekday):
            raise ValidationFailed(
                "the student's funding does not allow the slot's weekday (R11)", field="mentorshipId"
            )
        discovery = (
            await Session.filter(
                mentorship_id=mentorship.id, kind=SessionKind.DISCOVERY, status__in=DISCOVERY_HELD
            )
            .order_by("starts_at")
            .first()
        )
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
                        mentorship, kind=SessionKind.REGULAR, starts_at=occ.starts_at, minutes=minutes
                    )
            except WeekTaken as exc:
                report.skipped.append(Skipped(occ, SkipReason.WEEK_TAKEN, exc.message))
                continue
            except SlotTakenError as exc:
                report.skipped.append(Skipped(occ, SkipReason.SLOT_TAKEN, exc.message))
                continue
            except absences.MentorAway as exc:
                report.skipped.append(Skipped(occ, SkipReason.MENTOR_ABSENT, exc.message))
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


async def reschedule_session(
    session_id: int,
    starts_at_local: datetime,
    *,
    fold: int | None = None,
    duration_minutes: int | None = None,
) -> Session:
    """Move a scheduled session; the calendar sees a higher SEQUENCE."""
    starts_at = local_to_utc(starts_at_local, PARIS, fold=fold, field="startsAt")
    async with in_transaction():
        session = await _open_session(session_id)
        if session.status != SessionStatus.SCHEDULED:
            raise Conflict("only a scheduled session can move", field="id")
        mentorship = await _mentorship_at(session.mentorship_id, starts_at)
        student = await get_or_not_found(Student, mentorship.student_id, field="id")
        minutes = minutes_for(
            session.kind, student, duration_minutes or session.duration_minutes, field="durationMinutes"
        )
        _check_weekday(student, starts_at)
        if session.kind == SessionKind.REGULAR and not session.catch_up:
            await _check_week(session.student_id, starts_at, exclude=session.id)
        await absences.check_not_away(session.mentor_id, starts_at, minutes)  # R5
        await _check_free(session.mentor_id, session.student_id, starts_at, minutes, exclude=session.id)
        session.starts_at = starts_at
        session.duration_minutes = minutes
        session.sequence += 1
        async with database_refusals():
            await session.save()
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
    """R17: freeze the level of the student's project at this moment and the amount owed."""
    student = await get_or_not_found(Student, session.student_id, field="id")
    project = await get_or_not_found(Project, student.current_project_id, field="id")
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


async def end_session(data: EndInput, rates: Mapping[int, Decimal], *, now: datetime | None = None) -> Ended:
    """End a session: it must have a status (R16); it becomes billable at the level of the project the
    student is on now (R17); optionally the next session is booked in the same transaction (R19)."""
    now = now or utc_now()
    async with in_transaction():
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
            next_session = await book_session(
                BookingInput(session.mentorship_id, data.next_starts_at, fold=data.next_fold)
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
    """R18, every field optional text except the weekly hours."""

    background: str = ""
    motivation: str = ""
    goals: str = ""
    level: str = ""
    weekly_hours: int | None = None
    remarks: str = ""
    next_week_objectives: str = ""


async def set_discovery_note(session_id: int, data: DiscoveryNoteInput) -> DiscoveryNote:
    if data.weekly_hours is not None and not 0 <= data.weekly_hours <= 80:
        raise ValidationFailed("weekly hours must be between 0 and 80", field="weeklyHours")
    async with in_transaction():
        session = await lock_or_not_found(Session, session_id, field="sessionId")
        if session.kind != SessionKind.DISCOVERY:
            raise ValidationFailed("only a discovery session has discovery notes (R18)", field="sessionId")
        values = {
            "background": data.background,
            "motivation": data.motivation,
            "goals": data.goals,
            "level": data.level,
            "weekly_hours": data.weekly_hours,
            "remarks": data.remarks,
            "next_week_objectives": data.next_week_objectives,
        }
        note, created = await DiscoveryNote.get_or_create(defaults=values, session_id=session.id)
        if not created:
            await note.update_from_dict(values).save()
        return note
