"""Fill mentors in proportion (O3 of ``solver.problem``) and soft preferences (O4), O1 unchanged.

First fit places the most students on the generated instances but fills mentors one after the other;
this pass then moves single students to a mentor where their seat is worth more (a less-full mentor in
proportion to their requested number, see ``solver.scoring.seat_value``) or the pair shares a language
or region, when that mentor has a seat and a free common start. Students on their current pair and
slot never move (O2 ranks above). Each move strictly raises the objective, so passes end.
"""

from __future__ import annotations

import threading
import time

from solver.classes import StudentClass
from solver.greedy import pick_start
from solver.model import Weights
from solver.scoring import pair_bonus, seat_value
from solver.state import State

MAX_PASSES = 6


def rebalance(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    weights: Weights,
    deadline: float,
    cancel: threading.Event | None = None,
) -> int:
    """Move students while it pays; returns how many moves were made."""
    problem = state.problem
    caps = [m.capacity for m in problem.mentors]
    moves = 0
    for _ in range(MAX_PASSES):
        moved = 0
        for s in sorted(state.where):
            if time.monotonic() >= deadline or (cancel is not None and cancel.is_set()):
                return moves + moved
            m, start = state.where[s]
            if problem.students[s].current == (m, start):
                continue
            here = seat_value(weights, state.count[m], caps[m]) + pair_bonus(problem, s, m, weights)
            options: list[tuple[int, int]] = []
            for other in classes[class_of[s]].mentors:
                if other == m or state.count[other] >= caps[other]:
                    continue
                gain = (
                    seat_value(weights, state.count[other] + 1, caps[other])
                    + pair_bonus(problem, s, other, weights)
                    - here
                )
                if gain > 0:
                    options.append((-gain, other))
            options.sort()
            for _, other in options:
                starts = state.open_starts(s, other)
                if starts:
                    state.unassign(s)
                    state.assign(s, other, pick_start(state, s, other, starts))
                    moved += 1
                    break
        moves += moved
        if not moved:
            break
    return moves
