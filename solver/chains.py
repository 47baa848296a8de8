"""Ejection chains of any length: augmenting paths over mentors, as in bipartite matching.

To place an unplaced student ``x0``, search breadth-first for a chain ``x0 -> (m1, x1) -> (m2, x2) ->
... -> mk``: ``x0`` takes ``x1``'s place at mentor ``m1`` (a seat, and a start that is free once ``x1``
has left), ``x1`` takes ``x2``'s place at ``m2``, ... and the last student moves to a mentor ``mk`` that
has a seat and a free start. Mentors along a chain are pairwise different, so each mentor loses one
student and gains one, and every step's test stays exact when the chain is applied. The search is the
slot-aware analogue of the augmenting paths that make the flow relaxation optimal, and it is what the
one-step ejections of ``solver.augment`` generalize.

Students that a failed search reached are remembered as *dead* until the placement changes: another
search from the same state would meet the same tree (a heuristic reuse, as in the Hungarian method).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from solver.classes import StudentClass
from solver.greedy import pick_start
from solver.grid import session_mask, start_mask
from solver.state import State

MAX_DEPTH = 12


class ChainSearch:
    def __init__(
        self,
        state: State,
        classes: list[StudentClass],
        class_of: dict[int, int],
        stop: Callable[[], bool] | None = None,
    ) -> None:
        self.stop = stop
        self.state = state
        self.classes = classes
        self.class_of = class_of
        self.dead: set[int] = set()
        self.dead_classes: set[int] = set()
        self.nodes = 0  # students examined by every search so far (a work count, not a clock)

    def _starts_without(self, x: int, m: int, v: int) -> int:
        """Starts at ``m`` open to ``x`` once ``v`` has left ``m``."""
        state = self.state
        problem = state.problem
        st = problem.students[x]
        _, v_start = state.where[v]
        used = state.used[m] & ~session_mask(v_start, problem.students[v].duration)
        return st.starts & start_mask(problem.mentors[m].free & ~used, st.duration)

    def try_place(self, u: int, max_nodes: int = 20_000) -> bool:
        """Place unplaced student ``u`` through a chain; True when it did (the state then changed)."""
        state = self.state
        if self.class_of[u] in self.dead_classes:
            return False
        students = state.problem.students
        # parent[x] = (previous student, mentor where the previous one takes x's place)
        parent: dict[int, tuple[int, int] | None] = {u: None}
        path_mentors: dict[int, frozenset[int]] = {u: frozenset()}
        depth: dict[int, int] = {u: 0}
        queue = deque([u])
        nodes = 0
        while queue:
            x = queue.popleft()
            used_here = path_mentors[x]
            mentors = self.classes[self.class_of[x]].mentors
            for m in mentors:
                if m in used_here or not state.has_room(m):
                    continue
                if state.open_starts(x, m):
                    self._apply(parent, x, m)
                    self.dead.clear()
                    self.dead_classes.clear()
                    return True
            if depth[x] >= MAX_DEPTH:
                continue
            for m in mentors:
                if m in used_here:
                    continue
                # Students away from their current pair first: moving them again costs nothing.
                for v in sorted(state.at_mentor[m], key=lambda v: (students[v].current == state.where[v], v)):
                    if v in parent or v in self.dead:
                        continue
                    nodes += 1
                    self.nodes += 1
                    if self._starts_without(x, m, v):
                        parent[v] = (x, m)
                        path_mentors[v] = used_here | {m}
                        depth[v] = depth[x] + 1
                        queue.append(v)
            if nodes > max_nodes or (self.stop is not None and self.stop()):
                return False
        self.dead.update(parent)
        self.dead.discard(u)
        self.dead_classes.add(self.class_of[u])
        return False

    def _apply(self, parent: dict[int, tuple[int, int] | None], last: int, last_mentor: int) -> None:
        state = self.state
        chain: list[tuple[int, int]] = [(last, last_mentor)]  # (student, mentor they move to)
        x = last
        link = parent[x]
        while link is not None:
            prev, m = link
            chain.append((prev, m))
            x = prev
            link = parent[x]
        for s, _ in chain:
            if s in state.where:
                state.unassign(s)
        for s, m in chain:
            starts = state.open_starts(s, m)
            state.assign(s, m, pick_start(state, s, m, starts))
