"""Groups of mentors re-solved through their LP: how a pass cuts the mentors, and what a step may change."""

from __future__ import annotations

import random
import sys
import time

import pytest

from solver import SolveOptions, check, reference, solve
from solver.bound import flow_bound
from solver.classes import build_classes
from solver.families import make
from solver.greedy import first_fit
from solver.groups import MAX_GROUP_MENTORS, GroupSearch, homes, partition
from solver.prepare import prepare
from solver.solve import build_result

FAMILIES = ["mixed", "freeform", "scarce", "evening", "patterns"]


@pytest.mark.parametrize("family", FAMILIES)
def test_a_pass_cuts_every_mentor_once_and_hands_each_unplaced_student_to_one_group_of_theirs(
    family: str,
) -> None:
    instance = make(family, "M", 2)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    state = first_fit(problem, classes)
    home = homes(classes, len(problem.mentors))
    groups = partition(state, classes, home, random.Random(5), size=12)

    seen = [m for g in groups for m in g.mentors]
    assert len(seen) == len(set(seen))
    # Every mentor some student could have is in a group; a group holds mentors of one home.
    assert set(seen) == {m for cls in classes for m in cls.mentors}
    assert all(len({home[m] for m in g.mentors}) == 1 for g in groups)
    assert max(len(g.mentors) for g in groups) <= 2 * 12
    handed: list[int] = []
    for g in groups:
        for c, members in g.waiting.items():
            assert set(classes[c].mentors) & set(g.mentors)  # one of their possible mentors is there
            handed += members
    unplaced = {s for cls in classes if cls.mentors for s in cls.members if s not in state.where}
    assert sorted(handed) == sorted(unplaced)  # each exactly once
    # Another draw cuts them differently.
    again = partition(state, classes, home, random.Random(6), size=12)
    assert [g.mentors for g in again] != [g.mentors for g in groups]


@pytest.mark.parametrize(("family", "seed"), [("mixed", 1), ("freeform", 2), ("scarce", 3), ("evening", 1)])
def test_group_steps_only_add_students_keep_pinned_pairs_and_break_no_rule(family: str, seed: int) -> None:
    instance = make(family, "S", seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    state = first_fit(problem, classes)
    start = state.placed
    fixed = {s: (m, t) for s, m, t in problem.fixed}
    search = GroupSearch(classes, class_of, random.Random(seed), size=10)
    deadline = time.monotonic() + 120
    steps = 0
    while search.has_work() and steps < 200:
        before = state.placed
        gain = search.step(state, deadline, lambda: False)
        assert gain >= 0
        assert state.placed == before + gain
        steps += 1
    assert search.passes >= 2
    assert not search.has_work()  # it ended: after its groups grew to the largest and gained nothing
    assert search.size == MAX_GROUP_MENTORS
    # Alone from first fit, within one student of the proven optimum (the time-indexed MIP, HiGHS).
    model = reference.build(problem, classes)
    exact = reference.solve_model(model, integer=True, time_limit_s=120)
    assert exact.optimal
    optimum = model.fixed + round(exact.objective)
    assert optimum - 1 <= state.placed <= optimum
    bound = flow_bound(problem, classes, graph).upper_bound
    assert start < state.placed <= bound  # first fit leaves room on these instances; the groups take some
    result = build_result(problem, state, bound, "feasible", {}, "flow", False)
    assert check(instance.mentors, instance.students, result) == []
    placed = {a.student_id: (a.mentor_id, a.start_step) for a in result.assignments}
    for s, (m, t) in fixed.items():
        assert placed[problem.students[s].id] == (problem.mentors[m].id, t)


def test_group_search_is_the_same_for_the_same_seed() -> None:
    instance = make("mixed", "S", 4)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    runs = []
    for _ in range(2):
        state = first_fit(problem, classes)
        search = GroupSearch(classes, class_of, random.Random(11), size=10)
        for _ in range(30):
            search.step(state, time.monotonic() + 120, lambda: False)
        runs.append(dict(state.where))
    assert runs[0] == runs[1]


def test_solve_searches_by_groups_where_the_lp_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    # As at L: the LP is too large for the budget.
    monkeypatch.setattr(sys.modules["solver.solve"], "LP_MAX_VARIABLES", 0)
    instance = make("mixed", "S", 1)  # chains leave a student or two to place there
    first = solve(instance.mentors, instance.students, SolveOptions(time_limit_s=60, seed=3))
    second = solve(instance.mentors, instance.students, SolveOptions(time_limit_s=60, seed=3))
    assert first.stats["lp_value"] == -1  # no LP
    assert first.stats["group_passes"] >= 1
    assert first.status in ("optimal", "feasible")  # ended before its limit: deterministic
    assert first.assignments == second.assignments
    assert first.placed >= first.stats["greedy_placed"]
    assert check(instance.mentors, instance.students, first) == []
