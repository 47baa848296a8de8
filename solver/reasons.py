"""Why each unplaced student is unplaced, with the facts behind it.

Codes are tried in order, each one only when the previous ones do not hold:

- ``NO_MENTOR_FOR_PROJECT``: no mentor lists the student's project (R1).
- ``ONLY_FORBIDDEN_MENTORS``: every mentor listing it is forbidden to the student (R7).
- ``ALL_MENTORS_FULL``: every allowed mentor for the project is at capacity in the result (R2).
- ``NO_COMMON_SLOT``: no allowed mentor with a seat left offers a start inside both availabilities, on
  an allowed weekday, free of the sessions that were fixed before the run (pinned and kept pairs).
- ``LOST_TO_COMPETITION``: the student could have been placed alone (some mentor had a seat and a free
  common slot before this run), but the students placed by this run took those seats or slots. The
  closest mentors are those where the fewest placed students stand in the way.
"""

from __future__ import annotations

from solver.grid import bits
from solver.model import STEPS_PER_WEEK, ClosestMentor, ReasonCode, Unplaced
from solver.prepare import Problem
from solver.state import State

CLOSEST = 3


def explain(
    problem: Problem, state: State, s: int, occupancy: dict[int, list[int]] | None = None
) -> Unplaced:
    """Why ``s`` is unplaced. ``occupancy`` caches, per mentor, who holds each step (pass the same dict
    for every student of one result: at L it turns minutes of scanning into seconds)."""
    st = problem.students[s]
    listing = problem.by_project.get(st.project, [])
    allowed = [m for m in listing if m not in st.forbidden]
    with_room = [m for m in allowed if state.has_room(m)]
    alone = [m for m in allowed if problem.base_count[m] < problem.mentors[m].capacity]
    facts = {
        "mentors_for_project": len(listing),
        "allowed_mentors": len(allowed),
        "mentors_with_room": len(with_room),
        "allowed_starts": st.starts.bit_count(),
    }
    if not listing:
        return Unplaced(st.id, ReasonCode.NO_MENTOR_FOR_PROJECT, facts)
    if not allowed:
        return Unplaced(st.id, ReasonCode.ONLY_FORBIDDEN_MENTORS, facts)
    if not with_room:
        facts["seats"] = sum(problem.mentors[m].capacity for m in allowed)
        return Unplaced(st.id, ReasonCode.ALL_MENTORS_FULL, facts)
    common_with_room = [m for m in with_room if st.starts & problem.base_starts(m, st.duration)]
    facts["mentors_with_room_and_slot"] = len(common_with_room)
    if not common_with_room:
        return Unplaced(st.id, ReasonCode.NO_COMMON_SLOT, facts)
    cache = {} if occupancy is None else occupancy
    return Unplaced(st.id, ReasonCode.LOST_TO_COMPETITION, facts, _closest(problem, state, s, alone, cache))


def _holders(problem: Problem, state: State, m: int) -> list[int]:
    """Per week step, the student placed by this run who holds it at mentor ``m`` (-1 when none)."""
    held = [-1] * STEPS_PER_WEEK
    for o in state.at_mentor[m]:
        start = state.where[o][1]
        for t in range(start, start + problem.students[o].duration):
            held[t] = o
    return held


def _closest(
    problem: Problem, state: State, s: int, mentors: list[int], occupancy: dict[int, list[int]]
) -> tuple[ClosestMentor, ...]:
    """Per mentor, the start where the fewest placed students overlap the student's session."""
    st = problem.students[s]
    ranked: list[tuple[int, int, int, tuple[int, ...], bool]] = []
    for m in mentors:
        starts = st.starts & problem.base_starts(m, st.duration)
        if not starts:
            continue
        best: tuple[int, int, tuple[int, ...]] | None = None
        held = occupancy.get(m)
        if held is None:
            held = occupancy[m] = _holders(problem, state, m)
        for start in bits(starts):
            blocking = tuple(
                problem.students[o].id
                for o in sorted({held[t] for t in range(start, start + st.duration)} - {-1})
            )
            if best is None or len(blocking) < len(best[2]):
                best = (len(blocking), start, blocking)
                if not blocking:
                    break
        if best is not None:
            full = not state.has_room(m)
            ranked.append((best[0] + int(full), problem.mentors[m].id, best[1], best[2], full))
    ranked.sort()
    return tuple(
        ClosestMentor(mid, start, blocking, full) for _, mid, start, blocking, full in ranked[:CLOSEST]
    )
