"""Construction heuristics: current pairs first, then the flow's plan and best fit, or first fit.

Students are taken hardest first (fewest possible mentors, then fewest allowed starts, then id), so the
order, and the result, depend on the data only. Each student goes to a mentor the flow relaxation sent
their class to if one still has a free common start, otherwise to the possible mentor with the lowest
fill ratio. Within a mentor the session is packed against a busy step or a window edge when possible,
which keeps the mentor's free time in long runs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from solver.classes import StudentClass, week_words
from solver.grid import lowest_bit, start_mask
from solver.model import STEPS_PER_DAY
from solver.prepare import Problem, Student
from solver.scoring import pair_bonus
from solver.state import State


def pick_start(state: State, s: int, m: int, starts: int) -> int:
    """Among ``starts`` (non-empty), a start that leaves the mentor's free time least fragmented."""
    problem = state.problem
    free = problem.mentors[m].free & ~state.used[m]
    duration = problem.students[s].duration
    snug_left = starts & ~(free << 1)
    snug_right = starts & ~(free >> duration)
    for mask in (snug_left & snug_right, snug_left | snug_right, starts):
        if mask:
            return lowest_bit(mask)
    raise ValueError("pick_start needs a non-empty set of starts")


def place_first(state: State, s: int, mentors: Iterable[int]) -> bool:
    """Student ``s`` to the first of ``mentors`` with room and an open start (:func:`pick_start`)."""
    for m in mentors:
        if state.has_room(m):
            starts = state.open_starts(s, m)
            if starts:
                state.assign(s, m, pick_start(state, s, m, starts))
                return True
    return False


def keep_current(problem: Problem) -> State:
    state = State(problem)
    for s in problem.movable:
        current = problem.students[s].current
        if current is not None:
            m, start = current
            if state.has_room(m) and (state.open_starts(s, m) >> start) & 1:
                state.assign(s, m, start)
    return state


def _never() -> bool:
    return False


def first_fit(problem: Problem, classes: list[StudentClass], stop: Callable[[], bool] = _never) -> State:
    """Current pairs, then students by id, each to the first possible mentor (by index).

    Filling mentors one after the other keeps their free time in long runs; on the generated instances
    this beats the guided construction by 0.5-3% of the students at L and XL.
    """
    state = keep_current(problem)
    order = sorted(
        (problem.students[s].id, s, c)
        for c, cls in enumerate(classes)
        if cls.mentors
        for s in cls.members
        if s not in state.where
    )
    for i, (_, s, c) in enumerate(order):
        if i % 256 == 0 and stop():
            break
        place_first(state, s, classes[c].mentors)
    return state


def construct(
    problem: Problem,
    classes: list[StudentClass],
    guide: dict[tuple[int, int], int],
    stop: Callable[[], bool] = _never,
    cancelled: Callable[[], bool] = _never,
    after_first: Callable[[State], None] | None = None,
) -> State:
    """The better of ``first_fit`` and the guided construction (more placed; the guided one on ties).

    First fit comes first and stops only when ``cancelled()`` says so (the caller's hard stop: cancel
    flag, or the time limit less the result's share), so that a run always has a first placement; it is
    linear and cheap (2.5 s of wall time at L on a loaded machine against 16 s for the guided one).
    ``after_first`` sees it (the caller measures the result's cost on it). The guided construction
    stops placing when ``stop()`` says so (checked every 256 students); what it placed is kept.
    """
    packed = first_fit(problem, classes, cancelled)
    if after_first is not None:
        after_first(packed)
    guided = guided_construction(problem, classes, guide, stop)
    return packed if packed.placed > guided.placed else guided


def guided_construction(
    problem: Problem,
    classes: list[StudentClass],
    guide: dict[tuple[int, int], int],
    stop: Callable[[], bool] = _never,
) -> State:
    state = keep_current(problem)
    left = dict(guide)
    planned: dict[int, list[int]] = {}
    for c, m in sorted(guide):
        planned.setdefault(c, []).append(m)
    order: list[tuple[int, int, int, int, int]] = []
    for c, cls in enumerate(classes):
        for s in cls.members:
            if s not in state.where and cls.mentors:
                order.append((len(cls.mentors), cls.starts.bit_count(), problem.students[s].id, s, c))
    order.sort()
    for i, (_, _, _, s, c) in enumerate(order):
        if i % 256 == 0 and stop():
            break
        cls = classes[c]
        placed = False
        for m in planned.get(c, ()):
            if left[(c, m)] > 0 and state.has_room(m):
                starts = state.open_starts(s, m)
                if starts:
                    left[(c, m)] -= 1
                    state.assign(s, m, pick_start(state, s, m, starts))
                    placed = True
                    break
        if placed:
            continue
        best: tuple[float, int, int] | None = None
        for m in cls.mentors:
            if not state.has_room(m):
                continue
            starts = state.open_starts(s, m)
            if not starts:
                continue
            key = (state.count[m] / problem.mentors[m].capacity, -pair_bonus(problem, s, m), m)
            if best is None or key < best:
                best = key
        if best is not None:
            m = best[2]
            state.assign(s, m, pick_start(state, s, m, state.open_starts(s, m)))
    return state


def packed(problem: Problem, classes: list[StudentClass], stop: Callable[[], bool] = _never) -> State:
    """Current pairs, then each mentor in turn (by index) packed earliest-end first, then first fit.

    For one mentor, taking the session that ends earliest among the students still unplaced, again
    and again, is the classic greedy for the most disjoint intervals on one line: it keeps the rest of
    each day free in one run. Ties go to the student with the fewest possible mentors (then the
    fewest open starts there, then the index). Where time rather than seats is short (``mixed``:
    30/45/60-minute sessions on a quarter-hour grid, 383 of 473 students left out by the guided
    construction at M had a mentor with a seat but no free start) this places fewer students than the
    guided construction at first but more once chains have run (``mixed`` M seeds 1, 2: 1,555-1,560
    and 1,600-1,609 after chains against 1,521 and 1,581), so ``solve`` chains it as a line of its own
    rather than comparing it with the others before chains. ``stop()`` is asked every 64 mentors
    and every 256 classes of the last pass; what it placed is kept.
    """
    state = keep_current(problem)
    students = problem.students
    where = state.where
    if not any(cls.mentors for cls in classes):
        return state
    # Every (mentor, candidate student) pair, grouped by mentor (CSR), with the class's mentor count.
    pair_class = np.fromiter((c for c, cls in enumerate(classes) for _ in cls.mentors), np.int64)
    pair_mentor = np.fromiter((m for cls in classes for m in cls.mentors), np.int64, len(pair_class))
    class_size = np.asarray([len(cls.members) for cls in classes], np.int64)
    class_first = np.concatenate(([0], np.cumsum(class_size)))[:-1]
    members = np.fromiter((s for cls in classes for s in cls.members), np.int64, int(class_size.sum()))
    reps = class_size[pair_class]
    pair_mentor = np.repeat(pair_mentor, reps)
    offset = np.arange(len(pair_mentor)) - np.repeat(np.cumsum(reps) - reps, reps)
    pair_class = np.repeat(pair_class, reps)
    pair_student = members[class_first[pair_class] + offset]
    pair_n = np.asarray([len(cls.mentors) for cls in classes], np.int64)[pair_class]
    order = np.argsort(pair_mentor, kind="stable")
    pair_student, pair_n = pair_student[order], pair_n[order]
    mentor_first = np.searchsorted(pair_mentor[order], np.arange(len(problem.mentors) + 1))
    del pair_class, pair_mentor, reps, offset, order
    # Every student's starts as 14 words (7 days x 2), so that a mentor's candidates are keyed in numpy.
    words = week_words([st.starts for st in students]).reshape(len(students), -1)
    durations = sorted({st.duration for st in students})
    d_index = np.asarray([durations.index(st.duration) for st in students], np.int64)
    length = np.asarray([st.duration for st in students], np.int64)
    free_now = np.ones(len(students), bool)
    free_now[list(where)] = False
    word_base = np.asarray([(j // 2) * STEPS_PER_DAY + (j % 2) * 64 for j in range(words.shape[1])], np.int64)
    for m in range(len(problem.mentors)):
        if m % 64 == 0 and stop():
            break
        if not state.has_room(m):
            continue
        # Each candidate's earliest session, by (end, open starts, fewest mentors, index), computed
        # for all candidates at once and walked in order. Taking a session only removes free steps,
        # so a candidate's end can only move later: an entry whose end has not moved is taken (its
        # other keys may be stale: ties only), else it goes to a heap of entries seen again, merged
        # with the walk.
        opening: dict[int, int] = {}
        avail = problem.mentors[m].free & ~state.used[m]
        lo, hi = int(mentor_first[m]), int(mentor_first[m + 1])
        keys = _first_keys(
            pair_student[lo:hi],
            pair_n[lo:hi],
            free_now,
            words,
            week_words([start_mask(avail, d) for d in durations]).reshape(len(durations), -1),
            d_index,
            length,
            word_base,
        )
        walk: list[tuple[int, int, int, int]] = []
        done = 0  # keys[:done] are in ``walk``
        at = 0
        again: list[tuple[int, int, int, int]] = []
        while state.has_room(m):
            if at == len(walk) and done < len(keys[0]):
                walk = list(zip(*(k[done : done + 64].tolist() for k in keys), strict=True))
                done += len(walk)
                at = 0
            if at < len(walk) and (not again or walk[at] < again[0]):
                entry = walk[at]
                at += 1
            elif again:
                entry = heapq.heappop(again)
            else:
                break
            end, _, n_mentors, s = entry
            if s in where:
                continue
            starts = _open_at(students[s], opening, avail)
            if not starts:
                continue  # the mentor's free time only shrinks: never again for this mentor
            t = lowest_bit(starts)
            if t + students[s].duration == end:
                state.assign(s, m, t)
                free_now[s] = False
                opening.clear()
                avail = problem.mentors[m].free & ~state.used[m]
            else:
                heapq.heappush(again, (t + students[s].duration, starts.bit_count(), n_mentors, s))
    for c, cls in enumerate(classes):
        if c % 256 == 0 and stop():
            break
        for s in cls.members:
            if s in where:
                continue
            for m in cls.mentors:
                if state.has_room(m):
                    starts = state.open_starts(s, m)
                    if starts:
                        state.assign(s, m, pick_start(state, s, m, starts))
                        break
    return state


def _first_keys(
    cand: npt.NDArray[np.int64],
    n_mentors: npt.NDArray[np.int64],
    free_now: npt.NDArray[np.bool_],
    words: npt.NDArray[np.uint64],
    mentor_words: npt.NDArray[np.uint64],
    d_index: npt.NDArray[np.int64],
    length: npt.NDArray[np.int64],
    word_base: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], ...]:
    """(end of the earliest session, open starts, mentors of the class, student) as four arrays, for
    every unplaced candidate with an open start, sorted by those keys."""
    keep = free_now[cand]
    cand, n_mentors = cand[keep], n_mentors[keep]
    x = words[cand] & mentor_words[d_index[cand]]  # (candidates, 14)
    nonzero = x != 0
    has = nonzero.any(axis=1)
    cand, n_mentors, x, nonzero = cand[has], n_mentors[has], x[has], nonzero[has]
    j = nonzero.argmax(axis=1)
    word = x[np.arange(len(cand)), j]
    low = word & (~word + np.uint64(1))  # the lowest set bit: a power of two, exact as a float
    start = word_base[j] + np.log2(np.maximum(low, 1).astype(np.float64)).astype(np.int64)
    end = start + length[cand]
    count = np.bitwise_count(x).sum(axis=1, dtype=np.int64)
    order = np.lexsort((cand, n_mentors, count, end))
    return end[order], count[order], n_mentors[order], cand[order]


def _open_at(student: Student, opening: dict[int, int], avail: int) -> int:
    """``student``'s starts within the free steps ``avail`` of one mentor; ``opening`` caches the
    mentor's start mask per session length (cleared by the caller whenever ``avail`` changes)."""
    mask = opening.get(student.duration)
    if mask is None:
        mask = opening[student.duration] = start_mask(avail, student.duration)
    return student.starts & mask
