"""Ejection chains of length one: place a student by moving one other student out of the way.

For an unplaced student u and a mentor m that u could have: if taking one movable student v away from
m leaves u a seat and a free start, and v fits at another mentor (or elsewhere in m's week, after u is
placed), do it. ``solve`` no longer runs it (``chains`` covers these moves, faster); kept for callers.
"""

from __future__ import annotations

from collections.abc import Callable

from solver.classes import StudentClass
from solver.greedy import pick_start, place_first
from solver.state import State


def _relocate(state: State, classes: list[StudentClass], class_of: dict[int, int], v: int) -> bool:
    """Place ``v`` (currently unplaced) anywhere it fits; True when it did."""
    return place_first(state, v, classes[class_of[v]].mentors)


def _never() -> bool:
    return False


def try_place(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    u: int,
    stop: Callable[[], bool] = _never,
) -> bool:
    """Place unplaced student ``u`` directly or with one ejection; True when ``u`` got placed.

    ``stop`` is asked before each mentor is tried (deadline, cancel): at XL one student's ejections
    over every mentor of a popular project take seconds.
    """
    if _relocate(state, classes, class_of, u):
        return True
    students = state.problem.students
    for m in classes[class_of[u]].mentors:
        if stop():
            return False
        # Students away from their current pair first: moving them again costs nothing (O2).
        for v in sorted(state.at_mentor[m], key=lambda v: (students[v].current == state.where[v], v)):
            v_slot = state.where[v]
            state.unassign(v)
            starts = state.open_starts(u, m)
            if starts:
                state.assign(u, m, pick_start(state, u, m, starts))
                if _relocate(state, classes, class_of, v):
                    return True
                state.unassign(u)
            state.assign(v, *v_slot)
    return False


def augment(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    pool: list[int],
    stop: Callable[[], bool] = _never,
) -> int:
    """One pass over ``pool`` (unplaced students, in order) until ``stop()``; returns how many got placed."""
    placed = 0
    for u in pool:
        if stop():
            break
        if u not in state.where and try_place(state, classes, class_of, u, stop):
            placed += 1
    return placed
