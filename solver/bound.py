"""A proven upper bound on the number of students placed, from a flow relaxation.

Network (one unit of flow = one placed movable student)::

    source -> class c            capacity n_c, the class size
    class c -> (mentor m, day t) capacity min(n_c, k_cmt), k_cmt = number of start steps on day t that
                                 are allowed for c and free of fixed sessions at m for c's session length
    (m, t) -> mentor m           capacity q_mt = sum over maximal free runs r of m on day t
                                 of floor(len(r) / d_m), d_m = shortest session of a class linked to m
    mentor m -> sink             capacity = requested capacity minus fixed sessions (R2), split into one
                                 arc per seat whose cost rises with the seat's fill ratio

**Why the bound is valid.** Take any assignment that satisfies the hard rules and send one unit along
``source -> c -> (m, t) -> m -> sink`` for each movable student of class c placed at mentor m on day t.
Every arc stays within capacity: (1) a class has n_c students; (2) the class-c students at m on day t
start at pairwise different steps (same-mentor sessions never overlap), each an allowed start free of
fixed sessions, so there are at most k_cmt of them, and at most n_c; (3) sessions at m on day t are
disjoint, each lies inside one free run of m (it avoids fixed sessions and does not cross midnight) and
is at least d_m long, so a run of length L holds at most floor(L / d_m) of them; (4) R2 caps m. Hence
every feasible assignment is a feasible flow, the maximum flow is at least the number of movable
students placed, and ``len(fixed) + max_flow`` bounds the total placed. The seat costs only choose among
maximum flows (mentors filled in proportion), used as a guide by the construction heuristic.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from solver.classes import StudentClass
from solver.model import DAYS_PER_WEEK, STEPS_PER_DAY
from solver.prepare import Problem

_DAY = (1 << STEPS_PER_DAY) - 1
_SEAT_COST_SCALE = 1000


@dataclass(frozen=True, slots=True)
class FlowBound:
    upper_bound: int
    guide: dict[tuple[int, int], int]  # (class index, mentor) -> students the flow sends there
    arcs: int


def _runs(mask: int) -> list[int]:
    """Lengths of the maximal runs of set bits."""
    lengths: list[int] = []
    while mask:
        low = (mask & -mask).bit_length() - 1
        mask >>= low
        run = (~mask & (mask + 1)).bit_length() - 1
        lengths.append(run)
        mask >>= run
    return lengths


def flow_bound(problem: Problem, classes: list[StudentClass]) -> FlowBound:
    # Typed arrays: millions of arcs at L, eight bytes each instead of a Python int each.
    tails, heads, caps, costs = array("i"), array("i"), array("q"), array("q")

    def arc(t: int, h: int, cap: int, cost: int = 0) -> None:
        tails.append(t)
        heads.append(h)
        caps.append(cap)
        costs.append(cost)

    source, sink = 0, 1
    next_node = 2 + len(classes)
    mentor_node: dict[int, int] = {}
    day_node: dict[tuple[int, int], int] = {}
    shortest: dict[int, int] = {}
    class_arcs, arc_class, arc_mentor = array("i"), array("i"), array("i")  # class -> (mentor, day)
    for c, cls in enumerate(classes):
        if not cls.mentors:
            continue
        arc(source, 2 + c, len(cls.members))
        for m in cls.mentors:
            common = cls.starts & problem.base_starts(m, cls.duration)
            shortest[m] = min(shortest.get(m, cls.duration), cls.duration)
            for t in range(DAYS_PER_WEEK):
                k = ((common >> (t * STEPS_PER_DAY)) & _DAY).bit_count()
                if k == 0:
                    continue
                node = day_node.get((m, t))
                if node is None:
                    node = day_node[(m, t)] = next_node
                    next_node += 1
                class_arcs.append(len(tails))
                arc_class.append(c)
                arc_mentor.append(m)
                arc(2 + c, node, min(k, len(cls.members)))
    for (m, t), node in day_node.items():
        if m not in mentor_node:
            mentor_node[m] = next_node
            next_node += 1
        free = ((problem.mentors[m].free & ~problem.base_used[m]) >> (t * STEPS_PER_DAY)) & _DAY
        arc(node, mentor_node[m], sum(run // shortest[m] for run in _runs(free)))
    for m, node in mentor_node.items():
        capacity = problem.mentors[m].capacity
        for seat in range(problem.base_count[m] + 1, capacity + 1):
            arc(node, sink, 1, _SEAT_COST_SCALE * seat // capacity)

    flow = 0
    guide: dict[tuple[int, int], int] = {}
    if tails:
        mcf = min_cost_flow.SimpleMinCostFlow()
        mcf.add_arcs_with_capacity_and_unit_cost(
            np.frombuffer(tails, dtype=np.int32),
            np.frombuffer(heads, dtype=np.int32),
            np.frombuffer(caps, dtype=np.int64),
            np.frombuffer(costs, dtype=np.int64),
        )
        supply = sum(len(cls.members) for cls in classes)
        mcf.set_node_supply(source, supply)
        mcf.set_node_supply(sink, -supply)
        status = mcf.solve_max_flow_with_min_cost()
        if status != mcf.OPTIMAL:
            raise RuntimeError(f"flow bound: min cost flow failed with status {status}")
        flow = mcf.maximum_flow()
        flows = mcf.flows(np.frombuffer(class_arcs, dtype=np.int32))
        for i in np.flatnonzero(flows).tolist():
            key = (arc_class[i], arc_mentor[i])
            guide[key] = guide.get(key, 0) + int(flows[i])
    return FlowBound(len(problem.fixed) + flow, guide, len(tails))
