"""GraphQL types for matching runs: the run, its progress, its proposal under review, the events
of the subscriptions, and the run queries. Thin: the review figures come from ``domain.services``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from graphql import GraphQLError, get_named_type
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from domain import enums, models, payloads
from domain.access import Viewer
from domain.errors import DomainError
from domain.services import run_review
from schema.context import Info
from schema.errors import coded
from schema.limits import _CostWalker
from schema.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size
from schema.types import MentorshipEndReason, PairingCause, WeeklySlot, hhmm

RunStatus = strawberry.enum(enums.RunStatus, name="RunStatus")

# What the runs list reads of each run (not ``result`` nor ``snapshot``).
LIST_COLUMNS = (
    "id",
    "status",
    "scope",
    "options",
    "progress",
    "error",
    "attempts",
    "cancel_requested",
    "created_at",
    "started_at",
    "finished_at",
    "published_at",
)


@strawberry.type(description="The solver's latest figures for a run.")
class RunProgress:
    elapsed_s: float
    placed: int
    upper_bound: int = strawberry.field(description="A proven ceiling on how many students can be placed.")
    phase: str
    parts_done: int = strawberry.field(
        default=0, description="A run split over several workers: its parts solved so far (else 0)."
    )
    parts_total: int = strawberry.field(
        default=0, description="A run split over several workers: how many parts (else 0)."
    )
    pairs_done: int = strawberry.field(
        default=0,
        description="A publish run as a job (PUBLISHING): pairs checked, then all written at "
        "once (phases checking, writing); else 0.",
    )
    pairs_total: int = strawberry.field(
        default=0, description="A publish run as a job: the pairs it publishes (else 0)."
    )

    @staticmethod
    def of(raw: payloads.RunProgress | None) -> RunProgress | None:
        if not raw:
            return None
        return RunProgress(
            elapsed_s=float(raw.get("elapsedS", 0.0)),
            placed=int(raw.get("placed", 0)),
            upper_bound=int(raw.get("upperBound", 0)),
            phase=str(raw.get("phase", "")),
            parts_done=int(raw.get("partsDone", 0)),
            parts_total=int(raw.get("partsTotal", 0)),
            pairs_done=int(raw.get("pairsDone", 0)),
            pairs_total=int(raw.get("pairsTotal", 0)),
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
    facts: JSON = strawberry.field(
        description="The counts behind the reason, camelCase like the rest of the API: mentorsForProject "
        "(mentors listing the student's project), allowedMentors (of those, the ones not forbidden: R7 "
        "history), mentorsWithRoom (allowed and below capacity), allowedStarts (the student's possible "
        "weekly start times), and when they apply seats (capacity of the allowed mentors, with "
        "ALL_MENTORS_FULL) and mentorsWithRoomAndSlot (mentors with room sharing a slot with the student)."
    )
    closest_mentor_ids: list[int]


@strawberry.type(description="Counts of one kind.")
class KindCount:
    kind: str
    count: int


@strawberry.type(description="Mentors whose fill after publish is in [fromPercent, toPercent).")
class LoadBucket:
    from_percent: int
    to_percent: int | None = strawberry.field(description="None for the last bucket: 100% and over.")
    mentors: int


@strawberry.type(description="Figures of the whole proposal, without reading its lists.")
class ReviewSummary:
    pairs: int
    unplaced: int
    mentors: int
    over_capacity: int
    pairs_by_change: list[KindCount]
    unplaced_by_reason: list[KindCount]
    load_histogram: list[LoadBucket]


T = TypeVar("T")
U = TypeVar("U")

# The old unpaged lists cost their real size: a request whose list would cost more than the limit is
# refused (use the pages). The cost walker counts them at an estimate before execution.
PAGES_INSTEAD = "use pairsPage, mentorLoadsPage and unplacedPage: the lists of a large run are paged"


def _connection(
    kind: str, page: run_review.Page[T], count: Callable[[], Awaitable[int]], convert: Callable[[T], U]
) -> Connection[U]:
    """A page of the review as a connection: each item's key is its cursor (increasing in the list)."""
    edges = [Edge(cursor=encode_cursor(kind, k), node=convert(item)) for k, item in page.items]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None),
        _count=count,
    )


def _bounds(kind: str, first: int | None, after: str | None, cap: int) -> tuple[int, int | None]:
    """The page size and the key after which it starts (``VALIDATION`` on a bad one)."""
    with _coded():
        return page_size(first, cap), decode_cursor(kind, after)


def _honest(info: Info, items: int) -> None:
    """Refuse an unpaged list whose real cost (its size times what each item selects) is over the limit."""
    raw = info._raw_info
    variables: Any = raw.variable_values  # a plain dict at run time (graphql-core's stubs say otherwise)
    walker = _CostWalker(raw.schema, raw.fragments, dict(getattr(variables, "coerced", variables)))
    item_type = get_named_type(raw.return_type)
    each = sum(walker.cost(node.selection_set, item_type) for node in raw.field_nodes)
    limit = info.context.settings.max_query_cost
    if items * max(each, 1) > limit:
        raise GraphQLError(
            f"{info.field_name} has {items} items here, over the query cost limit {limit}; " + PAGES_INSTEAD,
            extensions={"code": "COST_LIMIT", "field": info.field_name, "cost": items * each, "limit": limit},
        )


@strawberry.type
class Proposal:
    week: date = strawberry.field(description="The Monday of the Paris week the slots were planned on.")
    placed: int
    upper_bound: int
    bound_kind: str = strawberry.field(
        description=(
            "The proof behind upperBound: flow (flow relaxation), lp (time-indexed LP), lagrange "
            "(the time-indexed LP by Lagrangian relaxation, per-mentor schedules), exact (the "
            "time-indexed MIP's own bound: CP-SAT on small instances, HiGHS on models up to 60,000 "
            "variables), none."
        )
    )
    solver_status: str
    figures: JSON
    source: strawberry.Private[run_review.Source]
    run_id: strawberry.Private[UUID]

    @staticmethod
    def of(run_id: UUID, header: run_review.Header, source: run_review.Source) -> Proposal:
        return Proposal(
            week=header.week,
            placed=header.placed,
            upper_bound=header.upper_bound,
            bound_kind=header.bound_kind,
            solver_status=header.solver_status,
            figures=JSON(header.figures),
            source=source,
            run_id=run_id,
        )

    @strawberry.field(deprecation_reason=PAGES_INSTEAD)
    async def pairs(self, info: Info) -> list[ProposedPair]:
        _honest(info, self.source.counts()[0])
        if isinstance(self.source, run_review.Computed):
            return [_pair(p) for p in self.source.seen.pairs]
        return [_pair(p) for p in await info.context.loaders.stored_pairs.load(self.run_id)]

    @strawberry.field(deprecation_reason=PAGES_INSTEAD)
    async def mentor_loads(self, info: Info) -> list[MentorLoad]:
        _honest(info, self.source.counts()[1])
        if isinstance(self.source, run_review.Computed):
            return [_load(m) for m in self.source.seen.loads]
        return [_load(m) for m in await info.context.loaders.stored_loads.load(self.run_id)]

    @strawberry.field(deprecation_reason=PAGES_INSTEAD)
    async def unplaced(self, info: Info) -> list[UnplacedStudent]:
        _honest(info, self.source.counts()[2])
        if isinstance(self.source, run_review.Computed):
            return [_unplaced(u) for u in self.source.seen.unplaced]
        return [_unplaced(u) for u in await info.context.loaders.stored_unplaced.load(self.run_id)]

    @strawberry.field(
        description="The proposed pairs in student order, of one change kind, mentor (proposed "
        "or current) or path."
    )
    async def pairs_page(
        self,
        info: Info,
        change: PairChangeKind | None = None,
        mentor_id: int | None = None,
        path_id: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProposedPair]:
        size, after_key = _bounds("ReviewPair", first, after, info.context.settings.max_page_size)
        where = run_review.PairFilter(change.value if change else None, mentor_id, path_id)
        page = await self.source.pairs_page(where, after_key, size)
        return _connection("ReviewPair", page, lambda: self.source.pairs_count(where), _pair)

    @strawberry.field(description="Mentors' loads after publish, fullest first (over capacity at the top).")
    async def mentor_loads_page(
        self,
        info: Info,
        over_capacity: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MentorLoad]:
        size, after_key = _bounds("ReviewLoad", first, after, info.context.settings.max_page_size)
        page = await self.source.loads_page(over_capacity, after_key, size)
        return _connection("ReviewLoad", page, lambda: self.source.loads_count(over_capacity), _load)

    @strawberry.field(description="Students left unplaced, in student order, of one reason when given.")
    async def unplaced_page(
        self, info: Info, reason: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[UnplacedStudent]:
        size, after_key = _bounds("ReviewUnplaced", first, after, info.context.settings.max_page_size)
        page = await self.source.unplaced_page(reason, after_key, size)
        return _connection("ReviewUnplaced", page, lambda: self.source.unplaced_count(reason), _unplaced)

    @strawberry.field(
        description="Counts by change kind and by reason, and a histogram of the mentors' fill."
    )
    async def summary(self) -> ReviewSummary:
        figures = await self.source.summary()
        return ReviewSummary(
            pairs=figures.pairs,
            unplaced=figures.unplaced,
            mentors=figures.mentors,
            over_capacity=figures.over_capacity,
            pairs_by_change=[KindCount(kind=k, count=n) for k, n in figures.pairs_by_change.items()],
            unplaced_by_reason=[KindCount(kind=k, count=n) for k, n in figures.unplaced_by_reason.items()],
            load_histogram=[
                LoadBucket(
                    from_percent=10 * i,
                    to_percent=10 * (i + 1) if i < run_review.FILL_BUCKETS - 1 else None,
                    mentors=n,
                )
                for i, n in enumerate(figures.load_histogram)
            ],
        )


def _pair(p: run_review.PairChange) -> ProposedPair:
    return ProposedPair(
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


def _load(m: run_review.MentorLoad) -> MentorLoad:
    return MentorLoad(
        mentor_id=m.mentor_id,
        capacity=m.capacity,
        current=m.current,
        proposed=m.proposed,
        leaving=m.leaving,
        after=m.after,
        over_capacity=m.over_capacity,
    )


def _camel_facts(facts: dict[str, int]) -> Any:
    """The solver's facts (stored snake_case, as ``solver.reasons`` names them) as the API spells keys."""
    return {to_camel_case(key): value for key, value in facts.items()}


def _unplaced(u: payloads.Unplaced) -> UnplacedStudent:
    return UnplacedStudent(
        student_id=u["studentId"],
        reason=u["reason"],
        facts=_camel_facts(u["facts"]),
        closest_mentor_ids=u["closestMentorIds"],
    )


@contextmanager
def _coded() -> Iterator[None]:
    """A domain error (a bad ``first`` or cursor) as a GraphQL error with its code and field."""
    try:
        yield
    except DomainError as error:
        raise coded(error) from error


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
            row=row,
        )

    @strawberry.field(description="The proposal under review (succeeded, stale or published runs).")
    async def proposal(self, info: Info) -> Proposal | None:
        # The review stored with the proposal: its figures and pages are read in SQL, never the stored result.
        stored = await info.context.loaders.stored_review.load(self.row.id)
        if stored is not None:
            return Proposal.of(self.row.id, run_review.Header.of_row(stored), run_review.Stored(stored))
        # A run stored before migration 0013: its review is computed from its stored result.
        row = await self._full_row(info)
        seen = await info.context.loaders.review_of_run.load(row)
        result = row.result
        if seen is None or result is None:
            return None
        return Proposal.of(row.id, run_review.Header.of_result(result), run_review.Computed(seen))

    @strawberry.field(
        description="For a stale run: the mentors, students and pairs that changed during the solve."
    )
    async def stale_changes(self, info: Info) -> JSON | None:
        if self.row.status is not enums.RunStatus.STALE:
            return None
        row = await self._full_row(info)
        stale = row.result.get("staleChanges") if row.result else None
        return JSON(stale) if stale else None

    async def _full_row(self, info: Info) -> models.MatchingRun:
        """The run with its stored result: the runs list reads it without (``LIST_COLUMNS``); the full rows
        of a list's runs are read in one query (a loader)."""
        if self.row._partial:
            full = await info.context.loaders.run.load(self.row.id)
            if full is not None:
                self.row = full
        return self.row


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
    pairs_done: int = strawberry.field(
        default=0, description="A publish run as a job: pairs done so far (see RunProgress)."
    )
    pairs_total: int = strawberry.field(default=0, description="A publish run as a job: its pairs.")

    @staticmethod
    def of(event: models.Event) -> RunProgressEvent:
        p = payloads.run_status_of(event)
        return RunProgressEvent(
            event_id=event.id,
            run_id=UUID(p["runId"]),
            status=enums.RunStatus(p["status"]),
            elapsed_s=float(p.get("elapsedS", 0.0)),
            placed=int(p.get("placed", 0)),
            upper_bound=int(p.get("upperBound", 0)),
            phase=str(p.get("phase", "")),
            error=str(p.get("error", "")),
            pairs_done=int(p.get("pairsDone", 0)),
            pairs_total=int(p.get("pairsTotal", 0)),
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
        p = payloads.pair_event_of(event)
        return AssignmentEvent(
            event_id=event.id,
            change=AssignmentChange(event.kind),
            mentorship_id=p["mentorshipId"],
            mentor_id=p["mentorId"],
            student_id=p["studentId"],
            slot=_slot(p["weekday"], p["startMinute"], p["minutes"]),
            started_on=date.fromisoformat(p["startedOn"]),
            ended_on=date.fromisoformat(ended) if (ended := p.get("endedOn")) else None,
            run_id=UUID(run_id) if (run_id := p.get("runId")) else None,
            end_reason=enums.MentorshipEndReason(reason) if (reason := p.get("endReason")) else None,
            cause=enums.PairingCause(p["cause"]) if p.get("cause") else None,
            absence_id=p.get("absenceId"),
            absence_starts_on=date.fromisoformat(p["absenceStartsOn"]) if p.get("absenceStartsOn") else None,
            absence_ends_on=date.fromisoformat(p["absenceEndsOn"]) if p.get("absenceEndsOn") else None,
        )


@strawberry.type
class RunQueries:
    @strawberry.field(description="A matching run, with its proposal for review.")
    async def matching_run(self, id: UUID) -> MatchingRun | None:
        # Its status (polled while it solves) reads neither its stored result nor its snapshot (tens of
        # megabytes of JSON at 100,000 students); a proposal or stale changes asked for load them.
        row = await models.MatchingRun.filter(id=id).only(*LIST_COLUMNS).first()
        return MatchingRun.of(row) if row else None

    @strawberry.field(description="The latest matching runs, newest first.")
    async def matching_runs(
        self,
        status: RunStatus | None = None,  # type: ignore[valid-type]
        first: int = 20,
    ) -> list[MatchingRun]:
        # The list never reads a run's stored result or snapshot (megabytes for a large run): only the
        # columns it shows; a proposal or stale changes asked for load their run in full.
        qs = models.MatchingRun.all().only(*LIST_COLUMNS)
        if status is not None:
            qs = qs.filter(status=status)
        return [MatchingRun.of(r) for r in await qs.order_by("-created_at").limit(max(1, min(first, 100)))]
