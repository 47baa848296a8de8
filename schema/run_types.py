"""GraphQL types for matching runs: the run, its progress, its proposal under review, the events
of the subscriptions, and the run queries. Thin: the review figures come from ``domain.services``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import strawberry
from graphql import GraphQLError, get_named_type
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from domain import enums, models
from domain.access import Viewer
from domain.errors import DomainError
from domain.services import run_review
from schema.context import Info
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

# The old unpaged lists cost their real size: a request whose list would cost more than the limit is
# refused (use the pages). The cost walker counts them at an estimate before execution.
PAGES_INSTEAD = "use pairsPage, mentorLoadsPage and unplacedPage: the lists of a large run are paged"


def _page(
    items: list[T], key: Callable[[int, T], int], kind: str, first: int | None, after: str | None, cap: int
) -> Connection[T]:
    """A page of a list already in its order; the cursor is each item's key (increasing in that order)."""
    size = page_size(first, cap)
    after_key = decode_cursor(kind, after)
    keyed = [(key(i, item), item) for i, item in enumerate(items)]
    rest = [(k, item) for k, item in keyed if after_key is None or k > after_key]
    page = rest[:size]
    total = len(items)

    async def count() -> int:
        return total

    return Connection(
        edges=[Edge(cursor=encode_cursor(kind, k), node=item) for k, item in page],
        page_info=PageInfo(
            has_next_page=len(rest) > size, end_cursor=encode_cursor(kind, page[-1][0]) if page else None
        ),
        _count=count,
    )


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
        description="The proof behind upperBound: flow (flow relaxation), lp (time-indexed LP), exact, none."
    )
    solver_status: str
    figures: JSON
    seen: strawberry.Private[run_review.Review]

    @strawberry.field(deprecation_reason=PAGES_INSTEAD)
    def pairs(self, info: Info) -> list[ProposedPair]:
        _honest(info, len(self.seen.pairs))
        return [_pair(p) for p in self.seen.pairs]

    @strawberry.field(deprecation_reason=PAGES_INSTEAD)
    def mentor_loads(self, info: Info) -> list[MentorLoad]:
        _honest(info, len(self.seen.loads))
        return [_load(m) for m in self.seen.loads]

    @strawberry.field(deprecation_reason=PAGES_INSTEAD)
    def unplaced(self, info: Info) -> list[UnplacedStudent]:
        _honest(info, len(self.seen.unplaced))
        return [_unplaced(u) for u in self.seen.unplaced]

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
        chosen = await run_review.pairs_matching(
            self.seen.pairs, change=change.value if change else None, mentor_id=mentor_id, path_id=path_id
        )
        with _coded():
            page = _page(
                chosen,
                lambda _i, p: p.student_id,
                "ReviewPair",
                first,
                after,
                info.context.settings.max_page_size,
            )
        return _mapped(page, _pair)

    @strawberry.field(description="Mentors' loads after publish, fullest first (over capacity at the top).")
    def mentor_loads_page(
        self,
        info: Info,
        over_capacity: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MentorLoad]:
        loads = run_review.loads_by_fill(self.seen.loads)
        if over_capacity is not None:
            loads = [m for m in loads if m.over_capacity == over_capacity]
        with _coded():
            page = _page(
                loads, lambda i, _m: i, "ReviewLoad", first, after, info.context.settings.max_page_size
            )
        return _mapped(page, _load)

    @strawberry.field(description="Students left unplaced, in student order, of one reason when given.")
    def unplaced_page(
        self, info: Info, reason: str | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[UnplacedStudent]:
        rows = [u for u in self.seen.unplaced if reason is None or u["reason"] == reason]
        rows.sort(key=lambda u: int(u["studentId"]))
        with _coded():
            page = _page(
                rows,
                lambda _i, u: int(u["studentId"]),
                "ReviewUnplaced",
                first,
                after,
                info.context.settings.max_page_size,
            )
        return _mapped(page, _unplaced)

    @strawberry.field(
        description="Counts by change kind and by reason, and a histogram of the mentors' fill."
    )
    def summary(self) -> ReviewSummary:
        figures = run_review.summary(self.seen)
        return ReviewSummary(
            pairs=len(self.seen.pairs),
            unplaced=len(self.seen.unplaced),
            mentors=len(self.seen.loads),
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


U = TypeVar("U")


def _mapped(page: Connection[T], convert: Callable[[T], U]) -> Connection[U]:
    return Connection(
        edges=[Edge(cursor=e.cursor, node=convert(e.node)) for e in page.edges],
        page_info=page.page_info,
        _count=page._count,
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


def _unplaced(u: dict[str, Any]) -> UnplacedStudent:
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
        raise GraphQLError(
            error.message, extensions={"code": error.code.value, "field": error.field}
        ) from error


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
        row = await self._full_row(info)
        seen = await info.context.loaders.review_of_run.load(row)
        result = row.result
        if seen is None or result is None:
            return None
        return Proposal(
            week=date.fromisoformat(result["week"]),
            placed=result["placed"],
            upper_bound=result["upperBound"],
            bound_kind=str(result.get("boundKind", "flow")),
            solver_status=result["solverStatus"],
            figures=JSON(
                {
                    "students": result.get("students"),
                    "mentors": result.get("mentors"),
                    "stats": result.get("stats", {}),
                }
            ),
            seen=seen,
        )

    @strawberry.field(
        description="For a stale run: the mentors, students and pairs that changed during the solve."
    )
    async def stale_changes(self, info: Info) -> JSON | None:
        if self.row.status is not enums.RunStatus.STALE:
            return None
        row = await self._full_row(info)
        stale = (row.result or {}).get("staleChanges")
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
        # The list never reads a run's stored result or snapshot (megabytes for a large run): only the
        # columns it shows; a proposal or stale changes asked for load their run in full.
        qs = models.MatchingRun.all().only(*LIST_COLUMNS)
        if status is not None:
            qs = qs.filter(status=status)
        return [MatchingRun.of(r) for r in await qs.order_by("-created_at").limit(max(1, min(first, 100)))]
