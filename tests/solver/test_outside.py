"""The outside families: what their descriptions promise, and the solver on them against HiGHS."""

from __future__ import annotations

from collections import Counter

import pytest

from solver import SolveOptions, check, solve
from solver.bench import reference_optimum
from solver.families import FAMILIES
from solver.outside import OUTSIDE
from solver.prepare import prepare


def test_outside_families_are_benchmark_families_and_deterministic_for_a_seed() -> None:
    assert set(OUTSIDE) <= set(FAMILIES)
    for name, draw in OUTSIDE.items():
        first = draw(200, 25, 1)
        assert draw(200, 25, 1) == first, name
        assert draw(200, 25, 2) != first, name
        assert len(first.students) == 200 and len(first.mentors) == 25


def test_outside_families_look_as_described() -> None:
    mixdur = OUTSIDE["mixdur"](2_000, 250, 1)
    problem = prepare(mixdur.mentors, mixdur.students, SolveOptions())
    assert problem.errors == []
    current = [s for s in mixdur.students if s.current_mentor_id is not None]
    assert len(current) == 300  # 15%, every one valid (prepare keeps them)
    assert {s.duration_steps for s in mixdur.students} == {2, 3, 4}
    assert any(m.region != "Europe" for m in mixdur.mentors)
    assert any(m.absences for m in mixdur.mentors)
    popular = OUTSIDE["popular"](2_000, 250, 1)
    top = Counter(s.project for s in popular.students).most_common(3)
    assert sum(n for _, n in top) >= 0.45 * len(popular.students)
    dense = OUTSIDE["dense"](2_000, 250, 1)
    assert 0.92 <= sum(m.capacity for m in dense.mentors) / len(dense.students) <= 0.98
    tight = OUTSIDE["tight"](2_000, 250, 1)
    assert sum(m.capacity for m in tight.mentors) >= 1.35 * len(tight.students)


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_solver_on_outside_families_places_at_most_the_optimum_under_its_bound(name: str) -> None:
    instance = OUTSIDE[name](120, 15, 7)
    result = solve(instance.mentors, instance.students, SolveOptions(time_limit_s=5, num_workers=1))
    assert check(instance.mentors, instance.students, result) == []
    optimum, ceiling, _ = reference_optimum(instance, time_limit_s=60)
    assert optimum is not None and ceiling == optimum
    assert result.placed <= optimum <= result.upper_bound
    assert result.placed >= 0.98 * optimum
