"""The public entry point: ``solve(mentors, students, options) -> SolveResult``.

Pipeline: validate and index the input (``prepare``), group identical students (``classes``), compute
the flow upper bound and its plan (``bound``), build a first placement (``greedy``: the better of the
flow-guided construction and first fit), repair it with one-step ejections (``augment``) and then
augmenting ejection chains of any length (``chains``), improve it by large-neighbourhood search
(``lns``) until the bound is reached, the seeds run out, the round budget or the time limit is spent,
or the caller cancels; then explain every unplaced student (``reasons``) and list every student whose
pair or slot changed.

``status`` is ``optimal`` when the number placed equals the bound (the placement count is proven
optimal; lower objectives are best effort), ``feasible`` otherwise, ``time_limit`` or ``cancelled`` when
the search was cut short, and ``infeasible_input`` when a pinned pair breaks a hard rule or ids repeat.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from solver import reference
from solver.augment import augment
from solver.balance import rebalance
from solver.bound import flow_bound
from solver.chains import ChainSearch
from solver.classes import StudentClass, build_classes
from solver.exact import exact_bound
from solver.greedy import construct
from solver.lns import neighbourhood, resolve
from solver.lpguide import lp_round
from solver.model import (
    Assignment,
    BoundKind,
    MentorIn,
    Move,
    MoveReason,
    Progress,
    Slot,
    SolveOptions,
    SolveResult,
    Status,
    StudentIn,
)
from solver.prepare import Problem, prepare
from solver.reasons import Occupancy, explain
from solver.state import State

# Shares of the time limit: the fair-fill pass keeps BALANCE_SHARE of it (it runs after the search and
# would otherwise find its deadline passed), the explanation of unplaced students and the result keep
# REPORT_SHARE; the time-indexed LP may use up to LP_SHARE of what is left when it starts.
BALANCE_SHARE = 0.08
REPORT_SHARE = 0.03
LP_SHARE = 0.5
# The LP is built and solved only up to LP_MAX_VARIABLES variables, and only when its size suggests
# it ends within its budget: measured with GLOP on a loaded 2-core machine, 200,000 variables (free-form
# M) took 3 s, 560,000 (evening M) 16 s. L instances have millions and keep the flow bound. It runs
# beside the chains, so an LP that does not finish costs the neighbourhood search, not the placement.
LP_MAX_VARIABLES = 800_000
LP_VARIABLES_PER_SECOND = 25_000


class _LpJob:
    """The time-indexed LP relaxation, built and solved by GLOP in a thread of its own."""

    def __init__(
        self, problem: Problem, classes: list[StudentClass], budget: float, stop: Callable[[], bool]
    ) -> None:
        self.problem, self.classes, self.budget = problem, classes, budget
        self.abort = threading.Event()  # set when the placement reached the bound: no LP needed
        self.stop: Callable[[], bool] = lambda: self.abort.is_set() or stop()
        self.model: reference.TimeIndexed | None = None
        self.values: npt.NDArray[np.float64] | None = None
        self.ceiling: int | None = None
        self.value = -1.0
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, name="solver-lp", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        model = reference.build(self.problem, self.classes)
        left = self.budget - (time.monotonic() - t0)
        if left > 0 and not self.stop():
            lp = reference.solve_model(
                model, integer=False, time_limit_s=left, engine="GLOP", cancel=self.stop
            )
            self.ceiling = reference.ceiling(model, lp)
            if self.ceiling is not None:
                self.value = model.fixed + lp.objective
            self.model, self.values = model, lp.values
        self.seconds = time.monotonic() - t0


def solve(
    mentors: Sequence[MentorIn], students: Sequence[StudentIn], options: SolveOptions | None = None
) -> SolveResult:
    opts = options or SolveOptions()
    t0 = time.monotonic()
    deadline = t0 + opts.time_limit_s * (1 - REPORT_SHARE)
    search_deadline = t0 + opts.time_limit_s * (1 - REPORT_SHARE - BALANCE_SHARE)
    problem = prepare(list(mentors), list(students), opts)
    if problem.errors:
        return SolveResult((), (), (), 0, 0, "infeasible_input", tuple(problem.errors), bound_kind="none")
    keeps_current = not opts.move_existing and bool(problem.fixed)

    def cancelled() -> bool:
        return opts.cancel is not None and opts.cancel.is_set()

    def stop() -> bool:
        return cancelled() or time.monotonic() >= search_deadline

    classes, graph = build_classes(problem)
    bound = flow_bound(problem, classes, graph)
    del graph  # millions of arcs at XL; only the bound needs them
    upper_bound = bound.upper_bound
    bound_kind: BoundKind = "flow"
    lp_s = 0.0
    lp_value = -1.0
    state = construct(problem, classes, bound.guide, stop, cancelled)
    greedy_placed = state.placed

    def report(phase: str) -> None:
        if opts.progress is not None:
            opts.progress(Progress(time.monotonic() - t0, state.placed, upper_bound, phase))

    report("construct")
    lp_job: _LpJob | None = None
    if state.placed < upper_bound and not stop():
        budget = LP_SHARE * (search_deadline - time.monotonic())
        limit = min(LP_MAX_VARIABLES, int(LP_VARIABLES_PER_SECOND * budget))
        if reference.count_variables(problem, classes, limit) <= limit:
            lp_job = _LpJob(problem, classes, budget, stop)
    build_s = time.monotonic() - t0

    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    rng = random.Random(opts.seed)

    def unplaced() -> list[int]:
        return sorted(s for cls in classes if cls.mentors for s in cls.members if s not in state.where)

    def repair() -> None:
        while (
            state.placed < upper_bound and not stop() and augment(state, classes, class_of, unplaced(), stop)
        ):
            pass

    planned = [0] * len(classes)
    for (c, _), n in bound.guide.items():
        planned[c] += n

    def run_chains() -> None:
        """Chains for every unplaced student, those of classes placed below the flow's plan first."""
        progress = True
        while progress and state.placed < upper_bound and not stop():
            progress = False
            placed_in = [sum(1 for s in cls.members if s in state.where) for cls in classes]
            pool = sorted(unplaced(), key=lambda u: planned[class_of[u]] <= placed_in[class_of[u]])
            for u in pool:
                if stop() or state.placed >= upper_bound:
                    break
                if u not in state.where and chains.try_place(u):
                    progress = True

    # The LP (if any) runs in its own thread meanwhile (OR-Tools releases the GIL while it solves); it
    # is awaited after the chains, at a fixed point, so a run that ends before its limit stays
    # deterministic.
    repair()
    report("augment")
    chains = ChainSearch(state, classes, class_of, stop)
    run_chains()
    report("chains")
    if lp_job is not None:
        if state.placed >= upper_bound:
            lp_job.abort.set()
        lp_job.thread.join(max(0.0, search_deadline - time.monotonic()))
        if lp_job.thread.is_alive():  # still building its model: the solve itself stops at the deadline
            lp_job.abort.set()
            lp_job.thread.join()
        lp_s = lp_job.seconds
        if lp_job.ceiling is not None:
            lp_value = lp_job.value
            if lp_job.ceiling < upper_bound:
                upper_bound, bound_kind = lp_job.ceiling, "lp"
        if lp_job.model is not None and lp_job.values is not None and state.placed < upper_bound:
            rounded = lp_round(problem, classes, lp_job.model, lp_job.values)
            if rounded.placed > state.placed:
                state = rounded
                repair()
                chains = ChainSearch(state, classes, class_of, stop)
                run_chains()
        lp_job = None
        report("lp")
    chain_placed = state.placed
    remaining = search_deadline - time.monotonic()
    if state.placed < upper_bound and remaining > 0 and not cancelled():
        exact = exact_bound(problem, classes, remaining / 4, opts.num_workers, opts.seed)
        if exact is not None and exact < upper_bound:
            upper_bound, bound_kind = exact, "exact"
            report("exact_bound")
    pool = unplaced()
    rounds = improvements = 0
    status: Status = "feasible"
    while state.placed < upper_bound and pool:
        if cancelled():
            status = "cancelled"
            break
        if time.monotonic() >= search_deadline:
            status = "time_limit"
            break
        if rounds >= opts.lns_rounds:
            break
        rounds += 1
        seed = pool.pop(rng.randrange(len(pool)))
        nb = neighbourhood(state, classes, class_of, seed, rng)
        before = state.placed
        if resolve(state, classes, class_of, nb, opts, search_deadline):
            improvements += 1
            if state.placed > before:
                augment(state, classes, class_of, unplaced(), stop)
                chains.dead.clear()
                chains.dead_classes.clear()
                run_chains()
                pool = unplaced()
            report("lns")
    if status == "feasible" and cancelled():
        status = "cancelled"
    if status == "feasible" and state.placed == upper_bound:
        status = "optimal"
    balanced = 0
    if status != "cancelled":
        balanced = rebalance(state, classes, class_of, opts.weights, deadline, opts.cancel)
    report("done")
    stats = {
        "build_s": build_s,
        "solve_s": time.monotonic() - t0 - build_s,
        "classes": float(len(classes)),
        "flow_arcs": float(bound.arcs),
        "greedy_placed": float(greedy_placed),
        "chain_placed": float(chain_placed),
        "lns_rounds": float(rounds),
        "balance_moves": float(balanced),
        "lns_improvements": float(improvements),
        "fixed": float(len(problem.fixed)),
        "lp_s": lp_s,
        "lp_value": lp_value,
    }
    stats["flow_bound"] = float(bound.upper_bound)
    ratios = [state.count[m] / mentor.capacity for m, mentor in enumerate(problem.mentors) if mentor.capacity]
    if ratios:
        mean = sum(ratios) / len(ratios)
        stats["fill_ratio_sd"] = (sum((r - mean) ** 2 for r in ratios) / len(ratios)) ** 0.5
    return _result(problem, state, upper_bound, status, stats, bound_kind, keeps_current)


def _result(
    problem: Problem,
    state: State,
    upper_bound: int,
    status: Status,
    stats: dict[str, float],
    bound_kind: BoundKind,
    keeps_current: bool,
) -> SolveResult:
    ms, sts = problem.mentors, problem.students
    placement = dict(state.where)
    placement.update({s: (m, start) for s, m, start in problem.fixed})
    assignments: list[Assignment] = []
    moves: list[Move] = []
    unplaced = []
    occupancy = Occupancy(problem, state)
    for s, st in enumerate(sts):
        where = placement.get(s)
        if where is None:
            unplaced.append(explain(problem, state, s, occupancy))
        else:
            m, start = where
            assignments.append(Assignment(st.id, ms[m].id, start, st.duration, st.current == where))
        before = problem.current_slots.get(s)
        after = None if where is None else Slot(ms[where[0]].id, where[1])
        if before is not None and before != after:
            reason = MoveReason.PAIR_INVALID if st.current is None else MoveReason.MOVED_FOR_PLACEMENT
            moves.append(Move(st.id, before, after, reason))
    return SolveResult(
        tuple(assignments),
        tuple(unplaced),
        tuple(moves),
        len(assignments),
        upper_bound,
        status,
        (),
        stats,
        bound_kind,
        keeps_current,
    )
