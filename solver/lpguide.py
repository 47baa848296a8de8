"""LP-guided placement and search: what the time-indexed LP relaxation says, turned into placements.

The LP of ``solver.reference`` says, per (class, mentor, start), how much of a session it would put
there. Three uses:

- ``solve_support``: the model cut to the LP's support (the variables it gives a positive value) and to
  every current pair, solved as a MIP by HiGHS; its sessions, placed as they are (``take_solution``),
  are the start of the LP's line of the search. On ``mixed`` M the support is ~1.5% of the variables
  and the MIP closes at its root node in 1-2 s, 55-80 students above the LP's rounding.
- ``improve_guided``: the search on that line, one block at a time: the model cut to the support, the
  placement's sessions and every variable of a block of mentors, so students outside the block may
  move within the support.
- ``solve_whole``: where the model is small (``WHOLE_MAX_VARIABLES``), the whole MIP instead of the
  support's: a placement and a ceiling from HiGHS's dual bound.
- ``lp_round``: the LP's values, largest first, taken as a plan (each becomes a session when the class
  still has an unplaced member and the mentor a seat and that start free), current pairs placed first;
  used where the support MIP gave nothing. Students left out go to the first mentor with a seat and a
  free common start, and chains repair the result as any placement.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import numpy.typing as npt

from solver.classes import StudentClass
from solver.greedy import keep_current, place_first
from solver.model import STEPS_PER_WEEK
from solver.prepare import Problem
from solver.reference import Solution, TimeIndexed, ceiling, solve_model
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


# The MIP on the LP's support stops at this many branch-and-bound nodes (a work count, not a clock: the
# same result on a fast or a loaded machine). Measured on ``mixed`` M seed 1: 2,542 variables (of the
# LP's 189,092; 1,594 of them fractional), solved at the root node by HiGHS in 5.8 s, 1,617 placed,
# against 1,539 for the LP's rounding (1,599 once chained) and 1,610 for a whole 60 s run that rounded.
SUPPORT_MAX_NODES = 200
SUPPORT_EPSILON = 1e-6
SUPPORT_ABS_GAP = 0.9
KEPT_BONUS = 1e-3  # per student on their current pair and slot: below one placement (as in ``miplns``)


def keys(model: TimeIndexed, mentors: int) -> npt.NDArray[np.int64]:
    c = model.var_class.astype(np.int64)
    return (c * mentors + model.var_mentor) * STEPS_PER_WEEK + model.var_start


def placed_sessions(
    model: TimeIndexed,
    mentors: int,
    class_of: Mapping[int, int],
    where: Iterable[tuple[int, tuple[int, int]]],
) -> npt.NDArray[np.bool_]:
    """Which of ``model``'s variables hold a session of ``where`` (student -> (mentor, start step)), the
    students of ``class_of`` only: the placement a restricted model must keep within reach."""
    sessions = [(class_of[s] * mentors + m) * STEPS_PER_WEEK + t for s, (m, t) in where if s in class_of]
    return np.isin(keys(model, mentors), np.asarray(sessions, np.int64))


def kept_weights(problem: Problem, classes: list[StudentClass], model: TimeIndexed) -> list[float]:
    """Objective weights for ``model``: 1 a student placed, ``1 + KEPT_BONUS`` on a movable student's
    current pair and slot (``O2`` of ``solver.problem``, below one placement)."""
    weights: list[float] = np.where(_current(problem, classes, model), 1.0 + KEPT_BONUS, 1.0).tolist()
    return weights


def _current(problem: Problem, classes: list[StudentClass], model: TimeIndexed) -> npt.NDArray[np.bool_]:
    """Which of ``model``'s variables are some movable student's current pair and slot."""
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    mentors = len(problem.mentors)
    wanted = {
        (class_of[s] * mentors + current[0]) * STEPS_PER_WEEK + current[1]
        for s in problem.movable
        if (current := problem.students[s].current) is not None and s in class_of
    }
    return np.isin(keys(model, mentors), np.fromiter(wanted, np.int64, len(wanted)))


def support_model(
    problem: Problem, classes: list[StudentClass], model: TimeIndexed, values: npt.NDArray[np.float64]
) -> tuple[TimeIndexed, list[float]]:
    """The time-indexed model restricted to the LP's support (the variables it gives a positive value)
    and to every movable student's current pair and slot (so that keeping it stays possible), with its
    objective weights (``KEPT_BONUS`` on those current pairs). The rows are the full model's, cut to
    those variables. Any solution is a valid placement of the full model; its optimum is at most the full
    optimum and, where the LP is nearly integral, close to it."""
    kept = _current(problem, classes, model)
    chosen = np.flatnonzero((values > SUPPORT_EPSILON) | kept)
    weights = np.where(kept[chosen], 1.0 + KEPT_BONUS, 1.0).tolist()
    return restrict(model, chosen), weights


def restrict(model: TimeIndexed, chosen: npt.NDArray[np.int64]) -> TimeIndexed:
    """``model`` cut to the variables ``chosen`` (sorted indices), its rows cut to them."""
    index = np.full(model.size, -1, np.int64)
    index[chosen] = np.arange(len(chosen))
    rows: list[tuple[list[int], float]] = []
    for js, ub in model.rows:
        mapped = index[np.asarray(js, np.int64)]
        mapped = mapped[mapped >= 0]
        if len(mapped) > ub:  # a row its (0-1) variables cannot break any more is left out
            rows.append((mapped.tolist(), ub))
    return TimeIndexed(
        model.var_class[chosen], model.var_mentor[chosen], model.var_start[chosen], rows, model.fixed
    )


def solve_support(
    problem: Problem,
    classes: list[StudentClass],
    model: TimeIndexed,
    values: npt.NDArray[np.float64],
    time_limit_s: float,
    cancel: Callable[[], bool],
) -> tuple[TimeIndexed, npt.NDArray[np.float64]] | None:
    """The MIP on the LP's support (:func:`support_model`), solved by HiGHS up to ``SUPPORT_MAX_NODES``
    nodes: the model and its solution (0-1 values, for :func:`take_solution`), or None without one."""
    sub, weights = support_model(problem, classes, model, values)
    solved = solve_restricted(sub, weights, time_limit_s, cancel)
    return None if solved is None else (sub, solved)


# Up to this many variables the LP's line starts from the MIP of the whole model, not of its support:
# it gives a placement at least as good and, from HiGHS's dual bound, a ceiling that closes the LP's
# integrality gap. Measured on an outside generator's ``popular`` family at M (skewed demand, 23,552 to
# 30,447 variables): LP 844.96 / 886.58 / 937.71, optimum 836 / 881 / 930, proven by HiGHS at its root
# node in 2.4-3.1 s; the runs had placed the optimum within 1 s and went on to their time limit under
# the LP's bound (0.6-1.0% above). Every family of ``solver.families`` has 112,000 or more at M.
WHOLE_MAX_VARIABLES = 60_000


def solve_whole(
    problem: Problem,
    classes: list[StudentClass],
    model: TimeIndexed,
    time_limit_s: float,
    cancel: Callable[[], bool],
) -> tuple[npt.NDArray[np.float64] | None, int | None]:
    """The whole model's MIP (current pairs weighted as in :func:`support_model`), solved by HiGHS as
    :func:`solve_restricted` solves a restricted one: its 0-1 values (or None) and a proven ceiling on
    the number placed (or None). Every placement weighs at least its count, so HiGHS's dual bound on the
    weighted optimum bounds the count too."""
    solution = _solve_mip(model, kept_weights(problem, classes, model), time_limit_s, cancel)
    if solution is None:
        return None, None
    values = None if solution.values is None else np.round(solution.values)
    return values, ceiling(model, solution)


def solve_restricted(
    sub: TimeIndexed, weights: list[float], time_limit_s: float, cancel: Callable[[], bool]
) -> npt.NDArray[np.float64] | None:
    """A restricted model (:func:`support_model`) solved by HiGHS: its 0-1 values, or None without a
    solution. It stops at ``SUPPORT_MAX_NODES`` nodes or once its placement count is proven (the
    bonuses of kept pairs add up to less than 1), never at a clock before ``time_limit_s``."""
    solution = _solve_mip(sub, weights, time_limit_s, cancel)
    return None if solution is None or solution.values is None else np.round(solution.values)


def _solve_mip(
    model: TimeIndexed, weights: list[float], time_limit_s: float, cancel: Callable[[], bool]
) -> Solution | None:
    """HiGHS on ``model`` up to ``SUPPORT_MAX_NODES`` nodes or a proven placement count; None where
    there is nothing to solve or no time left."""
    if model.size == 0 or time_limit_s <= 0.05:
        return None
    return solve_model(
        model,
        integer=True,
        time_limit_s=time_limit_s,
        cancel=cancel,
        weights=weights,
        options=f"mip_max_nodes = {SUPPORT_MAX_NODES}\nmip_abs_gap = {SUPPORT_ABS_GAP}",
    )


def take_solution(
    problem: Problem, classes: list[StudentClass], model: TimeIndexed, values: npt.NDArray[np.float64]
) -> State:
    """The placement of a 0-1 solution of ``model`` as it is (unlike :func:`lp_round`, current pairs
    are not placed first: the solution says which stay), each session to the class member whose current
    pair and slot it is, else to any; students it leaves out then go to the first mentor with a seat
    and a free common start."""
    state = State(problem)
    students = problem.students
    waiting = [list(cls.members) for cls in classes]
    for j in np.flatnonzero(values > 0.5).tolist():
        c, m, t = int(model.var_class[j]), int(model.var_mentor[j]), int(model.var_start[j])
        members = waiting[c]
        if not members:
            continue
        pick = next((i for i, s in enumerate(members) if students[s].current == (m, t)), len(members) - 1)
        s = members[pick]
        if state.has_room(m) and (state.open_starts(s, m) >> t) & 1:
            state.assign(members.pop(pick), m, t)
    for c, left in enumerate(waiting):
        for s in left:
            place_first(state, s, classes[c].mentors)
    return state


# A guided block: the model restricted to the LP's support, the placement's own sessions and every
# variable of GUIDED_MENTORS mentors (a few of an unplaced student's, the rest at random). Unlike a
# block of ``miplns``, the students outside the block are not fixed: they may move within the LP's
# support. Measured on ``mixed`` M seed 1 from a 60 s run's 1,624: 16,600-28,100 variables, solved at
# the root node in 3.6-18.7 s, 1,626-1,630 placed (blocks of 20 and 40 random mentors).
GUIDED_MENTORS = 40
GUIDED_SEED_MENTORS = 6


def improve_guided(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    guide: tuple[TimeIndexed, npt.NDArray[np.float64]],
    seed: int,
    rng: random.Random,
    deadline: float,
    cancel: Callable[[], bool],
) -> int:
    """Re-solve the guided block around unplaced student ``seed``; the placement is replaced when the
    block's solution places more. Returns how many more."""
    problem = state.problem
    model, values = guide
    # The seed's own mentors, then mentors drawn at random: spread over the instance, they let the MIP
    # move students along the LP's support far from the seed (from the same 1,624: blocks grown around
    # the seed, as in ``lns``, gained once in 4, random ones every time, +2 to +6).
    own = classes[class_of[seed]].mentors
    block = set(rng.sample(own, min(GUIDED_SEED_MENTORS, len(own))))
    others = [m for m in range(len(problem.mentors)) if m not in block]
    block.update(rng.sample(others, min(GUIDED_MENTORS - len(block), len(others))))
    mentors = len(problem.mentors)
    wanted = (
        (values > SUPPORT_EPSILON)
        | placed_sessions(model, mentors, class_of, state.where.items())
        | np.isin(model.var_mentor, np.fromiter(block, np.int32, len(block)))
    )
    sub, weights = support_model(problem, classes, model, wanted.astype(np.float64))
    solved = solve_restricted(sub, weights, deadline - time.monotonic(), cancel)
    if solved is None or sub.fixed + int(solved.sum()) <= state.placed:
        return 0
    better = take_solution(problem, classes, sub, solved)
    gain = better.placed - state.placed
    if gain <= 0:
        return 0
    for s in list(state.where):
        state.unassign(s)
    for s, (m, t) in better.where.items():
        state.assign(s, m, t)
    return gain
