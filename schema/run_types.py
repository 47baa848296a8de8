"""GraphQL types for matching runs (issue 4): the run, its progress, its proposal under review, the events
of the subscriptions, and the run queries. Thin: the review figures come from ``domain.services``."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from domain import enums, models
from domain.access import Viewer
from domain.services import run_review, runs
from schema.types import MentorshipEndReason, PairingCause, WeeklySlot, hhmm

RunStatus = strawberry.enum(enums.RunStatus, name="RunStatus")


@strawberry.type(description="The solver's latest figures for a run.")
class RunProgress:
    elapsed_s: float
    placed: int
    upper_bound: int = strawberry.field(description="A proven ceiling on how many students can be placed.")
    phase: str

    @staticmethod
    def of(raw: dict[str, Any] | None) -> RunProgress | None:
        if not raw:
            return None
        return RunProgress(
            elapsed_s=float(raw.get("elapsedS", 0.0)),
            placed=int(raw.get("placed", 0)),
            upper_bound=int(raw.get("upperBound", 0)),
            phase=str(raw.get("phase", "")),
        )


@strawberry.enum(description="What a proposed pair changes against the student's current pair.")
class PairChangeKind(Enum):
    NEW = "NEW"
    SAME = "SAME"
    MOVED = "MOVED"
    NEW_MENTOR = "NEW_MENTOR"


@strawberry.type
class ProposedPair:
    student_id: int
    mentor_id: int
    slot: WeeklySlot = strawberry.field(description="The weekly slot in Paris time.")
    change: PairChangeKind
    current_mentor_id: int | None
    current_slot: WeeklySlot | None


@strawberry.type(description="A mentor's load if the proposal is published, against their capacity (R2).")
class MentorLoad:
    mentor_id: int
    capacity: int
    current: int
    proposed: int
    leaving: int
    after: int
    over_capacity: bool


@strawberry.type(description="A student the solver could not place, and why.")
class UnplacedStudent:
    student_id: int
    reason: str = strawberry.field(
        description="NO_MENTOR_FOR_PROJECT, ONLY_FORBIDDEN_MENTORS, ALL_MENTORS_FULL, NO_COMMON_SLOT or "
        "LOST_TO_COMPETITION."
    )
    facts: JSON
    closest_mentor_ids: list[int]


@strawberry.type
class Proposal:
    week: date = strawberry.field(description="The Monday of the Paris week the slots were planned on.")
    placed: int
    upper_bound: int
    bound_kind: str = strawberry.field(
        description="The proof behind upperBound: flow (flow relaxation), lp (time-indexed LP), exact, none."
    )
    solver_status: str
    pairs: list[ProposedPair]
    mentor_loads: list[MentorLoad]
    unplaced: list[UnplacedStudent]
    figures: JSON


def _slot(weekday: int, start_minute: int, minutes: int) -> WeeklySlot:
    return WeeklySlot(weekday=weekday, start=hhmm(start_minute), minutes=minutes)


@strawberry.type
class MatchingRun:
    id: UUID
    status: RunStatus  # type: ignore[valid-type]
    scope: JSON
    options: JSON
    progress: RunProgress | None
    error: str
    attempts: int
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    published_at: datetime | None
    stale_changes: JSON | None = strawberry.field(
        description="For a stale run: the mentors, students and pairs that changed during the solve."
    )
    row: strawberry.Private[models.MatchingRun]

    @staticmethod
    def shown_to(row: models.MatchingRun | None, viewer: Viewer) -> MatchingRun | None:
        """A run another mutation started (a hand-over, a notice, a change request), shown to staff only:
        its proposal names other mentors and students."""
        return MatchingRun.of(row) if row is not None and viewer.is_staff else None

    @staticmethod
    def of(row: models.MatchingRun) -> MatchingRun:
        return MatchingRun(
            id=row.id,
            status=row.status,
            scope=JSON(row.scope),
            options=JSON(row.options),
            progress=RunProgress.of(row.progress),
            error=row.error,
            attempts=row.attempts,
            cancel_requested=row.cancel_requested,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            published_at=row.published_at,
            stale_changes=JSON(stale) if (stale := (row.result or {}).get("staleChanges")) else None,
            row=row,
        )

    @strawberry.field(description="The proposal under review (succeeded, stale or published runs).")
    async def proposal(self) -> Proposal | None:
        seen = await run_review.review(self.row)
        result = self.row.result
        if seen is None or result is None:
            return None
        pairs = [
            ProposedPair(
                student_id=p.student_id,
                mentor_id=p.mentor_id,
                slot=_slot(p.weekday, p.start_minute, p.minutes),
                change=PairChangeKind(p.change),
                current_mentor_id=p.current_mentor_id,
                current_slot=(
                    _slot(p.current_weekday, p.current_start_minute, p.minutes)
                    if p.current_weekday is not None and p.current_start_minute is not None
                    else None
                ),
            )
            for p in seen.pairs
        ]
        loads = [
            MentorLoad(
                mentor_id=m.mentor_id,
                capacity=m.capacity,
                current=m.current,
                proposed=m.proposed,
                leaving=m.leaving,
                after=m.after,
                over_capacity=m.over_capacity,
            )
            for m in seen.loads
        ]
        unplaced = [
            UnplacedStudent(
                student_id=u["studentId"],
                reason=u["reason"],
                facts=u["facts"],
                closest_mentor_ids=u["closestMentorIds"],
            )
            for u in seen.unplaced
        ]
        return Proposal(
            week=date.fromisoformat(result["week"]),
            placed=result["placed"],
            upper_bound=result["upperBound"],
            bound_kind=str(result.get("boundKind", "flow")),
            solver_status=result["solverStatus"],
            pairs=pairs,
            mentor_loads=loads,
            unplaced=unplaced,
            figures=JSON(
                {
                    "students": result.get("students"),
                    "mentors": result.get("mentors"),
                    "stats": result.get("stats", {}),
                }
            ),
        )


@strawberry.type(description="A run's status or progress changed (matchingRunProgress).")
class RunProgressEvent:
    event_id: int = strawberry.field(description="Pass the last one seen as afterEventId to resume.")
    run_id: UUID
    status: RunStatus  # type: ignore[valid-type]
    elapsed_s: float
    placed: int
    upper_bound: int
    phase: str
    error: str

    @staticmethod
    def of(event: models.Event) -> RunProgressEvent:
        p = event.payload
        return RunProgressEvent(
            event_id=event.id,
            run_id=UUID(p["runId"]),
            status=enums.RunStatus(p["status"]),
            elapsed_s=float(p.get("elapsedS", 0.0)),
            placed=int(p.get("placed", 0)),
            upper_bound=int(p.get("upperBound", 0)),
            phase=str(p.get("phase", "")),
            error=str(p.get("error", "")),
        )


@strawberry.enum
class AssignmentChange(Enum):
    STARTED = "mentorship_started"
    ENDED = "mentorship_ended"
    # R5: the pair's mentor will be away (absenceStartsOn..absenceEndsOn), or no longer will.
    ABSENCE_RECORDED = "absence_recorded"
    ABSENCE_CANCELLED = "absence_cancelled"


@strawberry.type(
    description="A mentorship of the subscriber started or ended, or its mentor recorded an absence (R5)."
)
class AssignmentEvent:
    event_id: int = strawberry.field(description="Pass the last one seen as afterEventId to resume.")
    change: AssignmentChange
    mentorship_id: int
    mentor_id: int
    student_id: int
    slot: WeeklySlot
    started_on: date
    ended_on: date | None
    run_id: UUID | None
    end_reason: MentorshipEndReason | None = strawberry.field(  # type: ignore[valid-type]
        description="Set on an ended pair."
    )
    cause: PairingCause | None = strawberry.field(  # type: ignore[valid-type]
        description="What changed the pairing: a run, staff by hand, a request, an absence, a notice..."
    )
    absence_id: int | None = strawberry.field(
        default=None, description="ABSENCE_RECORDED or ABSENCE_CANCELLED: the mentor's absence (R5)."
    )
    absence_starts_on: date | None = strawberry.field(default=None, description="Paris date, included.")
    absence_ends_on: date | None = strawberry.field(default=None, description="Paris date, included.")

    @staticmethod
    def of(event: models.Event) -> AssignmentEvent:
        p = event.payload
        return AssignmentEvent(
            event_id=event.id,
            change=AssignmentChange(event.kind),
            mentorship_id=p["mentorshipId"],
            mentor_id=p["mentorId"],
            student_id=p["studentId"],
            slot=_slot(p["weekday"], p["startMinute"], p["minutes"]),
            started_on=date.fromisoformat(p["startedOn"]),
            ended_on=date.fromisoformat(p["endedOn"]) if p.get("endedOn") else None,
            run_id=UUID(p["runId"]) if p.get("runId") else None,
            end_reason=enums.MentorshipEndReason(p["endReason"]) if p.get("endReason") else None,
            cause=enums.PairingCause(p["cause"]) if p.get("cause") else None,
            absence_id=p.get("absenceId"),
            absence_starts_on=date.fromisoformat(p["absenceStartsOn"]) if p.get("absenceStartsOn") else None,
            absence_ends_on=date.fromisoformat(p["absenceEndsOn"]) if p.get("absenceEndsOn") else None,
        )


@strawberry.type
class RunQueries:
    @strawberry.field(description="A matching run, with its proposal for review.")
    async def matching_run(self, id: UUID) -> MatchingRun | None:
        row = await models.MatchingRun.get_or_none(id=id)
        return MatchingRun.of(row) if row else None

    @strawberry.field(description="The latest matching runs, newest first.")
    async def matching_runs(
        self,
        status: RunStatus | None = None,  # type: ignore[valid-type]
        first: int = 20,
    ) -> list[MatchingRun]:
        return [MatchingRun.of(r) for r in await runs.recent_runs(max(1, min(first, 100)), status)]
