"""Reviewing a run's proposal: per-mentor load against requested capacity (R2), the unplaced students with
their reasons, and what each pair changes against the current pairs (read now, not at solve time)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from domain.bulk import in_chunks
from domain.models import MatchingRun, Mentor, Mentorship


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
        return self.after > self.capacity


@dataclass(frozen=True, slots=True)
class Review:
    pairs: list[PairChange]
    loads: list[MentorLoad]
    unplaced: list[dict[str, Any]]


async def review(run: MatchingRun) -> Review | None:
    result = run.result
    if not result or "pairs" not in result:
        return None
    proposed: list[dict[str, Any]] = result["pairs"]
    student_ids = [p["studentId"] for p in proposed]
    current = {
        m.student_id: m
        for m in await in_chunks(
            student_ids, lambda ids: Mentorship.filter(student_id__in=ids, ended_on__isnull=True)
        )
    }
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
    capacity = dict(
        await in_chunks(mentor_ids, lambda ids: Mentor.filter(id__in=ids).values_list("id", "capacity"))
    )
    load: Counter[int] = Counter(
        int(row[0])
        for row in await in_chunks(
            mentor_ids,
            lambda ids: Mentorship.filter(mentor_id__in=ids, ended_on__isnull=True).values_list("mentor_id"),
        )
    )
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
