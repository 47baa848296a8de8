"""Large neighbourhoods where the whole LP is too large: groups of mentors re-solved through their LP.

At L the time-indexed LP of ``solver.reference`` has tens of millions of variables (``mixed`` L: 18
million) and is not tried, so the search has no LP's support to start from (``solver.lpguide``), and the
blocks of ``solver.miplns`` (14 mentors around one unplaced student) add a student or two each. Here a
pass cuts the mentors into groups of about ``GROUP_MENTORS`` and hands every unplaced student to one
group; each group, with the students sitting there and those handed to it, is re-solved as ``miplns``
solves a block (its LP by GLOP's dual simplex, the LP's bound, then the MIP on the LP's support and the
group's own sessions: ``miplns.plan_block``) and kept where it places more.

Passes alternate between two cuts. Within a *home* (the project of most of the students who could
have a mentor) mentors share students, so odd passes cut each home's mentors; even passes cut all
mentors at random, for the moves between homes (on ``evening`` S seed 1 home cuts alone stopped at 102
of an optimum of 106). Every cut is drawn anew. An unplaced student goes to a group holding some of
their possible mentors, drawn with a weight of how many. After a pair of passes (one cut of each
kind) that placed few, groups grow (``GROW_BELOW``, ``GROW``, up to ``MAX_GROUP_MENTORS``: on ``mixed``
M seed 1 with the LP off, 1,607 where groups of 18 stopped, 1,628 once grown); the search ends after a
pair of passes of the largest groups that placed no one more (work counts: a run that ends so is
deterministic).

Groups of a pass share neither mentors nor students, so ``WORKERS`` of them are solved at once from
the same placement (HiGHS and GLOP release the GIL; the model is built in Python) and applied one after
the other: the result does not depend on which thread finished first.

Measured on ``mixed`` L seed 1 (20,000 students, first fit 14,907, Lagrangian bound 17,169), 60 s runs:
groups of 50 mentors 15,204 (single-threaded, from the construction); 35: 15,268; 25: 15,435; 18:
15,544 in 40 s; with 18, two workers and the alternating cuts, 15,927-15,977 at 60 s and 16,344 at
300 s (before groups: 15,446 and 15,404). A group of 50 holds ~60,000 variables: its LP takes 0.4-1.4 s
but the MIP on its support (~900 variables, half of them fractional) 0.2-9 s at HiGHS's root, with or
without presolve, and SCIP is no faster; smaller groups keep that MIP small.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from solver.classes import StudentClass
from solver.miplns import Plan, apply, plan_block
from solver.state import State

GROUP_MENTORS = 18
# After a pair of passes that placed fewer than one student in GROW_BELOW placed, groups grow by GROW,
# up to MAX_GROUP_MENTORS; the search ends after a pair of passes of those that placed no one more.
GROW_BELOW = 1_000
GROW = 1.5
MAX_GROUP_MENTORS = 100
WORKERS = 2  # groups solved at once


@dataclass(frozen=True, slots=True)
class Group:
    mentors: list[int]
    waiting: dict[int, list[int]]  # class -> unplaced students handed to the group


def homes(classes: list[StudentClass], mentors: int) -> list[int]:
    """Each mentor's home: the project with the most students who could have them (-1: none)."""
    count: list[Counter[int]] = [Counter() for _ in range(mentors)]
    for cls in classes:
        for m in cls.mentors:
            count[m][cls.project] += len(cls.members)
    return [min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c else -1 for c in count]


def partition(
    state: State,
    classes: list[StudentClass],
    home: list[int],
    rng: random.Random,
    size: int = GROUP_MENTORS,
    across: bool = False,
) -> list[Group]:
    """The mentors cut into groups of about ``size`` of one home, every unplaced student handed to one
    group holding some of their possible mentors (drawn, weighted by how many)."""
    by_home: dict[int, list[int]] = {}
    for m, h in enumerate(home):
        if h >= 0:
            by_home.setdefault(0 if across else h, []).append(m)
    groups: list[Group] = []
    group_of: dict[int, int] = {}
    for h in sorted(by_home):
        ms = by_home[h]
        rng.shuffle(ms)
        parts = max(1, round(len(ms) / size))
        for i in range(parts):
            for m in ms[i::parts]:
                group_of[m] = len(groups)
            groups.append(Group(sorted(ms[i::parts]), {}))
    for c, cls in enumerate(classes):
        weights = Counter(group_of[m] for m in cls.mentors if m in group_of)
        if not weights:
            continue
        keys = sorted(weights)
        for s in cls.members:
            if s not in state.where:
                g = rng.choices(keys, [weights[k] for k in keys])[0]
                groups[g].waiting.setdefault(c, []).append(s)
    return groups


@dataclass(slots=True)
class GroupSearch:
    """Passes of groups, one group a step; a new pass (a new cut) once the last one is done."""

    classes: list[StudentClass]
    class_of: dict[int, int]
    rng: random.Random
    size: int = GROUP_MENTORS
    home: list[int] = field(default_factory=list)
    queue: list[Group] = field(default_factory=list)
    passes: int = 0
    gained: int = 0  # in the pair of passes (a cut by home, a cut across) under way
    idle: bool = False  # a pair of passes of the largest groups placed no one more

    def has_work(self) -> bool:
        """False once a pair of passes of ``MAX_GROUP_MENTORS`` placed no one more."""
        return not self.idle

    def step(self, state: State, deadline: float, cancel: Callable[[], bool]) -> int:
        """Re-solve the next ``WORKERS`` groups (one in a thread of its own); returns how many more
        students they placed. The groups of a pass share neither mentors nor students: both are solved
        from the same placement and applied after one another, so the result does not depend on which
        thread finished first."""
        if not self.home:
            self.home = homes(self.classes, len(state.problem.mentors))
        if not self.queue:
            if self.passes and self.passes % 2 == 0:
                # A pair of passes done: where it placed few, the next groups are larger.
                if self.gained < max(1, state.placed // GROW_BELOW):
                    if self.size >= MAX_GROUP_MENTORS:
                        self.idle = self.gained == 0
                    self.size = min(MAX_GROUP_MENTORS, math.ceil(self.size * GROW))
                self.gained = 0
            if self.idle:
                return 0
            self.queue = partition(state, self.classes, self.home, self.rng, self.size, self.passes % 2 == 1)
            self.queue.reverse()
            self.passes += 1
        batch: list[tuple[Group, dict[int, list[int]]]] = []
        while self.queue and len(batch) < WORKERS:
            group = self.queue.pop()
            # Students handed to the group may have been placed meanwhile (chains run between steps).
            waiting = {c: [s for s in left if s not in state.where] for c, left in group.waiting.items()}
            waiting = {c: left for c, left in waiting.items() if left}
            if waiting:
                batch.append((group, waiting))
        if not batch:
            return 0

        def plan(item: tuple[Group, dict[int, list[int]]]) -> Plan | None:
            group, waiting = item
            return plan_block(
                state, self.classes, self.class_of, group.mentors, waiting, deadline, cancel, False
            )

        if len(batch) == 1:
            plans = [plan(batch[0])]
        else:
            # HiGHS and GLOP release the GIL while they solve: the second core works on the other group.
            with ThreadPoolExecutor(max_workers=len(batch) - 1) as pool:
                others = [pool.submit(plan, item) for item in batch[1:]]
                plans = [plan(batch[0]), *(f.result() for f in others)]
        gain = sum(apply(state, self.class_of, p) for p in plans if p is not None)
        self.gained += gain
        return gain
