"""Large-neighbourhood search with exact neighbourhoods: a block of mentors re-solved by the HiGHS MIP.

A neighbourhood is a block of mentors grown from one unplaced student (``lns.neighbourhood``: a few of
the mentors they could have, then the mentors the students already there could move to). Every movable
student sitting with those mentors and every unplaced student who could join one of them is taken out;
the time-indexed model of ``solver.reference`` restricted to those students and mentors (everyone else
stays where they are, fixed sessions keep their steps) is solved by HiGHS. The objective is the number
placed in the block, with a small bonus per student on their current pair and slot (``O2`` of
``solver.problem``). A solution that places more students than the block held replaces it: the search
never loses a student.

Measured at M (scarce, seed 2, loaded machine): the CP-SAT neighbourhoods of ``solver.lns`` took ~3.7 s
each and rarely added a student; a block of 14 mentors is a MIP of 1,500-3,500 variables that HiGHS
closes in 0.3-1 s, and about one block in two adds a student. On ``mixed`` M (45-minute sessions, every
quarter hour a start) blocks have 2,400-9,200 variables and HiGHS needs 0.3-12 s for the root node on a
loaded machine: under the former 1.5 s wall-clock limit none gave a solution; stopped at a node count
instead, 8 of 12 added students, and the result no longer depends on the machine's speed.

A block is now solved LP first (``_solve_block``): GLOP's dual simplex gives the block's LP and, from its
duals, a bound; a block whose bound proves it cannot place more is left at once, else the MIP on the LP's
support (and the block's sessions) is tried before the block's whole MIP. 30 blocks from the packing's
placement (``greedy.packed``), seed 1, one after the other (CPU seconds, students gained):

| instance | whole MIP only | LP, support MIP, whole MIP where needed |
|---|---|---|
| mixed M | 29.6 s, +28 | 8.5 s, +30 |
| freeform M | 6.0 s, +6 | 1.5 s, +6 (support MIP only) |
| evening M | 13.3 s, +8 | 1.9 s, +7 |
| mixed L | 13.3 s for 12 blocks, +13 | 20.1 s for 30 blocks, +31 |

A re-solve is a plan (:func:`plan_block`, which only reads the state) and its application
(:func:`apply`): ``solver.groups`` plans two groups of mentors at once in two threads and applies them
one after the other.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solver import reference
from solver.classes import StudentClass
from solver.lns import neighbourhood
from solver.lpguide import SUPPORT_EPSILON, placed_sessions, restrict, solve_restricted
from solver.state import State

BLOCK_SEED_MENTORS = 6
BLOCK_MENTORS = 14
# A block's MIP stops at a node count, not at a clock (``BLOCK_OPTIONS``): its result is then the same
# on a fast or a loaded machine, so a run that ends before its limit is deterministic for a seed.
BLOCK_MAX_NODES = 30
BLOCK_OPTIONS = f"mip_max_nodes = {BLOCK_MAX_NODES}"
KEPT_BONUS = 1e-3  # per student on their current pair and slot: below one placement for any block


def improve_block(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    seed: int,
    rng: random.Random,
    deadline: float,
    cancel: Callable[[], bool],
) -> int:
    """Re-solve the block around unplaced student ``seed``; returns how many more students it placed."""
    nb = neighbourhood(state, classes, class_of, seed, rng, BLOCK_SEED_MENTORS, BLOCK_MENTORS)
    block = set(nb.mentors)
    waiting: dict[int, list[int]] = {}
    for c in {class_of[seed], *(class_of[s] for m in nb.mentors for s in state.at_mentor[m])}:
        if not block.intersection(classes[c].mentors):
            continue
        left = [s for s in classes[c].members if s not in state.where]
        if left:
            waiting[c] = left
    plan = plan_block(state, classes, class_of, nb.mentors, waiting, deadline, cancel)
    return 0 if plan is None else apply(state, class_of, plan)


@dataclass(frozen=True, slots=True)
class Plan:
    """A block's better placement, not yet applied: who sat in the block, who waited, the solution."""

    inside: list[int]
    waiting: Mapping[int, list[int]]
    model: reference.TimeIndexed
    chosen: list[int]  # the solution's variables at 1


def plan_block(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    mentors: Sequence[int],
    waiting: Mapping[int, list[int]],
    deadline: float,
    cancel: Callable[[], bool],
    whole: bool = True,
) -> Plan | None:
    """Re-solve ``mentors`` with the students sitting there and the unplaced ``waiting`` (class ->
    students), everyone else where they are; ``whole`` as in :func:`_solve_block`. It only reads
    ``state`` (its block's mentors and students), so blocks sharing neither mentors nor students may be
    planned at the same time, from threads, and applied (:func:`apply`) after one another. None where it
    finds no gain."""
    problem = state.problem
    block = set(mentors)
    inside = sorted(s for m in mentors for s in state.at_mentor[m])
    class_ids: set[int] = {class_of[s] for s in inside}
    sizes = [0] * len(classes)
    for s in inside:
        sizes[class_of[s]] += 1
    for c, left in waiting.items():
        sizes[c] += len(left)
        class_ids.add(c)
    model = reference.build(problem, classes, sorted(class_ids), sorted(block), sizes=sizes)
    if model.size == 0:
        return None
    index = {
        (c, m, t): j
        for j, (c, m, t) in enumerate(
            zip(model.var_class.tolist(), model.var_mentor.tolist(), model.var_start.tolist(), strict=True)
        )
    }
    students = problem.students
    weights = [1.0] * model.size
    for c in class_ids:
        for s in (*classes[c].members,):
            current = students[s].current
            if current is not None and current[0] in block:
                j = index.get((c, *current))
                if j is not None:
                    weights[j] = 1.0 + KEPT_BONUS
    limit = deadline - time.monotonic()
    if limit <= 0.05:
        return None
    found = _solve_block(state, class_of, model, weights, inside, deadline, cancel, whole)
    if found is None:
        return None
    model, values = found
    chosen = np.flatnonzero(values > 0.5).tolist()
    if len(chosen) <= len(inside):
        return None
    return Plan(inside, waiting, model, chosen)


def apply(state: State, class_of: dict[int, int], plan: Plan) -> int:
    """Lay ``plan`` on ``state``; returns how many more students it placed (0, and nothing changed,
    should a session no longer fit)."""
    students = state.problem.students
    model, inside = plan.model, plan.inside
    before = {s: state.where[s] for s in inside}
    pool: dict[int, list[int]] = {}
    for s in inside:
        state.unassign(s)
        pool.setdefault(class_of[s], []).append(s)
    for c, left in plan.waiting.items():
        pool.setdefault(c, []).extend(left)
    placed: list[int] = []
    ok = True
    for j in plan.chosen:
        c, m, t = int(model.var_class[j]), int(model.var_mentor[j]), int(model.var_start[j])
        members = pool[c]
        # The member already there, else the one whose current pair this is, else the first.
        pick = next((i for i, s in enumerate(members) if before.get(s) == (m, t)), None)
        if pick is None:
            pick = next((i for i, s in enumerate(members) if students[s].current == (m, t)), 0)
        s = members.pop(pick)
        if not state.has_room(m) or not (state.open_starts(s, m) >> t) & 1:
            ok = False  # never expected: the model holds every hard rule; undo rather than break one
            break
        state.assign(s, m, t)
        placed.append(s)
    if not ok:
        for s in placed:
            state.unassign(s)
        for s, (m, t) in before.items():
            state.assign(s, m, t)
        return 0
    return len(plan.chosen) - len(inside)


def _solve_block(
    state: State,
    class_of: dict[int, int],
    model: reference.TimeIndexed,
    weights: list[float],
    inside: list[int],
    deadline: float,
    cancel: Callable[[], bool],
    whole: bool = True,
) -> tuple[reference.TimeIndexed, npt.NDArray[np.float64]] | None:
    """A solution of the block's model placing more than ``inside`` (the model it is a solution of:
    the block's, or its restriction to the LP's support), or None.

    The block's LP first (GLOP's dual simplex, with the bonus on current pairs): where its bound proves
    that the block cannot place more than it holds, nothing else is tried. Then the MIP on the LP's
    support and the block's own sessions (``lpguide``); only where that gains nothing while the bound
    leaves room, the block's whole MIP (HiGHS, ``BLOCK_MAX_NODES``), unless ``whole`` is False (large
    blocks, where that MIP would take minutes)."""
    problem = state.problem
    lp = reference.solve_model(
        model,
        integer=False,
        time_limit_s=deadline - time.monotonic(),
        engine="GLOP",
        cancel=cancel,
        weights=weights,
        options=reference.DUAL_SIMPLEX,
    )
    if lp.values is None or lp.duals is None:
        return None
    ceiling = math.floor(reference.plain_bound(model, lp.duals) + 1e-3)
    if ceiling <= len(inside):
        return None
    mentors = len(problem.mentors)
    placed = [(s, state.where[s]) for s in inside]
    wanted = (lp.values > SUPPORT_EPSILON) | placed_sessions(model, mentors, class_of, placed)
    index = np.flatnonzero(wanted)
    sub = restrict(model, index)
    solved = solve_restricted(sub, [weights[j] for j in index.tolist()], deadline - time.monotonic(), cancel)
    if solved is not None and int(solved.sum()) > len(inside):
        return sub, solved
    limit = deadline - time.monotonic()
    if limit <= 0.05 or not whole:
        return None
    # No warm start: ``SetHint`` crashes the process with HiGHS through pywraplp (OR-Tools 9.15); the
    # block is small enough that HiGHS finds the block's placement itself, and only a gain is applied.
    sol = reference.solve_model(
        model, integer=True, time_limit_s=limit, cancel=cancel, weights=weights, options=BLOCK_OPTIONS
    )
    return None if sol.values is None else (model, sol.values)
