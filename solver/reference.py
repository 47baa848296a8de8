"""The time-indexed model: an exact reference (MIP) and the bound the solver reports (its LP relaxation).

One variable per (student class, mentor, start) where the pair and the start satisfy the rules of one
pair (H1, H3, H4, H6-H8 of ``solver.problem``; the class's starts and the mentor's free starts hold
them) and the mentor is free of fixed sessions (H9, H11). Constraints:

- a class sends at most its size (identical students are interchangeable; H10);
- a mentor takes at most their seats left after the fixed sessions (H2);
- a mentor holds at most one session at a time (H5): one row per *maximal* clique of the mentor's candidate
  sessions (an interval graph, so a sweep finds them: a step where a session ends after at least one
  other started since the last such step). Rows of steps whose set of sessions is contained in another
  step's would be redundant, in the LP as well as in the MIP.

The objective is O1, the number of movable students placed, so ``len(fixed)`` plus the MIP optimum is the
largest number placeable, and ``len(fixed)`` plus the floor of the LP value (or of any dual bound a MIP
solver proves) is a valid upper bound on it.

The model is written as an ``MPModelProto`` (repeated fields filled from lists, which is ~5x faster than
a call per coefficient) and solved by HiGHS (MIP or LP) or GLOP through ``pywraplp``. A watcher thread
interrupts the solve when the caller's ``cancel()`` says so (cancel flag, or the search's deadline).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import linear_solver_pb2, pywraplp

from solver.classes import StudentClass
from solver.grid import bits
from solver.model import STEPS_PER_WEEK
from solver.prepare import Problem


@dataclass(slots=True)
class TimeIndexed:
    """The variables of the time-indexed model and its rows (as lists of variable indices)."""

    var_class: npt.NDArray[np.int32]
    var_mentor: npt.NDArray[np.int32]
    var_start: npt.NDArray[np.int32]
    rows: list[tuple[list[int], float]]  # (variable indices, upper bound), coefficients all 1
    fixed: int  # students already placed outside the model

    @property
    def size(self) -> int:
        return len(self.var_class)


@dataclass(frozen=True, slots=True)
class Solution:
    """What a solve of the model gave: values (None without a solution), objective, dual bound."""

    values: npt.NDArray[np.float64] | None
    objective: float
    bound: float | None  # proven ceiling on the model's optimum (LP value, or MIP dual bound)
    optimal: bool
    seconds: float
    nodes: int = 0  # branch-and-bound nodes (HiGHS MIP)
    duals: npt.NDArray[np.float64] | None = None  # an optimal LP's row duals, in ``model.rows`` order


# GLOP's dual simplex with perturbed costs, for the LP relaxation. The LP is highly degenerate (most
# reduced costs are 0): on ``mixed`` M seeds 1-3 (~190,000 columns) GLOP's default primal simplex takes
# 11.4 / 18.6 / 12.2 s, its dual simplex without perturbation 259 s (seed 1), with it 3.5 / 7.2 / 3.8 s.
# After a change of weights, the basis stays primal feasible but not dual: re-solving from it this way
# took 17-151 s, so an LP is solved once, with its final weights (see ``plain_bound``).
DUAL_SIMPLEX = "use_dual_simplex: true\nperturb_costs_in_dual_simplex: true"

_EVEN = sum(1 << t for t in range(0, STEPS_PER_WEEK, 2))
_ODD = _EVEN << 1


def half_hour_starts(problem: Problem, classes: Sequence[StudentClass]) -> int:
    """A mask of the starts worth a variable: the half hours when that loses nothing, else every step.

    It loses nothing when every session length is even (30 or 60 minutes), every mentor's free steps
    and fixed sessions come in whole half hours, and every student who may start at a quarter past may
    also start 15 minutes earlier. Then any placement stays valid with each session at a quarter past
    moved 15 minutes earlier: the step it gains is the other half of a half hour the mentor has free
    and the student may start in, and sessions that ended before it still do (they end on the half hour
    or, moved too, 15 minutes earlier). The model then has half the variables, with the same optimum
    and an LP relaxation that is still a valid bound (families ``freeform``, ``scarce``, ``evening``)."""
    everything = (1 << STEPS_PER_WEEK) - 1
    if any(cls.duration % 2 for cls in classes):
        return everything
    for m, mentor in enumerate(problem.mentors):
        for mask in (mentor.free, problem.base_used[m]):
            if (mask & _EVEN) << 1 != mask & _ODD:
                return everything
    for cls in classes:
        if cls.starts & _ODD & ~(cls.starts << 1):
            return everything
    return _EVEN


def count_variables(
    problem: Problem, classes: Sequence[StudentClass], limit: int | None = None, starts: int = -1
) -> int:
    """The model's number of variables (stops counting past ``limit``); ``starts`` as in ``build``."""
    n = 0
    for cls in classes:
        for m in cls.mentors:
            n += (cls.starts & problem.base_starts(m, cls.duration) & starts).bit_count()
            if limit is not None and n > limit:
                return n
    return n


def build(
    problem: Problem,
    classes: Sequence[StudentClass],
    class_ids: Sequence[int] | None = None,
    mentor_ids: Sequence[int] | None = None,
    seats: Sequence[int] | None = None,
    busy: Sequence[int] | None = None,
    sizes: Sequence[int] | None = None,
    starts: int = -1,
) -> TimeIndexed:
    """The model over ``class_ids`` x ``mentor_ids`` (all by default).

    ``seats``/``busy``/``sizes`` (indexed like the problem's mentors and the classes) override the seats
    left, the steps taken and the class sizes: a neighbourhood search passes what the students outside
    the neighbourhood leave free. ``starts`` keeps variables only at those starts (``half_hour_starts``).
    """
    cids = range(len(classes)) if class_ids is None else class_ids
    allowed = None if mentor_ids is None else set(mentor_ids)
    vc: list[int] = []
    vm: list[int] = []
    vs: list[int] = []
    per_mentor: dict[int, list[int]] = {}
    class_rows: list[tuple[list[int], float]] = []
    for c in cids:
        cls = classes[c]
        size = len(cls.members) if sizes is None else sizes[c]
        if size <= 0:
            continue
        mine: list[int] = []
        for m in cls.mentors:
            if allowed is not None and m not in allowed:
                continue
            free = problem.base_starts(m, cls.duration)
            if busy is not None and busy[m]:
                free &= _starts_avoiding(busy[m], cls.duration)
            for t in bits(cls.starts & free & starts):
                j = len(vc)
                vc.append(c)
                vm.append(m)
                vs.append(t)
                mine.append(j)
                per_mentor.setdefault(m, []).append(j)
        if mine and size < len(mine):
            class_rows.append((mine, float(size)))
    rows = class_rows
    for m in sorted(per_mentor):
        js = per_mentor[m]
        left = problem.mentors[m].capacity - problem.base_count[m] if seats is None else seats[m]
        if left < len(js):
            rows.append((js, float(max(0, left))))
        rows.extend(_cliques(js, vs, [classes[vc[j]].duration for j in js]))
    return TimeIndexed(
        np.asarray(vc, np.int32), np.asarray(vm, np.int32), np.asarray(vs, np.int32), rows, len(problem.fixed)
    )


def _starts_avoiding(busy: int, duration: int) -> int:
    """Starts whose session of ``duration`` steps misses every step of ``busy``."""
    hit = 0
    for k in range(duration):
        hit |= busy >> k
    return ~hit


def _cliques(js: list[int], starts: list[int], durations: list[int]) -> list[tuple[list[int], float]]:
    """One at-most-one row per maximal clique of the sessions ``js`` of one mentor."""
    begins: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}  # last step -> sessions
    for j, d in zip(js, durations, strict=True):
        begins.setdefault(starts[j], []).append(j)
        ends.setdefault(starts[j] + d - 1, []).append(j)
    rows: list[tuple[list[int], float]] = []
    active: set[int] = set()
    fresh = False
    for t in sorted(set(begins) | set(ends)):
        if t in begins:
            active.update(begins[t])
            fresh = True
        if t in ends:
            if fresh and len(active) > 1:
                rows.append((sorted(active), 1.0))
            fresh = False
            active.difference_update(ends[t])
    return rows


def to_proto(model: TimeIndexed, integer: bool, weights: Sequence[float] | None = None) -> Any:
    proto = linear_solver_pb2.MPModelProto()
    proto.maximize = True
    add = proto.variable.add
    if weights is None:
        for _ in range(model.size):
            add(lower_bound=0.0, upper_bound=1.0, objective_coefficient=1.0, is_integer=integer)
    else:
        for w in weights:
            add(lower_bound=0.0, upper_bound=1.0, objective_coefficient=w, is_integer=integer)
    for js, ub in model.rows:
        row = proto.constraint.add(upper_bound=ub)
        row.var_index.extend(js)
        row.coefficient.extend([1.0] * len(js))
    return proto


def solve_model(
    model: TimeIndexed,
    *,
    integer: bool,
    time_limit_s: float,
    engine: str = "HIGHS",
    cancel: Callable[[], bool] | None = None,
    weights: Sequence[float] | None = None,
    hint: Sequence[int] | None = None,
    threads: int = 1,
    options: str = "",
) -> Solution:
    """Solve the model with ``engine`` (HIGHS, SCIP, GLOP, PDLP, ...) within ``time_limit_s``.

    ``options`` are the engine's own, as ``name = value`` lines (HiGHS: ``mip_max_nodes = 200``). For
    HiGHS, OR-Tools 9.15's ``SetSolverSpecificParametersAsString`` returns False yet keeps the string and
    passes it to the solve, where an unknown option makes the solve fail (no solution). GLOP takes its
    ``GlopParameters`` as protocol-buffer text (``DUAL_SIMPLEX``).

    An LP solved to optimality also returns its row duals (for ``plain_bound``)."""
    t0 = time.monotonic()
    if model.size == 0:
        return Solution(np.zeros(0), 0.0, 0.0, True, 0.0)
    solver = pywraplp.Solver.CreateSolver(engine)
    if solver is None:
        raise RuntimeError(f"OR-Tools has no {engine} solver here")
    error = solver.LoadModelFromProto(to_proto(model, integer, weights))
    if error:
        raise RuntimeError(f"time-indexed model refused: {error}")
    solver.SetTimeLimit(max(1, int(1000 * time_limit_s)))
    if threads > 1:
        solver.SetNumThreads(threads)
    if engine == "HIGHS":
        # Without it HiGHS prints its banner to stdout at every solve (a worker's log, the bench's output).
        options = "output_flag = false\n" + options
    if options:
        solver.SetSolverSpecificParametersAsString(options)
    if hint is not None and integer:
        variables = solver.variables()
        solver.SetHint([variables[j] for j in hint], [1.0] * len(hint))
    done = threading.Event()
    watcher = None
    if cancel is not None:

        def watch() -> None:
            while not done.wait(0.05):
                if cancel():
                    solver.InterruptSolve()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    try:
        status = solver.Solve()
        optimal = status == pywraplp.Solver.OPTIMAL
        nodes = int(solver.nodes()) if integer and engine == "HIGHS" else 0
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return Solution(None, 0.0, None, False, time.monotonic() - t0, nodes)
        # Read in one call (a call per variable took 0.3 s for the 189,000 of mixed M).
        response = linear_solver_pb2.MPSolutionResponse()
        solver.FillSolutionResponseProto(response)
        values = np.asarray(response.variable_value, np.float64)
        objective = solver.Objective().Value()
        bound = solver.Objective().BestBound() if integer else (objective if optimal else None)
        duals = None
        if not integer and optimal and len(response.dual_value) == len(model.rows):
            duals = np.asarray(response.dual_value, np.float64)
    finally:
        done.set()
        if watcher is not None:
            watcher.join()
    return Solution(values, objective, bound, optimal, time.monotonic() - t0, nodes, duals)


def plain_bound(model: TimeIndexed, duals: npt.NDArray[np.float64]) -> float:
    """A proven ceiling on the *unweighted* LP's value (every placement weighs 1) from any row duals.

    For duals ``u >= 0`` (clipped: the rows are all ``<=`` of a maximisation), give each variable
    ``r_j = max(0, 1 - u A_j)`` for its bound ``x_j <= 1``: ``(u, r)`` is feasible for the dual of the
    unweighted LP, so ``b u + sum(r)`` is at least its value (weak duality). With the duals of the LP
    solved with a bonus on current pairs, this is the plain LP's bound without solving it a second time:
    on ``mixed`` M seeds 1-3 it is 0.02-0.03 above the plain LP's value (1,609.765 against 1,609.736;
    1,685.461 / 1,685.439; 1,615.928 / 1,615.907), the same floor, where the weighted LP's own value
    (1,610.007, ...) would round one higher on seed 1."""
    u = np.clip(duals, 0.0, None)
    activity = np.zeros(model.size, np.float64)
    for (js, _), ui in zip(model.rows, u.tolist(), strict=True):
        if ui > 0.0:
            activity[js] += ui
    b = np.fromiter((ub for _, ub in model.rows), np.float64, len(model.rows))
    return float(b @ u + np.clip(1.0 - activity, 0.0, None).sum())


def ceiling(model: TimeIndexed, solution: Solution, bound: float | None = None) -> int | None:
    """A proven ceiling on the number placed from a solve (or from ``bound``, a ceiling on the model's
    optimum), or None when it proved none."""
    value = solution.bound if bound is None else bound
    if value is None or not math.isfinite(value):
        return None
    return model.fixed + math.floor(value + 1e-3)
