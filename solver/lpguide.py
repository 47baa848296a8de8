"""LP-guided construction: round the time-indexed LP relaxation into a placement.

The LP of ``solver.reference`` says, per (class, mentor, start), how much of a session it would put
there. Its values, largest first, are taken as a plan: each one becomes a session when the class still
has an unplaced member and the mentor a seat and that start free. Current pairs are placed first (they
are worth ``kept``), and students the rounding left out then go to the first mentor with a seat and a
free common start. The repair that follows (``augment``, ``chains``) works on this placement as on any.
On free-form weeks the LP is nearly integral, so rounding it keeps the few overlaps the flow relaxation
cannot see out of the way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from solver.classes import StudentClass
from solver.greedy import keep_current, place_first
from solver.prepare import Problem
from solver.reference import TimeIndexed
from solver.state import State


def lp_round(
    problem: Problem, classes: list[StudentClass], model: TimeIndexed, values: npt.NDArray[np.float64]
) -> State:
    state = keep_current(problem)
    waiting = [[s for s in cls.members if s not in state.where] for cls in classes]
    order = np.argsort(-values, kind="stable")
    order = order[values[order] > 1e-6]
    students = problem.students
    for j in order.tolist():
        c, m, t = int(model.var_class[j]), int(model.var_mentor[j]), int(model.var_start[j])
        if not waiting[c] or not state.has_room(m):
            continue
        s = waiting[c][-1]
        if (state.open_starts(s, m) >> t) & 1:
            # Prefer the member whose current pair and slot this is.
            for i, other in enumerate(waiting[c]):
                if students[other].current == (m, t):
                    s = waiting[c].pop(i)
                    break
            else:
                waiting[c].pop()
            state.assign(s, m, t)
    for c, left in enumerate(waiting):
        for s in left:
            place_first(state, s, classes[c].mentors)
    return state
