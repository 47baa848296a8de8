"""Two reference methods the benchmark sets beside ``solve``: greedy first-fit and naive CP-SAT."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.grid import interval_mask, session_mask, start_mask, weekday_mask
from solver.model import MentorIn, StudentIn

NAIVE_MAX_VARIABLES = 3_000_000


@dataclass(frozen=True, slots=True)
class BaselineResult:
    placed: int | None
    status: str
    seconds: float


def _masks(mentors: Sequence[MentorIn], students: Sequence[StudentIn]) -> tuple[list[int], list[int]]:
    free = [interval_mask(m.availability) & ~interval_mask(m.absences) for m in mentors]
    own = [
        start_mask(interval_mask(s.availability) & weekday_mask(s.allowed_weekdays), s.duration_steps)
        for s in students
    ]
    return free, own


def greedy_first_fit(mentors: Sequence[MentorIn], students: Sequence[StudentIn]) -> BaselineResult:
    """Students in id order, each to the first mentor (by id) with a seat and a free common start."""
    t0 = time.monotonic()
    free, own = _masks(mentors, students)
    seats = [m.capacity for m in mentors]
    placed = 0
    order = sorted(range(len(students)), key=lambda i: students[i].id)
    by_project: dict[int, list[int]] = {}
    for j in sorted(range(len(mentors)), key=lambda j: mentors[j].id):
        for p in mentors[j].projects:
            by_project.setdefault(p, []).append(j)
    for i in order:
        st = students[i]
        for j in by_project.get(st.project, ()):
            if seats[j] <= 0:
                continue
            if mentors[j].id in st.forbidden_mentor_ids:
                continue
            common = own[i] & start_mask(free[j], st.duration_steps)
            if common:
                start = (common & -common).bit_length() - 1
                free[j] &= ~session_mask(start, st.duration_steps)
                seats[j] -= 1
                placed += 1
                break
    return BaselineResult(placed, "feasible", time.monotonic() - t0)


def naive_cpsat(
    mentors: Sequence[MentorIn], students: Sequence[StudentIn], time_limit_s: float, seed: int = 0
) -> BaselineResult:
    """One boolean per student x mentor x start, at-most-one per mentor step, capacity per mentor.

    Pinned students may only take their current pair, which is forced.
    """
    t0 = time.monotonic()
    free, own = _masks(mentors, students)
    model = cp_model.CpModel()
    per_student: list[list[cp_model.IntVar]] = [[] for _ in students]
    per_mentor: list[list[cp_model.IntVar]] = [[] for _ in mentors]
    per_step: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    variables = 0
    for i, st in enumerate(students):
        for j, mentor in enumerate(mentors):
            if st.project not in mentor.projects or mentor.id in st.forbidden_mentor_ids:
                continue
            common = own[i] & start_mask(free[j], st.duration_steps)
            variables += common.bit_count()
            if variables > NAIVE_MAX_VARIABLES:
                return BaselineResult(None, "too_large_to_build", time.monotonic() - t0)
            if st.pinned:
                at = st.current_start_step if st.current_mentor_id == mentor.id else None
                common = common & (1 << at) if at is not None and at >= 0 else 0
            while common:
                start = (common & -common).bit_length() - 1
                common &= common - 1
                x = model.new_bool_var("")
                if st.pinned:
                    model.add(x == 1)
                per_student[i].append(x)
                per_mentor[j].append(x)
                for t in range(start, start + st.duration_steps):
                    per_step.setdefault((j, t), []).append(x)
    for xs in per_student:
        model.add_at_most_one(xs)
    for j, xs in enumerate(per_mentor):
        model.add(sum(xs) <= mentors[j].capacity)
    for xs in per_step.values():
        if len(xs) > 1:
            model.add_at_most_one(xs)
    model.maximize(sum(x for xs in per_student for x in xs))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit_s
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return BaselineResult(
            round(solver.objective_value), solver.status_name(status).lower(), time.monotonic() - t0
        )
    return BaselineResult(None, solver.status_name(status).lower(), time.monotonic() - t0)
