"""The LP's guidance: the MIP on the LP's support and the placement of its solution."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from solver import SolveOptions, check, reference
from solver.bound import flow_bound
from solver.classes import build_classes
from solver.families import make
from solver.greedy import first_fit
from solver.lpguide import (
    improve_guided,
    kept_weights,
    lp_round,
    solve_support,
    solve_whole,
    support_model,
    take_solution,
)
from solver.prepare import prepare
from solver.solve import build_result


@pytest.mark.parametrize(("family", "seed"), [("mixed", 1), ("mixed", 2), ("evening", 1), ("freeform", 3)])
def test_support_mip_places_what_it_solved_keeps_current_pairs_and_breaks_no_rule(
    family: str, seed: int
) -> None:
    instance = make(family, "S", seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    model = reference.build(problem, classes, starts=reference.half_hour_starts(problem, classes))
    weights = kept_weights(problem, classes, model)
    lp = reference.solve_model(
        model, integer=False, time_limit_s=60, engine="GLOP", weights=weights, options=reference.DUAL_SIMPLEX
    )
    assert lp.values is not None and lp.duals is not None
    # The weighted LP's duals bound the plain LP: from above, and as tight as its floor.
    plain = reference.solve_model(model, integer=False, time_limit_s=60, engine="GLOP")
    value = reference.plain_bound(model, lp.duals)
    assert plain.objective - 1e-6 <= value <= lp.objective + 1e-6
    ceiling = reference.ceiling(model, lp, value)
    assert ceiling == reference.ceiling(model, plain)
    assert float(lp.values.sum()) == pytest.approx(plain.objective, abs=1e-6)  # the bonus costs no placement

    sub, sub_weights = support_model(problem, classes, model, lp.values)
    assert sub.size <= model.size
    assert sum(w > 1 for w in sub_weights) == sum(w > 1 for w in weights)  # every current pair stays possible
    solved = solve_support(problem, classes, model, lp.values, 60, lambda: False)
    assert solved is not None
    sub_model, values = solved
    state = take_solution(problem, classes, sub_model, values)
    # Every session of the solution is placed (the rest go first fit after it), never above the bound.
    assert state.placed >= sub_model.fixed + int(values.sum())
    assert state.placed <= ceiling
    # Current pairs the solution keeps are kept by the placement.
    chosen = {
        (int(sub_model.var_class[j]), int(sub_model.var_mentor[j]), int(sub_model.var_start[j]))
        for j in np.flatnonzero(values > 0.5).tolist()
    }
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    for s in problem.movable:
        current = problem.students[s].current
        if current is not None and (class_of[s], *current) in chosen:
            assert state.where.get(s) == current
    result = build_result(
        problem, state, flow_bound(problem, classes, graph).upper_bound, "feasible", {}, "flow", False
    )
    assert check(instance.mentors, instance.students, result) == []
    # On these instances it places at least what rounding the LP does.
    assert state.placed >= lp_round(problem, classes, model, lp.values).placed


@pytest.mark.parametrize(
    ("family", "seed"), [("mixed", 1), ("mixed", 2), ("evening", 2), ("scarce", 1), ("patterns", 3)]
)
def test_whole_mip_places_at_most_the_optimum_and_bounds_it_from_above(family: str, seed: int) -> None:
    instance = make(family, "S", seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    model = reference.build(problem, classes, starts=reference.half_hour_starts(problem, classes))
    optimum = reference.solve_model(model, integer=True, time_limit_s=120)
    assert optimum.optimal
    best = model.fixed + round(optimum.objective)
    lp = reference.solve_model(model, integer=False, time_limit_s=60, engine="GLOP")
    values, ceiling = solve_whole(problem, classes, model, 60, lambda: False)
    assert values is not None and ceiling is not None
    state = take_solution(problem, classes, model, values)
    # Placed <= optimum <= the whole MIP's ceiling <= the LP's; on these small models it is proven.
    assert state.placed <= best <= ceiling <= (reference.ceiling(model, lp) or ceiling)
    assert state.placed == best == ceiling
    result = build_result(
        problem, state, flow_bound(problem, classes, graph).upper_bound, "feasible", {}, "flow", False
    )
    assert check(instance.mentors, instance.students, result) == []


def test_whole_mip_cancelled_at_once_gives_nothing_or_a_valid_ceiling() -> None:
    instance = make("mixed", "S", 1)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    model = reference.build(problem, classes, starts=reference.half_hour_starts(problem, classes))
    optimum = reference.solve_model(model, integer=True, time_limit_s=120)
    values, ceiling = solve_whole(problem, classes, model, 60, lambda: True)
    assert ceiling is None or ceiling >= model.fixed + round(optimum.objective)
    if values is not None:
        assert take_solution(problem, classes, model, values).placed <= model.fixed + round(optimum.objective)


@pytest.mark.parametrize(("family", "seed"), [("mixed", 1), ("mixed", 3), ("scarce", 2)])
def test_guided_blocks_only_add_students_and_break_no_rule(family: str, seed: int) -> None:
    instance = make(family, "S", seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    model = reference.build(problem, classes, starts=reference.half_hour_starts(problem, classes))
    lp = reference.solve_model(model, integer=False, time_limit_s=60, engine="GLOP")
    assert lp.values is not None
    ceiling = reference.ceiling(model, lp)
    assert ceiling is not None
    state = first_fit(problem, classes)
    before = state.placed
    rng = random.Random(seed)
    gained = 0
    for _ in range(4):
        pool = sorted(s for cls in classes if cls.mentors for s in cls.members if s not in state.where)
        if not pool:
            break
        placed = state.placed
        gain = improve_guided(
            state,
            classes,
            class_of,
            (model, lp.values),
            rng.choice(pool),
            rng,
            time.monotonic() + 30,
            lambda: False,
        )
        assert gain >= 0 and state.placed == placed + gain
        gained += gain
    assert state.placed == before + gained <= ceiling
    assert gained > 0  # first fit leaves room on these instances, and a block of 40 mentors covers S
    result = build_result(
        problem, state, flow_bound(problem, classes, graph).upper_bound, "feasible", {}, "flow", False
    )
    assert check(instance.mentors, instance.students, result) == []
