"""Class graph counts against a plain count; the exact bound where the flow bound is loose."""

from __future__ import annotations

import pytest

from solver import SolveOptions, solve
from solver.baselines import naive_cpsat
from solver.classes import build_classes
from solver.families import FAMILIES
from solver.instances import generate
from solver.model import DAYS_PER_WEEK, STEPS_PER_DAY
from solver.prepare import prepare


@pytest.mark.parametrize("family", ["patterns", "mixed", "evening"])
def test_class_graph_counts_common_starts_per_day(family: str) -> None:
    instance = FAMILIES[family](300, 40, 11)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    got = {
        (c, m, t): k
        for c, m, t, k in zip(
            graph.arc_class.tolist(),
            graph.arc_mentor.tolist(),
            graph.arc_day.tolist(),
            graph.arc_k.tolist(),
            strict=True,
        )
    }
    expected: dict[tuple[int, int, int], int] = {}
    day = (1 << STEPS_PER_DAY) - 1
    for c, cls in enumerate(classes):
        forbidden = problem.students[cls.members[0]].forbidden
        for m in problem.by_project.get(cls.project, ()):
            if m in forbidden or problem.base_count[m] >= problem.mentors[m].capacity:
                continue
            common = cls.starts & problem.base_starts(m, cls.duration)
            for t in range(DAYS_PER_WEEK):
                k = ((common >> (t * STEPS_PER_DAY)) & day).bit_count()
                if k:
                    expected[(c, m, t)] = k
        assert cls.mentors == sorted({m for (cc, m, _) in expected if cc == c})
    assert got == expected
    # Forbidden pairs were left out (``mixed``): some class had a forbidden mentor who lists its project.
    assert family != "mixed" or any(
        m in problem.students[cls.members[0]].forbidden
        for cls in classes
        for m in problem.by_project.get(cls.project, ())
    )
    if family == "patterns":
        assert len(classes) < len(problem.movable)  # identical students do merge


def test_exact_bound_closes_the_flow_relaxation_on_a_small_instance() -> None:
    instance = generate(200, 30, seed=1)  # the S benchmark: flow bound 141, optimum 140
    result = solve(instance.mentors, instance.students, SolveOptions(time_limit_s=20, seed=1))
    exact = naive_cpsat(instance.mentors, instance.students, time_limit_s=20)
    assert exact.status == "optimal" and exact.placed is not None
    assert result.stats["flow_bound"] > exact.placed
    assert result.upper_bound == result.placed == exact.placed
    assert result.status == "optimal"
