"""Reviewing a run's proposal: per-mentor load against requested capacity (R2), the unplaced students with
their reasons, and what each pair changes against the current pairs (read after the solve, not at its start).

The review is computed once, when the worker stores the proposal (:func:`store`, in the proposal's
transaction), and written as rows (``RunReview``, ``RunReviewPair``, ``RunReviewLoad``,
``RunReviewUnplaced``): each page staff read is then one indexed SQL query (:class:`Stored`), whatever the
run's size. A run stored before those tables (migration 0013) has no rows: its review is computed from its
stored result against the current pairs when it is read (:func:`review_many`, paged in Python by
:class:`Computed`), as every review was before. Both give the same pages, cursors and figures.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar
from uuid import UUID

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from domain import payloads
from domain.bulk import chunks, in_chunks, insert_rows
from domain.models import (
    MatchingRun,
    Mentor,
    RunReview,
    RunReviewLoad,
    RunReviewPair,
    RunReviewUnplaced,
    Student,
)
from domain.services import eligibility

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PairChange:
    student_id: int
    mentor_id: int
    weekday: int
    start_minute: int
    minutes: int
    kept: bool
    # NEW (no current mentor), SAME (same mentor and slot), MOVED (same mentor, other slot),
    # NEW_MENTOR (another mentor than the current one)
    change: str
    current_mentor_id: int | None
    current_weekday: int | None
    current_start_minute: int | None


@dataclass(frozen=True, slots=True)
class MentorLoad:
    mentor_id: int
    capacity: int
    current: int  # current pairs now
    proposed: int  # pairs of this proposal that come to this mentor (not SAME)
    leaving: int  # current pairs of this mentor that the proposal moves to another mentor

    @property
    def after(self) -> int:
        return self.current + self.proposed - self.leaving

    @property
    def over_capacity(self) -> bool:
        return not eligibility.has_room(self.after, self.capacity, adding=0)


@dataclass(frozen=True, slots=True)
class Review:
    pairs: list[PairChange]
    loads: list[MentorLoad]
    unplaced: list[payloads.Unplaced]


async def review_many(runs: Sequence[MatchingRun]) -> list[Review | None]:
    """The reviews of several runs in three queries whatever their number (a list of runs with their
    proposals): the current pairs of their students, their mentors' capacities and current loads."""
    reviews, _ = await _reviews_and_paths(runs)
    return reviews


@dataclass(frozen=True, slots=True)
class _Now:
    """A student's current pair, as the review compares it."""

    mentor_id: int
    slot_weekday: int
    slot_start_minute: int


async def _students_now(student_ids: Collection[int]) -> tuple[dict[int, _Now], dict[int, int]]:
    """Each student's current pair (when paired) and path: one statement on PostgreSQL (``= ANY``), one
    per ``CHUNK`` ids on SQLite."""
    conn = Tortoise.get_connection("default")
    postgres = str(conn.capabilities.dialect) == "postgres"
    sql = (
        'SELECT s."id", s."path_id", m."mentor_id", m."slot_weekday", m."slot_start_minute" FROM "student" s '
        'LEFT JOIN "mentorship" m ON m."student_id" = s."id" AND m."ended_on" IS NULL WHERE s."id" '
    )
    rows: list[Any] = []
    if postgres:
        rows = list((await conn.execute_query(sql + "= ANY($1::int[])", [sorted(set(student_ids))]))[1])
    else:
        for chunk in chunks(student_ids):
            marks = ", ".join("?" for _ in chunk)
            rows += (await conn.execute_query(sql + f"IN ({marks})", chunk))[1]
    current = {
        int(r["id"]): _Now(int(r["mentor_id"]), int(r["slot_weekday"]), int(r["slot_start_minute"]))
        for r in rows
        if r["mentor_id"] is not None
    }
    return current, {int(r["id"]): int(r["path_id"]) for r in rows}


async def _reviews_and_paths(runs: Sequence[MatchingRun]) -> tuple[list[Review | None], dict[int, int]]:
    """The reviews of ``runs``, and the path of each of their students."""
    proposals = [run.result["pairs"] if run.result and "pairs" in run.result else None for run in runs]
    student_ids = {p["studentId"] for pairs in proposals if pairs for p in pairs}
    if not student_ids:
        reviews = [
            None if pairs is None else _review(run, pairs, {}, {}, Counter())
            for run, pairs in zip(runs, proposals, strict=True)
        ]
        return reviews, {}
    current, path_of = await _students_now(student_ids)
    mentor_ids = {p["mentorId"] for pairs in proposals if pairs for p in pairs} | {
        m.mentor_id for m in current.values()
    }
    capacity = dict(
        await in_chunks(mentor_ids, lambda ids: Mentor.filter(id__in=ids).values_list("id", "capacity"))
    )
    load: Counter[int] = Counter(await eligibility.current_loads(mentor_ids))
    reviews = [
        None if pairs is None else _review(run, pairs, current, capacity, load)
        for run, pairs in zip(runs, proposals, strict=True)
    ]
    return reviews, path_of


def _review(
    run: MatchingRun,
    proposed: list[payloads.ProposedPair],
    current: dict[int, _Now],
    capacity: dict[int, int],
    load: Counter[int],
) -> Review:
    changes: list[PairChange] = []
    for p in proposed:
        now = current.get(p["studentId"])
        if now is None:
            kind = "NEW"
        elif now.mentor_id != p["mentorId"]:
            kind = "NEW_MENTOR"
        elif (now.slot_weekday, now.slot_start_minute) == (p["weekday"], p["startMinute"]):
            kind = "SAME"
        else:
            kind = "MOVED"
        changes.append(
            PairChange(
                student_id=p["studentId"],
                mentor_id=p["mentorId"],
                weekday=p["weekday"],
                start_minute=p["startMinute"],
                minutes=p["minutes"],
                kept=p["kept"],
                change=kind,
                current_mentor_id=now.mentor_id if now else None,
                current_weekday=now.slot_weekday if now else None,
                current_start_minute=now.slot_start_minute if now else None,
            )
        )
    incoming = Counter(c.mentor_id for c in changes if c.change in ("NEW", "NEW_MENTOR"))
    leaving = Counter(c.current_mentor_id for c in changes if c.change == "NEW_MENTOR")
    mentor_ids = sorted({c.mentor_id for c in changes} | {m for m in leaving if m is not None})
    loads = [
        MentorLoad(
            mentor_id=mid,
            capacity=capacity.get(mid, 0),
            current=load[mid],
            proposed=incoming[mid],
            leaving=leaving[mid],
        )
        for mid in mentor_ids
    ]
    return Review(
        pairs=changes, loads=loads, unplaced=list(run.result.get("unplaced", []) if run.result else [])
    )


# --- Review pages and figures (the review of a large run is read a page at a time) --------------------

# Load histogram buckets: the fill (load after publish / capacity) in tenths, 100% and over in the last.
FILL_BUCKETS = 11


def fill(load: MentorLoad) -> float:
    """A mentor's fill if the proposal is published: load after / capacity (above 1 when over)."""
    return load.after / load.capacity if load.capacity > 0 else float(load.after > 0)


def bucket(load: MentorLoad) -> int:
    """The histogram bucket of a mentor's fill: tenths, 100% and over in the last."""
    return min(int(fill(load) * 10), FILL_BUCKETS - 1)


def loads_by_fill(loads: list[MentorLoad]) -> list[MentorLoad]:
    """Fullest first (over capacity at the top), then by mentor id."""
    return sorted(loads, key=lambda m: (-fill(m), m.mentor_id))


async def pairs_matching(
    pairs: list[PairChange], *, change: str | None, mentor_id: int | None, path_id: int | None
) -> list[PairChange]:
    """The pairs of one change kind, one mentor (proposed or current) and one path, in student order."""
    chosen = [
        p
        for p in pairs
        if (change is None or p.change == change)
        and (mentor_id is None or mentor_id in (p.mentor_id, p.current_mentor_id))
    ]
    if path_id is not None:
        on_path = {
            int(row[0])
            for row in await in_chunks(
                [p.student_id for p in chosen],
                lambda ids: Student.filter(id__in=ids, path_id=path_id).values_list("id"),
            )
        }
        chosen = [p for p in chosen if p.student_id in on_path]
    return sorted(chosen, key=lambda p: p.student_id)


@dataclass(frozen=True, slots=True)
class Summary:
    pairs: int
    unplaced: int
    mentors: int
    pairs_by_change: dict[str, int]
    unplaced_by_reason: dict[str, int]
    # FILL_BUCKETS counts: mentors whose fill after publish is in [i/10, (i+1)/10), the last >= 100%.
    load_histogram: list[int]
    over_capacity: int


def summary(seen: Review) -> Summary:
    histogram = [0] * FILL_BUCKETS
    for load in seen.loads:
        histogram[bucket(load)] += 1
    return Summary(
        pairs=len(seen.pairs),
        unplaced=len(seen.unplaced),
        mentors=len(seen.loads),
        pairs_by_change=dict(sorted(Counter(p.change for p in seen.pairs).items())),
        unplaced_by_reason=dict(sorted(Counter(str(u["reason"]) for u in seen.unplaced).items())),
        load_histogram=histogram,
        over_capacity=sum(m.over_capacity for m in seen.loads),
    )


# --- The review stored as rows (written with the proposal, read a page at a time in SQL) ----------------

_PAIR_COLUMNS = (
    "run_id",
    "position",
    "student_id",
    "mentor_id",
    "weekday",
    "start_minute",
    "minutes",
    "kept",
    "change",
    "current_mentor_id",
    "current_weekday",
    "current_start_minute",
    "path_id",
)
_LOAD_COLUMNS = (
    "run_id",
    "mentor_id",
    "capacity",
    "current",
    "proposed",
    "leaving",
    "after",
    "over_capacity",
    "fill",
    "bucket",
    "rank",
    "class_rank",
)
_UNPLACED_COLUMNS = ("run_id", "position", "student_id", "reason", "facts", "closest_mentor_ids")


async def store(run: MatchingRun) -> None:
    """Review ``run``'s stored result against the current pairs and write it as rows, inside the caller's
    transaction (the proposal's): one statement per table and batch (``domain.bulk.insert_rows``)."""
    result = run.result
    assert result is not None
    (seen,), path_of = await _reviews_and_paths([run])
    assert seen is not None
    header = Header.of_result(result)
    await RunReview.create(
        run_id=run.id,
        week=header.week,
        placed=header.placed,
        upper_bound=header.upper_bound,
        bound_kind=header.bound_kind,
        solver_status=header.solver_status,
        figures=header.figures,
        pairs=len(seen.pairs),
        unplaced=len(seen.unplaced),
        mentors=len(seen.loads),
    )
    await insert_rows(
        "run_review_pair",
        _PAIR_COLUMNS,
        [
            (
                run.id,
                i,
                p.student_id,
                p.mentor_id,
                p.weekday,
                p.start_minute,
                p.minutes,
                p.kept,
                p.change,
                p.current_mentor_id,
                p.current_weekday,
                p.current_start_minute,
                path_of.get(p.student_id),
            )
            for i, p in enumerate(seen.pairs)
        ],
    )
    class_ranks: Counter[bool] = Counter()
    loads = []
    for rank, m in enumerate(loads_by_fill(seen.loads), start=1):
        class_ranks[m.over_capacity] += 1
        loads.append(
            (
                run.id,
                m.mentor_id,
                m.capacity,
                m.current,
                m.proposed,
                m.leaving,
                m.after,
                m.over_capacity,
                fill(m),
                bucket(m),
                rank,
                class_ranks[m.over_capacity],
            )
        )
    await insert_rows("run_review_load", _LOAD_COLUMNS, loads)
    await insert_rows(
        "run_review_unplaced",
        _UNPLACED_COLUMNS,
        [
            (run.id, i, u["studentId"], u["reason"], u["facts"], u["closestMentorIds"])
            for i, u in enumerate(seen.unplaced)
        ],
    )


async def settle() -> bool:
    """On PostgreSQL, after the commit of :func:`store`: ``VACUUM`` the review's row tables, so that the
    pages' counts and the summary's ``GROUP BY`` read their indexes only (fresh rows are not yet marked
    visible to all, and each would be read from the table too: 10 times slower at 20,000 students), and
    autovacuum waits for a fifth of a table to be new before it comes. Nothing to do on SQLite. A failure
    (a caller inside a transaction) costs only that speed: it is logged. Whether the tables were vacuumed."""
    conn = Tortoise.get_connection("default")
    if str(conn.capabilities.dialect) != "postgres":
        return False
    try:
        await conn.execute_script('VACUUM "run_review_pair", "run_review_load", "run_review_unplaced"')
    except Exception as exc:  # a speed-up only: the review is stored and correct without it
        log.warning("review tables not vacuumed: %s: %s", type(exc).__name__, exc)
        return False
    return True


def _figures(result: payloads.RunResult) -> dict[str, Any]:
    """The proposal's figures as the API shows them."""
    return {
        "students": result.get("students"),
        "mentors": result.get("mentors"),
        "stats": result.get("stats", {}),
    }


@dataclass(frozen=True, slots=True)
class Header:
    """What the proposal shows besides its lists."""

    week: date
    placed: int
    upper_bound: int
    bound_kind: str
    solver_status: str
    figures: dict[str, Any]

    @staticmethod
    def of_result(result: payloads.RunResult) -> Header:
        return Header(
            week=date.fromisoformat(result["week"]),
            placed=result["placed"],
            upper_bound=result["upperBound"],
            bound_kind=str(result.get("boundKind", "flow")),
            solver_status=result["solverStatus"],
            figures=_figures(result),
        )

    @staticmethod
    def of_row(row: RunReview) -> Header:
        return Header(
            week=row.week,
            placed=row.placed,
            upper_bound=row.upper_bound,
            bound_kind=row.bound_kind,
            solver_status=row.solver_status,
            figures=row.figures,
        )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Up to ``size`` items after a cursor, each with its key (the next cursor), and whether more follow."""

    items: list[tuple[int, T]]
    has_next: bool


@dataclass(frozen=True, slots=True)
class PairFilter:
    change: str | None = None
    mentor_id: int | None = None
    path_id: int | None = None


def _paged(keyed: list[tuple[int, T]], after: int | None, size: int) -> Page[T]:
    rest = [(k, item) for k, item in keyed if after is None or k > after]
    return Page(rest[:size], len(rest) > size)


@dataclass
class Computed:
    """A review computed in memory (a run stored before migration 0013), paged in Python."""

    seen: Review
    _chosen: dict[PairFilter, list[PairChange]] = field(default_factory=dict)

    def counts(self) -> tuple[int, int, int]:
        return len(self.seen.pairs), len(self.seen.loads), len(self.seen.unplaced)

    async def _pairs(self, where: PairFilter) -> list[PairChange]:
        if where not in self._chosen:
            self._chosen[where] = await pairs_matching(
                self.seen.pairs, change=where.change, mentor_id=where.mentor_id, path_id=where.path_id
            )
        return self._chosen[where]

    async def pairs_page(self, where: PairFilter, after: int | None, size: int) -> Page[PairChange]:
        return _paged([(p.student_id, p) for p in await self._pairs(where)], after, size)

    async def pairs_count(self, where: PairFilter) -> int:
        return len(await self._pairs(where))

    def _loads(self, over_capacity: bool | None) -> list[MentorLoad]:
        loads = loads_by_fill(self.seen.loads)
        return [m for m in loads if over_capacity is None or m.over_capacity == over_capacity]

    async def loads_page(self, over_capacity: bool | None, after: int | None, size: int) -> Page[MentorLoad]:
        return _paged(list(enumerate(self._loads(over_capacity), start=1)), after, size)

    async def loads_count(self, over_capacity: bool | None) -> int:
        return len(self._loads(over_capacity))

    def _unplaced(self, reason: str | None) -> list[payloads.Unplaced]:
        rows = [u for u in self.seen.unplaced if reason is None or u["reason"] == reason]
        return sorted(rows, key=lambda u: int(u["studentId"]))

    async def unplaced_page(
        self, reason: str | None, after: int | None, size: int
    ) -> Page[payloads.Unplaced]:
        return _paged([(int(u["studentId"]), u) for u in self._unplaced(reason)], after, size)

    async def unplaced_count(self, reason: str | None) -> int:
        return len(self._unplaced(reason))

    async def summary(self) -> Summary:
        return summary(self.seen)


@dataclass(frozen=True, slots=True)
class Stored:
    """A review stored as rows: each page, count and the summary is one SQL query (none for the count of
    a whole list, kept with the figures)."""

    row: RunReview

    def counts(self) -> tuple[int, int, int]:
        return self.row.pairs, self.row.mentors, self.row.unplaced

    def _pairs(self, where: PairFilter) -> QuerySet[RunReviewPair]:
        qs = RunReviewPair.filter(run_id=self.row.run_id)
        if where.change is not None:
            qs = qs.filter(change=where.change)
        if where.mentor_id is not None:
            qs = qs.filter(Q(mentor_id=where.mentor_id) | Q(current_mentor_id=where.mentor_id))
        if where.path_id is not None:
            qs = qs.filter(path_id=where.path_id)
        return qs

    async def pairs_page(self, where: PairFilter, after: int | None, size: int) -> Page[PairChange]:
        qs = self._pairs(where)
        if after is not None:
            qs = qs.filter(student_id__gt=after)
        rows = await qs.order_by("student_id").limit(size + 1)
        return Page([(r.student_id, pair_of(r)) for r in rows[:size]], len(rows) > size)

    async def pairs_count(self, where: PairFilter) -> int:
        if where == PairFilter():
            return self.row.pairs  # the whole list: counted when stored
        return await self._pairs(where).count()

    def _loads(self, over_capacity: bool | None) -> tuple[QuerySet[RunReviewLoad], str]:
        qs = RunReviewLoad.filter(run_id=self.row.run_id)
        if over_capacity is None:
            return qs, "rank"
        return qs.filter(over_capacity=over_capacity), "class_rank"

    async def loads_page(self, over_capacity: bool | None, after: int | None, size: int) -> Page[MentorLoad]:
        qs, key = self._loads(over_capacity)
        if after is not None:
            qs = qs.filter(**{f"{key}__gt": after})
        rows = await qs.order_by(key).limit(size + 1)
        return Page([(int(getattr(r, key)), load_of(r)) for r in rows[:size]], len(rows) > size)

    async def loads_count(self, over_capacity: bool | None) -> int:
        if over_capacity is None:
            return self.row.mentors
        return await self._loads(over_capacity)[0].count()

    def _unplaced(self, reason: str | None) -> QuerySet[RunReviewUnplaced]:
        qs = RunReviewUnplaced.filter(run_id=self.row.run_id)
        return qs if reason is None else qs.filter(reason=reason)

    async def unplaced_page(
        self, reason: str | None, after: int | None, size: int
    ) -> Page[payloads.Unplaced]:
        qs = self._unplaced(reason)
        if after is not None:
            qs = qs.filter(student_id__gt=after)
        rows = await qs.order_by("student_id").limit(size + 1)
        return Page([(r.student_id, unplaced_of(r)) for r in rows[:size]], len(rows) > size)

    async def unplaced_count(self, reason: str | None) -> int:
        if reason is None:
            return self.row.unplaced
        return await self._unplaced(reason).count()

    async def summary(self) -> Summary:
        """Counts by change kind, by reason and by fill bucket: one statement (three GROUP BYs)."""
        conn = Tortoise.get_connection("default")
        postgres = str(conn.capabilities.dialect) == "postgres"
        mark = "$1" if postgres else "?"
        sql = (
            f"SELECT 'pair' AS what, \"change\" AS name, 0 AS bucket, 0 AS over, COUNT(*) AS n "
            f'FROM "run_review_pair" WHERE "run_id" = {mark} GROUP BY "change" '
            f"UNION ALL SELECT 'unplaced', \"reason\", 0, 0, COUNT(*) "
            f'FROM "run_review_unplaced" WHERE "run_id" = {mark} GROUP BY "reason" '
            f"UNION ALL SELECT 'load', '', \"bucket\", "
            f'CASE WHEN "over_capacity" THEN 1 ELSE 0 END, COUNT(*) '
            f'FROM "run_review_load" WHERE "run_id" = {mark} GROUP BY "bucket", "over_capacity"'
        )
        run_id = self.row.run_id
        _, rows = await conn.execute_query(sql, [run_id] if postgres else [str(run_id)] * 3)
        by_change: dict[str, int] = {}
        by_reason: dict[str, int] = {}
        histogram = [0] * FILL_BUCKETS
        over = 0
        for r in rows:
            what, n = str(r["what"]), int(r["n"])
            if what == "pair":
                by_change[str(r["name"])] = n
            elif what == "unplaced":
                by_reason[str(r["name"])] = n
            else:
                histogram[int(r["bucket"])] += n
                over += n if int(r["over"]) else 0
        return Summary(
            pairs=sum(by_change.values()),
            unplaced=sum(by_reason.values()),
            mentors=sum(histogram),
            pairs_by_change=dict(sorted(by_change.items())),
            unplaced_by_reason=dict(sorted(by_reason.items())),
            load_histogram=histogram,
            over_capacity=over,
        )


Source = Computed | Stored


def pair_of(r: RunReviewPair) -> PairChange:
    return PairChange(
        student_id=r.student_id,
        mentor_id=r.mentor_id,
        weekday=r.weekday,
        start_minute=r.start_minute,
        minutes=r.minutes,
        kept=r.kept,
        change=r.change,
        current_mentor_id=r.current_mentor_id,
        current_weekday=r.current_weekday,
        current_start_minute=r.current_start_minute,
    )


def load_of(r: RunReviewLoad) -> MentorLoad:
    return MentorLoad(
        mentor_id=r.mentor_id, capacity=r.capacity, current=r.current, proposed=r.proposed, leaving=r.leaving
    )


def unplaced_of(r: RunReviewUnplaced) -> payloads.Unplaced:
    return {
        "studentId": r.student_id,
        "reason": r.reason,
        "facts": r.facts,
        "closestMentorIds": r.closest_mentor_ids,
    }


# Batch reads for the per-request loaders: the stored reviews of several runs, one query each.


def _grouped(rows: Sequence[T], key: Callable[[T], K], keys: Sequence[K]) -> list[list[T]]:
    grouped: dict[K, list[T]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


def _uuid(value: Any) -> UUID:
    """A run id as read back (a UUID on PostgreSQL, its text on SQLite)."""
    return value if isinstance(value, UUID) else UUID(str(value))


async def stored_reviews(run_ids: Sequence[UUID]) -> list[RunReview | None]:
    found = {_uuid(row.run_id): row for row in await RunReview.filter(run_id__in=list(run_ids))}
    return [found.get(i) for i in run_ids]


async def stored_pairs(run_ids: Sequence[UUID]) -> list[list[PairChange]]:
    """The stored pairs of each run in the stored result's order (the unpaged list)."""
    rows = await RunReviewPair.filter(run_id__in=list(run_ids)).order_by("position")
    return [[pair_of(r) for r in group] for group in _grouped(rows, lambda r: _uuid(r.run_id), list(run_ids))]


async def stored_loads(run_ids: Sequence[UUID]) -> list[list[MentorLoad]]:
    """The stored loads of each run in mentor order (the unpaged list)."""
    rows = await RunReviewLoad.filter(run_id__in=list(run_ids)).order_by("mentor_id")
    return [[load_of(r) for r in group] for group in _grouped(rows, lambda r: _uuid(r.run_id), list(run_ids))]


async def stored_unplaced(run_ids: Sequence[UUID]) -> list[list[payloads.Unplaced]]:
    """The stored unplaced students of each run in the stored result's order (the unpaged list)."""
    rows = await RunReviewUnplaced.filter(run_id__in=list(run_ids)).order_by("position")
    return [
        [unplaced_of(r) for r in group] for group in _grouped(rows, lambda r: _uuid(r.run_id), list(run_ids))
    ]
