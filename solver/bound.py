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

The arcs are built as numpy arrays from the (class, mentor, day) counts of ``solver.classes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from solver.classes import ClassGraph, StudentClass
from solver.model import DAYS_PER_WEEK, MAX_SESSION_STEPS, STEPS_PER_DAY
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


def flow_bound(problem: Problem, classes: list[StudentClass], graph: ClassGraph) -> FlowBound:
    n_classes, n_mentors = len(classes), len(problem.mentors)
    source, sink = 0, 1
    first_day_node = 2 + n_classes
    first_mentor_node = first_day_node + n_mentors * DAYS_PER_WEEK
    sizes = np.asarray([len(c.members) for c in classes], dtype=np.int64)
    durations = np.asarray([c.duration for c in classes], dtype=np.int64)

    linked = np.flatnonzero(np.bincount(graph.arc_class, minlength=n_classes))
    day_index = graph.arc_mentor.astype(np.int64) * DAYS_PER_WEEK + graph.arc_day
    day_keys = np.flatnonzero(np.bincount(day_index, minlength=n_mentors * DAYS_PER_WEEK))
    shortest = np.full(n_mentors, MAX_SESSION_STEPS + 1, dtype=np.int64)
    np.minimum.at(shortest, graph.arc_mentor, durations[graph.arc_class])
    day_caps = np.zeros(len(day_keys), dtype=np.int64)
    for i, key in enumerate(day_keys.tolist()):
        m, t = divmod(key, DAYS_PER_WEEK)
        free = ((problem.mentors[m].free & ~problem.base_used[m]) >> (t * STEPS_PER_DAY)) & _DAY
        day_caps[i] = sum(run // int(shortest[m]) for run in _runs(free))
    mentors_used = np.flatnonzero(np.bincount(graph.arc_mentor, minlength=n_mentors))
    seat_tails: list[int] = []
    seat_costs: list[int] = []
    for m in mentors_used.tolist():
        capacity = problem.mentors[m].capacity
        for seat in range(problem.base_count[m] + 1, capacity + 1):
            seat_tails.append(first_mentor_node + m)
            seat_costs.append(_SEAT_COST_SCALE * seat // capacity)

    n_class_arcs = len(graph.arc_class)
    tails = np.concatenate(
        [
            np.full(len(linked), source, np.int64),
            2 + graph.arc_class.astype(np.int64),
            first_day_node + day_keys,
            np.asarray(seat_tails, dtype=np.int64),
        ]
    )
    heads = np.concatenate(
        [
            2 + linked.astype(np.int64),
            first_day_node + day_index,
            first_mentor_node + day_keys // DAYS_PER_WEEK,
            np.full(len(seat_tails), sink, np.int64),
        ]
    )
    caps = np.concatenate(
        [
            sizes[linked],
            np.minimum(graph.arc_k.astype(np.int64), sizes[graph.arc_class]),
            day_caps,
            np.ones(len(seat_tails), np.int64),
        ]
    )
    costs = np.concatenate(
        [np.zeros(len(linked) + n_class_arcs + len(day_keys), np.int64), np.asarray(seat_costs, np.int64)]
    )
    flow = 0
    guide: dict[tuple[int, int], int] = {}
    if len(tails):
        mcf = min_cost_flow.SimpleMinCostFlow()
        mcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
        supply = int(sizes[linked].sum())
        mcf.set_node_supply(source, supply)
        mcf.set_node_supply(sink, -supply)
        status = mcf.solve_max_flow_with_min_cost()
        if status != mcf.OPTIMAL:
            raise RuntimeError(f"flow bound: min cost flow failed with status {status}")
        flow = mcf.maximum_flow()
        first = len(linked)
        flows = mcf.flows(np.arange(first, first + n_class_arcs, dtype=np.int32))
        used = np.flatnonzero(flows)
        for c, m, n in zip(
            graph.arc_class[used].tolist(),
            graph.arc_mentor[used].tolist(),
            flows[used].tolist(),
            strict=True,
        ):
            guide[(c, m)] = guide.get((c, m), 0) + n
    return FlowBound(len(problem.fixed) + flow, guide, len(tails))
