"""Reviewing a run's proposal: per-mentor load against requested capacity (R2), the unplaced students with
their reasons, and what each pair changes against the current pairs (read now, not at solve time)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from domain.models import MatchingRun, Mentor, Mentorship
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
        m.student_id: m for m in await Mentorship.filter(student_id__in=student_ids, ended_on__isnull=True)
    }
    mentor_ids = {p["mentorId"] for pairs in proposals if pairs for p in pairs} | {
        m.mentor_id for m in current.values()
    }
    capacity = dict(await Mentor.filter(id__in=mentor_ids).values_list("id", "capacity"))
    load: Counter[int] = Counter()
    for row in await Mentorship.filter(mentor_id__in=mentor_ids, ended_on__isnull=True):
        load[row.mentor_id] += 1
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
