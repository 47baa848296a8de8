"""Session mutations: book (one or a weekly series), move, cancel, record the status, end, notes (R13-R19).

Times are Paris wall-clock times ``YYYY-MM-DDTHH:MM`` (R15): a time skipped by the spring change gets
``NONEXISTENT_LOCAL_TIME``; a repeated autumn time needs ``fold`` 0 (first) or 1 (second). An overlap with
another active session of the mentor or the student is a typed ``SlotTaken`` error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from domain import enums
from domain.errors import SlotTaken as SlotTakenError
from domain.paris_time import PARIS, parse_local_datetime
from domain.recurrence import Occurrence
from domain.services import sessions
from schema.context import Info
from schema.errors import (
    CONFLICT,
    INVALID,
    NOT_FOUND,
    REFUSALS,
    AnyUserError,
    ErrorCodeType,
    Refusals,
    UserError,
    on,
)
from schema.types import DiscoveryNote, Session, SessionKind, SessionStatus


@strawberry.type(description="The mentor or the student already has a session at that time; nothing stored.")
class SlotTaken(UserError):
    pass


BookingErrors = SlotTaken | AnyUserError
# A booking's overlap is its own type; before CONFLICT, which would take it (SlotTaken is a Conflict).
BOOKING = Refusals[BookingErrors](on(SlotTakenError, SlotTaken.of), NOT_FOUND, CONFLICT, INVALID)


def _local(text: str, field: str) -> datetime:
    return parse_local_datetime(text, field=field)


@strawberry.input
class BookSessionInput:
    mentorship_id: int
    starts_at: str = strawberry.field(description="Paris wall-clock time, YYYY-MM-DDTHH:MM (no offset).")
    kind: SessionKind = SessionKind.REGULAR  # type: ignore[valid-type]
    fold: int | None = strawberry.field(default=None, description="Repeated autumn time: 0 first, 1 second.")
    duration_minutes: int | None = strawberry.field(
        default=None, description="Discovery 30; regular 45-60 (from 30 by profile); presentation 20-40."
    )
    catch_up: bool = strawberry.field(
        default=False,
        description="A catch-up after a mentor's absence of one or two weeks (R5): allowed "
        "beyond the one regular session a week; needs catchUpReason.",
    )
    catch_up_reason: str = ""
    notes: str = ""


@strawberry.input
class ScheduleSeriesInput:
    mentorship_id: int
    first_week: date = strawberry.field(description="Any day of the first Paris week.")
    weeks: int
    absent_weeks: list[date] = strawberry.field(
        default_factory=list, description="Any day of each week the mentor is away: skipped and reported."
    )


@strawberry.input
class RescheduleSessionInput:
    id: int
    starts_at: str
    fold: int | None = None
    duration_minutes: int | None = None


@strawberry.input
class SetSessionStatusInput:
    id: int
    status: SessionStatus  # type: ignore[valid-type]


@strawberry.input
class EndSessionInput:
    id: int
    status: SessionStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Completed or student absent; required unless already set (R16)."
    )
    notes: str | None = None
    private_comment: str | None = None
    next_starts_at: str | None = strawberry.field(
        default=None, description="R19: book the next regular session, Paris wall-clock time."
    )
    next_fold: int | None = None


@strawberry.input
class SessionNotesInput:
    id: int
    notes: str | None = None
    private_comment: str | None = strawberry.field(default=None, description="Never shown to the student.")


@strawberry.input(
    description="R18 fields of a discovery session's notes. A field left out (or null) keeps its stored "
    "value; an empty string clears a text; clearWeeklyHours clears the hours."
)
class DiscoveryNoteInput:
    session_id: int
    background: str | None = None
    motivation: str | None = None
    goals: str | None = None
    level: str | None = None
    weekly_hours: int | None = None
    remarks: str | None = None
    next_week_objectives: str | None = None
    clear_weekly_hours: bool = False


@strawberry.type
class SessionPayload:
    session: Session


@strawberry.type
class EndSessionPayload:
    session: Session
    next_session: Session | None


@strawberry.type(description="One week of a series: the slot's wall-clock time and what happened to it.")
class SeriesWeek:
    week: date
    wall_time: str = strawberry.field(description="The slot's wall-clock time that week (Paris).")
    starts_at_paris: str = strawberry.field(description="The start actually used, ISO 8601 with offset.")
    adjustment: str | None = strawberry.field(
        description="gap_moved: the time did not exist (spring change), moved to the first minute after "
        "it; ambiguous_first: the time happened twice (autumn change), the first was taken."
    )
    reason: str | None = strawberry.field(description="Why the week was skipped.")
    message: str | None

    @staticmethod
    def of(occ: Occurrence, reason: str | None = None, message: str | None = None) -> SeriesWeek:
        return SeriesWeek(
            week=occ.week,
            wall_time=occ.wall.isoformat(timespec="minutes"),
            starts_at_paris=occ.starts_at.astimezone(PARIS).isoformat(timespec="minutes"),
            adjustment=occ.adjustment.value if occ.adjustment else None,
            reason=reason,
            message=message,
        )


@strawberry.type
class SeriesPayload:
    created: list[Session]
    adjusted: list[SeriesWeek] = strawberry.field(description="Created sessions moved by a DST change.")
    skipped: list[SeriesWeek]


@strawberry.type
class DiscoveryNotePayload:
    session_id: int
    note: DiscoveryNote


SessionResult = Annotated[SessionPayload | BookingErrors, strawberry.union("SessionResult")]
SeriesResult = Annotated[SeriesPayload | BookingErrors, strawberry.union("SeriesResult")]
EndSessionResult = Annotated[EndSessionPayload | BookingErrors, strawberry.union("EndSessionResult")]
DiscoveryNoteResult = Annotated[DiscoveryNotePayload | AnyUserError, strawberry.union("DiscoveryNoteResult")]

# Keep the code enum referenced so SlotTaken's `code` type resolves in the SDL.
_ = ErrorCodeType


@strawberry.type
class SessionMutations:
    @strawberry.mutation(description="Book one session in Paris wall-clock time (R14, R15).")
    async def book_session(self, input: BookSessionInput) -> SessionResult:
        async def run() -> SessionPayload:
            data = sessions.BookingInput(
                mentorship_id=input.mentorship_id,
                starts_at=_local(input.starts_at, "startsAt"),
                kind=enums.SessionKind(input.kind),
                fold=input.fold,
                duration_minutes=input.duration_minutes,
                catch_up=input.catch_up,
                catch_up_reason=input.catch_up_reason,
                notes=input.notes,
            )
            return SessionPayload(session=Session.of(await sessions.book_session(data)))

        return await BOOKING.attempt(run)

    @strawberry.mutation(description="Book the mentorship's weekly slot for the next weeks (R13).")
    async def schedule_series(self, input: ScheduleSeriesInput) -> SeriesResult:
        async def run() -> SeriesPayload:
            report = await sessions.schedule_series(
                sessions.SeriesInput(input.mentorship_id, input.first_week, input.weeks, input.absent_weeks)
            )
            return SeriesPayload(
                created=[Session.of(s) for s in report.created],
                adjusted=[SeriesWeek.of(o) for o in report.adjusted],
                skipped=[SeriesWeek.of(s.occurrence, s.reason.value, s.message) for s in report.skipped],
            )

        return await BOOKING.attempt(run)

    @strawberry.mutation(description="Move a scheduled session (its calendar SEQUENCE grows).")
    async def reschedule_session(self, input: RescheduleSessionInput) -> SessionResult:
        async def run() -> SessionPayload:
            row = await sessions.reschedule_session(
                input.id,
                _local(input.starts_at, "startsAt"),
                fold=input.fold,
                duration_minutes=input.duration_minutes,
            )
            return SessionPayload(session=Session.of(row))

        return await BOOKING.attempt(run)

    @strawberry.mutation(
        description="Cancel: CANCELLED more than 24 h before the start, LATE_CANCELLED after (billed)."
    )
    async def cancel_session(self, info: Info, id: int) -> SessionResult:
        async def run() -> SessionPayload:
            row = await sessions.cancel_session(id, info.context.settings.rates)
            return SessionPayload(session=Session.of(row))

        return await BOOKING.attempt(run)

    @strawberry.mutation(description="Record how the session went: COMPLETED or STUDENT_ABSENT (R16).")
    async def set_session_status(self, input: SetSessionStatusInput) -> SessionResult:
        async def run() -> SessionPayload:
            row = await sessions.set_status(input.id, enums.SessionStatus(input.status))
            return SessionPayload(session=Session.of(row))

        return await BOOKING.attempt(run)

    @strawberry.mutation(
        description="End a session (status required, R16): billable at the level of the project the student "
        "was on at the session's time (R17); optionally book the next one, 5 to 9 days later (R19)."
    )
    async def end_session(self, info: Info, input: EndSessionInput) -> EndSessionResult:
        async def run() -> EndSessionPayload:
            data = sessions.EndInput(
                session_id=input.id,
                status=None if input.status is None else enums.SessionStatus(input.status),
                notes=input.notes,
                private_comment=input.private_comment,
                next_starts_at=None
                if input.next_starts_at is None
                else _local(input.next_starts_at, "nextStartsAt"),
                next_fold=input.next_fold,
            )
            ended = await sessions.end_session(data, info.context.settings.rates)
            return EndSessionPayload(
                session=Session.of(ended.session),
                next_session=Session.of(ended.next_session) if ended.next_session else None,
            )

        return await BOOKING.attempt(run)

    @strawberry.mutation(description="Shared notes and the private comment (mentors and staff only).")
    async def update_session_notes(self, input: SessionNotesInput) -> SessionResult:
        async def run() -> SessionPayload:
            row = await sessions.update_notes(
                input.id, notes=input.notes, private_comment=input.private_comment
            )
            return SessionPayload(session=Session.of(row))

        return await BOOKING.attempt(run)

    @strawberry.mutation(description="Write the R18 notes of a discovery session.")
    async def set_discovery_notes(self, input: DiscoveryNoteInput) -> DiscoveryNoteResult:
        async def run() -> DiscoveryNotePayload:
            note = await sessions.set_discovery_note(
                input.session_id,
                sessions.DiscoveryNoteInput(
                    background=input.background,
                    motivation=input.motivation,
                    goals=input.goals,
                    level=input.level,
                    weekly_hours=input.weekly_hours,
                    remarks=input.remarks,
                    next_week_objectives=input.next_week_objectives,
                    clear_weekly_hours=input.clear_weekly_hours,
                ),
            )
            return DiscoveryNotePayload(session_id=input.session_id, note=DiscoveryNote.of(note))

        return await REFUSALS.attempt(run)
