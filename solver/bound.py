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
import numpy.typing as npt
from ortools.graph.python import max_flow, min_cost_flow

from solver.classes import ClassGraph, StudentClass
from solver.model import DAYS_PER_WEEK, MAX_SESSION_STEPS, STEPS_PER_DAY
from solver.prepare import Problem

_DAY = (1 << STEPS_PER_DAY) - 1
_SEAT_COST_SCALE = 1000
# Above this many arcs (L, XL) the seat costs are dropped: a plain maximum flow gives the same bound ~10x
# faster (measured at L: 0.5 s of CPU against 5.5 s for the min-cost flow).
MIN_COST_MAX_ARCS = 1_000_000


@dataclass(frozen=True, slots=True)
class FlowBound:
    upper_bound: int
    guide: dict[tuple[int, int], int]  # (class index, mentor) -> students the flow sends there
    arcs: int
    # Classes whose source arc crosses a minimum cut (its sink side): the flow's dual prices them at 1,
    # the others at 0. ``solver.lagrange`` starts from these prices, where its bound is at most this one.
    cut_classes: frozenset[int] = frozenset()


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
    # int32 wherever a value fits (node ids, sizes, per-arc capacities): at XL there are ~56 million
    # class arcs, and the solver copies what it is given, so our arrays are dropped before it solves.
    sizes = np.asarray([len(c.members) for c in classes], dtype=np.int32)
    durations = np.asarray([c.duration for c in classes], dtype=np.int32)

    linked = np.flatnonzero(np.bincount(graph.arc_class, minlength=n_classes)).astype(np.int32)
    day_index = graph.arc_mentor * np.int32(DAYS_PER_WEEK) + graph.arc_day.astype(np.int32)
    day_keys = np.flatnonzero(np.bincount(day_index, minlength=n_mentors * DAYS_PER_WEEK)).astype(np.int32)
    shortest = np.full(n_mentors, MAX_SESSION_STEPS + 1, dtype=np.int32)
    np.minimum.at(shortest, graph.arc_mentor, durations[graph.arc_class])
    day_caps = np.zeros(len(day_keys), dtype=np.int32)
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
            np.full(len(linked), source, np.int32),
            graph.arc_class + np.int32(2),
            day_keys + np.int32(first_day_node),
            np.asarray(seat_tails, dtype=np.int32),
        ]
    )
    day_index += np.int32(first_day_node)
    heads = np.concatenate(
        [
            linked + np.int32(2),
            day_index,
            day_keys // np.int32(DAYS_PER_WEEK) + np.int32(first_mentor_node),
            np.full(len(seat_tails), sink, np.int32),
        ]
    )
    del day_index
    caps = np.concatenate(
        [
            sizes[linked],
            np.minimum(graph.arc_k.astype(np.int32), sizes[graph.arc_class]),
            day_caps,
            np.ones(len(seat_tails), np.int32),
        ]
    ).astype(np.int64)
    n_arcs = len(tails)
    flow = 0
    guide: dict[tuple[int, int], int] = {}
    cut: frozenset[int] = frozenset()
    if n_arcs > MIN_COST_MAX_ARCS:
        # At L and XL: the maximum flow alone (the same bound, 0.5 s of CPU instead of 5.5 s at L); its
        # flows guide the construction without the seat costs' spreading.
        mf = max_flow.SimpleMaxFlow()
        mf.add_arcs_with_capacity(tails, heads, caps)
        del tails, heads, caps
        status = mf.solve(source, sink)
        if status != mf.OPTIMAL:
            raise RuntimeError(f"flow bound: max flow failed with status {status}")
        flow = mf.optimal_flow()
        first = len(linked)
        flows = mf.flows(np.arange(first, first + n_class_arcs, dtype=np.int32))
        cut = _sink_side_classes(mf.get_source_side_min_cut(), linked)
        del mf
        guide = _guide(graph, flows)
    elif n_arcs:
        costs = np.concatenate(
            [np.zeros(len(linked) + n_class_arcs + len(day_keys), np.int64), np.asarray(seat_costs, np.int64)]
        )
        mcf = min_cost_flow.SimpleMinCostFlow()
        mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        supply = int(sizes[linked].sum())
        mcf.set_node_supply(source, supply)
        mcf.set_node_supply(sink, -supply)
        status = mcf.solve_max_flow_with_min_cost()
        if status != mcf.OPTIMAL:
            raise RuntimeError(f"flow bound: min cost flow failed with status {status}")
        flow = mcf.maximum_flow()
        first = len(linked)
        flows = mcf.flows(np.arange(first, first + n_class_arcs, dtype=np.int32))
        guide = _guide(graph, flows)
        # The min-cost flow gives no cut: a maximum flow on the same arcs (small here) does.
        mf = max_flow.SimpleMaxFlow()
        mf.add_arcs_with_capacity(tails, heads, caps)
        if mf.solve(source, sink) == mf.OPTIMAL:
            cut = _sink_side_classes(mf.get_source_side_min_cut(), linked)
    return FlowBound(len(problem.fixed) + flow, guide, n_arcs, cut)


def _sink_side_classes(source_side: list[int], linked: npt.NDArray[np.int32]) -> frozenset[int]:
    """Linked classes not reachable from the source in the residual graph of a maximum flow."""
    reached = np.zeros(int(linked.max()) + 3 if len(linked) else 0, bool)
    nodes = np.asarray(source_side, np.int64)
    reached[nodes[nodes < len(reached)]] = True
    return frozenset(int(c) for c in linked.tolist() if not reached[c + 2])


def _guide(graph: ClassGraph, flows: npt.NDArray[np.int64]) -> dict[tuple[int, int], int]:
    """Per (class, mentor), how many students the flow sends."""
    guide: dict[tuple[int, int], int] = {}
    used = np.flatnonzero(flows)
    for c, m, n in zip(
        graph.arc_class[used].tolist(), graph.arc_mentor[used].tolist(), flows[used].tolist(), strict=True
    ):
        guide[(c, m)] = guide.get((c, m), 0) + n
    return guide
