"""The mutable search state: who sits where, and what each mentor's week looks like."""

from __future__ import annotations

from solver.grid import session_mask, start_mask
from solver.prepare import Problem


class State:
    """Placement of the movable students on top of the fixed sessions of a ``Problem``."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.used = list(problem.base_used)
        self.count = list(problem.base_count)
        self.where: dict[int, tuple[int, int]] = {}
        self.at_mentor: list[set[int]] = [set() for _ in problem.mentors]

    def has_room(self, m: int) -> bool:
        return self.count[m] < self.problem.mentors[m].capacity

    def open_starts(self, s: int, m: int) -> int:
        """Starts at which student ``s`` could join mentor ``m`` now (room is not checked)."""
        st = self.problem.students[s]
        return st.starts & start_mask(self.problem.mentors[m].free & ~self.used[m], st.duration)

    def assign(self, s: int, m: int, start: int) -> None:
        st = self.problem.students[s]
        self.used[m] |= session_mask(start, st.duration)
        self.count[m] += 1
        self.where[s] = (m, start)
        self.at_mentor[m].add(s)

    def unassign(self, s: int) -> None:
        m, start = self.where.pop(s)
        self.used[m] &= ~session_mask(start, self.problem.students[s].duration)
        self.count[m] -= 1
        self.at_mentor[m].discard(s)

    @property
    def placed(self) -> int:
        return len(self.problem.fixed) + len(self.where)
