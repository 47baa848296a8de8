"""Why each unplaced student is unplaced, with the facts behind it.

Codes are tried in order, each one only when the previous ones do not hold:

- ``NO_MENTOR_FOR_PROJECT``: no mentor lists the student's project (R1).
- ``ONLY_FORBIDDEN_MENTORS``: every mentor listing it is forbidden to the student (R7).
- ``NO_COMMON_SLOT`` (first form): no allowed mentor's availability meets the student's on an allowed
  weekday, whoever sits there: no seat would help.
- ``ALL_MENTORS_FULL``: every allowed mentor for the project is at capacity in the result (R2).
- ``NO_COMMON_SLOT``: no allowed mentor with a seat left offers a start inside both availabilities, on
  an allowed weekday, free of the sessions that were fixed before the run (pinned and kept pairs).

Every reason from ``ALL_MENTORS_FULL`` on names the closest mentors (those whose availability meets the
student's, with the fewest placed students in the way).
- ``LOST_TO_COMPETITION``: the student could have been placed alone (some mentor had a seat and a free
  common slot before this run), but the students placed by this run took those seats or slots. The
  closest mentors are those where the fewest placed students stand in the way.
"""

from __future__ import annotations

from solver.grid import bits, session_mask, start_mask
from solver.model import ClosestMentor, ReasonCode, Unplaced
from solver.prepare import Problem
from solver.state import State

CLOSEST = 3


def explain(problem: Problem, state: State, s: int) -> Unplaced:
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
    # No allowed mentor's availability meets the student's (on an allowed weekday): no seat would help.
    meeting = [m for m in allowed if st.starts & _free_starts(problem, m, st.duration)]
    facts["mentors_with_common_slot"] = len(meeting)
    if not meeting:
        return Unplaced(st.id, ReasonCode.NO_COMMON_SLOT, facts)
    if not with_room:
        facts["seats"] = sum(problem.mentors[m].capacity for m in allowed)
        return Unplaced(st.id, ReasonCode.ALL_MENTORS_FULL, facts, _closest(problem, state, s, meeting))
    common_with_room = [m for m in with_room if st.starts & problem.base_starts(m, st.duration)]
    facts["mentors_with_room_and_slot"] = len(common_with_room)
    if not common_with_room:
        return Unplaced(st.id, ReasonCode.NO_COMMON_SLOT, facts, _closest(problem, state, s, meeting))
    return Unplaced(
        st.id, ReasonCode.LOST_TO_COMPETITION, facts, _closest(problem, state, s, alone or meeting)
    )


def _free_starts(problem: Problem, m: int, duration: int) -> int:
    """Starts inside the mentor's availability, whoever already sits there."""
    return start_mask(problem.mentors[m].free, duration)


def _closest(problem: Problem, state: State, s: int, mentors: list[int]) -> tuple[ClosestMentor, ...]:
    """Per mentor, the start where the fewest placed students overlap the student's session."""
    st = problem.students[s]
    ranked: list[tuple[int, int, int, tuple[int, ...], bool]] = []
    for m in mentors:
        starts = st.starts & problem.base_starts(m, st.duration) or st.starts & _free_starts(
            problem, m, st.duration
        )
        if not starts:
            continue
        best: tuple[int, int, tuple[int, ...]] | None = None
        here = sorted(state.at_mentor[m])
        for start in bits(starts):
            mask = session_mask(start, st.duration)
            blocking = tuple(
                problem.students[o].id
                for o in here
                if session_mask(state.where[o][1], problem.students[o].duration) & mask
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
