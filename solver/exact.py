"""An exact upper bound for small instances: the time-indexed model, solved by CP-SAT.

One boolean per (student class, mentor, start) where both sides are free: a class sends at most its
size, a mentor holds at most one session per step and at most its remaining seats. Identical students
are interchangeable, so this model's optimum is exactly the largest number of movable students that
can be placed, and CP-SAT's proven objective bound is a valid ceiling even when it stops early. It is
run only when the flow bound is not reached and the model is small (``EXACT_MAX_VARIABLES``): at S it
closes the flow relaxation's last unit of slack in milliseconds; at M and above it would not finish.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from solver.classes import StudentClass
from solver.grid import bits
from solver.prepare import Problem

EXACT_MAX_VARIABLES = 20_000


def exact_bound(
    problem: Problem, classes: list[StudentClass], time_limit_s: float, num_workers: int, seed: int
) -> int | None:
    """A proven ceiling on the number placed, or None when the model is too large or gave none."""
    domains: list[tuple[int, int, list[int]]] = []
    size = 0
    for c, cls in enumerate(classes):
        for m in cls.mentors:
            starts = bits(cls.starts & problem.base_starts(m, cls.duration))
            size += len(starts)
            if size > EXACT_MAX_VARIABLES:
                return None
            domains.append((c, m, starts))
    model = cp_model.CpModel()
    per_class: dict[int, list[cp_model.IntVar]] = {}
    per_mentor: dict[int, list[cp_model.IntVar]] = {}
    per_step: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for c, m, starts in domains:
        duration = classes[c].duration
        for start in starts:
            x = model.new_bool_var("")
            per_class.setdefault(c, []).append(x)
            per_mentor.setdefault(m, []).append(x)
            for t in range(start, start + duration):
                per_step.setdefault((m, t), []).append(x)
    for c, xs in per_class.items():
        model.add(sum(xs) <= len(classes[c].members))
    for m, xs in per_mentor.items():
        model.add(sum(xs) <= problem.mentors[m].capacity - problem.base_count[m])
    for xs in per_step.values():
        if len(xs) > 1:
            model.add_at_most_one(xs)
    model.maximize(sum(x for xs in per_class.values() for x in xs))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return len(problem.fixed) + math.floor(solver.best_objective_bound + 1e-6)
