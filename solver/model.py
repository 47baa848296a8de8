"""Plain data in and out of the solver.

The week is the Paris week, cut into 15-minute steps: step 0 is Monday 00:00 Paris, step 671 is
Sunday 23:45. All intervals are half-open ``[start_step, end_step)``. Callers convert wall-clock
windows in a person's own time zone to this grid before calling the solver (DST included), so the
solver never sees a time zone, only a region label used as a soft preference.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

STEP_MINUTES = 15
STEPS_PER_DAY = 24 * 60 // STEP_MINUTES  # 96
DAYS_PER_WEEK = 7
STEPS_PER_WEEK = STEPS_PER_DAY * DAYS_PER_WEEK  # 672
MIN_SESSION_STEPS = 2  # 30 minutes (R14)
MAX_SESSION_STEPS = 4  # 60 minutes (R14)
MAX_CAPACITY = 20  # R2: the guide advises 20 at most


@dataclass(frozen=True, slots=True)
class Interval:
    """Half-open interval of week steps ``[start_step, end_step)``."""

    start_step: int
    end_step: int


@dataclass(frozen=True, slots=True)
class MentorIn:
    """A mentor as the solver sees them (the rules that bind a pair: ``solver.problem``).

    ``availability`` lists weekly windows already on the Paris grid; ``absences`` are removed from it
    (blocked step intervals of the week being planned). ``capacity`` is the requested number of students
    (H2 of ``solver.problem``), a hard ceiling counting current students.
    """

    id: int
    projects: frozenset[int]
    capacity: int
    availability: tuple[Interval, ...]
    absences: tuple[Interval, ...] = ()
    languages: frozenset[str] = frozenset()
    region: str = ""


@dataclass(frozen=True, slots=True)
class StudentIn:
    """A student as the solver sees them.

    ``allowed_weekdays`` holds 0 (Monday) .. 6 (Sunday) allowed by the funding (H6).
    ``current_mentor_id``/``current_start_step`` describe the student's existing weekly session, if any;
    a ``pinned`` student must keep exactly that pair and slot.
    """

    id: int
    project: int
    level: int
    duration_steps: int
    availability: tuple[Interval, ...]
    allowed_weekdays: frozenset[int] = frozenset(range(DAYS_PER_WEEK))
    current_mentor_id: int | None = None
    current_start_step: int | None = None
    forbidden_mentor_ids: frozenset[int] = frozenset()
    pinned: bool = False
    languages: frozenset[str] = frozenset()
    region: str = ""


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the objectives O1-O4 of ``solver.problem``; the defaults make them lexicographic on
    realistic sizes.

    Per student: ``placed`` for being placed, ``kept`` for keeping the current pair and slot, ``language``
    when the pair shares a language, ``region`` when both have the same region, minus
    ``level_cost * level_cost_eur[level]``. Per mentor: ``fill`` spread concavely over their seats, so the
    k-th seat of a mentor of capacity c is worth ``fill * (c - k + 1) / c``: mentors fill in proportion.
    """

    placed: int = 1_000_000
    kept: int = 10_000
    fill: int = 100
    language: int = 10
    region: int = 5
    level_cost: int = 0
    level_cost_eur: Mapping[int, int] = field(default_factory=lambda: {1: 30, 2: 35, 3: 40})


@dataclass(frozen=True, slots=True)
class Progress:
    """Reported to ``SolveOptions.progress`` after each improvement phase."""

    elapsed_s: float
    placed: int
    upper_bound: int
    phase: str


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How to solve.

    ``move_existing``: when True (the default) non-pinned current pairs may move when that places more
    students, O1 before O2 (``solver.problem``), the ``kept`` weight deciding; when False, every still-valid
    current pair is kept as it is and only the others are placed around it: the incremental re-run mode
    (R8), which moves only the students whose own pair broke. ``lns_rounds`` bounds the improvement work so
    that a fixed seed gives the same result whatever the machine's speed; ``time_limit_s`` is a safety
    limit on top (a result cut by it is reported with status ``time_limit``).
    """

    time_limit_s: float = 60.0
    seed: int = 0
    num_workers: int = 2
    weights: Weights = field(default_factory=Weights)
    move_existing: bool = True
    lns_rounds: int = 400
    cancel: threading.Event | None = None
    progress: Callable[[Progress], None] | None = None


class ReasonCode(enum.Enum):
    """Why a student was left unplaced, from the most basic cause to the least."""

    NO_MENTOR_FOR_PROJECT = "NO_MENTOR_FOR_PROJECT"
    ONLY_FORBIDDEN_MENTORS = "ONLY_FORBIDDEN_MENTORS"
    ALL_MENTORS_FULL = "ALL_MENTORS_FULL"
    NO_COMMON_SLOT = "NO_COMMON_SLOT"
    LOST_TO_COMPETITION = "LOST_TO_COMPETITION"


class MoveReason(enum.Enum):
    """Why a student's pair or slot differs from their current one."""

    PAIR_INVALID = "PAIR_INVALID"  # the current pair broke a hard rule (availability, absence, ...)
    MOVED_FOR_PLACEMENT = "MOVED_FOR_PLACEMENT"  # valid, but moved to make room for more students


@dataclass(frozen=True, slots=True)
class Assignment:
    student_id: int
    mentor_id: int
    start_step: int
    duration_steps: int
    kept: bool


@dataclass(frozen=True, slots=True)
class ClosestMentor:
    """A mentor the unplaced student could have had alone, and who stood in the way at the best slot."""

    mentor_id: int
    start_step: int
    blocking_student_ids: tuple[int, ...]
    mentor_full: bool


@dataclass(frozen=True, slots=True)
class Unplaced:
    student_id: int
    reason: ReasonCode
    facts: Mapping[str, int]
    closest_mentors: tuple[ClosestMentor, ...] = ()


@dataclass(frozen=True, slots=True)
class Slot:
    mentor_id: int
    start_step: int


@dataclass(frozen=True, slots=True)
class Move:
    """A student who had a pair and slot and ends with another one, or none (``to_slot`` is None)."""

    student_id: int
    from_slot: Slot | None
    to_slot: Slot | None
    reason: MoveReason


Status = Literal["optimal", "feasible", "cancelled", "time_limit", "infeasible_input"]

# Which proof stands behind ``SolveResult.upper_bound``:
# ``flow``: the flow relaxation of ``solver.bound`` (ignores overlaps within a day, ~1-4% loose on
# free-form weeks); ``lp``: the LP relaxation of the time-indexed model (``solver.reference``), solved
# within the run's budget; ``lagrange``: the same LP's class-size rows priced by Lagrangian multipliers,
# one exact schedule per mentor (``solver.lagrange``: where the LP does not fit the budget, e.g. at L);
# ``exact``: the time-indexed model solved exactly (small instances); ``none``: no bound (infeasible
# input). The bound is for the problem the run solved: with
# ``move_existing=False`` it holds only with every still-valid current pair kept where it is.
BoundKind = Literal["flow", "lp", "lagrange", "exact", "none"]


@dataclass(frozen=True, slots=True)
class SolveResult:
    """The outcome. ``upper_bound`` is a proven ceiling on ``placed``, of kind ``bound_kind``.

    ``bound_kind`` says which proof it comes from (see ``BoundKind``); ``bound_keeps_current`` is True
    when the bound is for the problem with every still-valid current pair kept (``move_existing=False``).
    """

    assignments: tuple[Assignment, ...]
    unplaced: tuple[Unplaced, ...]
    moves: tuple[Move, ...]
    placed: int
    upper_bound: int
    status: Status
    errors: tuple[str, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)
    bound_kind: BoundKind = "flow"
    bound_keeps_current: bool = False
