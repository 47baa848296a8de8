"""Why each unplaced student is unplaced, with the facts behind it.

Codes are tried in order, each one only when the previous ones do not hold:

- ``NO_MENTOR_FOR_PROJECT``: no mentor lists the student's project (H1 of ``solver.problem``).
- ``ONLY_FORBIDDEN_MENTORS``: every mentor listing it is forbidden to the student (H3).
- ``NO_COMMON_SLOT`` (first form): no allowed mentor's availability meets the student's on an allowed
  weekday, whoever sits there: no seat would help.
- ``ALL_MENTORS_FULL``: every allowed mentor for the project is at capacity in the result (H2).
- ``NO_COMMON_SLOT``: no allowed mentor with a seat left offers a start inside both availabilities, on
  an allowed weekday, free of the sessions that were fixed before the run (pinned and kept pairs).

Every reason from ``ALL_MENTORS_FULL`` on names the closest mentors (those whose availability meets the
student's, with the fewest placed students in the way).
- ``LOST_TO_COMPETITION``: the student could have been placed alone (some mentor had a seat and a free
  common slot before this run), but the students placed by this run took those seats or slots. The
  closest mentors are those where the fewest placed students stand in the way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from solver.grid import bits, session_mask, start_mask
from solver.model import STEPS_PER_WEEK, ClosestMentor, ReasonCode, Unplaced
from solver.prepare import Problem
from solver.state import State

CLOSEST = 3


def explain(
    problem: Problem, state: State, s: int, occupancy: Occupancy | None = None, detailed: bool = True
) -> Unplaced:
    """Why ``s`` is unplaced. ``occupancy`` caches, per mentor, who holds each step (pass the same one
    for every student of one result: at L it turns minutes of scanning into seconds). Without
    ``detailed`` the closest mentors are left out (a run past its time limit: the code and facts stay)."""
    st = problem.students[s]
    listing = problem.by_project.get(st.project, [])
    cache = Occupancy(problem, state) if occupancy is None else occupancy
    # Per mentor listing the project, as vectors (at L: ~300 mentors for each of ~6,000 unplaced).
    allowed_v, full_v, free_w, base_w = cache.listing(st.project, st.duration)
    if st.forbidden:
        allowed_v = allowed_v & np.asarray([m not in st.forbidden for m in listing], np.bool_)
    mine = _words(st.starts)
    with_room_v = allowed_v & ~full_v
    facts = {
        "mentors_for_project": len(listing),
        "allowed_mentors": int(allowed_v.sum()),
        "mentors_with_room": int(with_room_v.sum()),
        "allowed_starts": st.starts.bit_count(),
    }
    if not listing:
        return Unplaced(st.id, ReasonCode.NO_MENTOR_FOR_PROJECT, facts)
    if not allowed_v.any():
        return Unplaced(st.id, ReasonCode.ONLY_FORBIDDEN_MENTORS, facts)
    # No allowed mentor's availability meets the student's (on an allowed weekday): no seat would help.
    meeting_v = allowed_v & (free_w & mine).any(axis=1)
    meeting = [listing[i] for i in np.flatnonzero(meeting_v).tolist()]
    facts["mentors_with_common_slot"] = len(meeting)
    if not meeting:
        return Unplaced(st.id, ReasonCode.NO_COMMON_SLOT, facts)
    if not with_room_v.any():
        facts["seats"] = sum(problem.mentors[listing[i]].capacity for i in np.flatnonzero(allowed_v).tolist())
        closest = _closest_among(problem, state, s, meeting) if detailed else ()
        return Unplaced(st.id, ReasonCode.ALL_MENTORS_FULL, facts, closest)
    common_with_room = int((with_room_v & (base_w & mine).any(axis=1)).sum())
    facts["mentors_with_room_and_slot"] = common_with_room
    if not common_with_room:
        closest = _closest_among(problem, state, s, meeting) if detailed else ()
        return Unplaced(st.id, ReasonCode.NO_COMMON_SLOT, facts, closest)
    closest = _closest(problem, state, s, cache) if detailed else ()
    return Unplaced(st.id, ReasonCode.LOST_TO_COMPETITION, facts, closest)


_WORDS = (STEPS_PER_WEEK + 63) // 64


def _words(mask: int) -> npt.NDArray[np.uint64]:
    """A week mask as 64-bit words."""
    return np.frombuffer(mask.to_bytes(_WORDS * 8, "little"), dtype=np.uint64)


_FAR = 1 << 14  # more students than any session can overlap: marks starts that are not possible


class Occupancy:
    """Per project (and session length), the weeks of the mentors listing it as arrays, built once per
    result: who holds each step, whether it is held, and the prefix count of the steps where a new
    holder begins. The number of students overlapping a session ``[a, a+d)`` at a mentor is then
    ``busy[a] + prefix[a+d] - prefix[a+1]``, for every mentor and start at once (at L, looping over
    ~200 mentors per unplaced student in Python took 20 s of CPU)."""

    def __init__(self, problem: Problem, state: State) -> None:
        self.problem = problem
        self.state = state
        self._projects: dict[
            int, tuple[list[int], list[list[int]], npt.NDArray[np.int16], npt.NDArray[np.int16]]
        ] = {}
        self._starts: dict[tuple[int, int], npt.NDArray[np.bool_]] = {}
        self._listing: dict[
            tuple[int, int],
            tuple[
                npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.uint64], npt.NDArray[np.uint64]
            ],
        ] = {}
        self.full = {m for m in range(len(problem.mentors)) if not state.has_room(m)}
        self._meta: dict[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]] = {}

    def listing(
        self, p: int, d: int
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        """Per mentor listing project ``p`` (``problem.by_project`` order): allowed (all; the caller
        removes the forbidden), full, the starts of a ``d``-step session inside their availability,
        and those free of fixed sessions."""
        found = self._listing.get((p, d))
        if found is None:
            problem = self.problem
            ms = problem.by_project.get(p, [])
            free = [_words(_free_starts(problem, m, d)) for m in ms]
            base = [_words(problem.base_starts(m, d)) for m in ms]
            found = self._listing[(p, d)] = (
                np.ones(len(ms), np.bool_),
                np.asarray([m in self.full for m in ms], np.bool_),
                np.stack(free) if ms else np.zeros((0, _WORDS), np.uint64),
                np.stack(base) if ms else np.zeros((0, _WORDS), np.uint64),
            )
        return found

    def meta(self, p: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
        """Per mentor of project ``p`` (as in ``project``): 1 when full, and the mentor's id."""
        found = self._meta.get(p)
        if found is None:
            mentors = self.project(p)[0]
            found = self._meta[p] = (
                np.asarray([m in self.full for m in mentors], np.int32),
                np.asarray([self.problem.mentors[m].id for m in mentors], np.int64),
            )
        return found

    def project(
        self, p: int
    ) -> tuple[list[int], list[list[int]], npt.NDArray[np.int16], npt.NDArray[np.int16]]:
        found = self._projects.get(p)
        if found is None:
            problem, state = self.problem, self.state
            mentors = [
                m
                for m in problem.by_project.get(p, ())
                if problem.base_count[m] < problem.mentors[m].capacity
            ]
            helds: list[list[int]] = []
            busy = np.zeros((len(mentors), STEPS_PER_WEEK), np.int16)
            prefix = np.zeros((len(mentors), STEPS_PER_WEEK + 1), np.int16)
            for i, m in enumerate(mentors):
                held = [-1] * STEPS_PER_WEEK
                for o in state.at_mentor[m]:
                    start = state.where[o][1]
                    for t in range(start, start + problem.students[o].duration):
                        held[t] = o
                arr = np.asarray(held, np.int64)
                taken = arr != -1
                fresh = taken & np.concatenate(([True], arr[1:] != arr[:-1]))
                busy[i] = taken
                prefix[i, 1:] = np.cumsum(fresh)
                helds.append(held)
            found = self._projects[p] = (mentors, helds, busy, prefix)
        return found

    def base_starts(self, p: int, d: int) -> npt.NDArray[np.bool_]:
        found = self._starts.get((p, d))
        if found is None:
            mentors = self.project(p)[0]
            found = self._starts[(p, d)] = (
                np.stack([_bits(self.problem.base_starts(m, d)) for m in mentors])
                if mentors
                else np.zeros((0, STEPS_PER_WEEK), np.bool_)
            )
        return found


def _bits(mask: int) -> npt.NDArray[np.bool_]:
    raw = np.frombuffer(mask.to_bytes(STEPS_PER_WEEK // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little").astype(np.bool_)


def _closest(problem: Problem, state: State, s: int, occupancy: Occupancy) -> tuple[ClosestMentor, ...]:
    """Among the mentors the student could have had alone, those where the fewest placed students stand
    in the way (a full mentor counts one more), each at its earliest start with the fewest."""
    st = problem.students[s]
    d = st.duration
    mentors, helds, busy, prefix = occupancy.project(st.project)
    at = np.flatnonzero(_bits(st.starts))
    if not mentors or not len(at):
        return ()
    possible = occupancy.base_starts(st.project, d)[:, at]
    counts = busy[:, at].astype(np.int32) + prefix[:, at + d] - prefix[:, at + 1]
    counts = np.where(possible, counts, _FAR)
    best_at = counts.argmin(axis=1)
    best = counts[np.arange(len(mentors)), best_at]
    full, ids = occupancy.meta(st.project)
    ok = best < _FAR
    if st.forbidden:
        ok &= np.asarray([m not in st.forbidden for m in mentors])
    rows = np.flatnonzero(ok)
    order = rows[np.lexsort((ids[rows], best[rows] + full[rows]))][:CLOSEST]
    out: list[ClosestMentor] = []
    for i in order.tolist():
        start = int(at[best_at[i]])
        held = helds[i]
        blocking = tuple(
            problem.students[o].id for o in sorted({held[t] for t in range(start, start + d)} - {-1})
        )
        out.append(ClosestMentor(int(ids[i]), start, blocking, bool(full[i])))
    return tuple(out)


def _free_starts(problem: Problem, m: int, duration: int) -> int:
    """Starts inside the mentor's availability, whoever already sits there."""
    return start_mask(problem.mentors[m].free, duration)


def _closest_among(problem: Problem, state: State, s: int, mentors: list[int]) -> tuple[ClosestMentor, ...]:
    """Per mentor of ``mentors`` (full ones too, when no seat is left), the start where the fewest placed
    students overlap the student's session; a full mentor counts one more. (The vectorised
    :func:`_closest` covers the common case, ``LOST_TO_COMPETITION``, over the mentors with a seat.)"""
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
