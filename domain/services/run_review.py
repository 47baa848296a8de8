"""Reviewing a run's proposal: per-mentor load against requested capacity (R2), the unplaced students with
their reasons, and what each pair changes against the current pairs (read now, not at solve time)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.bulk import in_chunks
from domain.models import MatchingRun, Mentor, Mentorship, Student
from domain.services import eligibility


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
    unplaced: list[dict[str, Any]]


async def review(run: MatchingRun) -> Review | None:
    return (await review_many([run]))[0]


async def review_many(runs: Sequence[MatchingRun]) -> list[Review | None]:
    """The reviews of several runs in three queries whatever their number (a list of runs with their
    proposals): the current pairs of their students, their mentors' capacities and current loads."""
    proposals = [run.result["pairs"] if run.result and "pairs" in run.result else None for run in runs]
    student_ids = {p["studentId"] for pairs in proposals if pairs for p in pairs}
    if not student_ids:
        return [
            None if pairs is None else _review(run, pairs, {}, {}, Counter())
            for run, pairs in zip(runs, proposals, strict=True)
        ]
    current = {
        m.student_id: m
        for m in await in_chunks(
            student_ids, lambda ids: Mentorship.filter(student_id__in=ids, ended_on__isnull=True)
        )
    }
    mentor_ids = {p["mentorId"] for pairs in proposals if pairs for p in pairs} | {
        m.mentor_id for m in current.values()
    }
    capacity = dict(
        await in_chunks(mentor_ids, lambda ids: Mentor.filter(id__in=ids).values_list("id", "capacity"))
    )
    load: Counter[int] = Counter(await eligibility.current_loads(mentor_ids))
    return [
        None if pairs is None else _review(run, pairs, current, capacity, load)
        for run, pairs in zip(runs, proposals, strict=True)
    ]


def _review(
    run: MatchingRun,
    proposed: list[dict[str, Any]],
    current: dict[int, Mentorship],
    capacity: dict[int, int],
    load: Counter[int],
) -> Review:
    result = run.result or {}
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
    return Review(pairs=changes, loads=loads, unplaced=list(result.get("unplaced", [])))


# --- Review pages and figures (the review of a large run is read a page at a time) --------------------

# Load histogram buckets: the fill (load after publish / capacity) in tenths, 100% and over in the last.
FILL_BUCKETS = 11


def fill(load: MentorLoad) -> float:
    """A mentor's fill if the proposal is published: load after / capacity (above 1 when over)."""
    return load.after / load.capacity if load.capacity > 0 else float(load.after > 0)


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
    pairs_by_change: dict[str, int]
    unplaced_by_reason: dict[str, int]
    # FILL_BUCKETS counts: mentors whose fill after publish is in [i/10, (i+1)/10), the last >= 100%.
    load_histogram: list[int]
    over_capacity: int


def summary(seen: Review) -> Summary:
    histogram = [0] * FILL_BUCKETS
    for load in seen.loads:
        histogram[min(int(fill(load) * 10), FILL_BUCKETS - 1)] += 1
    return Summary(
        pairs_by_change=dict(sorted(Counter(p.change for p in seen.pairs).items())),
        unplaced_by_reason=dict(sorted(Counter(str(u["reason"]) for u in seen.unplaced).items())),
        load_histogram=histogram,
        over_capacity=sum(m.over_capacity for m in seen.loads),
    )
