"""Large-neighbourhood search: re-solve small CP-SAT models around unplaced students.

A neighbourhood starts from one unplaced student: a few of the mentors they could have, grown by the
other mentors that the students already there could move to (so chains of moves are possible), then
every movable student sitting with those mentors and the unplaced students who could join them. Everyone
else stays where they are. The sub-model is exact for that neighbourhood: per possible (student, mentor)
pair a boolean and a start variable over the allowed starts, an optional interval, one ``NoOverlap`` and
one capacity constraint per mentor, and the weighted objective of ``solver.model.Weights``. It is solved
with a deterministic time limit, from a complete hint (the current placement), so each round is
repeatable and never worse than the hint; a strictly better answer replaces the current placement.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.classes import StudentClass
from solver.grid import bits
from solver.model import SolveOptions, Weights
from solver.prepare import Problem
from solver.scoring import pair_bonus, seat_value
from solver.state import State

# Measured at M (seed 1, 2 cores): 4/10/40/0.2 never closed the last student in 10 s; 6/20/80/1.0 did
# in 3 rounds. Chains (solver.chains) already do the cheap moves, so the rounds that are left are few
# and must be wide.
SEED_MENTORS = 6
MAX_MENTORS = 20
MAX_NEW_STUDENTS = 80
ROUND_DETERMINISTIC_TIME = 1.0


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    mentors: list[int]
    students: list[int]


def _objective(problem: Problem, state: State, weights: Weights, nb: Neighbourhood) -> int:
    """The sub-model's objective for the current placement, to compare with the re-solve."""
    total = 0
    for s in nb.students:
        if s in state.where:
            m, start = state.where[s]
            total += weights.placed + pair_bonus(problem, s, m, weights)
            if problem.students[s].current == (m, start):
                total += weights.kept
    for m in nb.mentors:
        cap = problem.mentors[m].capacity
        total += sum(
            seat_value(weights, j, cap) for j in range(problem.base_count[m] + 1, state.count[m] + 1)
        )
    return total


def neighbourhood(
    state: State, classes: list[StudentClass], class_of: dict[int, int], seed: int, rng: random.Random
) -> Neighbourhood:
    own = classes[class_of[seed]].mentors
    mentors = rng.sample(own, min(SEED_MENTORS, len(own)))
    chosen = set(mentors)
    reach: dict[int, int] = {}
    for m in mentors:
        for s in sorted(state.at_mentor[m]):
            for other in classes[class_of[s]].mentors:
                if other not in chosen:
                    reach[other] = reach.get(other, 0) + 1
    ranked = sorted(reach.items(), key=lambda kv: (not state.has_room(kv[0]), -kv[1], kv[0]))
    for other, _ in ranked[: MAX_MENTORS - len(mentors)]:
        mentors.append(other)
        chosen.add(other)
    students = sorted(s for m in mentors for s in state.at_mentor[m])
    waiting = [
        s
        for c in {class_of[seed], *(class_of[s] for s in students)}
        for s in classes[c].members
        if s not in state.where and s != seed and chosen.intersection(classes[c].mentors)
    ]
    rng.shuffle(waiting)
    students.append(seed)
    students.extend(waiting[: MAX_NEW_STUDENTS - 1])
    return Neighbourhood(sorted(mentors), students)


def resolve(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    nb: Neighbourhood,
    options: SolveOptions,
    deadline: float,
) -> bool:
    """Re-solve the neighbourhood; apply and return True when strictly better."""
    problem, weights = state.problem, options.weights
    model = cp_model.CpModel()
    in_nb = set(nb.mentors)
    pairs: dict[tuple[int, int], tuple[cp_model.IntVar, cp_model.IntVar]] = {}
    objective: list[cp_model.LinearExprT] = []
    per_mentor: dict[int, list[tuple[cp_model.IntVar, cp_model.IntervalVar]]] = {m: [] for m in nb.mentors}
    for s in nb.students:
        st = problem.students[s]
        chosen: list[cp_model.IntVar] = []
        for m in classes[class_of[s]].mentors:
            if m not in in_nb:
                continue
            domain = bits(st.starts & problem.base_starts(m, st.duration))
            x = model.new_bool_var(f"x{s}_{m}")
            start = model.new_int_var_from_domain(cp_model.Domain.from_values(domain), f"t{s}_{m}")
            interval = model.new_optional_fixed_size_interval_var(start, st.duration, x, f"i{s}_{m}")
            per_mentor[m].append((x, interval))
            pairs[(s, m)] = (x, start)
            chosen.append(x)
            objective.append((weights.placed + pair_bonus(problem, s, m, weights)) * x)
            where = state.where.get(s)
            model.add_hint(x, where is not None and where[0] == m)
            model.add_hint(start, where[1] if where is not None and where[0] == m else domain[0])
            if st.current is not None and st.current[0] == m and st.current[1] in domain:
                keep = model.new_bool_var(f"k{s}")
                model.add_implication(keep, x)
                model.add(start == st.current[1]).only_enforce_if(keep)
                objective.append(weights.kept * keep)
                model.add_hint(keep, where == st.current)
        model.add_at_most_one(chosen)
    for m, items in per_mentor.items():
        model.add_no_overlap([iv for _, iv in items])
        cap, base = problem.mentors[m].capacity, problem.base_count[m]
        seats = [model.new_bool_var(f"y{m}_{j}") for j in range(base + 1, cap + 1)]
        model.add(sum(x for x, _ in items) == sum(seats))
        for fuller, emptier in itertools.pairwise(seats):
            model.add_implication(emptier, fuller)
        for j, y in enumerate(seats, start=base + 1):
            objective.append(seat_value(weights, j, cap) * y)
            model.add_hint(y, j <= state.count[m])
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = options.num_workers
    params.interleave_search = True
    params.random_seed = options.seed
    params.max_deterministic_time = ROUND_DETERMINISTIC_TIME
    params.max_time_in_seconds = max(0.01, deadline - time.monotonic())
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    if solver.objective_value <= _objective(problem, state, weights, nb) + 0.5:
        return False
    for s in nb.students:
        if s in state.where:
            state.unassign(s)
    for (s, m), (x, start) in pairs.items():
        if solver.boolean_value(x):
            state.assign(s, m, solver.value(start))
    return True
