"""Property tests: every result passes the independent checker, and the bound is a real bound."""

from __future__ import annotations

from hypothesis import given, settings

from solver import MentorIn, SolveOptions, StudentIn, check, solve
from solver.baselines import naive_cpsat
from tests.solver.strategies import instances

FAST = SolveOptions(time_limit_s=5, lns_rounds=30, num_workers=1)


@given(instances())
@settings(max_examples=300)
def test_every_result_passes_the_checker(instance: tuple[list[MentorIn], list[StudentIn]]) -> None:
    mentors, students = instance
    result = solve(mentors, students, FAST)
    assert check(mentors, students, result) == []
    if result.status != "infeasible_input":
        assert result.placed <= result.upper_bound


@given(instances())
@settings(max_examples=120)
def test_bound_is_above_and_placed_below_the_exact_optimum(
    instance: tuple[list[MentorIn], list[StudentIn]],
) -> None:
    mentors, students = instance
    result = solve(mentors, students, FAST)
    if result.status == "infeasible_input":
        return
    exact = naive_cpsat(mentors, students, time_limit_s=5)
    assert exact.status == "optimal" and exact.placed is not None
    assert result.placed <= exact.placed <= result.upper_bound
    if result.status == "optimal":
        assert result.placed == exact.placed


@given(instances())
@settings(max_examples=60)
def test_fixed_seed_gives_the_same_result(instance: tuple[list[MentorIn], list[StudentIn]]) -> None:
    mentors, students = instance
    first = solve(mentors, students, FAST)
    second = solve(mentors, students, FAST)
    assert first.assignments == second.assignments
    assert first.unplaced == second.unplaced
