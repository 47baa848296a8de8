"""Construction heuristics: current pairs first, then the flow's plan and best fit, or first fit.

Students are taken hardest first (fewest possible mentors, then fewest allowed starts, then id), so the
order, and the result, depend on the data only. Each student goes to a mentor the flow relaxation sent
their class to if one still has a free common start, otherwise to the possible mentor with the lowest
fill ratio. Within a mentor the session is packed against a busy step or a window edge when possible,
which keeps the mentor's free time in long runs.
"""

from __future__ import annotations

from collections.abc import Callable

from solver.classes import StudentClass
from solver.grid import lowest_bit
from solver.prepare import Problem
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
        for m in classes[c].mentors:
            if state.has_room(m):
                starts = state.open_starts(s, m)
                if starts:
                    state.assign(s, m, pick_start(state, s, m, starts))
                    break
    return state


def construct(
    problem: Problem,
    classes: list[StudentClass],
    guide: dict[tuple[int, int], int],
    stop: Callable[[], bool] = _never,
    cancelled: Callable[[], bool] = _never,
) -> State:
    """The better of the guided construction and ``first_fit`` (more placed; the guided one on ties).

    The guided one stops placing when ``stop()`` says so (checked every 256 students), first fit only
    when it is ``cancelled()`` if ``stop()`` already held when it began: what they placed is kept.
    """
    guided = _guided(problem, classes, guide, stop)
    # Out of time already (at L on a starved machine the class graph and the flow alone can take the
    # whole limit): first fit still runs to the end, unless cancelled, so that a run always returns a
    # first placement; it is linear and cheap beside what came before.
    packed = first_fit(problem, classes, cancelled if stop() else stop)
    return packed if packed.placed > guided.placed else guided


def _guided(
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
