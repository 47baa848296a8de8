"""The public entry point: ``solve(mentors, students, options) -> SolveResult``.

The problem it solves (decision, hard rules, objectives in order) is stated in ``solver.problem``.
Pipeline: validate and index the input (``prepare``), group identical students (``classes``), compute
the flow upper bound and its plan (``bound``), start the time-indexed LP in a thread where it fits the
budget (``reference``, ``lpguide``), build a first placement (``greedy.first_fit``), then two lines
repaired by augmenting ejection chains (``chains``): the mentor-by-mentor packing (``greedy.packed``)
and the better of first fit and the flow-guided construction; on the line placing more, improve by
large-neighbourhood search over mentor blocks solved by the HiGHS MIP (``miplns``) while the LP runs,
and from the MIP on the LP's support (``lpguide``), searched by blocks the LP guides, as a second
search once it came back, until the bound is
reached, the rounds run out or the time limit is spent, or the caller cancels; then even out the fill
(``balance``), explain every unplaced student (``reasons``) and list every student whose pair or slot
changed.

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
from solver.balance import rebalance
from solver.bound import flow_bound
from solver.chains import ChainSearch
from solver.classes import ClassGraph, StudentClass, build_classes
from solver.exact import exact_bound
from solver.greedy import first_fit, guided_construction, packed
from solver.groups import GroupSearch
from solver.lagrange import MAX_CANDIDATES, LagrangeBound, count_candidates, lagrangian_bound
from solver.lpguide import (
    WHOLE_MAX_VARIABLES,
    improve_guided,
    kept_weights,
    lp_round,
    solve_support,
    solve_whole,
    take_solution,
)
from solver.miplns import improve_block
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
    Unplaced,
)
from solver.prepare import Problem, prepare
from solver.reasons import Occupancy, explain
from solver.state import State

# Shares of the time limit: the fair-fill pass keeps BALANCE_SHARE of it (it runs after the search and
# would otherwise find its deadline passed), the explanation of unplaced students and the result keep
# REPORT_SHARE; the time-indexed LP is tried when its size fits LP_SHARE of the search budget.
BALANCE_SHARE = 0.08
REPORT_SHARE = 0.03
LP_SHARE = 0.85
# The explanation's measured cost (``_report_cost``) is kept free up to REPORT_MAX_SHARE of the limit.
REPORT_MAX_SHARE = 0.25
REPORT_SAMPLE = 24
# The LP is built and solved only up to LP_MAX_VARIABLES variables, and only when its size suggests
# it ends within its budget: measured with GLOP alone, 190,000 variables (free-form M) took 2.2-3.4 s,
# 560,000 (evening M) 10 s; beside the search, on a loaded machine, 5-9 s for the first. L instances
# have millions and keep the flow bound. It runs beside the chains, so an LP that does not finish costs
# the neighbourhood search, not the placement. The rate is what the LP gets beside the search on the
# loaded machine (mixed M, 189,000 variables: ~20 s), not GLOP's alone: at 60,000 a second 10 s runs at
# M started an LP that never finished and kept the flow bound; at 20,000 they run the Lagrangian bound
# instead (which finishes steps within any budget), and 60 s runs still try the LP (up to the maximum).
# Since the LP is solved by GLOP's dual simplex with perturbed costs (``reference.DUAL_SIMPLEX``; mixed M
# 2.9-5.1 s for the weighted LP, against 11-19 s for the primal simplex), 40,000: 10 s runs at M try
# it (up to 302,000 variables: mixed M, 180,000-192,000, not evening M, 560,000), and place 1,625 /
# 1,691 / 1,617 on mixed M seeds 1-3 (1,564 / 1,596 / 1,510 without it). 30,000 since an outside
# generator's ``dense`` family at M (3-6 blocks a person, capacity ~95% of demand; 270,000-272,000
# variables, 12,300 rows) took GLOP 15 s: 10 s runs waited for an LP that never came and placed 1,693 /
# 1,688 / 1,764 of optima 1,760 / 1,745 / 1,780; without the LP, by groups, 1,747 / 1,731 / 1,764.
# Every family of ``solver.families`` at M is tried or not as before (mixed, freeform, scarce: 112,000-
# 192,000 variables, tried; evening, patterns: 331,000-376,000, not at 10 s).
# LP_MAX_VARIABLES was 800,000: the outside ``mixdur`` family at L (751,046 variables) then started an
# LP that had not finished when its 60 s run ended, and the run, whose main line is searched by blocks
# where an LP is tried, placed 12,444; not tried, the run searches by groups: 12,588 (Lagrangian bound
# 14,641-14,690). ``blocks`` at L (385,255 variables) is solved to its LP bound in 14.5 s.
LP_MAX_VARIABLES = 400_000
LP_VARIABLES_PER_SECOND = 30_000
# The search waits for the LP (started and not yet in) up to this share of its budget. At 0.5 a 10 s run
# on mixed M seed 2 searched beside the LP from 4.4 s on, which slowed the LP (GLOP and a HiGHS block
# on two cores: 6.9-8.1 s for the LP against 5.3 s alone) and gained 4 students meanwhile; one run in
# three then had its LP too late for the support MIP and placed 1,605, not 1,685-1,691. At 0.8, 1,685-
# 1,691 in every run; nothing changed on the other families (their LP is in within 1-5 s, or not tried).
LP_WAIT_SHARE = 0.8
LP_GRACE_S = 0.2  # how long the search waits, at its deadline, for an interrupted LP to return
# The Lagrangian bound (``solver.lagrange``, the LP's value approached by subgradient steps, one
# per-mentor dynamic programme each) runs beside the search for at most LAGRANGE_ITERATIONS steps where
# the LP is not tried (10 s runs at M, L; mixed M: ~0.045 s of CPU a step, mixed L: ~0.5-1 s), and for
# LAGRANGE_BESIDE_LP steps beside an LP, as a fallback (mixed M seed 2: the LP did not finish in a 60 s
# run, which then reported the flow bound, 1,828, against 1,766 for the 10 s run), started only when
# the LP is not in by the end of the search's wait for it; it is stopped as soon as the LP's bound is
# in (the LP's value is at most any Lagrangian value).
# Chains stop once CHAIN_IDLE_NODES students have been examined since their last success (a work
# count, not a clock, so the run stays deterministic): on mixed L the chains took 43 s of a 60 s run
# (and all of a 300 s one) without placing anyone, and the neighbourhood search never started; on mixed
# M they place ~26 students in ~2 s and are not cut.
# After a neighbourhood gain they get CHAIN_IDLE_AFTER_BLOCK: at L a block (~6,500-8,000 variables)
# adds 1-2 students in 1-11 s of CPU, and a full idle allowance (~7 s there) would halve the blocks.
CHAIN_IDLE_NODES = 300_000
CHAIN_IDLE_AFTER_BLOCK = 30_000
PACKING_MAX_STUDENTS = 10_000  # searched by groups, the packing line only up to this size (below)
# After groups, whose gains are dozens of students each, chains are a short repair: with 30,000 they
# took ~15 s of a 60 s run at ``mixed`` L (5.8 million students examined); with 1,000 the run placed
# 15,977 against 15,927.
CHAIN_IDLE_AFTER_GROUP = 1_000
LAGRANGE_ITERATIONS = 200
LAGRANGE_BESIDE_LP = 50


class _LpJob:
    """The time-indexed LP relaxation, built and solved by GLOP in a thread of its own."""

    def __init__(
        self,
        problem: Problem,
        classes: list[StudentClass],
        deadline: Callable[[], float],
        stop: Callable[[], bool],
        starts: int,
    ) -> None:
        self.problem, self.classes, self.deadline, self.starts = problem, classes, deadline, starts
        self.abort = threading.Event()  # set when the placement reached the bound: no LP needed
        self.stop: Callable[[], bool] = lambda: self.abort.is_set() or stop()
        self.model: reference.TimeIndexed | None = None
        self.values: npt.NDArray[np.float64] | None = None
        self.ceiling: int | None = None
        self.value = -1.0
        self.seconds = 0.0
        self.support: tuple[reference.TimeIndexed, npt.NDArray[np.float64]] | None = None
        self.support_s = 0.0
        self.exact: int | None = None  # the whole MIP's ceiling (small models: ``lpguide.solve_whole``)
        self.thread = threading.Thread(target=self._run, name="solver-lp", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        model = reference.build(self.problem, self.classes, starts=self.starts)
        left = self.deadline() - time.monotonic()
        if left > 0 and not self.stop():
            # Solved once, with a bonus on current pairs (so that the support below keeps them where it
            # costs no placement), by the dual simplex; the bound is the plain LP's, from its duals.
            lp = reference.solve_model(
                model,
                integer=False,
                time_limit_s=left,
                engine="GLOP",
                cancel=self.stop,
                weights=kept_weights(self.problem, self.classes, model),
                options=reference.DUAL_SIMPLEX,
            )
            if lp.duals is not None:
                value = reference.plain_bound(model, lp.duals)
                self.ceiling = reference.ceiling(model, lp, value)
                self.value = model.fixed + value
            self.model, self.values = model, lp.values
        self.seconds = time.monotonic() - t0
        left = self.deadline() - time.monotonic()
        if self.model is not None and self.values is not None and left > 0 and not self.stop():
            # The MIP on the LP's support (of the whole model where it is small), in the same thread: a
            # placement better than the LP's rounding.
            if self.model.size <= WHOLE_MAX_VARIABLES:
                values, self.exact = solve_whole(self.problem, self.classes, self.model, left, self.stop)
                self.support = None if values is None else (self.model, values)
            else:
                self.support = solve_support(
                    self.problem, self.classes, self.model, self.values, left, self.stop
                )
        self.support_s = time.monotonic() - t0 - self.seconds


class _LagrangeJob:
    """The Lagrangian bound in a thread of its own; it stops at ``stop()`` with the best value so far."""

    def __init__(
        self,
        problem: Problem,
        classes: list[StudentClass],
        graph: ClassGraph,
        cut: frozenset[int],
        stop: Callable[[], bool],
        iterations: int,
    ) -> None:
        self.iterations = iterations
        self.abort = threading.Event()  # set when the placement reached the bound, or at the deadline
        self.stop: Callable[[], bool] = lambda: self.abort.is_set() or stop()
        self.result: LagrangeBound | None = None  # the bound so far, replaced after every step
        self.thread = threading.Thread(
            target=self._run, args=(problem, classes, graph, cut), name="solver-lagrange", daemon=True
        )
        self.thread.start()

    def _run(
        self, problem: Problem, classes: list[StudentClass], graph: ClassGraph, cut: frozenset[int]
    ) -> None:
        first = np.zeros(len(classes), np.float64)
        first[list(cut)] = 1.0

        def seen(found: LagrangeBound) -> None:
            self.result = found

        lagrangian_bound(problem, classes, graph, self.iterations, self.stop, first, seen)


class _Search:
    """One line of the neighbourhood search: a placement, its chains, its own random stream and rounds."""

    def __init__(
        self,
        state: State,
        chains: ChainSearch,
        rng: random.Random,
        guide: tuple[reference.TimeIndexed, npt.NDArray[np.float64]] | None = None,
        groups: GroupSearch | None = None,
    ) -> None:
        self.state, self.chains, self.rng = state, chains, rng
        # The LP's model and values: this line's blocks are guided by them (``lpguide.improve_guided``).
        self.guide = guide
        # Where no LP was tried (too large for the budget): groups of mentors (``solver.groups``).
        self.groups = groups
        self.pool: list[int] = []  # filled by ``refresh`` once chains have run
        self.rounds = self.improvements = 0

    def _unplaced(self) -> list[int]:
        where = self.state.where
        return sorted(s for cls in self.chains.classes if cls.mentors for s in cls.members if s not in where)

    def refresh(self) -> None:
        self.pool = self._unplaced()

    def has_work(self) -> bool:
        return bool(self.pool) and (self.groups is None or self.guide is not None or self.groups.has_work())

    def rounds_left(self, limit: int) -> bool:
        """Blocks stop at ``limit`` rounds; groups alone once their passes place no one more."""
        return (self.groups is not None and self.guide is None) or self.rounds < limit

    def step(
        self,
        classes: list[StudentClass],
        class_of: dict[int, int],
        deadline: float,
        stop: Callable[[], bool],
    ) -> bool:
        """One block around a random unplaced student, or the next group of mentors; True when it placed
        more (chains to follow)."""
        self.rounds += 1
        # The LP's line is searched by groups until they place no one more, then by guided blocks. From
        # its support MIP's placement (``mixed`` M, CPU seconds), groups placed +2 / +4 / +3 within
        # 1.1 / 1.0 / 1.5 s on seeds 1-3 and +5 / +5 / +8 within 26 / 10 / 27 s, while a guided block of
        # 40 mentors took 13 / 12 / 59 s for +4 / +4 / +6: as the first round of a 10 s run it ended at
        # the deadline with nothing (the rounds alternated, a guided block first).
        groups = self.groups
        if groups is not None and self.guide is not None and not groups.has_work():
            groups = None  # a guided block
        if groups is not None:
            gained = groups.step(self.state, deadline, stop) > 0
        else:
            seed = self.pool.pop(self.rng.randrange(len(self.pool)))
            if self.guide is not None:
                found = improve_guided(
                    self.state, classes, class_of, self.guide, seed, self.rng, deadline, stop
                )
            else:
                found = improve_block(self.state, classes, class_of, seed, self.rng, deadline, stop)
            gained = found > 0
        if gained:
            self.improvements += 1
            self.chains.dead.clear()
            self.chains.dead_classes.clear()
        # Blocks: a new pass over the students still unplaced once the last one is spent; groups hand
        # out every unplaced student themselves, so the pool only says whether any is left.
        if groups is not None or not self.pool:
            self.pool = self._unplaced()
        return gained


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

    def past_deadline() -> bool:
        return cancelled() or time.monotonic() >= deadline

    classes, graph = build_classes(problem)
    bound = flow_bound(problem, classes, graph)
    upper_bound = bound.upper_bound
    bound_kind: BoundKind = "flow"
    lp_s = support_s = 0.0
    lp_value = -1.0
    # The LP starts before the construction, in its own thread: at M it needs most of a 10 s budget.
    lp_job: _LpJob | None = None
    if not stop():
        # Whether the LP is tried depends on the time limit, not on the time left (which depends on the
        # machine); once started it may run until the search's deadline, so an LP that does not finish
        # means a run that reached its limit: a run that ends earlier is deterministic for a seed.
        nominal = LP_SHARE * (1 - REPORT_SHARE - BALANCE_SHARE) * opts.time_limit_s
        limit = min(LP_MAX_VARIABLES, int(LP_VARIABLES_PER_SECOND * nominal))
        starts = reference.half_hour_starts(problem, classes)
        if reference.count_variables(problem, classes, limit, starts) <= limit:
            lp_job = _LpJob(problem, classes, lambda: search_deadline, stop, starts)
    # Without the LP (too large for the budget: L, XL) there is no LP line to guide the blocks; the
    # search re-solves groups of mentors instead (``solver.groups``). Fixed at the start: deterministic.
    by_groups = lp_job is None
    lagrange_job: _LagrangeJob | None = None
    # Beside an LP, the Lagrangian bound is a fallback: it starts only if the LP is not in when the
    # search stops waiting for it (a third thread on two cores slowed the LP: mixed M seed 3 at 10 s,
    # 7.2 s for the LP and its support with it, 6.0 s without). The class graph is kept until then.
    lagrange_graph: ClassGraph | None = None
    if not stop() and 0 < count_candidates(graph) <= MAX_CANDIDATES:
        if lp_job is None:
            lagrange_job = _LagrangeJob(problem, classes, graph, bound.cut_classes, stop, LAGRANGE_ITERATIONS)
        else:
            lagrange_graph = graph
    del graph  # millions of arcs at XL; only the bounds need them

    def keep_report_time(first: State) -> None:
        """The result explains every unplaced student (3-9% of a 10 s limit at M on a loaded machine,
        seconds at L): its cost, measured on a sample of the first placement, is kept free."""
        nonlocal deadline, search_deadline
        reserve = min(REPORT_MAX_SHARE * opts.time_limit_s, _report_cost(problem, first, unplaced_in(first)))
        deadline = min(deadline, t0 + opts.time_limit_s - reserve)
        search_deadline = min(search_deadline, deadline - BALANCE_SHARE * opts.time_limit_s)

    def unplaced_in(st: State) -> list[int]:
        return sorted(s for cls in classes if cls.mentors for s in cls.members if s not in st.where)

    # First fit always completes (unless cancelled): a run out of time still returns pairs. The
    # mentor-by-mentor packing and the guided construction follow as lines of their own (below).
    state = first_fit(problem, classes, past_deadline)
    keep_report_time(state)
    greedy_placed = state.placed
    if lp_job is not None and state.placed >= upper_bound:
        lp_job.abort.set()

    def report(phase: str) -> None:
        if opts.progress is not None:
            opts.progress(Progress(time.monotonic() - t0, state.placed, upper_bound, phase))

    report("construct")
    build_s = time.monotonic() - t0

    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    rng = random.Random(opts.seed)

    planned = [0] * len(classes)
    for (c, _), n in bound.guide.items():
        planned[c] += n

    def run_chains(search: _Search, idle: int = CHAIN_IDLE_NODES) -> None:
        """Chains for every unplaced student, those of classes placed below the flow's plan first."""
        st, chains = search.state, search.chains
        last = chains.nodes  # at the last success
        progress = True
        while progress and st.placed < upper_bound and not stop() and chains.nodes - last < idle:
            progress = False
            placed_in = [sum(1 for s in cls.members if s in st.where) for cls in classes]
            pool = sorted(unplaced_in(st), key=lambda u: planned[class_of[u]] <= placed_in[class_of[u]])
            for u in pool:
                if stop() or st.placed >= upper_bound or chains.nodes - last >= idle:
                    break
                if u not in st.where and chains.try_place(u):
                    progress = True
                    last = chains.nodes

    # No one-step ejections first (``augment``): chains cover them, and at M they were 1.4 s (5 s on a
    # loaded machine) against 0.2-0.5 s for the chains, for the same placement.
    # Lines, each repaired by chains: the mentor-by-mentor packing (``greedy.packed``), then the
    # better of first fit and the guided construction (``greedy.construct``). Where time rather than
    # seats is short the packing ends far above the others once chained (``mixed`` L: chains from the
    # construction placed 1 student before their work limit, from the packing 100 of the first 100
    # tried; ``mixed`` M seeds 1, 2: 1,555-1,560 and 1,600-1,609 against 1,521 and 1,581); elsewhere
    # they end level at M. The packing goes first: on a loaded machine the search budget may end
    # before the second line. The line placing more after chains is the one searched on (below).
    # Searched by groups (no LP) on large instances, the packing line is skipped: its chains took 22 s
    # of a 60 s run at ``mixed`` L for +525 (15,432), where groups from the construction place +640 in
    # 20 s and keep going (15,850 at 60 s against 15,620 with the packing line first). Below
    # PACKING_MAX_STUDENTS it stays (``patterns`` M seed 3 at 10 s: 1,813, optimal, in 1.5 s with it;
    # 1,812 in 8.8 s without).
    searches: list[_Search] = []
    if (
        (not by_groups or len(problem.students) <= PACKING_MAX_STUDENTS)
        and state.placed < upper_bound
        and not stop()
    ):
        tight = packed(problem, classes, stop)
        if not stop():
            line = _Search(
                tight,
                ChainSearch(tight, classes, class_of, stop),
                random.Random(opts.seed + 2),
                groups=GroupSearch(classes, class_of, random.Random(opts.seed + 3)) if by_groups else None,
            )
            run_chains(line)
            line.refresh()
            searches.append(line)
            report("packed")
    if (not searches or searches[0].state.placed < upper_bound) and state.placed < upper_bound and not stop():
        guided = guided_construction(problem, classes, bound.guide, stop)
        if guided.placed >= state.placed:
            state = guided
        greedy_placed = max(greedy_placed, guided.placed)
    main = _Search(
        state,
        ChainSearch(state, classes, class_of, stop),
        rng,
        groups=GroupSearch(classes, class_of, random.Random(opts.seed + 4)) if by_groups else None,
    )
    if not searches or searches[0].state.placed < upper_bound:
        run_chains(main)
    main.refresh()
    # Only the line placing more goes on (the packing's on a tie): both are fixed before the search
    # starts (chains stop on a work count), so the choice is the same on any machine, and the
    # neighbourhood rounds are not spent twice.
    searches = [max([*searches, main], key=lambda x: x.state.placed)]
    state = searches[0].state
    report("chains")
    chain_placed = state.placed
    exact_tried = False

    def take_lp(job: _LpJob, rounding: bool) -> None:
        """The LP's bound, and its rounding (repaired by chains) as a second search beside the main
        one where it places more than the chains did (``chain_placed``, a fixed point)."""
        nonlocal upper_bound, bound_kind, lp_s, support_s, lp_value, lagrange_job, lagrange_graph
        lp_s, support_s = job.seconds, job.support_s
        if job.ceiling is not None:
            lp_value = job.value
            lagrange_graph = None  # no fallback needed
            if lagrange_job is not None:
                # The LP's bound is at least as tight: the Lagrangian one (its steps so far depend on
                # the clock) is dropped, not compared.
                lagrange_job.abort.set()
                lagrange_job = None
            if job.ceiling < upper_bound:
                upper_bound, bound_kind = job.ceiling, "lp"
        if job.exact is not None and job.exact < upper_bound:
            upper_bound, bound_kind = job.exact, "exact"
        if job.model is not None and job.values is not None and chain_placed < upper_bound:
            # The support MIP's solution where it came back, else the LP's own values, rounded, then
            # chained: the line is searched on when it then places more than the chains did (its
            # rounding alone may place fewer: mixed M seed 1, LP rounding 1,539 against the packing's
            # 1,559 after chains, 1,599 once chained itself). After the search's deadline
            # (``rounding`` False) only the support MIP's placement is taken, as it is, where it places
            # more: a 10 s run at M whose LP line came in during the last block (mixed M seed 1: a
            # block from 7.1 to 9.1 s, the deadline at 8.9 s) placed the packing line's 1,560, not 1,614.
            if job.support is not None:
                rounded = take_solution(problem, classes, *job.support)
            elif rounding:
                rounded = lp_round(problem, classes, job.model, job.values)
            else:
                report("lp")
                return
            second = _Search(
                rounded,
                ChainSearch(rounded, classes, class_of, stop),
                random.Random(opts.seed + 1),
                (job.model, job.values),
                GroupSearch(classes, class_of, random.Random(opts.seed + 5)),
            )
            if rounding:
                run_chains(second)
            if rounded.placed > chain_placed:
                second.refresh()
                searches.append(second)
        report("lp")

    # The LP (if any) runs in its own thread meanwhile (OR-Tools releases the GIL while it solves): the
    # neighbourhood search waits for it up to LP_WAIT_SHARE of its budget, then runs beside it. Its
    # line (the support MIP's placement) becomes a second search; the rounds go to
    # the search placing more (the other gets its turn once the leader's rounds are spent). Each
    # search's rounds depend only on its own start and seed (never on when the LP came back or on the
    # order of turns), both get ``lns_rounds`` rounds, and the better placement is kept, so a run that
    # ends before its limit stays deterministic. A bound that arrives during the search only stops it
    # once a placement reaches it, where no further round could change that placement. One exception:
    # when the rounding's search reaches the bound before the main one, which optimal placement is
    # returned may depend on when the LP came back (the count placed does not).
    status: Status = "feasible"
    lp_wait_until = t0 + LP_WAIT_SHARE * (search_deadline - t0)
    while True:
        best = max(searches, key=lambda x: x.state.placed)
        if best.state.placed >= upper_bound:
            if lp_job is not None:
                lp_job.abort.set()
            break
        if cancelled():
            status = "cancelled"
            break
        if time.monotonic() >= search_deadline:
            status = "time_limit"
            break
        if lp_job is not None and not lp_job.thread.is_alive():
            take_lp(lp_job, True)
            lp_job = None
            continue
        if lp_job is None and not exact_tried:
            # Once the LP's bound is in (or none was tried): CP-SAT's exact bound, small instances only.
            exact_tried = True
            exact = exact_bound(
                problem, classes, (search_deadline - time.monotonic()) / 4, opts.num_workers, opts.seed
            )
            if exact is not None and exact < upper_bound:
                upper_bound, bound_kind = exact, "exact"
                report("exact_bound")
            continue
        if lagrange_graph is not None and (lp_job is None or time.monotonic() >= lp_wait_until):
            # The LP is late (or came back without a bound): the fallback starts.
            steps = LAGRANGE_ITERATIONS if lp_job is None else LAGRANGE_BESIDE_LP
            lagrange_job = _LagrangeJob(problem, classes, lagrange_graph, bound.cut_classes, stop, steps)
            lagrange_graph = None
        if lp_job is not None and time.monotonic() < lp_wait_until:
            # The LP's line, once in, is the one searched on (mixed M: 1,615 from its support MIP
            # against ~1,566 for the packing's line searched meanwhile): a search now would mostly
            # slow the LP down (two cores, a HiGHS block beside GLOP), so it waits for it, but not
            # beyond LP_WAIT_SHARE of the search budget. Rounds depend only on their line's start, so
            # when they begin does not change a run that ends before its limit.
            lp_job.thread.join(max(0.0, min(lp_wait_until, search_deadline) - time.monotonic()))
            continue
        active = [x for x in searches if x.rounds_left(opts.lns_rounds) and x.has_work()]
        if not active:
            if lp_job is None:
                break
            lp_job.thread.join(max(0.0, search_deadline - time.monotonic()))  # nothing else to do
            continue
        search = max(active, key=lambda x: (x.state.placed, -x.rounds))  # the leader's rounds first
        if search.step(classes, class_of, search_deadline, stop):
            run_chains(
                search, CHAIN_IDLE_AFTER_GROUP if search.groups is not None else CHAIN_IDLE_AFTER_BLOCK
            )
            if search is best or search.state.placed > best.state.placed:
                state = search.state
            report("lns")
    if lp_job is not None:
        # The solve itself stops at the deadline (a watcher interrupts it); a thread still building its
        # model (Python, seconds when the machine gives this process a fifth of a core) is left to
        # notice the abort on its own, and its LP is not used.
        lp_job.abort.set()
        lp_job.thread.join(LP_GRACE_S)
        if not lp_job.thread.is_alive():
            take_lp(lp_job, False)
        lp_job = None
    best = max(searches, key=lambda x: x.state.placed)
    state = best.state
    # The kept search's own rounds (each search gets ``lns_rounds``); ``lns_searches`` says how many ran.
    rounds, improvements = best.rounds, best.improvements
    lagrange_value = -1.0
    lagrange_iterations = 0
    if lagrange_job is not None:
        # Awaited here, at a fixed point: it ends after its iterations (a run that ends before its
        # limit stays deterministic) or at the search's deadline (a run at its limit), where the bound
        # of the steps done so far is taken (valid after any step) without waiting for the one under way.
        if state.placed >= upper_bound or cancelled():
            lagrange_job.abort.set()
        lagrange_job.thread.join(max(0.0, search_deadline - time.monotonic()))
        lagrange_job.abort.set()
        # It stops within a few dozen DP steps; out of the way before the fair fill and the report.
        lagrange_job.thread.join(LP_GRACE_S)
        found = lagrange_job.result
        if found is not None and found.upper_bound is not None:
            lagrange_value, lagrange_iterations = found.value, found.iterations
            if found.upper_bound < upper_bound:
                upper_bound, bound_kind = found.upper_bound, "lagrange"
        lagrange_job = None
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
        "lns_searches": float(len(searches)),
        "chain_nodes": float(sum(x.chains.nodes for x in searches)),
        "lns_rounds_all": float(sum(x.rounds for x in searches)),
        "fixed": float(len(problem.fixed)),
        "lp_s": lp_s,
        "support_s": support_s,
        "lp_value": lp_value,
        "lagrange_value": lagrange_value,
        "lagrange_iterations": float(lagrange_iterations),
        "group_passes": float(best.groups.passes if best.groups is not None else 0),
    }
    stats["flow_bound"] = float(bound.upper_bound)
    ratios = [state.count[m] / mentor.capacity for m, mentor in enumerate(problem.mentors) if mentor.capacity]
    if ratios:
        mean = sum(ratios) / len(ratios)
        stats["fill_ratio_sd"] = (sum((r - mean) ** 2 for r in ratios) / len(ratios)) ** 0.5
    end = t0 + opts.time_limit_s
    return build_result(problem, state, upper_bound, status, stats, bound_kind, keeps_current, end)


def _report_cost(problem: Problem, state: State, unplaced: list[int]) -> float:
    """Seconds the explanation of ``unplaced`` should take, with a margin, measured on a sample: a
    first pass pays for the per-project occupancy (built once per project in the full pass), a second
    one, warm, for the students.

    Measured in this thread's CPU time: the LP and Lagrangian threads run meanwhile and hold the GIL
    while they build their models, and wall time counted that wait. On ``mixed`` M seed 1 at 10 s the
    wall-clock estimate kept ~2.6 s free for an explanation that took ~0.1 s, and the run ended at 6.9 s,
    before its LP's line came in; with CPU time (x2 for a loaded machine) ~0.6 s, and the run uses its
    10 s."""
    if not unplaced:
        return 0.0
    sample = unplaced[:: max(1, len(unplaced) // REPORT_SAMPLE)][:REPORT_SAMPLE]
    occupancy = Occupancy(problem, state)
    t = time.thread_time()
    for s in sample:
        explain(problem, state, s, occupancy)
    cold = time.thread_time() - t
    t = time.thread_time()
    for s in sample:
        explain(problem, state, s, occupancy)
    warm = time.thread_time() - t
    projects = {problem.students[s].project for s in unplaced}
    seen = {problem.students[s].project for s in sample}
    builds = max(0.0, cold - warm) * len(projects) / len(seen)
    return 2.0 * (builds + warm * len(unplaced) / len(sample))


def build_result(
    problem: Problem,
    state: State,
    upper_bound: int,
    status: Status,
    stats: dict[str, float],
    bound_kind: BoundKind,
    keeps_current: bool,
    end: float = float("inf"),
) -> SolveResult:
    """The plain result of a placement: assignments, every unplaced student explained, the moves (also
    used by ``solver.merge`` for a result merged from parts); past ``end`` (the time limit) unplaced
    students are explained without their closest mentors, which is the costly part (seconds at L)."""
    ms, sts = problem.mentors, problem.students
    placement = dict(state.where)
    placement.update({s: (m, start) for s, m, start in problem.fixed})
    assignments: list[Assignment] = []
    moves: list[Move] = []
    unplaced: list[Unplaced] = []
    occupancy = Occupancy(problem, state)
    detailed = True
    for s, st in enumerate(sts):
        where = placement.get(s)
        if where is None:
            if detailed and len(unplaced) % 64 == 0:
                detailed = time.monotonic() < end
            unplaced.append(explain(problem, state, s, occupancy, detailed))
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
