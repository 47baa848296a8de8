"""The objectives O2-O4 of ``solver.problem`` in integers, shared by the search and the reporting."""

from __future__ import annotations

from solver.model import Weights
from solver.prepare import Problem

_DEFAULT = Weights()


def pair_bonus(problem: Problem, s: int, m: int, weights: Weights | None = None) -> int:
    """Soft preferences of putting student ``s`` with mentor ``m`` (O4)."""
    w = weights or _DEFAULT
    st, mentor = problem.students[s], problem.mentors[m]
    bonus = 0
    if st.languages & mentor.languages:
        bonus += w.language
    if st.region and st.region == mentor.region:
        bonus += w.region
    return bonus - w.level_cost * w.level_cost_eur.get(st.level, 0)


def seat_value(weights: Weights, seat: int, capacity: int) -> int:
    """Worth of a mentor's ``seat``-th student (1-based): concave, so mentors fill in proportion (O3)."""
    return weights.fill * (capacity - seat + 1) // capacity
