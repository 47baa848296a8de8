"""Local moves: ejection chains place students a one-step ejection cannot; rebalancing fills fairly."""

from __future__ import annotations

import time

from solver import Interval, MentorIn, SolveOptions, StudentIn, Weights
from solver.augment import try_place as one_step
from solver.balance import rebalance
from solver.chains import ChainSearch
from solver.classes import build_classes
from solver.prepare import prepare
from solver.state import State

MON, TUE, WED = (Interval(d * 96 + 72, d * 96 + 76) for d in range(3))  # 18:00-19:00


def test_chain_of_two_ejections() -> None:
    mentors = [MentorIn(10 + i, frozenset({1}), 1, (day,)) for i, day in enumerate((MON, TUE, WED))]
    students = [
        StudentIn(1, 1, 2, 4, (MON, TUE)),
        StudentIn(2, 1, 2, 4, (TUE, WED)),
        StudentIn(3, 1, 2, 4, (MON,)),
    ]
    problem = prepare(mentors, students, SolveOptions())
    classes, _ = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    state = State(problem)
    state.assign(0, 0, MON.start_step)  # student 1 with Monday's mentor
    state.assign(1, 1, TUE.start_step)  # student 2 with Tuesday's mentor
    assert not one_step(state, classes, class_of, 2)
    assert ChainSearch(state, classes, class_of).try_place(2)
    assert state.where == {2: (0, MON.start_step), 0: (1, TUE.start_step), 1: (2, WED.start_step)}


def test_chain_fails_when_no_seat_is_reachable() -> None:
    mentors = [MentorIn(10, frozenset({1}), 1, (MON,))]
    students = [StudentIn(1, 1, 2, 4, (MON,)), StudentIn(2, 1, 2, 4, (MON,))]
    problem = prepare(mentors, students, SolveOptions())
    classes, _ = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    state = State(problem)
    state.assign(0, 0, MON.start_step)
    assert not ChainSearch(state, classes, class_of).try_place(1)
    assert state.where == {0: (0, MON.start_step)}


def test_rebalance_fills_mentors_in_proportion_and_keeps_current_pairs() -> None:
    evening = (Interval(72, 88),)  # room for four one-hour sessions
    mentors = [MentorIn(10, frozenset({1}), 4, evening), MentorIn(11, frozenset({1}), 4, evening)]
    students = [
        StudentIn(1, 1, 2, 4, evening, current_mentor_id=10, current_start_step=72),
        StudentIn(2, 1, 2, 4, evening),
        StudentIn(3, 1, 2, 4, evening),
    ]
    problem = prepare(mentors, students, SolveOptions())
    classes, _ = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    state = State(problem)
    state.assign(0, 0, 72)  # student 1 on their current pair and slot
    state.assign(1, 0, 76)
    state.assign(2, 0, 80)  # first fit: everybody with mentor 10, mentor 11 empty
    assert rebalance(state, classes, class_of, Weights(), time.monotonic() + 10) == 1
    assert state.count == [2, 1]
    assert state.where[0] == (0, 72)
